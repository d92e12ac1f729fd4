package io.firehosegateway.sink.sqs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The ids SQS needs, made from an event's key and id. A FIFO queue's {@code MessageGroupId} and
 * {@code MessageDeduplicationId} take 1 to 128 characters of letters, digits and ASCII punctuation
 * ({@code !} to {@code ~}); a key or id that fits is sent as it is, any other is mapped to
 * {@code sha256-} and the hex SHA-256 of its UTF-8 bytes: a pure function, so every replica, every
 * restart and every version maps it alike, and a client's resend deduplicates. A value that already
 * reads as such a mapping is mapped too: sent as it is, it would share its id with the value it
 * spells the hash of, and SQS would drop one of two events as the other's duplicate. An entry's
 * {@code Id} within a call is its position.
 */
final class SqsMessageIds {

    /** The longest group or deduplication id SQS takes. */
    static final int MAX_FIFO_ID_LENGTH = 128;

    /** What starts a mapped id. */
    static final String MAPPED_PREFIX = "sha256-";

    private static final int MAPPED_LENGTH = MAPPED_PREFIX.length() + 64;

    private SqsMessageIds() {}

    /** A group or deduplication id SQS takes, for {@code value}. */
    static String fifoId(String value) {
        return fits(value) && !looksMapped(value) ? value : MAPPED_PREFIX + sha256Hex(value);
    }

    /**
     * The {@code event-id} attribute of an event id: the id, except that SQS takes only XML's
     * characters, so a character outside them is written as its {@code \\u} escape and, so that no
     * escape can be read as another id sent as it is, a backslash as two. Decoded as a JSON string's
     * escapes decode, it gives the id back.
     */
    static String eventIdAttribute(String id) {
        return SqsBodies.escape(id, true);
    }

    /** The {@code Id} of the entry at {@code index} in a call: unique in it, within SQS's 80 characters. */
    static String entryId(int index) {
        return Integer.toString(index);
    }

    /** The position of an entry whose {@code Id} is {@code id}, or -1 when the id names no entry of {@code size}. */
    static int entryIndex(String id, int size) {
        if (id == null || id.isEmpty() || id.length() > 2) {
            return -1;
        }
        for (int i = 0; i < id.length(); i++) {
            if (id.charAt(i) < '0' || id.charAt(i) > '9') {
                return -1;
            }
        }
        int index = Integer.parseInt(id);
        return index < size && entryId(index).equals(id) ? index : -1;
    }

    static boolean fits(String value) {
        if (value.isEmpty() || value.length() > MAX_FIFO_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '!' || c > '~') {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code value} has the form of a mapped id: the prefix and 64 lowercase hex digits. */
    private static boolean looksMapped(String value) {
        if (value.length() != MAPPED_LENGTH || !value.startsWith(MAPPED_PREFIX)) {
            return false;
        }
        for (int i = MAPPED_PREFIX.length(); i < MAPPED_LENGTH; i++) {
            char c = value.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }

    private static String sha256Hex(String value) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
