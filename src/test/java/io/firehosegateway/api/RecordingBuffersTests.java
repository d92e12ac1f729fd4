package io.firehosegateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RecordingBuffersTests {

    private final RecordingBuffers buffers = new RecordingBuffers(2);

    @Test
    void aReleasedRecordingsBufferServesTheNextRecordingWhichSeesOnlyItsOwnBytes() throws IOException {
        RecordingInputStream first = new RecordingInputStream(stream("{\"first\":\"a longer body\"}"), buffers);
        first.readAllBytes();
        byte[] used = first.bytes();
        first.release();

        RecordingInputStream second = new RecordingInputStream(stream("{\"b\":2}"), buffers);
        byte[] read = second.readAllBytes();

        assertThat(second.bytes()).isSameAs(used);
        assertThat(second.base()).isZero();
        assertThat(second.end()).isEqualTo(read.length);
        assertThat(Arrays.copyOf(second.bytes(), (int) second.end())).isEqualTo(read);
    }

    @Test
    void aBufferIsGivenToOneTakerOnly() {
        byte[] buffer = new byte[100];
        buffers.give(buffer);

        assertThat(buffers.take()).isSameAs(buffer);
        assertThat(buffers.take()).isEmpty();
    }

    @Test
    void keepsAtMostItsSlotsAndNoBufferOverTheLimit() {
        buffers.give(new byte[RecordingBuffers.MAX_KEPT_BYTES + 1]);
        assertThat(buffers.take()).isEmpty();

        byte[][] given = {new byte[1], new byte[2], new byte[3]};
        for (byte[] buffer : given) {
            buffers.give(buffer);
        }
        assertThat(buffers.take()).isNotEmpty();
        assertThat(buffers.take()).isNotEmpty();
        assertThat(buffers.take()).isEmpty();
    }

    private static ByteArrayInputStream stream(String body) {
        return new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
    }
}
