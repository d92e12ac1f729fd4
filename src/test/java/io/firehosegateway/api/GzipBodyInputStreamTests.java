package io.firehosegateway.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firehosegateway.problem.ProblemException;
import io.firehosegateway.problem.ProblemType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** A gzip body is read whole, every member of it, and anything else in it is the client's error. */
class GzipBodyInputStreamTests {

    private static final byte[] EVENT = "{\"id\":\"a\"}".getBytes(UTF_8);

    @Test
    void readsAGzipBody() throws IOException {
        assertThat(read(gzip(EVENT))).isEqualTo(EVENT);
    }

    @Test
    void readsEveryMemberOfAMultiMemberBody() throws IOException {
        byte[] second = "{\"id\":\"b\"}".getBytes(UTF_8);

        assertThat(read(concat(gzip(EVENT), gzip(second)))).isEqualTo(concat(EVENT, second));
    }

    @Test
    void refusesBytesAfterTheGzipData() {
        for (String rest : new String[] {"x", "{\"id\":\"b\"}", "\n", "garbage".repeat(10), "\u001f"}) {
            byte[] body = concat(gzip(EVENT), rest.getBytes(UTF_8));

            assertThatThrownBy(() -> read(body))
                    .as(rest)
                    .isInstanceOfSatisfying(
                            ProblemException.class,
                            problem -> assertThat(problem.type()).isEqualTo(ProblemType.INVALID_GZIP))
                    .hasMessageContaining("follow the end");
        }
    }

    @Test
    void refusesBytesAfterTheGzipDataOfALargeBody() {
        byte[] noise = new byte[300_000];
        new Random(7).nextBytes(noise);
        byte[] body = concat(gzip(noise), "trailing".getBytes(UTF_8));

        assertThatThrownBy(() -> read(body))
                .isInstanceOfSatisfying(
                        ProblemException.class,
                        problem -> assertThat(problem.type()).isEqualTo(ProblemType.INVALID_GZIP));
    }

    @Test
    void refusesATruncatedOrCorruptBody() {
        byte[] gzip = gzip(EVENT);
        byte[] corruptTrailer = gzip.clone();
        corruptTrailer[corruptTrailer.length - 5] ^= 1;
        byte[] corruptData = gzip.clone();
        corruptData[12] ^= (byte) 0xFF;
        for (byte[] body : new byte[][] {
            Arrays.copyOf(gzip, gzip.length - 1),
            Arrays.copyOf(gzip, 5),
            corruptTrailer,
            corruptData,
            EVENT,
            new byte[0]
        }) {
            assertThatThrownBy(() -> read(body))
                    .isInstanceOfSatisfying(
                            ProblemException.class,
                            problem -> assertThat(problem.type()).isEqualTo(ProblemType.INVALID_GZIP));
        }
    }

    @Test
    void readsByteByByteAsWell() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = new GzipBodyInputStream(new ByteArrayInputStream(gzip(EVENT)))) {
            for (int b = in.read(); b >= 0; b = in.read()) {
                out.write(b);
            }
        }
        assertThat(out.toByteArray()).isEqualTo(EVENT);
    }

    private static byte[] read(byte[] body) throws IOException {
        // A trickling stream, as a socket gives it: a byte at a time, and nothing "available".
        InputStream trickle = new ByteArrayInputStream(body) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1));
            }

            @Override
            public synchronized int available() {
                return 0;
            }
        };
        try (InputStream in = new GzipBodyInputStream(trickle)) {
            return in.readAllBytes();
        }
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
