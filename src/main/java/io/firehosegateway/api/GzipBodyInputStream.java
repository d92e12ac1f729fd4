package io.firehosegateway.api;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** A gzip body whose corruption or truncation is the client's error (400), not an I/O failure. */
final class GzipBodyInputStream extends InputStream {

    private final GZIPInputStream in;

    GzipBodyInputStream(InputStream compressed) {
        try {
            this.in = new GZIPInputStream(compressed, 8192);
        } catch (IOException e) {
            throw invalid(e);
        }
    }

    @Override
    public int read() throws IOException {
        try {
            return in.read();
        } catch (ZipException | EOFException e) {
            throw invalid(e);
        }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        try {
            return in.read(buffer, offset, length);
        } catch (ZipException | EOFException e) {
            throw invalid(e);
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private static ProblemException invalid(IOException e) {
        return new ProblemException(
                ProblemType.INVALID_GZIP, "The gzip body is corrupt or truncated: " + e.getMessage());
    }
}
