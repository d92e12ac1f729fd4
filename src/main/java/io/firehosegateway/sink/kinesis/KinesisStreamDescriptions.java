package io.firehosegateway.sink.kinesis;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamMode;

/**
 * What {@code DescribeStreamSummary} said of each destination: asked once per destination and
 * kept, since control-plane calls are limited to a few per second per account. The sink takes each
 * stream's largest record and billing mode from it, the health indicator its status.
 */
final class KinesisStreamDescriptions {

    /** How long the one describe call of a stream may take. */
    static final Duration DESCRIBE_TIMEOUT = Duration.ofSeconds(20);

    private static final Pattern STREAM_NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,128}");
    private static final Pattern STREAM_ARN =
            Pattern.compile("arn:aws[a-z-]*:kinesis:[a-z0-9-]+:[0-9]{12}:stream/[a-zA-Z0-9_.-]{1,128}");

    /**
     * What a stream's description said, or why there is none.
     *
     * @param status the stream's status ({@code ACTIVE}, ...), or null when it could not be described
     * @param maxRecordKiB the stream's largest record, key included; null when not given (moto)
     * @param onDemand whether the stream is billed on demand; null when not given
     * @param failure the error code of a failed describe call, or null
     */
    record Description(String status, Integer maxRecordKiB, Boolean onDemand, String failure) {}

    private final KinesisAsyncClient client;
    private final KinesisRetryClassifier classifier;
    private final Map<String, CompletableFuture<Description>> descriptions = new ConcurrentHashMap<>();

    KinesisStreamDescriptions(KinesisAsyncClient client, KinesisRetryClassifier classifier) {
        this.client = client;
        this.classifier = classifier;
    }

    /** Whether {@code destination} names a stream by its ARN rather than its name. */
    static boolean isArn(String destination) {
        return destination.startsWith("arn:");
    }

    /** Why Kinesis would refuse {@code destination} as a stream's name or ARN; null when it would not. */
    static String invalid(String destination) {
        if (isArn(destination)) {
            return STREAM_ARN.matcher(destination).matches()
                    ? null
                    : "is not a Kinesis stream ARN (arn:aws:kinesis:<region>:<account>:stream/<name>)";
        }
        return STREAM_NAME.matcher(destination).matches()
                ? null
                : "is not a Kinesis stream name (1 to 128 of a-z, A-Z, 0-9, _ . -)";
    }

    /** The description of {@code destination}: asked for on the first call, the same answer after. */
    CompletableFuture<Description> describe(String destination) {
        return descriptions.computeIfAbsent(destination, this::ask);
    }

    private CompletableFuture<Description> ask(String destination) {
        // The first call of a cold JVM loads and starts half the SDK: on a busy start it can outrun
        // the attempt timeout meant for PutRecords, and this call is made once, at start.
        DescribeStreamSummaryRequest.Builder request = DescribeStreamSummaryRequest.builder()
                .overrideConfiguration(override -> override.apiCallAttemptTimeout(DESCRIBE_TIMEOUT));
        if (isArn(destination)) {
            request.streamARN(destination);
        } else {
            request.streamName(destination);
        }
        return client.describeStreamSummary(request.build()).handle((response, error) -> {
            if (error != null) {
                return new Description(
                        null, null, null, classifier.classify(error).code());
            }
            StreamDescriptionSummary summary = response.streamDescriptionSummary();
            Boolean onDemand = summary.streamModeDetails() == null
                            || summary.streamModeDetails().streamMode() == null
                    ? null
                    : summary.streamModeDetails().streamMode() == StreamMode.ON_DEMAND;
            return new Description(summary.streamStatusAsString(), summary.maxRecordSizeInKiB(), onDemand, null);
        });
    }
}
