package io.firehosegateway.sink.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.firehosegateway.event.Event;
import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.pipeline.Admission;
import io.firehosegateway.pipeline.DeliveryMode;
import io.firehosegateway.pipeline.DeliveryTicket;
import io.firehosegateway.pipeline.NanoClock;
import io.firehosegateway.pipeline.Ordering;
import io.firehosegateway.pipeline.Pipeline;
import io.firehosegateway.pipeline.PipelineProperties;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.support.FaultProxy;
import io.firehosegateway.support.FaultProxy.Fault;
import io.firehosegateway.support.FaultProxy.ServiceError;
import io.firehosegateway.support.MotoServer;
import io.firehosegateway.support.SqsEmulator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * A FIFO queue in high-throughput mode has its throughput quota per message group
 * ({@code FifoThroughputLimit=perMessageGroupId}): when SQS throttles a call to it, only the
 * groups of that call are over their quota, not the queue. So the stream's calls in flight stay
 * as they are and only those groups back off, each in its key's lane; the other groups keep
 * flowing. The proxy in front of moto throttles, in SQS's JSON protocol, the group {@code hot} for
 * as long as the test says: a call of that group alone as a whole, in a call with other groups its
 * entries only.
 */
class SqsFifoGroupThrottlingIntegrationTests {

    private static final JsonMapper json = JsonMapper.builder().build();
    private static final int MAX_IN_FLIGHT = 4;

    @TempDir
    Path temp;

    private SqsEmulator emulator;
    private FaultProxy proxy;
    private SqsAsyncClient client;
    private Pipeline pipeline;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void start() throws Exception {
        URI moto = MotoServer.endpoint();
        emulator = new SqsEmulator(moto);
        proxy = FaultProxy.start(moto);
        client = SqsTestClients.client(proxy.endpoint());
    }

    @AfterEach
    void stop() throws Exception {
        if (pipeline != null) {
            pipeline.stop();
        }
        client.close();
        proxy.close();
        emulator.close();
    }

    @Test
    void aThrottledGroupBacksOffAloneWhileTheOtherGroupsFlowAndTheStreamKeepsItsCalls() throws Exception {
        String queue = "groups-" + UUID.randomUUID().toString().substring(0, 8) + ".fifo";
        String url = emulator.createHighThroughputFifoQueue(queue);
        AtomicBoolean hotThrottled = new AtomicBoolean(true);
        AtomicInteger throttledCalls = new AtomicInteger();
        proxy.script(call -> {
            if (!hotThrottled.get() || call.records().stream().noneMatch(SqsFifoGroupThrottlingIntegrationTests::hot)) {
                return Fault.pass();
            }
            throttledCalls.incrementAndGet();
            // A call of the hot group alone is throttled whole; in a call with other groups, its entries.
            return call.records().stream().allMatch(SqsFifoGroupThrottlingIntegrationTests::hot)
                    ? Fault.error(ServiceError.sqsFifoThrottled())
                    : Fault.failEntries((index, body) -> hot(body), ServiceError.sqsFifoThrottled());
        });
        pipeline = pipeline(queue);
        List<Event> events = new ArrayList<>();
        String run = UUID.randomUUID().toString();
        for (int i = 0; i < 40; i++) {
            String user = i % 4 == 0 ? "hot" : "cold-" + (i % 4);
            String id = run + "-" + i;
            events.add(new Event(
                    id,
                    ("{\"id\":\"" + id + "\",\"user\":\"" + user + "\",\"n\":" + i + "}\n")
                            .getBytes(StandardCharsets.UTF_8)));
        }

        DeliveryTicket ticket = submit(events);

        // While the hot group is throttled, every event of the three others lands, in order.
        List<SqsEmulator.Message> landed = new CopyOnWriteArrayList<>();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            landed.addAll(emulator.drain(url));
            assertThat(countsByGroup(landed))
                    .containsEntry("cold-1", 10)
                    .containsEntry("cold-2", 10)
                    .containsEntry("cold-3", 10);
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> throttledCalls.get() >= 10);
        landed.addAll(emulator.drain(url));
        assertThat(countsByGroup(landed)).doesNotContainKey("hot");
        assertThat(ticket.done()).isNotDone();
        // SQS said the group is over its quota, not the queue: the stream sends as much at once as before.
        assertThat(registry.get(GatewayMetrics.SINK_CONCURRENCY_LIMIT)
                        .tag("stream", "fifo")
                        .gauge()
                        .value())
                .isEqualTo(MAX_IN_FLIGHT);

        hotThrottled.set(false);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            landed.addAll(emulator.drain(url));
            assertThat(countsByGroup(landed)).containsEntry("hot", 10);
        });
        for (String group : List.of("hot", "cold-1", "cold-2", "cold-3")) {
            assertThat(numbersOf(landed, group)).as(group).hasSize(10).isSorted();
        }
        assertThat(ticket.done()).succeedsWithin(Duration.ofSeconds(10));
    }

    private static boolean hot(String body) {
        return body.contains("\"user\":\"hot\"");
    }

    private static Map<String, Integer> countsByGroup(List<SqsEmulator.Message> messages) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (SqsEmulator.Message message : messages) {
            counts.merge(message.groupId(), 1, Integer::sum);
        }
        return counts;
    }

    private static List<Integer> numbersOf(List<SqsEmulator.Message> messages, String group) {
        List<Integer> numbers = new ArrayList<>();
        for (SqsEmulator.Message message : messages) {
            if (group.equals(message.groupId())) {
                numbers.add(json.readTree(message.body()).get("n").asInt());
            }
        }
        return numbers;
    }

    /** One per-key stream, {@code fifo}, keyed by {@code /user}, sent to {@code queue}. */
    private Pipeline pipeline(String queue) {
        PipelineProperties properties = new PipelineProperties(
                SinkKind.SQS,
                "fifo",
                Map.of(
                        "fifo",
                        new PipelineProperties.StreamProperties(
                                null,
                                queue,
                                "/user",
                                Ordering.PER_KEY,
                                DataSize.ofBytes(0),
                                new PipelineProperties.Quota(0, 0, DataSize.ofBytes(0)),
                                PipelineProperties.Metadata.OFF)),
                new PipelineProperties.Buffer(100_000, DataSize.ofMegabytes(64), Duration.ofSeconds(1), 1.0, 1.0),
                new PipelineProperties.Delivery(
                        DeliveryMode.BUFFERED,
                        Duration.ofSeconds(20),
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(5),
                        temp.resolve("dead-letter"),
                        Duration.ofMillis(5),
                        false,
                        true,
                        true,
                        MAX_IN_FLIGHT,
                        Duration.ofMillis(5),
                        Duration.ofMillis(100)),
                1);
        Pipeline started = new Pipeline(
                properties,
                List.of(SqsTestClients.sink(client)),
                new GatewayMetrics(registry),
                Clock.systemUTC(),
                NanoClock.SYSTEM,
                null);
        started.start();
        return started;
    }

    private DeliveryTicket submit(List<Event> events) {
        try (Admission admission = pipeline.admit()) {
            for (Event event : events) {
                admission.reserve(event);
            }
            return pipeline.submit("fifo", events, admission, DeliveryMode.BUFFERED);
        }
    }
}
