package io.firehosegateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firehosegateway.event.Event;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PartitionKeysTests {

    private static Event event(String id, String json) {
        return new Event(id, (json + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static String keyOf(String pointer, String json) {
        return PartitionKeys.at(pointer)
                .keyed(List.of(event("e-1", json)))
                .get(0)
                .key();
    }

    @ParameterizedTest(name = "{0} in {1} is {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "/user/id | {\"user\":{\"name\":\"a\",\"id\":\"u-7\"}} | u-7",
                "/user/id | {\"user\":{\"id\":1.50}} | 1.50",
                "/n | {\"n\":12345678901234567890} | 12345678901234567890",
                "/tags/1 | {\"tags\":[\"a\",\"b\"]} | b",
                "/a~1b/c~0d | {\"a/b\":{\"c~d\":\"x\"}} | x",
                "/skip/k | {\"skip\":{\"deep\":{\"k\":\"no\"},\"k\":\"yes\"}} | yes",
            })
    void aStringIsTheKeyAndANumberItsTextAsWritten(String pointer, String json, String key) {
        assertThat(keyOf(pointer, json)).isEqualTo(key);
    }

    @Test
    void anEventWithNothingAtThePointerIsKeyedByItsId() {
        List<Event> keyed = PartitionKeys.at("/user/id").keyed(List.of(event("e-1", "{\"user\":{}}")));

        assertThat(keyed.get(0).key()).isNull();
        assertThat(PartitionKeys.at("/user/id").keyOf(keyed.get(0))).isEqualTo("e-1");
        assertThat(PartitionKeys.at("/tags/5").keyOf(event("e-2", "{\"tags\":[\"a\"]}")))
                .isEqualTo("e-2");
        assertThat(PartitionKeys.EVENT_ID.keyOf(event("e-3", "{\"user\":{\"id\":\"u\"}}")))
                .isEqualTo("e-3");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"user\":{\"id\":{\"x\":1}}} | an object",
                "{\"user\":{\"id\":[1]}} | an array",
                "{\"user\":{\"id\":true}} | a boolean",
                "{\"user\":{\"id\":null}} | null",
                "{\"user\":{\"id\":\"\"}} | an empty string",
            })
    void anyOtherValueIsRefusedNamingTheEventsIndexAndId(String json, String found) {
        List<Event> events = List.of(event("ok", "{\"user\":{\"id\":\"u\"}}"), event("bad-1", json));

        assertThatThrownBy(() -> PartitionKeys.at("/user/id").keyed(events))
                .isInstanceOfSatisfying(InvalidPartitionKeyException.class, e -> {
                    assertThat(e.index()).isEqualTo(1);
                    assertThat(e.id()).isEqualTo("bad-1");
                    assertThat(e.getMessage()).contains(found).contains("/user/id");
                });
    }

    @Test
    void aKeyReadBackFromTheJournalIsFoundAgainWithoutRefusing() {
        PartitionKeys keys = PartitionKeys.at("/k");

        assertThat(keys.keyOf(event("e-1", "{\"k\":\"hot\"}"))).isEqualTo("hot");
        assertThat(keys.keyOf(event("e-2", "{\"k\":{\"no\":1}}"))).isEqualTo("e-2");
    }

    /**
     * The gateway's own limits admitted these events, and some of them allow more than Jackson's
     * defaults (a name as long as a string, 50,000 characters by default to Jackson; nesting to 1,000,
     * 500 to Jackson; numbers of any length, 1,000 to Jackson): finding the key must not read them
     * again under the defaults, which refused each of these as not JSON (a 500 answer).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "a name past the Jackson default length | {\"%s\":1,\"k\":\"hot\"} | n",
                "nesting past the Jackson default depth | {\"deep\":%s,\"k\":\"hot\"} | [",
                "a number past the Jackson default length | {\"n\":%s,\"k\":\"hot\"} | 9",
            })
    void eventsTheGatewaysLimitsAdmittedAreReadWithoutJacksonsDefaultLimits(String what, String template, String unit) {
        String filler = unit.equals("[") ? "[".repeat(600) + "]".repeat(600) : unit.repeat(60_000);
        Event admitted = event("e-1", template.formatted(filler));

        assertThat(PartitionKeys.at("/k").keyed(List.of(admitted)).get(0).key()).isEqualTo("hot");
        assertThat(PartitionKeys.at("/k").keyOf(admitted)).isEqualTo("hot");
    }
}
