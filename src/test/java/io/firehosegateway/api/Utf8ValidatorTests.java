package io.firehosegateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8ValidatorTests {

    @Test
    void findsTheFirstBadByteAcrossChunks() {
        byte[] bytes = {'a', (byte) 0xE6, (byte) 0x97, (byte) 0xA5, (byte) 0xF0, (byte) 0x9F, (byte) 0x98, 'x'};
        Utf8Validator validator = new Utf8Validator();

        assertThat(validator.firstInvalid(bytes, 0, 2)).isEqualTo(-1);
        assertThat(validator.complete()).isFalse();
        assertThat(validator.firstInvalid(bytes, 2, 6)).isEqualTo(-1);
        assertThat(validator.firstInvalid(bytes, 6, 8)).isEqualTo(7);
    }

    @Test
    void agreesWithTheJdksStrictDecoderWholeAndByteByByte() {
        Random random = new Random(42);
        int valid = 0;
        for (int run = 0; run < 50_000; run++) {
            byte[] bytes = new byte[1 + random.nextInt(6)];
            for (int i = 0; i < bytes.length; i++) {
                // Mostly bytes of multi-byte sequences, where the edge cases are.
                bytes[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt(0x80) : 0x80 + random.nextInt(0x80));
            }
            boolean expected = strictlyDecodes(bytes);
            valid += expected ? 1 : 0;

            Utf8Validator byteByByte = new Utf8Validator();
            boolean ok = true;
            for (int i = 0; i < bytes.length && ok; i++) {
                ok = byteByByte.firstInvalid(bytes, i, i + 1) < 0;
            }
            if (Utf8Validator.isValid(bytes, 0, bytes.length) != expected
                    || (ok && byteByByte.complete()) != expected) {
                fail("%s: the JDK says %s", hex(bytes), expected ? "valid" : "invalid");
            }
        }
        assertThat(valid).as("enough valid inputs to mean something").isGreaterThan(300);
    }

    private static boolean strictlyDecodes(byte[] bytes) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (byte b : bytes) {
            hex.append(String.format("%02X ", b & 0xFF));
        }
        return hex.toString();
    }
}
