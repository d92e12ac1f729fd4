package io.firehosegateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.FailureKind;
import io.firehosegateway.sink.RecordOutcome;
import io.firehosegateway.sink.SinkException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

class DeliveryFaultLogTests {

    private final AtomicLong now = new AtomicLong(1_000);
    private final DeliveryFaultLog faults = new DeliveryFaultLog("orders", "firehose", "orders-stream", now::get);
    private final DeliveryTicket ticket = new DeliveryTicket("orders", 10);
    private final Logger logger = (Logger) LoggerFactory.getLogger(DeliveryFaultLog.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    @BeforeEach
    void capture() {
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void release() {
        logger.detachAppender(appender);
    }

    @Test
    void aCallThatDeliveredEverythingIsNotLogged() {
        List<PendingRecord> batch = batch(3);
        faults.called(3, CallOutcome.of(batch, accepted(3), null), new DeliveryFaultLog.Tally());

        assertThat(appender.list).isEmpty();
    }

    @Test
    void oneLinePerReasonAndIntervalCountingTheCallsItDidNotLog() {
        throttledCall();
        throttledCall();
        throttledCall();
        // Another reason is not held back by the first.
        List<PendingRecord> batch = batch(2);
        DeliveryFaultLog.Tally tally = new DeliveryFaultLog.Tally();
        tally.givenUp(FailureReason.CONFIGURATION);
        tally.givenUp(FailureReason.CONFIGURATION);
        faults.called(
                2,
                CallOutcome.of(
                        batch,
                        null,
                        new SinkException(FailureKind.CONFIGURATION, "ResourceNotFoundException", "not\nfound", null)),
                tally);
        now.addAndGet(DeliveryFaultLog.INTERVAL_NANOS);
        throttledCall();

        assertThat(appender.list).hasSize(3);
        Map<String, Object> first = fields(appender.list.get(0));
        assertThat(appender.list.get(0).getLevel()).isEqualTo(Level.WARN);
        assertThat(first)
                .containsEntry("gateway.stream", "orders")
                .containsEntry("gateway.sink", "firehose")
                .containsEntry("gateway.destination", "orders-stream")
                .containsEntry("gateway.reason", "throttled")
                .containsEntry("gateway.call", "error")
                .containsEntry("gateway.records", 4)
                .containsEntry("gateway.retried", 4)
                .containsEntry("gateway.given_up", 0)
                .containsEntry("gateway.suppressed_calls", 0)
                .containsEntry("gateway.error_code", "ServiceUnavailableException");

        ILoggingEvent configuration = appender.list.get(1);
        assertThat(configuration.getLevel()).isEqualTo(Level.ERROR);
        assertThat(configuration.getFormattedMessage())
                .contains("the configuration is wrong")
                .doesNotContain("\n");
        assertThat(fields(configuration))
                .containsEntry("gateway.reason", "configuration")
                .containsEntry("gateway.given_up", 2)
                .containsEntry("gateway.given_up_reasons", "configuration")
                .containsEntry("gateway.error_message", "not found");

        assertThat(fields(appender.list.get(2)))
                .containsEntry("gateway.reason", "throttled")
                .containsEntry("gateway.suppressed_calls", 2);
        assertThat(appender.list.get(2).getFormattedMessage()).contains("2 more such calls");
    }

    private void throttledCall() {
        List<PendingRecord> batch = batch(4);
        DeliveryFaultLog.Tally tally = new DeliveryFaultLog.Tally();
        tally.retried(4);
        faults.called(
                4,
                CallOutcome.of(
                        batch,
                        null,
                        new SinkException(FailureKind.THROTTLED, "ServiceUnavailableException", "Slow down.", null)),
                tally);
    }

    private List<PendingRecord> batch(int size) {
        List<PendingRecord> batch = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            batch.add(PendingRecord.single(
                    ("{\"n\":" + i + "}\n").getBytes(StandardCharsets.UTF_8),
                    "key",
                    "id-" + i,
                    ticket,
                    i,
                    Deadlines.NO_CLIENT_WAITS));
        }
        return batch;
    }

    private static BatchResult accepted(int size) {
        List<RecordOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            outcomes.add(RecordOutcome.ACCEPTED);
        }
        return new BatchResult(outcomes);
    }

    private static Map<String, Object> fields(ILoggingEvent event) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (KeyValuePair pair : event.getKeyValuePairs()) {
            fields.put(pair.key, pair.value);
        }
        return fields;
    }
}
