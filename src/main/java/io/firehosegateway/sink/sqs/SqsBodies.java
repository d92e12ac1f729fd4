package io.firehosegateway.sink.sqs;

import java.nio.charset.StandardCharsets;

/**
 * Turns a record into a message body SQS takes. The body is the event's compact JSON without the
 * newline that frames it for Firehose. SQS takes only XML's characters ({@code #x9 | #xA | #xD |
 * #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF}); JSON allows the others inside strings (U+FFFE,
 * U+FFFF, and the C0 controls when a writer leaves them raw), so each of those is written as its
 * {@code \\u} escape: the body stays valid JSON of the same value, and SQS refuses no event for it
 * (the pipeline measures an event as {@link SqsSink#bytesAsSent} gives it, escapes included).
 * Outside strings JSON has no such characters, so an escape never lands where it would change the
 * meaning. The parser is left as it is.
 */
final class SqsBodies {

    private SqsBodies() {}

    /** The body of a record's bytes: one framed event, its trailing newline dropped. */
    static String body(byte[] framed) {
        int length = unframedLength(framed);
        String text = new String(framed, 0, length, StandardCharsets.UTF_8);
        return needsEscapes(framed, length) ? escape(text) : text;
    }

    /** The UTF-8 bytes of {@link #body(byte[])}, without building it when nothing needs escaping. */
    static int bodySize(byte[] framed) {
        int length = unframedLength(framed);
        return needsEscapes(framed, length) ? utf8Length(body(framed)) : length;
    }

    /**
     * The UTF-8 bytes of {@link #body(byte[])}: {@code framed} itself, to be read up to {@link
     * #unframedLength}, when nothing needs escaping, so the usual body is neither decoded nor copied.
     */
    static byte[] bodyBytes(byte[] framed) {
        return needsEscapes(framed, unframedLength(framed)) ? body(framed).getBytes(StandardCharsets.UTF_8) : framed;
    }

    /** How many of a record's bytes are its event: all but a trailing newline. */
    static int unframedLength(byte[] framed) {
        int length = framed.length;
        return length > 0 && framed[length - 1] == '\n' ? length - 1 : length;
    }

    /** {@code text} with every character SQS refuses written as a {@code \\u} escape. */
    static String escape(String text) {
        return escape(text, false);
    }

    /**
     * {@code text} with every character SQS refuses written as a {@code \\u} escape and, when
     * {@code backslashes}, every backslash doubled: then no escape reads like text that was sent as
     * it is, and different texts always give different results.
     */
    static String escape(String text, boolean backslashes) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            int next = i + Character.charCount(codePoint);
            boolean backslash = backslashes && codePoint == '\\';
            if (!isXmlChar(codePoint) || backslash) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                if (backslash) {
                    out.append("\\\\");
                } else {
                    for (char c : Character.toChars(codePoint)) {
                        out.append(String.format("\\u%04x", (int) c));
                    }
                }
            } else if (out != null) {
                out.appendCodePoint(codePoint);
            }
            i = next;
        }
        return out == null ? text : out.toString();
    }

    /** Whether SQS takes the character. */
    static boolean isXmlChar(int codePoint) {
        return codePoint == 0x9
                || codePoint == 0xA
                || codePoint == 0xD
                || codePoint >= 0x20 && codePoint <= 0xD7FF
                || codePoint >= 0xE000 && codePoint <= 0xFFFD
                || codePoint >= 0x10000 && codePoint <= 0x10FFFF;
    }

    /** The UTF-8 bytes of a body, as SQS counts its size. */
    static int utf8Length(String text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /**
     * A fast look at the bytes: a C0 control other than tab, newline and return, or the UTF-8 of
     * U+FFFE or U+FFFF ({@code EF BF BE}, {@code EF BF BF}); valid UTF-8 holds no surrogates.
     */
    private static boolean needsEscapes(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            int b = bytes[i] & 0xFF;
            if (b < 0x20 && b != 0x9 && b != 0xA && b != 0xD) {
                return true;
            }
            if (b == 0xEF && i + 2 < length && (bytes[i + 1] & 0xFF) == 0xBF && (bytes[i + 2] & 0xFE) == 0xBE) {
                return true;
            }
        }
        return false;
    }
}
