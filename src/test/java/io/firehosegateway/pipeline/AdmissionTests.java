package io.firehosegateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firehosegateway.event.Event;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What one request, and the bodies being read for one key, may hold of the buffer. */
class AdmissionTests {

    private final BufferBudget budget = new BufferBudget(100, 1_000_000);

    private Admission request(String key) {
        return new Admission(budget, 1.0, Duration.ofSeconds(1), new Admission.Limits(25, 1_000_000, key, 0.5));
    }

    @Test
    void aRequestPastItsShareIsTooLargeAndGivesBackWhatItHeld() {
        try (Admission admission = request("a")) {
            for (int i = 0; i < 25; i++) {
                admission.reserve(event(i));
            }
            assertThatThrownBy(() -> admission.reserve(event(25)))
                    .isInstanceOfSatisfying(
                            TooManyEventsException.class,
                            e -> assertThat(e.maxRecords()).isEqualTo(25));
        }
        assertThat(budget.records()).isZero();
        assertThat(budget.heldForKey("a")).isZero();
    }

    @Test
    void theBodiesOfOneKeyHoldAtMostItsShareWhileAnotherKeyStillFindsRoom() {
        Admission first = request("a");
        Admission second = request("a");
        Admission third = request("a");
        for (int i = 0; i < 25; i++) {
            first.reserve(event(i));
            second.reserve(event(i));
        }
        assertThatThrownBy(() -> third.reserve(event(0)))
                .isInstanceOfSatisfying(
                        ShareExceededException.class,
                        e -> assertThat(e.maxRecords()).isEqualTo(50));

        Admission other = request("b");
        other.reserve(event(0));
        assertThat(budget.records()).isEqualTo(51);

        // What a closed body held is the key's again.
        third.close();
        first.close();
        assertThat(budget.heldForKey("a")).isEqualTo(25);
        try (Admission next = request("a")) {
            next.reserve(event(0));
            assertThat(budget.heldForKey("a")).isEqualTo(26);
        }
        second.close();
        other.close();
        assertThat(budget.records()).isZero();
    }

    @Test
    void submittedEventsNoLongerCountAgainstTheKeyButStillHoldTheBuffer() {
        Admission admission = request("a");
        for (int i = 0; i < 25; i++) {
            admission.reserve(event(i));
        }
        admission.markSubmitted();
        admission.close();
        assertThat(budget.heldForKey("a")).isZero();
        assertThat(budget.records()).isEqualTo(25);
    }

    private static Event event(int n) {
        return new Event("e-" + n, ("{\"n\":" + n + "}\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
