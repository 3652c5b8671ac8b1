package io.github.distlock.metrics;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;

/**
 * distlock's observation convention. It keeps the observation's name
 * ({@code distlock.wait} or {@code distlock.hold}, set by its context). Low-cardinality
 * key values (timer tags and span tags): {@code backend}, {@code lock} (the lock's name,
 * never its key) and {@code outcome}, plus {@code exception} (the error's simple class
 * name) when the wait failed. High-cardinality key values (span tags only): {@code key}
 * and, once acquired, {@code fencing.token}.
 */
public class DefaultDistlockObservationConvention implements DistlockObservationConvention {

	/** The instance used when no other convention is given. */
	public static final DefaultDistlockObservationConvention INSTANCE = new DefaultDistlockObservationConvention();

	/** Key of the error's class name, only on observations that ended in an error. */
	public static final String EXCEPTION = "exception";

	@Override
	public String getContextualName(DistlockObservationContext context) {
		String kind = (context.getKind() == DistlockObservationContext.Kind.WAIT) ? "wait" : "hold";
		return "distlock " + kind + " " + context.getLock().name();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(DistlockObservationContext context) {
		KeyValues values = KeyValues.of(KeyValue.of("backend", context.getLock().backend()),
				KeyValue.of("lock", context.getLock().name()),
				KeyValue.of("outcome", (context.getOutcome() != null) ? context.getOutcome() : "unknown"));
		Throwable error = context.getError();
		return (error != null) ? values.and(EXCEPTION, error.getClass().getSimpleName()) : values;
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(DistlockObservationContext context) {
		KeyValues values = KeyValues.of("key", context.getLock().key());
		Long token = context.getFencingToken();
		return (token != null) ? values.and("fencing.token", Long.toString(token)) : values;
	}

}
