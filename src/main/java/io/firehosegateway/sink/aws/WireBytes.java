package io.firehosegateway.sink.aws;

import java.nio.charset.StandardCharsets;

/** What the bodies the gateway writes itself are made of: fixed ASCII parts copied into one exact-size array. */
public final class WireBytes {

    private WireBytes() {}

    /** The length of {@code bytes} bytes in standard base64, padded. */
    public static int base64Length(int bytes) {
        return (bytes + 2) / 3 * 4;
    }

    /** Copies {@code part} into {@code body} at {@code at}, and answers where the next part goes. */
    public static int put(byte[] body, int at, byte[] part) {
        System.arraycopy(part, 0, body, at, part.length);
        return at + part.length;
    }

    public static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
