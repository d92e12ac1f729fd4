package io.firehosegateway.api;

import io.firehosegateway.problem.ProblemException;
import io.firehosegateway.problem.ProblemType;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A gzip body (RFC 1952): every member of it, read to the end of the body. Corruption, truncation
 * and bytes after the last member are the client's error (400), not an I/O failure.
 *
 * <p>The JDK's {@code GZIPInputStream} is not used: after a member it looks for another only when
 * the socket happens to have bytes {@code available()}, and ignores whatever does not read as one,
 * so a body's second member could be dropped, and bytes after the gzip data were taken silently.
 */
final class GzipBodyInputStream extends InputStream {

    private static final int MAGIC_1 = 0x1f;
    private static final int MAGIC_2 = 0x8b;
    private static final int DEFLATE = 8;
    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;
    private static final int RESERVED_FLAGS = 0xE0;

    private final InputStream in;
    private final byte[] buffer = new byte[8192];
    private int position;
    private int limit;
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private boolean ended;

    GzipBodyInputStream(InputStream compressed) {
        this.in = compressed;
        try {
            if (peek() < 0) {
                throw invalid("it is empty");
            }
            readHeader(true);
        } catch (IOException e) {
            inflater.end();
            throw invalid(e.getMessage());
        } catch (ProblemException e) {
            inflater.end();
            throw e;
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int read = read(one, 0, 1);
        return read < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] output, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (!ended) {
            if (inflater.finished()) {
                position = limit - inflater.getRemaining();
                readTrailer();
                if (peek() < 0) {
                    ended = true;
                } else {
                    readHeader(false);
                }
                continue;
            }
            if (inflater.needsInput()) {
                if (!fill()) {
                    throw invalid("it ends inside the compressed data");
                }
                inflater.setInput(buffer, position, limit - position);
                position = limit;
            }
            int inflated;
            try {
                inflated = inflater.inflate(output, offset, length);
            } catch (DataFormatException e) {
                throw invalid(e.getMessage());
            }
            if (inflated > 0) {
                crc.update(output, offset, inflated);
                return inflated;
            }
            if (inflater.needsDictionary()) {
                throw invalid("the compressed data asks for a dictionary");
            }
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        inflater.end();
        in.close();
    }

    /** Reads a member's header; {@code first} says whether it is the body's first member. */
    private void readHeader(boolean first) throws IOException {
        CRC32 headerCrc = new CRC32();
        if (nextOrEnd(headerCrc) != MAGIC_1 || nextOrEnd(headerCrc) != MAGIC_2) {
            throw invalid(
                    first
                            ? "it does not start as gzip"
                            : "bytes follow the end of its gzip data, and they are not another gzip member");
        }
        if (next(headerCrc) != DEFLATE) {
            throw invalid("the compression method is not deflate");
        }
        int flags = next(headerCrc);
        if ((flags & RESERVED_FLAGS) != 0) {
            throw invalid("the header sets reserved flags");
        }
        for (int i = 0; i < 6; i++) {
            next(headerCrc);
        }
        if ((flags & FEXTRA) != 0) {
            int extra = next(headerCrc) | next(headerCrc) << 8;
            for (int i = 0; i < extra; i++) {
                next(headerCrc);
            }
        }
        if ((flags & FNAME) != 0) {
            while (next(headerCrc) != 0) {}
        }
        if ((flags & FCOMMENT) != 0) {
            while (next(headerCrc) != 0) {}
        }
        if ((flags & FHCRC) != 0) {
            int expected = (int) headerCrc.getValue() & 0xFFFF;
            if ((next(null) | next(null) << 8) != expected) {
                throw invalid("the header's checksum is wrong");
            }
        }
        inflater.reset();
        crc.reset();
    }

    private void readTrailer() throws IOException {
        long expectedCrc = uint32();
        long expectedSize = uint32();
        if (expectedCrc != crc.getValue() || expectedSize != (inflater.getBytesWritten() & 0xFFFFFFFFL)) {
            throw invalid("the trailer's checksum or size does not match the data");
        }
    }

    private long uint32() throws IOException {
        long value = 0;
        for (int i = 0; i < 4; i++) {
            value |= (long) next(null) << (8 * i);
        }
        return value;
    }

    /** The next byte of the compressed body, added to {@code checksum} if there is one. */
    private int next(CRC32 checksum) throws IOException {
        int b = nextOrEnd(checksum);
        if (b < 0) {
            throw invalid("it ends inside a gzip header or trailer");
        }
        return b;
    }

    /** {@link #next}, or -1 at the end of the body. */
    private int nextOrEnd(CRC32 checksum) throws IOException {
        if (!fill()) {
            return -1;
        }
        int b = buffer[position++] & 0xFF;
        if (checksum != null) {
            checksum.update(b);
        }
        return b;
    }

    /** The next byte without taking it, or -1 at the end of the body. */
    private int peek() throws IOException {
        return fill() ? buffer[position] & 0xFF : -1;
    }

    /** Whether there are unread bytes in the buffer, reading more when there are none. */
    private boolean fill() throws IOException {
        while (position == limit) {
            int read = in.read(buffer, 0, buffer.length);
            if (read < 0) {
                return false;
            }
            position = 0;
            limit = read;
        }
        return true;
    }

    private static ProblemException invalid(String reason) {
        return new ProblemException(ProblemType.INVALID_GZIP, "The gzip body is invalid: " + reason);
    }
}
