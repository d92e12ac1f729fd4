package io.firehosegateway.sink.sqs;

import io.firehosegateway.sink.FailureKind;
import io.firehosegateway.sink.SinkException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The URL of each queue a stream is sent to. A destination that is a URL is used as it is; a name is
 * looked up with {@code GetQueueUrl} once and kept. A lookup that fails never stops the gateway: the
 * calls for that queue fail as the lookup did (no such queue, denied: a configuration fault, so the
 * pipeline pauses the stream and keeps its events), and the lookup is tried again by the next call
 * or health check, at most once per {@link #retryAfter} while the queue's configuration is wrong,
 * so a missing queue does not cost a lookup per call.
 *
 * <p>Of a FIFO queue it also knows, once SQS has throttled a call to it, whether its throughput
 * quota is per message group ({@code FifoThroughputLimit=perMessageGroupId}, high-throughput mode)
 * or per queue, read with {@code GetQueueAttributes} and kept.
 */
final class SqsQueues {

    private static final Logger log = LoggerFactory.getLogger(SqsQueues.class);

    /** What is known of one destination's lookup. */
    sealed interface Lookup {}

    /** Found. */
    record Found(String url) implements Lookup {}

    /** The last lookup failed. */
    record Failed(SinkException failure, long atNanos) implements Lookup {}

    private final SqsAsyncClient client;
    private final SqsErrorClassifier classifier;
    private final Duration retryAfter;
    private final LongSupplier nanoTime;
    private final Map<String, Lookup> lookups = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<String>> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Boolean> quotaPerGroup = new ConcurrentHashMap<>();
    private final Map<String, Long> quotaUnknownSince = new ConcurrentHashMap<>();

    SqsQueues(SqsAsyncClient client, SqsErrorClassifier classifier, Duration retryAfter, LongSupplier nanoTime) {
        this.client = client;
        this.classifier = classifier;
        this.retryAfter = retryAfter;
        this.nanoTime = nanoTime;
    }

    /** Whether a destination is a queue URL rather than a name. */
    static boolean isUrl(String destination) {
        return destination.startsWith("https://") || destination.startsWith("http://");
    }

    /** The queue's name: the destination, or the last segment of its URL. */
    static String queueName(String destination) {
        if (!isUrl(destination)) {
            return destination;
        }
        String path = destination.endsWith("/") ? destination.substring(0, destination.length() - 1) : destination;
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** Whether the destination is a FIFO queue: its name ends in {@code .fifo}. */
    static boolean isFifo(String destination) {
        return queueName(destination).endsWith(".fifo");
    }

    /**
     * The queue's URL; fails with the lookup's {@link SinkException} when it cannot be had now. A
     * lookup that failed for the configuration is not repeated within {@link #retryAfter}.
     */
    CompletableFuture<String> url(String destination) {
        if (isUrl(destination)) {
            return CompletableFuture.completedFuture(destination);
        }
        Lookup known = lookups.get(destination);
        if (known instanceof Found found) {
            return CompletableFuture.completedFuture(found.url());
        }
        if (known instanceof Failed failed
                && failed.failure().kind() == FailureKind.CONFIGURATION
                && nanoTime.getAsLong() - failed.atNanos() < retryAfter.toNanos()) {
            return CompletableFuture.failedFuture(failed.failure());
        }
        CompletableFuture<String> mine = new CompletableFuture<>();
        CompletableFuture<String> running = inFlight.putIfAbsent(destination, mine);
        if (running != null) {
            return running;
        }
        lookUp(destination, mine);
        return mine;
    }

    /**
     * Whether the FIFO queue at {@code url} has its throughput quota per message group. Read once;
     * when it cannot be read (no {@code sqs:GetQueueAttributes}, an error) the answer is false, the
     * quota taken as the queue's, and it is read again no sooner than {@link #retryAfter}.
     */
    CompletableFuture<Boolean> quotaPerGroup(String url) {
        Boolean known = quotaPerGroup.get(url);
        if (known != null) {
            return CompletableFuture.completedFuture(known);
        }
        Long unknownSince = quotaUnknownSince.get(url);
        if (unknownSince != null && nanoTime.getAsLong() - unknownSince < retryAfter.toNanos()) {
            return CompletableFuture.completedFuture(false);
        }
        CompletableFuture<Boolean> read;
        try {
            read = client.getQueueAttributes(
                            request -> request.queueUrl(url).attributeNames(QueueAttributeName.FIFO_THROUGHPUT_LIMIT))
                    .thenApply(response -> "perMessageGroupId"
                            .equals(response.attributes().get(QueueAttributeName.FIFO_THROUGHPUT_LIMIT)));
        } catch (RuntimeException e) {
            read = CompletableFuture.failedFuture(e);
        }
        return read.handle((perGroup, error) -> {
            if (error != null) {
                quotaUnknownSince.put(url, nanoTime.getAsLong());
                log.warn(
                        "Could not read FifoThroughputLimit of SQS queue {}, taken as per queue: {}",
                        url,
                        classifier.classify(error).getMessage());
                return false;
            }
            quotaPerGroup.put(url, perGroup);
            quotaUnknownSince.remove(url);
            return perGroup;
        });
    }

    /** What is known of each destination looked up so far. */
    Map<String, Lookup> lookups() {
        return Map.copyOf(lookups);
    }

    private void lookUp(String destination, CompletableFuture<String> result) {
        CompletableFuture<String> call;
        try {
            call = client.getQueueUrl(request -> request.queueName(destination))
                    .thenApply(response -> response.queueUrl());
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        call.whenComplete((url, error) -> {
            inFlight.remove(destination, result);
            if (error == null) {
                Lookup before = lookups.put(destination, new Found(url));
                if (before instanceof Failed) {
                    log.info("SQS queue {} found at {} after failed lookups", destination, url);
                }
                result.complete(url);
                return;
            }
            SinkException failure = classifier.classify(error);
            if (failure.kind() == FailureKind.UNKNOWN_OUTCOME) {
                // A lookup changes nothing: whatever became of it, nothing was sent.
                failure = new SinkException(FailureKind.RETRYABLE, failure.code(), failure.getMessage(), failure);
            }
            Lookup before = lookups.put(destination, new Failed(failure, nanoTime.getAsLong()));
            if (!(before instanceof Failed)) {
                log.warn("Could not look up SQS queue {}: {} ({})", destination, failure.code(), failure.getMessage());
            }
            result.completeExceptionally(new CompletionException(failure));
        });
    }
}
