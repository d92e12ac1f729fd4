package io.firehosegateway.api;

import java.io.OutputStream;
import java.util.Arrays;

/** An output buffer whose bytes are framed without another copy when they fit. */
final class GrowableBytes extends OutputStream {

    private byte[] buffer;
    private int size;

    GrowableBytes(int capacity) {
        buffer = new byte[capacity];
    }

    @Override
    public void write(int b) {
        ensure(1);
        buffer[size++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        ensure(length);
        System.arraycopy(bytes, offset, buffer, size, length);
        size += length;
    }

    /** The buffer, with room for {@code more} bytes after {@link #size()}; {@link #size(int)} says how many were written. */
    byte[] room(int more) {
        ensure(more);
        return buffer;
    }

    void size(int size) {
        this.size = size;
    }

    private void ensure(int more) {
        if (size + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
        }
    }

    int size() {
        return size;
    }

    void reset() {
        size = 0;
    }

    byte[] buffer() {
        return buffer;
    }

    /** A copy of the bytes followed by {@code \n}. */
    byte[] toFramed() {
        byte[] framed = Arrays.copyOf(buffer, size + 1);
        framed[size] = '\n';
        return framed;
    }
}
