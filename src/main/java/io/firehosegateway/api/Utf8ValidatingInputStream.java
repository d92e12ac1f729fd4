package io.firehosegateway.api;

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
        int bad = validator.firstInvalid(buffer, from, from + n);
        if (bad < 0) {
            offset += n;
            return n;
        }
        invalid = problem("Invalid UTF-8: byte 0x"
                + Integer.toHexString(buffer[bad] & 0xFF).toUpperCase() + " at byte " + (offset + bad - from)
                + " of the body");
        if (bad == from) {
            throw invalid;
        }
        offset += bad - from;
        return bad - from;
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
