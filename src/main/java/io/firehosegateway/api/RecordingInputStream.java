package io.firehosegateway.api;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Keeps the bytes the parser reads from the event being read on, so that an event checked by the
 * parser can be sent as the client sent it instead of being written again token by token.
 *
 * <p>What lies before the mark is dropped only when the buffer would otherwise grow, so a request of
 * many small events costs one copy of its body, not one shift of the read-ahead per event.
 */
final class RecordingInputStream extends FilterInputStream implements EventCopier.Source {

    private final RecordingBuffers buffers;

    /**
     * A finished request's buffer, else sized by the first read: a single event's body, or the
     * parser's read size for a body of many.
     */
    private byte[] bytes;

    private int size;
    /** The offset in the stream of {@code bytes[0]}. */
    private long base;

    private long mark;

    RecordingInputStream(InputStream in) {
        this(in, RecordingBuffers.SHARED);
    }

    RecordingInputStream(InputStream in, RecordingBuffers buffers) {
        super(in);
        this.buffers = buffers;
        this.bytes = buffers.take();
    }

    /**
     * Gives the buffer back for a later request, once every event read has been copied out of it;
     * nothing is recorded afterwards.
     */
    void release() {
        byte[] released = bytes;
        bytes = new byte[0];
        size = 0;
        buffers.give(released);
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            room(1);
            bytes[size++] = (byte) b;
        }
        return b;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        int read = in.read(into, offset, length);
        if (read > 0) {
            room(read);
            System.arraycopy(into, offset, bytes, size, read);
            size += read;
        }
        return read;
    }

    @Override
    public long skip(long n) {
        // The parser never skips; recording skipped bytes is not worth the code.
        return 0;
    }

    @Override
    public void mark(long offset) {
        mark = offset;
    }

    @Override
    public byte[] bytes() {
        return bytes;
    }

    @Override
    public long base() {
        return base;
    }

    @Override
    public long end() {
        return base + size;
    }

    private void room(int more) {
        if (size + more <= bytes.length) {
            return;
        }
        int dropped = (int) (mark - base);
        if (dropped > 0) {
            System.arraycopy(bytes, dropped, bytes, 0, size - dropped);
            size -= dropped;
            base = mark;
        }
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
