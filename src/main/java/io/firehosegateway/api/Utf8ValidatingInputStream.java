package io.firehosegateway.api;

import io.firehosegateway.problem.ProblemException;
import io.firehosegateway.problem.ProblemType;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes on a body's bytes up to the first one that is not well-formed UTF-8, and refuses the body
 * only when the reader asks for that byte: the parser has then read everything before it, so the
 * problem names the event that holds it, not one the parser's read-ahead happened to be on.
 */
final class Utf8ValidatingInputStream extends FilterInputStream {

    private final Utf8Validator validator = new Utf8Validator();
    private long offset;
    private ProblemException invalid;

    Utf8ValidatingInputStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int from, int length) throws IOException {
        if (invalid != null) {
            throw invalid;
        }
        int n = super.read(buffer, from, length);
        if (n < 0) {
            if (!validator.complete()) {
                throw problem("The body ends within a UTF-8 sequence");
            }
            return n;
        }
        int bad = offset < DETECTED_PREFIX ? firstNul(buffer, from, from + n, offset) : -1;
        if (bad >= 0) {
            invalid = problem("The body has a NUL byte at byte " + (offset + bad - from)
                    + ", as UTF-16 or UTF-32 would; events must be UTF-8");
        } else {
            bad = validator.firstInvalid(buffer, from, from + n);
        }
        if (bad < 0) {
            offset += n;
            return n;
        }
        if (invalid == null) {
            invalid = problem("Invalid UTF-8: byte 0x"
                    + Integer.toHexString(buffer[bad] & 0xFF).toUpperCase() + " at byte " + (offset + bad - from)
                    + " of the body");
        }
        if (bad == from) {
            throw invalid;
        }
        offset += bad - from;
        return bad - from;
    }

    /**
     * Jackson guesses a body's encoding from its first four bytes, and takes one with a NUL byte
     * among them for UTF-16 or UTF-32 and transcodes it. A NUL byte is never part of a JSON text in
     * UTF-8 (outside strings it is no whitespace, inside them it must be escaped), so refusing it
     * there refuses those encodings and nothing that is valid.
     */
    private static final int DETECTED_PREFIX = 4;

    private static int firstNul(byte[] buffer, int from, int to, long offset) {
        int end = (int) Math.min(to, from + (DETECTED_PREFIX - offset));
        for (int i = from; i < end; i++) {
            if (buffer[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    /** Whether an NDJSON line, which Jackson reads on its own, would be taken for UTF-16 or UTF-32. */
    static boolean startsLikeUtf16Or32(byte[] line, int length) {
        return firstNul(line, 0, length, 0) >= 0;
    }

    @Override
    public long skip(long n) throws IOException {
        // Skipped bytes would go unchecked; the parser never skips.
        throw new UnsupportedOperationException("skip");
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    private static ProblemException problem(String detail) {
        return new ProblemException(ProblemType.INVALID_UTF8, detail);
    }
}
