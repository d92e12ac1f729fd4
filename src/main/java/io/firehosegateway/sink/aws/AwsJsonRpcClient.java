package io.firehosegateway.sink.aws;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.awscore.AwsServiceClientConfiguration;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkGlobalTime;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.internal.retry.ClockSkewAdjuster;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.async.SdkAsyncHttpResponseHandler;
import software.amazon.awssdk.http.async.SdkHttpContentPublisher;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;

/**
 * The data-plane calls of an AWS JSON protocol that the gateway builds itself instead of the SDK's
 * client: the body comes written, this signs it with the SDK's own SigV4 signer, sends it on an
 * SDK HTTP client and hands back the answer's bytes for the sink to read only what it needs.
 *
 * <p>It fails as the SDK's client with its retries off fails, so that each sink's classifier reads
 * both alike: an error answer becomes the service's own exception ({@link ErrorFactory}) with the
 * code taken where the SDK takes it ({@code x-amzn-ErrorType}, else the body's {@code __type}); no
 * answer within the attempt timeout is an {@link ApiCallAttemptTimeoutException}; a transport failure
 * is an {@link SdkClientException} around its cause. A refusal for clock skew corrects the signing
 * clock from the answer's {@code Date}, as the SDK does, so the pipeline's resend is taken.
 *
 * <p>Answers are read on a pool of its own, as the SDK completes its futures off the I/O threads,
 * so that the pipeline's work after a call never holds up the bytes of the others. That hand-off
 * stays although the reader alone would not block: what follows it on the same thread is the
 * pipeline's settlement of the call, the next call's building and signing, and in the journaled
 * modes the journal's writes, and the I/O thread is one for every call of the sink.
 *
 * <p>What every call to one endpoint and operation sends alike (the parsed endpoint and the fixed
 * headers) is built once; the invocation id, the length, the date, the credentials and the
 * signature are each call's own. The SDK's signer keeps the signing key of a day, region and
 * service itself, so the HMAC chain runs once a day, not once a call.
 */
public final class AwsJsonRpcClient implements AutoCloseable {

    /**
     * The wire names of one service's JSON protocol.
     *
     * @param signingName the SigV4 signing name ({@code firehose})
     * @param serviceName the service's name in its exceptions ({@code Firehose})
     * @param contentType {@code application/x-amz-json-1.1} or {@code -1.0}
     * @param targetPrefix the {@code X-Amz-Target} before the operation ({@code Firehose_20150804})
     * @param queryCompatible whether its errors report the codes of its former query protocol (SQS)
     */
    public record Protocol(
            String signingName, String serviceName, String contentType, String targetPrefix, boolean queryCompatible) {}

    /** The builder of the service's own exception for an error code, as the SDK's unmarshaller picks it. */
    @FunctionalInterface
    public interface ErrorFactory {
        AwsServiceException.Builder builderFor(String errorCode);
    }

    private static final ClockSkewAdjuster CLOCK_SKEW = new ClockSkewAdjuster();
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final SdkAsyncHttpClient http;
    private final IdentityProvider<? extends AwsCredentialsIdentity> credentials;
    private final String region;
    private final URI endpoint;
    private final Protocol protocol;
    private final ErrorFactory errors;
    private final Clock clock;
    private final Supplier<String> invocationIds;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final AttemptDeadlines deadlines;
    private final ExecutorService completions;
    private final ConcurrentMap<Destination, SdkHttpRequest> unsigned = new ConcurrentHashMap<>();

    /** The service's clock: this host's, less the seconds a refusal for skew said it runs ahead. */
    private volatile Clock signingClock;

    /**
     * A client for the data-plane calls of an SDK client: signed with its credentials provider (so
     * that refreshes are shared) and region, sent to {@code endpoint}, on {@code http}, which it
     * owns and closes.
     *
     * @param endpoint the endpoint the client's endpoint provider resolves ({@link EndpointQuestion})
     */
    public static AwsJsonRpcClient of(
            SdkAsyncHttpClient http,
            AwsServiceClientConfiguration client,
            URI endpoint,
            Protocol protocol,
            Duration attemptTimeout,
            ErrorFactory errors) {
        return new AwsJsonRpcClient(
                http,
                client.credentialsProvider(),
                client.region().id(),
                endpoint,
                protocol,
                attemptTimeout,
                errors,
                Clock.systemUTC(),
                new InvocationIds());
    }

