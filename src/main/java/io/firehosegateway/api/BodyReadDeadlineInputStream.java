package io.firehosegateway.api;

import io.firehosegateway.problem.ProblemException;
import io.firehosegateway.problem.ProblemType;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * Cuts a body that takes too long: one that trickles in past its deadline, checked at every read,
 * and one that stalls, which Tomcat's read timeout ({@link BodyReadTimeouts}) ends with a {@link
 * SocketTimeoutException} that this turns into the same {@code 408}.
 */
final class BodyReadDeadlineInputStream extends FilterInputStream {

    private final long deadlineNanos;
    private final Duration timeout;
    private final Duration deadline;

    BodyReadDeadlineInputStream(InputStream in, Duration timeout, Duration deadline) {
        super(in);
        this.timeout = timeout;
        this.deadline = deadline;
        this.deadlineNanos = System.nanoTime() + deadline.toNanos();
    }

    @Override
    public int read() throws IOException {
        checkDeadline();
        try {
            return super.read();
        } catch (IOException e) {
            throw timedOutOr(e);
        }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        checkDeadline();
        try {
            return super.read(buffer, offset, length);
        } catch (IOException e) {
            throw timedOutOr(e);
        }
    }

    private void checkDeadline() {
        if (System.nanoTime() - deadlineNanos > 0) {
            throw timedOut("The request body did not arrive within " + deadline + "; nothing of it was taken")
                    .with("deadlineSeconds", deadline.toSeconds());
        }
    }

    private IOException timedOutOr(IOException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SocketTimeoutException) {
                throw timedOut("No byte of the request body arrived for " + timeout + "; nothing of it was taken")
                        .with("timeoutSeconds", timeout.toSeconds());
            }
        }
        return e;
    }

    private static ProblemException timedOut(String detail) {
        return new ProblemException(ProblemType.BODY_READ_TIMEOUT, detail);
    }
}
