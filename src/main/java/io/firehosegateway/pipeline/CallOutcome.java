package io.firehosegateway.pipeline;

import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.FailureKind;
import io.firehosegateway.sink.RecordOutcome;
import io.firehosegateway.sink.SinkException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * What one call's answer means for each of its records, sorted by what the pipeline does next. A
 * record that may have landed is marked so; nothing else is changed here.
 *
 * @param failure the whole call's failure, or {@code null} when the sink answered entry by entry
 * @param delivered records the sink accepted
 * @param retry records to send again after a backoff
 * @param possibleDuplicates how many of them were in a call whose outcome is unknown
 * @param misconfigured records refused because the configuration is wrong
 * @param configurationFault the fault that refused them, or {@code null}
 * @param rejected records refused for good, each with its sink's code and message
 * @param split a whole batch refused as invalid, to halve until the record at fault stands alone
 * @param throttled whether the sink throttled any of it, the whole call or some of its records
 * @param callThrottled whether the sink throttled the whole call: the destination as a whole is
 *     over its quota. A record throttled in an answered call may only mean that its partition (a
 *     Kinesis shard) is, which the sink says ({@link io.firehosegateway.sink.Sink#recordThrottlingIsDestinationWide()})
 */
record CallOutcome(
        SinkException failure,
        List<PendingRecord> delivered,
        List<PendingRecord> retry,
        int possibleDuplicates,
        List<PendingRecord> misconfigured,
        SinkException configurationFault,
        List<Rejection> rejected,
        List<PendingRecord> split,
        boolean throttled,
        boolean callThrottled) {

    /** A record refused for good, and why. */
    record Rejection(PendingRecord record, String code, String message) {}

    /** Sorts the records of {@code batch} by the call's {@code result} or whole-call {@code error}. */
    static CallOutcome of(List<PendingRecord> batch, BatchResult result, Throwable error) {
        if (error != null) {
            return failedWhole(batch, asSinkException(error));
        }
        if (result.outcomes().size() != batch.size()) {
            return failedWhole(
                    batch,
                    new SinkException(
                            FailureKind.UNKNOWN_OUTCOME,
                            "MismatchedResponse",
                            result.outcomes().size() + " outcomes for " + batch.size() + " records",
                            null));
        }
        List<PendingRecord> delivered = new ArrayList<>(batch.size());
        List<PendingRecord> retry = new ArrayList<>();
        List<PendingRecord> misconfigured = new ArrayList<>();
        List<Rejection> rejected = new ArrayList<>();
        RecordOutcome configurationOutcome = null;
        boolean throttled = false;
        int possibleDuplicates = 0;
        for (int i = 0; i < batch.size(); i++) {
            PendingRecord record = batch.get(i);
            RecordOutcome outcome = result.outcomes().get(i);
            if (outcome.accepted()) {
                delivered.add(record);
                continue;
            }
            switch (outcome.kind()) {
                case RETRYABLE -> retry.add(record);
                case THROTTLED -> {
                    throttled = true;
                    retry.add(record);
                }
                case UNKNOWN_OUTCOME -> {
                    record.mayHaveLanded = true;
                    possibleDuplicates++;
                    retry.add(record);
                }
                case CONFIGURATION -> {
                    misconfigured.add(record);
                    configurationOutcome = outcome;
                }
                case INVALID_REQUEST ->
                    rejected.add(new Rejection(record, outcome.errorCode(), outcome.errorMessage()));
            }
        }
        SinkException configurationFault = configurationOutcome == null
                ? null
                : new SinkException(
                        FailureKind.CONFIGURATION,
                        configurationOutcome.errorCode(),
                        configurationOutcome.errorMessage(),
                        null);
        return new CallOutcome(
                null,
                delivered,
                retry,
                possibleDuplicates,
                misconfigured,
                configurationFault,
                rejected,
                List.of(),
                throttled,
                false);
    }

    private static CallOutcome failedWhole(List<PendingRecord> batch, SinkException failure) {
        List<PendingRecord> none = List.of();
        return switch (failure.kind()) {
            case RETRYABLE -> new CallOutcome(failure, none, batch, 0, none, null, List.of(), none, false, false);
            case THROTTLED -> new CallOutcome(failure, none, batch, 0, none, null, List.of(), none, true, true);
            case UNKNOWN_OUTCOME -> {
                for (PendingRecord record : batch) {
                    record.mayHaveLanded = true;
                }
                yield new CallOutcome(failure, none, batch, batch.size(), none, null, List.of(), none, false, false);
            }
            case CONFIGURATION ->
                new CallOutcome(failure, none, none, 0, batch, failure, List.of(), none, false, false);
            case INVALID_REQUEST -> {
                if (batch.size() == 1) {
                    yield new CallOutcome(
                            failure,
                            none,
                            none,
                            0,
                            none,
                            null,
                            List.of(new Rejection(batch.get(0), failure.code(), failure.getMessage())),
                            none,
                            false,
                            false);
                }
                yield new CallOutcome(failure, none, none, 0, none, null, List.of(), batch, false, false);
            }
        };
    }

    /** Records in the answer that failed, for the request meter. */
    int failedCount(int batchSize) {
        return batchSize - delivered.size();
    }

    private static SinkException asSinkException(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof SinkException sinkException) {
            return sinkException;
        }
        // A sink is meant to classify its failures; one it did not is treated as possibly landed.
        return new SinkException(
                FailureKind.UNKNOWN_OUTCOME, cause.getClass().getSimpleName(), cause.getMessage(), cause);
    }
}
