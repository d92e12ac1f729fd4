package io.firehosegateway.api;

import io.firehosegateway.problem.ProblemException;
import io.firehosegateway.problem.ProblemType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/** Splits an NDJSON body into lines without holding more than one line, refusing lines over the limit. */
final class NdjsonLineReader {

    private final InputStream in;
    private final int maxLength;
    private final byte[] chunk = new byte[16 * 1024];
    private int chunkStart;
    private int chunkEnd;
    private byte[] line = new byte[1024];
    private int length;
    private int lineNumber;
    private boolean eof;

    NdjsonLineReader(InputStream in, int maxLength) {
        this.in = in;
        this.maxLength = maxLength;
    }

    /** The next line without its {@code \n} (its length is {@link #length()}), or null at the end. */
    byte[] next() {
        if (eof) {
            return null;
        }
        length = 0;
        lineNumber++;
        while (true) {
            if (chunkStart == chunkEnd && !fill()) {
                eof = true;
                return length > 0 ? line : null;
            }
            int newline = -1;
            for (int i = chunkStart; i < chunkEnd; i++) {
                if (chunk[i] == '\n') {
                    newline = i;
                    break;
                }
            }
            int end = newline >= 0 ? newline : chunkEnd;
            append(chunkStart, end - chunkStart);
            chunkStart = newline >= 0 ? newline + 1 : chunkEnd;
            if (newline >= 0) {
                return line;
            }
        }
    }

    int length() {
        return length;
    }

    int lineNumber() {
        return lineNumber;
    }

    /** Whether the line holds nothing but spaces, tabs and a CR: NDJSON tolerates such lines. */
    static boolean isBlank(byte[] line, int length) {
        for (int i = 0; i < length; i++) {
            byte b = line[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    private void append(int from, int count) {
        if (length + count > maxLength) {
            throw new ProblemException(
                            ProblemType.LINE_TOO_LONG,
                            "Line " + lineNumber + " is longer than the limit of " + maxLength + " bytes")
                    .with("line", lineNumber)
                    .with("limit", maxLength);
        }
        if (length + count > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, length + count));
        }
        System.arraycopy(chunk, from, line, length, count);
        length += count;
    }

    private boolean fill() {
        try {
            int n = in.read(chunk);
            if (n <= 0) {
                return false;
            }
            chunkStart = 0;
            chunkEnd = n;
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
