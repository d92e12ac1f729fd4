package io.firehosegateway.api;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Tells whether a {@code text/plain} body is JSON or NDJSON, since a beacon cannot say so in its
 * content type. It is NDJSON when its first line is one object on its own line: a first line that
 * ends in <code>}</code> and then a newline. Anything else, a pretty-printed object or an array
 * included, is read as JSON; a one-line object followed by a newline is the same event either way.
 */
final class PlainTextBodies {

    private PlainTextBodies() {}

    /**
     * The body, buffered so that what was looked at is read again by the parser, and its format.
     *
     * @param window how far to look for the first newline: a first line longer than an NDJSON line
     *     may be is read as JSON
     */
    static Sniffed sniff(InputStream body, int window) {
        BufferedInputStream buffered = new BufferedInputStream(body, 8192);
        buffered.mark(window);
        try {
            return new Sniffed(buffered, formatOf(buffered, window));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static EventFormat formatOf(BufferedInputStream body, int window) throws IOException {
        try {
            int read = 0;
            int b;
            do {
                b = body.read();
                read++;
            } while (read < window && isBlank(b));
            if (b != '{') {
                return EventFormat.JSON;
            }
            int last = b;
            while (read < window && (b = body.read()) != -1) {
                read++;
                if (b == '\n') {
                    return last == '}' ? EventFormat.NDJSON : EventFormat.JSON;
                }
                // NUL too: a UTF-16 body's line ends in one, and is then refused as NDJSON, with its line.
                if (!isBlank(b) && b != 0) {
                    last = b;
                }
            }
            return EventFormat.JSON;
        } finally {
            body.reset();
        }
    }

    private static boolean isBlank(int b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }

    /** A body after its first line was looked at, and the format that line says it is. */
    record Sniffed(InputStream body, EventFormat format) {}
}
