package io.firehosegateway.sink.aws;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * JSON strings written as the SDK's JSON writer writes them, for the bodies the gateway builds
 * itself: UTF-8 as it is, {@code "} and {@code \} escaped, {@code \b \t \n \f \r} in their short form,
 * the other control characters as {@code \}{@code u00XX} and a code point beyond the BMP as its
 * surrogate pair's two escapes, in upper case.
 */
public final class JsonStrings {

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private JsonStrings() {}

    /** {@code text} in quotes, escaped, as UTF-8. */
    public static byte[] quoted(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() + 2);
        write(out, text);
        return out.toByteArray();
    }

    /** Writes {@code text} to {@code out} in quotes, escaped, as UTF-8. */
    public static void write(ByteArrayOutputStream out, String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        write(out, utf8, utf8.length);
    }

    /** Writes the text whose UTF-8 is {@code utf8}'s first {@code length} bytes to {@code out}, in quotes, escaped. */
    public static void write(ByteArrayOutputStream out, byte[] utf8, int length) {
        out.write('"');
        // Runs that need no escape go in one copy each: most text is one run.
        int run = 0;
        for (int i = 0; i < length; i++) {
            int c = utf8[i] & 0xff;
            if (c >= 0xf0) {
                // A code point beyond the BMP: the SDK's writer escapes it as its UTF-16 surrogate pair.
                out.write(utf8, run, i - run);
                int codePoint = (c & 0x07) << 18
                        | (utf8[i + 1] & 0x3f) << 12
                        | (utf8[i + 2] & 0x3f) << 6
                        | (utf8[i + 3] & 0x3f);
                unicodeEscape(out, Character.highSurrogate(codePoint));
                unicodeEscape(out, Character.lowSurrogate(codePoint));
                i += 3;
                run = i + 1;
                continue;
            }
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            out.write(utf8, run, i - run);
            run = i + 1;
            out.write('\\');
            if (c == '"' || c == '\\') {
                out.write(c);
            } else {
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
        out.write(utf8, run, length - run);
        out.write('"');
    }

    private static void unicodeEscape(ByteArrayOutputStream out, char c) {
        out.write('\\');
        out.write('u');
        out.write(HEX[c >> 12 & 0xf]);
        out.write(HEX[c >> 8 & 0xf]);
        out.write(HEX[c >> 4 & 0xf]);
        out.write(HEX[c & 0xf]);
    }
}
