package io.firehosegateway.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.event.Event;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonParser;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/** The copy itself: the bytes come from the request, not from writing the tokens again. */
class EventCopierTests {

    private static final JsonFactory factory = JsonFactory.builder().build();

    @Test
    void framesTheBytesOfTheSourceNotTokensWrittenAgain() {
        // The parser checks one object; the source holds another of the same length: what is framed shows which was
        // used.
        byte[] parsed = "{\"id\":\"a\",\"n\":1}".getBytes(UTF_8);
        byte[] source = "{\"id\":\"a\",\"m\":2}".getBytes(UTF_8);
        try (EventWriter writer = new EventWriter(factory, 64, false);
                JsonParser parser = factory.createParser(ObjectReadContext.empty(), parsed)) {
            parser.nextToken();
            Event event = new EventCopier(factory, writer, 64, 1000)
                    .copy(parser, new EventPosition(), 1000, null, EventCopier.line(source, source.length));
            assertThat(new String(event.framed(), UTF_8)).isEqualTo("{\"id\":\"a\",\"m\":2}\n");
            assertThat(event.id()).isEqualTo("a");
        }
    }

    @Test
    void compactsWhitespaceBetweenTokensAndKeepsItInStrings() {
        GrowableBytes out = new GrowableBytes(16);
        byte[] in = "{ \"a b\" :\t[1 ,\r\n true], \"c\\\"\\\\\\/\":\"x y\\n\" }".getBytes(UTF_8);
        assertThat(EventCopier.compact(in, 0, in.length, 100, out)).isTrue();
        assertThat(new String(out.buffer(), 0, out.size(), UTF_8))
                .isEqualTo("{\"a b\":[1,true],\"c\\\"\\\\/\":\"x y\\n\"}");
    }

    @Test
    void leavesAUnicodeEscapeOrAStringOverItsLimitToTheWriter() {
        GrowableBytes out = new GrowableBytes(16);
        byte[] escaped = "{\"a\":\"\\u00e9\"}".getBytes(UTF_8);
        assertThat(EventCopier.compact(escaped, 0, escaped.length, 100, out)).isFalse();
        byte[] emoji = "{\"a\":\"\ud83d\ude00\ud83d\ude00\"}".getBytes(UTF_8);
        assertThat(EventCopier.compact(emoji, 0, emoji.length, 4, out)).isTrue();
        assertThat(EventCopier.compact(emoji, 0, emoji.length, 3, out)).isFalse();
    }

    @Test
    void recordsEveryByteReadFromTheMarkOnAcrossBufferGrowth() throws IOException {
        byte[] body = new byte[100_000];
        Arrays.fill(body, (byte) 'x');
        for (int i = 0; i < body.length; i += 97) {
            body[i] = (byte) ('a' + i % 26);
        }
        try (RecordingInputStream recording = new RecordingInputStream(new ByteArrayInputStream(body))) {
            byte[] chunk = new byte[7000];
            long read = 0;
            for (int n = recording.read(chunk, 0, chunk.length); n > 0; n = recording.read(chunk, 0, chunk.length)) {
                read += n;
                recording.mark(read - n / 2);
                long from = read - n / 2;
                byte[] held = Arrays.copyOfRange(
                        recording.bytes(), (int) (from - recording.base()), (int) (recording.end() - recording.base()));
                assertThat(held).isEqualTo(Arrays.copyOfRange(body, (int) from, (int) read));
            }
            assertThat(recording.end()).isEqualTo(body.length);
        }
    }
}
