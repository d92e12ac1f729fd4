package io.firehosegateway.sink.kinesis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One Kinesis record in the Kinesis Producer Library's aggregation format, built up user record by
 * user record: the magic bytes {@code F3 89 9A C2}, the protobuf message {@code AggregatedRecord}
 * (a table of partition keys, a table of explicit hash keys, and the user records, each naming its
 * keys by their index in the tables), then the MD5 of the protobuf bytes. The KCL, the Lambda
 * deaggregation modules and Firehose read it back into the user records.
 *
 * <p>Encoded by hand rather than with a protobuf library: the message is three repeated fields of
 * strings and one of a small sub-message, which varints and length prefixes cover. Its size is kept
 * exact as records are added, so that a caller can bound it before encoding. Not thread-safe.
 */
final class KinesisAggregate {

    /** What every aggregated record starts with; a record without it is a plain user record. */
    static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};

    /** The MD5 of the protobuf bytes that ends an aggregated record. */
    static final int DIGEST_BYTES = 16;

    // Field tags: (field number << 3) | wire type, 2 for length-delimited, 0 for varint.
    private static final int PARTITION_KEY_TABLE = 1 << 3 | 2;
    private static final int EXPLICIT_HASH_KEY_TABLE = 2 << 3 | 2;
    private static final int RECORDS = 3 << 3 | 2;
    private static final int RECORD_PARTITION_KEY_INDEX = 1 << 3;
    private static final int RECORD_EXPLICIT_HASH_KEY_INDEX = 2 << 3;
    private static final int RECORD_DATA = 3 << 3 | 2;

    /** A user record as added, its keys replaced by their indexes in the tables. */
    private record Entry(int partitionKeyIndex, int explicitHashKeyIndex, byte[] data, int messageBytes) {}

    private final Map<String, Integer> partitionKeyIndexes = new HashMap<>();
    private final List<byte[]> partitionKeys = new ArrayList<>();
    private final Map<String, Integer> explicitHashKeyIndexes = new HashMap<>();
    private final List<byte[]> explicitHashKeys = new ArrayList<>();
    private final List<Entry> entries = new ArrayList<>();
    private int protobufBytes;

    /** User records added so far. */
    int count() {
        return entries.size();
    }

    /** The bytes of the encoded aggregate as it stands: magic, protobuf and digest. */
    int size() {
        return MAGIC.length + protobufBytes + DIGEST_BYTES;
    }

    /**
     * The bytes the encoded aggregate would have with one more user record.
     *
     * @param explicitHashKey the user record's explicit hash key in decimal, or null when its
     *     partition key's MD5 places it
     */
    int sizeWith(String partitionKey, String explicitHashKey, int dataBytes) {
        return size() + added(partitionKey, explicitHashKey, dataBytes);
    }

    /** Adds a user record after those added before; readers get them back in this order. */
    void add(String partitionKey, String explicitHashKey, byte[] data) {
        int added = added(partitionKey, explicitHashKey, data.length);
        int keyIndex = partitionKeyIndexes.computeIfAbsent(partitionKey, key -> {
            partitionKeys.add(key.getBytes(StandardCharsets.UTF_8));
            return partitionKeys.size() - 1;
        });
        int hashKeyIndex = -1;
        if (explicitHashKey != null) {
            hashKeyIndex = explicitHashKeyIndexes.computeIfAbsent(explicitHashKey, key -> {
                explicitHashKeys.add(key.getBytes(StandardCharsets.UTF_8));
                return explicitHashKeys.size() - 1;
            });
        }
        entries.add(new Entry(keyIndex, hashKeyIndex, data, messageBytes(keyIndex, hashKeyIndex, data.length)));
        protobufBytes += added;
    }

    /** The aggregated record's bytes. */
    byte[] encode() {
        byte[] out = new byte[size()];
        int at = 0;
        System.arraycopy(MAGIC, 0, out, at, MAGIC.length);
        at += MAGIC.length;
        int protobufStart = at;
        for (byte[] key : partitionKeys) {
            at = writeBytesField(out, at, PARTITION_KEY_TABLE, key);
        }
        for (byte[] key : explicitHashKeys) {
            at = writeBytesField(out, at, EXPLICIT_HASH_KEY_TABLE, key);
        }
        for (Entry entry : entries) {
            at = writeVarint(out, at, RECORDS);
            at = writeVarint(out, at, entry.messageBytes());
            at = writeVarint(out, at, RECORD_PARTITION_KEY_INDEX);
            at = writeVarint(out, at, entry.partitionKeyIndex());
            if (entry.explicitHashKeyIndex() >= 0) {
                at = writeVarint(out, at, RECORD_EXPLICIT_HASH_KEY_INDEX);
                at = writeVarint(out, at, entry.explicitHashKeyIndex());
            }
            at = writeBytesField(out, at, RECORD_DATA, entry.data());
        }
        MessageDigest md5 = md5();
        md5.update(out, protobufStart, at - protobufStart);
        System.arraycopy(md5.digest(), 0, out, at, DIGEST_BYTES);
        return out;
    }

    /** What one more user record adds to the protobuf bytes: its message, and any key new to the tables. */
    private int added(String partitionKey, String explicitHashKey, int dataBytes) {
        int added = 0;
        Integer keyIndex = partitionKeyIndexes.get(partitionKey);
        if (keyIndex == null) {
            keyIndex = partitionKeys.size();
            added += fieldBytes(utf8Length(partitionKey));
        }
        int hashKeyIndex = -1;
        if (explicitHashKey != null) {
            Integer known = explicitHashKeyIndexes.get(explicitHashKey);
            if (known == null) {
                hashKeyIndex = explicitHashKeys.size();
                added += fieldBytes(explicitHashKey.length());
            } else {
                hashKeyIndex = known;
            }
        }
        return added + fieldBytes(messageBytes(keyIndex, hashKeyIndex, dataBytes));
    }

    private static int messageBytes(int keyIndex, int hashKeyIndex, int dataBytes) {
        int bytes = 1 + varintBytes(keyIndex) + fieldBytes(dataBytes);
        if (hashKeyIndex >= 0) {
            bytes += 1 + varintBytes(hashKeyIndex);
        }
        return bytes;
    }

    /** A length-delimited field of {@code length} bytes with its one-byte tag and its length prefix. */
    private static int fieldBytes(int length) {
        return 1 + varintBytes(length) + length;
    }

    static int varintBytes(long value) {
        int bytes = 1;
        while ((value >>>= 7) != 0) {
            bytes++;
        }
        return bytes;
    }

    private static int writeBytesField(byte[] out, int at, int tag, byte[] value) {
        at = writeVarint(out, at, tag);
        at = writeVarint(out, at, value.length);
        System.arraycopy(value, 0, out, at, value.length);
        return at + value.length;
    }

    private static int writeVarint(byte[] out, int at, long value) {
        while ((value & ~0x7FL) != 0) {
            out[at++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out[at++] = (byte) value;
        return at;
    }

    private static int utf8Length(String value) {
        return value.getBytes(StandardCharsets.UTF_8).length;
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has MD5", e);
        }
    }
}
