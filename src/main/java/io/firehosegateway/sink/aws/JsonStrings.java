package io.firehosegateway.sink.aws;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * JSON strings written as the SDK's JSON writer writes them, for the bodies the gateway builds
 * itself: UTF-8 as it is, {@code "} and {@code \} escaped, {@code \b \t \n \f \r} in their short form
 * and the other control characters as {@code \}{@code u00XX} in upper case.
 */
public final class JsonStrings {

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private JsonStrings() {}

    /** {@code text} in quotes, escaped, as UTF-8. */
    public static byte[] quoted(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(utf8.length + 2);
        out.write('"');
        for (byte b : utf8) {
            int c = b & 0xff;
            if (c == '"' || c == '\\') {
                out.write('\\');
                out.write(c);
            } else if (c >= 0x20) {
                out.write(c);
            } else {
                out.write('\\');
                switch (c) {
                    case '\b' -> out.write('b');
                    case '\t' -> out.write('t');
                    case '\n' -> out.write('n');
                    case '\f' -> out.write('f');
                    case '\r' -> out.write('r');
                    default -> {
                        out.write('u');
                        out.write('0');
                        out.write('0');
                        out.write(HEX[c >> 4]);
                        out.write(HEX[c & 0xf]);
                    }
                }
            }
        }
        out.write('"');
        return out.toByteArray();
    }
}
