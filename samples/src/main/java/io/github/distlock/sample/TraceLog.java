package io.github.distlock.sample;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import io.micrometer.tracing.exporter.FinishedSpan;
import io.micrometer.tracing.exporter.SpanReporter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.stereotype.Component;

/**
 * A log-based tracer's exporter: every finished span is logged with its trace, its parent
 * and its tags, so a reservation's trace shows the lock's {@code distlock wait} and
 * {@code distlock hold} spans inside the request's span without a tracing server. The
 * last spans are kept for the sample's tests.
 */
@Component
public class TraceLog implements SpanReporter {

	private static final Log logger = LogFactory.getLog(TraceLog.class);

	private static final int KEPT = 100;

	private final Deque<FinishedSpan> recent = new ArrayDeque<>();

	@Override
	public void report(FinishedSpan span) {
		logger.info("span trace=" + span.getTraceId() + " id=" + span.getSpanId() + " parent=" + span.getParentId()
				+ " name='" + span.getName() + "' "
				+ Duration.between(span.getStartTimestamp(), span.getEndTimestamp()).toMillis() + "ms tags="
				+ span.getTags());
		synchronized (this.recent) {
			if (this.recent.size() == KEPT) {
				this.recent.removeFirst();
			}
			this.recent.addLast(span);
		}
	}

	/**
	 * The last spans reported, oldest first.
	 */
	public List<FinishedSpan> recent() {
		synchronized (this.recent) {
			return List.copyOf(this.recent);
		}
	}

	@Override
	public void close() {
	}

}
