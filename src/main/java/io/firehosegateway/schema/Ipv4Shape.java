package io.firehosegateway.schema;

/**
 * networknt's {@code ipv4}: four dot-separated decimal octets, each {@code 0} or 1 to 3 ASCII
 * digits without a leading zero, at most 255 (its regex, read by hand).
 */
final class Ipv4Shape {

    private Ipv4Shape() {}

    static boolean obviouslyValid(String value) {
        int length = value.length();
        if (length < 7 || length > 15) {
            return false;
        }
        int octets = 0;
        int start = 0;
        for (int i = 0; i <= length; i++) {
            if (i < length && value.charAt(i) != '.') {
                if (!Ascii.isDigit(value.charAt(i)) || i - start == 3) {
                    return false;
                }
                continue;
            }
            int digits = i - start;
            if (digits == 0 || digits > 1 && value.charAt(start) == '0' || ++octets > 4) {
                return false;
            }
            int octet = 0;
            for (int j = start; j < i; j++) {
                octet = octet * 10 + value.charAt(j) - '0';
            }
            if (octet > 255) {
                return false;
            }
            start = i + 1;
        }
        return octets == 4;
    }
}
