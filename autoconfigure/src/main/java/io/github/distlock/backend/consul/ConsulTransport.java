package io.github.distlock.backend.consul;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.AbstractBufferingClientHttpRequest;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpRequestInitializer;
import org.springframework.http.client.ClientHttpResponse;

/**
 * The RestClient's transport, and the sender of the requests that must not hold a thread:
 * renewals and destroys, sent from the session layer's scheduler, and session watches,
 * which wait on the server for up to {@link ConsulApi#MAX_BLOCKING_WAIT}. Those go
 * through {@link #sendAsync}, so that the JDK client parks them on its one selector
 * thread. Spring's JDK request factory streams every body through a thread of its own and
 * asks for gzip; Consul's bodies are a few hundred bytes, so this one starts no thread
 * and asks for no compression.
 *
 * <p>
 * A request that dies on a connection the agent had closed (it closes idle keep-alive
 * connections, and a pooled one can be picked just then) is sent once more on a new
 * connection. That is safe for every call {@link ConsulApi} makes: reads, renewals and
 * destroys are idempotent; a lock transaction repeated by the same session locks the key
 * for it again (Consul re-grants a key to the session holding it), so the answer to the
 * retry is the outcome; {@code ?release=} and the check-session transactions are
 * conditional on our session and leave the key unlocked either way; and a session created
 * twice leaves one that holds nothing and expires with its ttl. Refused connections and
 * timeouts are not retried.
 *
 * <p>
 * It is also a no-op request initializer of the RestClient, which is how
 * {@link ConsulApi} finds it in a client made by {@link ConsulApi#restClientBuilder}; the
 * client's other initializers prepare the asynchronous requests too.
 */
final class ConsulTransport implements ClientHttpRequestFactory, ClientHttpRequestInitializer {

	/** Headers java.net.http sets itself and refuses from callers. */
	private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

	private final HttpClient client;

	private final Duration timeout;

	ConsulTransport(HttpClient client, Duration timeout) {
		this.client = client;
		this.timeout = timeout;
	}

	@Override
	public ClientHttpRequest createRequest(URI uri, HttpMethod method) {
		return new Request(uri, method);
	}

	@Override
	public void initialize(ClientHttpRequest request) {
		// Only a marker, by which ConsulApi finds its transport in the RestClient.
	}

	/**
	 * Sends a request made by {@link #createRequest}, with its headers and no body,
	 * without a thread waiting for it; the answer completes the stage on the JDK client's
	 * selector thread, so what follows it must not block.
	 */
	CompletableFuture<ClientHttpResponse> sendAsync(ClientHttpRequest request, Duration timeout) {
		HttpRequest built = build(request.getURI(), request.getMethod(), request.getHeaders(), new byte[0], timeout);
		return this.client.sendAsync(built, HttpResponse.BodyHandlers.ofByteArray())
			.handle((response, failure) -> (failure == null) ? CompletableFuture.completedFuture(response)
					: diedOnOpenConnection(unwrap(failure))
							? this.client.sendAsync(built, HttpResponse.BodyHandlers.ofByteArray())
							: CompletableFuture.<HttpResponse<byte[]>>failedFuture(unwrap(failure)))
			.thenCompose((response) -> response)
			.thenApply(Response::new);
	}

	private static HttpRequest build(URI uri, HttpMethod method, HttpHeaders headers, byte[] body, Duration timeout) {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri)
			.timeout(timeout)
			.method(method.name(), (body.length > 0) ? HttpRequest.BodyPublishers.ofByteArray(body)
					: HttpRequest.BodyPublishers.noBody());
		headers.forEach((name, values) -> {
			if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
				values.forEach((value) -> request.header(name, value));
			}
		});
		return request.build();
	}

	private HttpResponse<byte[]> send(HttpRequest request) throws IOException {
		try {
			try {
				return this.client.send(request, HttpResponse.BodyHandlers.ofByteArray());
			}
			catch (IOException ex) {
				if (!diedOnOpenConnection(ex)) {
					throw ex;
				}
				return this.client.send(request, HttpResponse.BodyHandlers.ofByteArray());
			}
		}
		catch (InterruptedException ex) {
			// java.net.http cancels the exchange; the caller turns the kept flag into
			// InterruptedException.
			Thread.currentThread().interrupt();
			InterruptedIOException interrupted = new InterruptedIOException("Interrupted while waiting for Consul");
			interrupted.initCause(ex);
			throw interrupted;
		}
	}

	/**
	 * Whether the request failed after a connection was there: the peer closed or reset
	 * it. A refused connection means the agent is down, and a timeout may mean the
	 * request is still being served.
	 */
	static boolean diedOnOpenConnection(Throwable ex) {
		return ex instanceof IOException && !(ex instanceof ConnectException || ex instanceof HttpTimeoutException
				|| ex instanceof InterruptedIOException || ex.getCause() instanceof ConnectException);
	}

	static Throwable unwrap(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

	private final class Request extends AbstractBufferingClientHttpRequest {

		private final URI uri;

		private final HttpMethod method;

		Request(URI uri, HttpMethod method) {
			this.uri = uri;
			this.method = method;
		}

		@Override
		public HttpMethod getMethod() {
			return this.method;
		}

		@Override
		public URI getURI() {
			return this.uri;
		}

		@Override
		protected ClientHttpResponse executeInternal(HttpHeaders headers, byte[] body) throws IOException {
			return new Response(send(build(this.uri, this.method, headers, body, ConsulTransport.this.timeout)));
		}

	}

	private static final class Response implements ClientHttpResponse {

		private final HttpResponse<byte[]> response;

		private final HttpHeaders headers = new HttpHeaders();

		Response(HttpResponse<byte[]> response) {
			this.response = response;
			response.headers().map().forEach(this.headers::addAll);
		}

		@Override
		public HttpStatusCode getStatusCode() {
			return HttpStatusCode.valueOf(this.response.statusCode());
		}

		@Override
		public String getStatusText() {
			return "";
		}

		@Override
		public HttpHeaders getHeaders() {
			return this.headers;
		}

		@Override
		public InputStream getBody() {
			return new ByteArrayInputStream(this.response.body());
		}

		@Override
		public void close() {
			// The body is already read and the connection back in the pool.
		}

	}

}
