package io.firehosegateway.schema;

/**
 * networknt's {@code uuid} ({@code ^\p{XDigit}{8}-\p{XDigit}{4}-\p{XDigit}{4}-\p{XDigit}{4}-\p{XDigit}{12}$}
 * without {@code UNICODE_CHARACTER_CLASS}, so ASCII hex digits of either case), read by hand.
 */
final class UuidShape {

    private UuidShape() {}

    static boolean obviouslyValid(String value) {
        if (value.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = value.charAt(i);
            boolean ok = i == 8 || i == 13 || i == 18 || i == 23 ? c == '-' : Ascii.isHexDigit(c);
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