    /**
     * A client whose calls are signed by {@code clock}, with the invocation ids {@code
     * invocationIds} gives: tests compare their signatures with the SDK's.
     */
    public AwsJsonRpcClient(
            SdkAsyncHttpClient http,
            IdentityProvider<? extends AwsCredentialsIdentity> credentials,
            String region,
            URI endpoint,
            Protocol protocol,
            Duration attemptTimeout,
            ErrorFactory errors,
            Clock clock,
            Supplier<String> invocationIds) {
        this.http = http;
        this.credentials = credentials;
        this.region = region;
        this.endpoint = endpoint;
        this.protocol = protocol;
        this.errors = errors;
        this.clock = clock;
        this.invocationIds = invocationIds;
        this.signingClock = offset(clock, SdkGlobalTime.getGlobalTimeOffset());
        int pool = POOLS.incrementAndGet();
        this.deadlines = new AttemptDeadlines(
                attemptTimeout.toMillis(),
                System::nanoTime,
                new ScheduledThreadPoolExecutor(1, daemon("aws-rpc-timer-" + pool)));
        // As many threads as the SDK's own completion pool starts; idle ones end.
        int threads = Math.max(8, Runtime.getRuntime().availableProcessors());
        ThreadPoolExecutor completions = new ThreadPoolExecutor(
                threads, threads, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemon("aws-rpc-answer-" + pool));
        completions.allowCoreThreadTimeOut(true);
        this.completions = completions;
    }

    /**
     * Sends one call and reads its answer with {@code reader}, off the I/O threads.
     *
     * @param operation the operation's name ({@code PutRecordBatch})
     * @param body the call's JSON body, not changed until the future completes
     * @return the reader's result, or a failure as the SDK's client would give it
     */
    public <T> CompletableFuture<T> call(String operation, byte[] body, Function<byte[], T> reader) {
        return call(endpoint, operation, body, reader);
    }

    /**
     * Sends one call to {@code endpoint} instead of the client's own: for a service whose endpoint
     * depends on the call's resource (Kinesis's stream ARN).
     */
    public <T> CompletableFuture<T> call(URI endpoint, String operation, byte[] body, Function<byte[], T> reader) {
        return credentials
                .resolveIdentity()
                .thenCompose(identity -> send(endpoint, operation, body, identity))
                .thenApplyAsync(reader, completions);
    }

