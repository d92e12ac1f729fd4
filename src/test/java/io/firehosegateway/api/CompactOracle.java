package io.firehosegateway.api;

/**
 * The byte-at-a-time copy that {@link EventCopier#compact} replaced, kept as the oracle its faster
 * scan must equal byte for byte.
 */
final class CompactOracle {

    private CompactOracle() {}

    static boolean compact(byte[] in, int from, int to, int maxStringLength, GrowableBytes into) {
        into.reset();
        byte[] o = into.room(to - from);
        int n = 0;
        boolean inString = false;
        int length = 0;
        for (int i = from; i < to; i++) {
            byte b = in[i];
            if (inString) {
                if (b == '\\') {
                    byte escaped = in[++i];
                    if (escaped == 'u') {
                        return false;
                    }
                    if (escaped != '/') {
                        o[n++] = '\\';
                    }
                    o[n++] = escaped;
                    length++;
                    continue;
                }
                if (b == '"') {
                    if (length > maxStringLength) {
                        return false;
                    }
                    inString = false;
                } else if ((b & 0xC0) != 0x80) {
                    length += (b & 0xF8) == 0xF0 ? 2 : 1;
                }
            } else if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
                continue;
            } else if (b == '"') {
                inString = true;
                length = 0;
            }
            o[n++] = b;
        }
        into.size(n);
        return true;
    }
}
