package io.firehosegateway.api;

/**
 * Checks that bytes are well-formed UTF-8 (RFC 3629), chunk by chunk as a body arrives.
 *
 * <p>Jackson decodes overlong forms such as {@code C0 80} and code points above U+10FFFF without
 * complaint, and reports a stray byte in a member name as an early end of input; the gateway would
 * then re-encode what it guessed, so bodies are checked here before Jackson sees them.
 */
final class Utf8Validator {

    /** Continuation bytes still expected by the sequence in progress. */
    private int pending;
    /** The range the next continuation byte must fall in; narrower than 80..BF after some lead bytes. */
    private int low = 0x80;

    private int high = 0xBF;

    /**
     * Checks {@code bytes[from..to)}, continuing the sequence the previous chunk left open.
     *
     * @return the index of the first byte that cannot be part of well-formed UTF-8, or -1
     */
    int firstInvalid(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            int b = bytes[i] & 0xFF;
            if (pending > 0) {
                if (b < low || b > high) {
                    return i;
                }
                pending--;
                low = 0x80;
                high = 0xBF;
            } else if (b >= 0x80 && !lead(b)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether the bytes so far end with a whole character rather than part of one. */
    boolean complete() {
        return pending == 0;
    }

    private boolean lead(int b) {
        if (b >= 0xC2 && b <= 0xDF) {
            pending = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            pending = 2;
            if (b == 0xE0) {
                low = 0xA0; // below is an overlong form
            } else if (b == 0xED) {
                high = 0x9F; // above are the surrogates
            }
        } else if (b >= 0xF0 && b <= 0xF4) {
            pending = 3;
            if (b == 0xF0) {
                low = 0x90; // below is an overlong form
            } else if (b == 0xF4) {
                high = 0x8F; // above is past U+10FFFF
            }
        } else {
            return false;
        }
        return true;
    }

    /** Whether {@code bytes[from..to)} is whole, well-formed UTF-8 on its own. */
    static boolean isValid(byte[] bytes, int from, int to) {
        Utf8Validator validator = new Utf8Validator();
        return validator.firstInvalid(bytes, from, to) < 0 && validator.complete();
    }
}
