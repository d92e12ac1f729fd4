package io.firehosegateway.sink.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;

class AttemptDeadlinesTests {

    private static final long TIMEOUT_MILLIS = 5_000;

    private final AtomicLong now = new AtomicLong(1_000);
    private final AttemptDeadlines deadlines =
            new AttemptDeadlines(TIMEOUT_MILLIS, now::get, new ScheduledThreadPoolExecutor(1));

    @AfterEach
    void close() {
        deadlines.close();
    }

    @Test
    void aCallUnansweredAtItsTimeoutFailsAsTheSdksAndItsExchangeIsCancelled() {
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        CompletableFuture<Void> execution = new CompletableFuture<>();
        deadlines.watch(answer, execution);

        advanceMillis(TIMEOUT_MILLIS - 1);
        deadlines.sweep();
        assertThat(answer).isNotDone();
        assertThat(execution).isNotDone();

        advanceMillis(1);
        deadlines.sweep();
        assertThat(answer)
                .failsWithin(0, TimeUnit.SECONDS)
                .withThrowableThat()
                .havingCause()
                .isInstanceOf(ApiCallAttemptTimeoutException.class);
        assertThat(execution).isCancelled();
    }

    @Test
    void anAnsweredCallIsLeftAsAnswered() {
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        CompletableFuture<Void> execution = new CompletableFuture<>();
        deadlines.watch(answer, execution);
        answer.complete(new byte[] {1});

        advanceMillis(TIMEOUT_MILLIS * 2);
        deadlines.sweep();
        assertThat(answer.join()).containsExactly(1);
        assertThat(execution).isNotDone();
    }

    @Test
    void eachCallHasItsOwnDeadlineWhateverIsAnsweredAroundIt() {
        CompletableFuture<byte[]> answered = new CompletableFuture<>();
        CompletableFuture<byte[]> first = new CompletableFuture<>();
        CompletableFuture<byte[]> second = new CompletableFuture<>();
        deadlines.watch(answered, new CompletableFuture<>());
        advanceMillis(10);
        deadlines.watch(first, new CompletableFuture<>());
        advanceMillis(10);
        deadlines.watch(second, new CompletableFuture<>());
        answered.complete(new byte[0]);

        advanceMillis(TIMEOUT_MILLIS - 10);
        deadlines.sweep();
        assertThat(first).isCompletedExceptionally();
        assertThat(second).isNotDone();

        advanceMillis(10);
        deadlines.sweep();
        assertThat(second).isCompletedExceptionally();
        assertThat(catchCause(second)).isInstanceOf(ApiCallAttemptTimeoutException.class);
    }

    @Test
    void aCallOutlivesItsTimeoutByAtMostOneTick() {
        assertThat(AttemptDeadlines.tickMillis(5_000)).isEqualTo(50);
        assertThat(AttemptDeadlines.tickMillis(500)).isEqualTo(25);
        assertThat(AttemptDeadlines.tickMillis(10)).isEqualTo(1);
    }

    private void advanceMillis(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    private static Throwable catchCause(CompletableFuture<?> future) {
        try {
            future.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause();
        }
    }
}
