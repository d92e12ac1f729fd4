package io.firehosegateway.support;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.http.SdkHttpFullResponse;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;

/**
 * An SDK HTTP client that sends nothing: it records each request as signed, with its body, and
 * answers as the test scripts it; so an SDK client and the gateway's own calls can be compared byte
 * for byte on one host, without a network.
 */
public final class RecordingHttpClient implements SdkAsyncHttpClient {

    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** A request as it would have gone out. */
    public record Recorded(SdkHttpRequest request, byte[] body) {

        /** When it was signed, to the second. */
        public Instant signedAt() {
            return AMZ_DATE.parse(header("X-Amz-Date"), Instant::from);
        }

        public String header(String name) {
            return request.firstMatchingHeader(name).orElseThrow();
        }

        /** Every header the signature covers, and the signature; the unsigned ones (User-Agent) may differ. */
        public Map<String, List<String>> signedHeaders() {
            String authorization = header("Authorization");
            String names = authorization.substring(
                    authorization.indexOf("SignedHeaders=") + 14, authorization.indexOf(", Signature"));
            Map<String, List<String>> signed = new LinkedHashMap<>();
            signed.put("authorization", List.of(authorization));
            for (String name : names.split(";")) {
                signed.put(name, request.matchingHeaders(name));
            }
            return signed;
        }
    }

    /**
     * What to answer: a status, headers and body; or a failure of the transport; or, both null, no
     * answer ever.
     */
    public record Answer(int status, Map<String, List<String>> headers, byte[] body, Throwable failure) {

        public static Answer of(int status, String body, Map<String, List<String>> headers) {
            return new Answer(status, headers, body.getBytes(java.nio.charset.StandardCharsets.UTF_8), null);
        }

        /** An error answer, with a request id as AWS gives one. */
        public static Answer error(int status, String body, Map<String, List<String>> headers) {
            Map<String, List<String>> all = new java.util.HashMap<>(headers);
            all.put("x-amzn-RequestId", List.of("req-1"));
            return of(status, body, all);
        }

        public static Answer failing(Throwable failure) {
            return new Answer(0, Map.of(), null, failure);
        }

        public static Answer never() {
            return new Answer(0, Map.of(), null, null);
        }
    }

    private final List<Recorded> recorded = new CopyOnWriteArrayList<>();
    private volatile Function<Recorded, Answer> answers;

    public RecordingHttpClient(Function<Recorded, Answer> answers) {
        this.answers = answers;
    }

    public void answer(Function<Recorded, Answer> answers) {
        this.answers = answers;
    }

    public List<Recorded> recorded() {
        return recorded;
    }

    public Recorded last() {
        return recorded.get(recorded.size() - 1);
    }

    @Override
    public CompletableFuture<Void> execute(AsyncExecuteRequest request) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        CompletableFuture<Void> read = new CompletableFuture<>();
        request.requestContentPublisher().subscribe(new Subscriber<ByteBuffer>() {
            @Override
            public void onSubscribe(Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer buffer) {
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                body.writeBytes(bytes);
            }

            @Override
            public void onError(Throwable error) {
                read.completeExceptionally(error);
            }

            @Override
            public void onComplete() {
                read.complete(null);
            }
        });
        read.join();
        Recorded call = new Recorded(request.request(), body.toByteArray());
        recorded.add(call);
        Answer answer = answers.apply(call);
        if (answer.failure() != null) {
            request.responseHandler().onError(answer.failure());
            return CompletableFuture.failedFuture(answer.failure());
        }
        if (answer.body() == null) {
            return new CompletableFuture<>();
        }
        request.responseHandler()
                .onHeaders(SdkHttpFullResponse.builder()
                        .statusCode(answer.status())
                        .headers(answer.headers())
                        .putHeader("Content-Length", Integer.toString(answer.body().length))
                        .build());
        request.responseHandler()
                .onStream(subscriber -> subscriber.onSubscribe(new Subscription() {
                    private boolean done;

                    @Override
                    public void request(long n) {
                        if (!done) {
                            done = true;
                            subscriber.onNext(ByteBuffer.wrap(answer.body()));
                            subscriber.onComplete();
                        }
                    }

                    @Override
                    public void cancel() {
                        done = true;
                    }
                }));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public String clientName() {
        return "recording";
    }

    @Override
    public void close() {}
}
