package io.firehosegateway.sink.kinesis;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Maps a record's key into what Kinesis takes as a partition key: 1 to 256 characters. A key that
 * fits is sent as it is; a longer one, or an empty one, is sent as the SHA-256 hex digest of its
 * UTF-8 bytes (64 characters): the same on every replica, restart and version, so a key's events
 * keep going to one shard. The length is judged in UTF-8 bytes, not characters, so that every key
 * sent adds at most {@link #MAX_KEY_BYTES} bytes to a record as Kinesis counts it.
 */
final class KinesisPartitionKeys {

    /** Bytes of a partition key as sent, at most: Kinesis's 256 characters, each kept to one byte. */
    static final int MAX_KEY_BYTES = 256;

    private KinesisPartitionKeys() {}

    /** The partition key Kinesis is sent for {@code key}. */
    static String partitionKey(String key) {
        if (key == null) {
            key = "";
        }
        if (!key.isEmpty() && key.length() <= MAX_KEY_BYTES && utf8Length(key) <= MAX_KEY_BYTES) {
            return key;
        }
        return sha256Hex(key);
    }

    /**
     * The hash key Kinesis places a record of {@code partitionKey} by, unless it is given an explicit
     * one: the MD5 of the key's UTF-8 bytes, read as an unsigned 128-bit integer.
     */
    static BigInteger hashKey(String partitionKey) {
        try {
            MessageDigest digest = MessageDigest.getInstance("MD5");
            return new BigInteger(1, digest.digest(partitionKey.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has MD5", e);
        }
    }

    private static int utf8Length(String key) {
        return key.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String sha256Hex(String key) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
