package dev.pop3raw.oauth2;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.IntFunction;

/**
 * Reads one token endpoint answer into memory, at most {@code limit} bytes. The JDK's
 * {@code BodyHandlers.ofString} reads without any limit, so an endpoint whose body never ends would fill the heap.
 * Past the limit (or when its {@code Content-Length} says it will be past it) the subscription is cancelled, which
 * makes the JDK close the connection instead of reading on, and the body fails with the error {@code tooLarge} makes
 * for the answer's HTTP status.
 * <p>
 * One instance per request. {@link #cancel} stops the reading from another thread: the caller's deadline for the
 * whole exchange, which the JDK's request timeout does not give (it ends when the headers arrive).
 */
final class BoundedBody implements HttpResponse.BodyHandler<String> {

    private final long limit;
    private final IntFunction<TokenEndpointException> tooLarge;
    private volatile Reader reader;
    private volatile Throwable cancelled;

    BoundedBody(long limit, IntFunction<TokenEndpointException> tooLarge) {
        this.limit = limit;
        this.tooLarge = tooLarge;
    }

    @Override
    public HttpResponse.BodySubscriber<String> apply(HttpResponse.ResponseInfo info) {
        Reader r = new Reader(info.statusCode());
        reader = r; // written before cancelled is read, as cancel() writes cancelled before it reads reader
        Throwable why = cancelled;
        if (why != null) {
            r.fail(why);
        } else if (info.headers().firstValueAsLong("Content-Length").orElse(-1) > limit) {
            r.fail(tooLarge.apply(info.statusCode())); // announced too long: not one byte of it is read
        }
        return HttpResponse.BodySubscribers.mapping(r, bytes -> new String(bytes, StandardCharsets.UTF_8));
    }

    /** Stops reading the answer (if it has begun; else it stops as soon as it begins) and fails it with {@code why}. */
    void cancel(Throwable why) {
        cancelled = why;
        Reader r = reader;
        if (r != null) {
            r.fail(why);
        }
    }

    /**
     * Collects the body. The JDK calls onSubscribe, onNext, onError and onComplete one at a time, so the buffer
     * needs no lock; {@link #fail} may come from any thread and touches only the future and the subscription.
     */
    private final class Reader implements HttpResponse.BodySubscriber<byte[]> {
        private final int status;
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private volatile Flow.Subscription subscription;

        Reader(int status) {
            this.status = status;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s; // written before body is read, as fail() completes body before it reads subscription
            if (body.isDone()) {
                s.cancel();
            } else {
                s.request(Long.MAX_VALUE); // the limit, not back-pressure, bounds what is kept
            }
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer b : buffers) {
                if (body.isDone()) {
                    return; // failed: what still arrives before the cancellation takes effect is dropped
                }
                if (received.size() + (long) b.remaining() > limit) {
                    fail(tooLarge.apply(status));
                    return;
                }
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                received.write(bytes, 0, bytes.length);
            }
        }

        @Override
        public void onError(Throwable t) {
            body.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            body.complete(received.toByteArray());
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        void fail(Throwable why) {
            body.completeExceptionally(why);
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }
    }
}