    private CompletableFuture<byte[]> send(
            URI endpoint, String operation, byte[] body, AwsCredentialsIdentity identity) {
        SdkHttpRequest request =
                unsigned.computeIfAbsent(new Destination(endpoint, operation), this::unsigned).toBuilder()
                        .putHeader("amz-sdk-invocation-id", invocationIds.get())
                        .putHeader("Content-Length", Integer.toString(body.length))
                        .build();
        SdkHttpRequest signed = signer.sign(sign -> sign.request(request)
                        .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
                        .identity(identity)
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, protocol.signingName())
                        .putProperty(HttpSigner.SIGNING_CLOCK, signingClock))
                .request();
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        AnswerReader handler = new AnswerReader(answer);
        CompletableFuture<Void> execution = http.execute(AsyncExecuteRequest.builder()
                .request(signed)
                .requestContentPublisher(new BodyPublisher(body))
                .responseHandler(handler)
                .build());
        execution.whenComplete((ignored, error) -> {
            if (error != null) {
                handler.onError(error);
            }
        });
        deadlines.watch(answer, execution);
        return answer;
    }

    /** An endpoint and an operation: what every call to them shares before it is signed. */
    private record Destination(URI endpoint, String operation) {}

    /**
     * The headers every call of {@code destination} sends alike, and its parsed endpoint: built once,
     * as parsing the URI and naming the target cost more per call than the rest of the request.
     */
    private SdkHttpRequest unsigned(Destination destination) {
        URI endpoint = destination.endpoint();
        return SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(endpoint)
                .encodedPath(
                        endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty() ? "/" : endpoint.getRawPath())
                .putHeader("amz-sdk-request", "attempt=1; max=1")
                .putHeader("Content-Type", protocol.contentType())
                .putHeader("X-Amz-Target", protocol.targetPrefix() + "." + destination.operation())
                .applyMutation(headers -> {
                    if (protocol.queryCompatible()) {
                        // Asks for the query protocol's error codes too, as the SDK's client does.
                        headers.putHeader("x-amzn-query-mode", "true");
                    }
                })
                .build();
    }

    private static Clock offset(Clock clock, int secondsAhead) {
        return Clock.offset(clock, Duration.ofSeconds(-secondsAhead));
    }

    /** Completes with the body of a 2xx answer, else with the failure the SDK's client would have thrown. */
    private final class AnswerReader implements SdkAsyncHttpResponseHandler {

        private final CompletableFuture<byte[]> answer;
        private volatile SdkHttpResponse response;

        AnswerReader(CompletableFuture<byte[]> answer) {
            this.answer = answer;
        }

        @Override
        public void onHeaders(SdkHttpResponse headers) {
            this.response = headers;
        }

        @Override
        public void onStream(Publisher<ByteBuffer> stream) {
            int expected = response.firstMatchingHeader("Content-Length")
                    .map(Integer::parseInt)
                    .orElse(256);
            stream.subscribe(new Subscriber<ByteBuffer>() {
                private byte[] bytes = new byte[Math.max(expected, 16)];
                private int length;

                @Override
                public void onSubscribe(Subscription subscription) {
                    subscription.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(ByteBuffer buffer) {
                    int n = buffer.remaining();
                    if (length + n > bytes.length) {
                        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + n));
                    }
                    buffer.get(bytes, length, n);
                    length += n;
                }

                @Override
                public void onError(Throwable error) {
                    AnswerReader.this.onError(error);
                }

                @Override
                public void onComplete() {
                    finish(bytes.length == length ? bytes : Arrays.copyOf(bytes, length));
                }
            });
        }

        @Override
        public void onError(Throwable error) {
            Throwable cause =
                    error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            answer.completeExceptionally(
                    cause instanceof SdkException
                            ? cause
                            : SdkClientException.create(
                                    "Unable to execute HTTP request: " + cause.getMessage(), cause));
        }

        private void finish(byte[] body) {
            if (response.isSuccessful()) {
                answer.complete(body);
                return;
            }
            AwsServiceException refusal = refusal(response, body);
            if (CLOCK_SKEW.shouldAdjust(refusal)) {
                Integer adjustment = CLOCK_SKEW.getAdjustmentInSeconds(response);
                signingClock = offset(clock, adjustment);
                SdkGlobalTime.setGlobalTimeOffset(adjustment);
            }
            answer.completeExceptionally(refusal);
        }
    }

    /** The service's exception for an error answer, its code and message read as the SDK reads them. */
    private AwsServiceException refusal(SdkHttpResponse response, byte[] body) {
        AwsJsonErrors.Error error = AwsJsonErrors.read(response, body, protocol.queryCompatible());
        String requestId = response.firstMatchingHeader("x-amzn-RequestId")
                .or(() -> response.firstMatchingHeader("x-amz-request-id"))
                .orElse(null);
        AwsServiceException.Builder builder = errors.builderFor(error.type());
        builder.statusCode(response.statusCode())
                .requestId(requestId)
                .message(error.message())
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode(error.code())
                        .errorMessage(error.message())
                        .serviceName(protocol.serviceName())
                        .sdkHttpResponse(response)
                        .build());
        return builder.build();
    }

    /** One buffer, sent as it is. */
    private record BodyPublisher(byte[] body) implements SdkHttpContentPublisher {

        @Override
        public Optional<Long> contentLength() {
            return Optional.of((long) body.length);
        }

        @Override
        public void subscribe(Subscriber<? super ByteBuffer> subscriber) {
            subscriber.onSubscribe(new Subscription() {
                private boolean done;

                @Override
                public void request(long n) {
                    if (done || n <= 0) {
                        return;
                    }
                    done = true;
                    subscriber.onNext(ByteBuffer.wrap(body).asReadOnlyBuffer());
                    subscriber.onComplete();
                }

                @Override
                public void cancel() {
                    done = true;
                }
            });
        }
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        deadlines.close();
        completions.shutdown();
        http.close();
    }
}
