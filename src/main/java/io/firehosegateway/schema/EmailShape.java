package io.firehosegateway.schema;

import com.networknt.org.apache.commons.validator.routines.DomainValidator;
import com.networknt.org.apache.commons.validator.routines.DomainValidator.ArrayType;
import java.util.Arrays;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The common e-mail address, {@code dot-atom@label.label.tld}, as networknt's {@code email} (its
 * vendored Apache commons-validator {@code EmailValidator}, local addresses and bare TLDs allowed)
 * accepts it: a local part of at most 64 characters made of dot-separated runs of RFC 5322
 * {@code atext}; a domain of at most 253 characters, two or more letter-digit-hyphen labels of 1 to
 * 63 characters that neither start nor end with a hyphen; and a top label that starts with a letter
 * and is one of the TLDs networknt's own {@link DomainValidator} accepts. Quoted local parts,
 * escapes, IP literals, single-label domains, non-ASCII names and unknown TLDs go to networknt.
 */
final class EmailShape {

    private static final int MAX_LOCAL = 64;
    private static final int MAX_DOMAIN = 253;
    private static final int MAX_LABEL = 63;

    /**
     * Every TLD networknt's validator knows, lower case and sorted, each one kept only if that
     * validator's own {@code isValidTld} says yes to it: the list is networknt's, never a copy.
     */
    private static final String[] TLDS = tlds();

    private EmailShape() {}

    static boolean obviouslyValid(String value) {
        int length = value.length();
        int at = value.indexOf('@');
        if (at < 1 || at > MAX_LOCAL || length - at - 1 > MAX_DOMAIN) {
            return false;
        }
        boolean atomStart = true;
        for (int i = 0; i < at; i++) {
            char c = value.charAt(i);
            if (c == '.') {
                if (atomStart) {
                    return false;
                }
                atomStart = true;
            } else if (isAtext(c)) {
                atomStart = false;
            } else {
                return false;
            }
        }
        if (atomStart) {
            return false;
        }
        int labels = 0;
        int label = at + 1;
        for (int i = label; i <= length; i++) {
            char c = i < length ? value.charAt(i) : '.';
            if (c != '.') {
                if (!Ascii.isLetterOrDigit(c) && c != '-') {
                    return false;
                }
                continue;
            }
            int size = i - label;
            if (size < 1
                    || size > MAX_LABEL
                    || !Ascii.isLetterOrDigit(value.charAt(label))
                    || !Ascii.isLetterOrDigit(value.charAt(i - 1))) {
                return false;
            }
            labels++;
            if (i < length) {
                label = i + 1;
            }
        }
        return labels >= 2 && Ascii.isLetter(value.charAt(label)) && isKnownTld(value, label, length);
    }

    /** RFC 5322 {@code atext}: what commons-validator's user pattern takes unquoted and unescaped. */
    private static boolean isAtext(char c) {
        return Ascii.isLetterOrDigit(c) || c < 128 && "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }

    private static boolean isKnownTld(String value, int from, int to) {
        int low = 0;
        int high = TLDS.length - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            int order = compare(TLDS[middle], value, from, to);
            if (order < 0) {
                low = middle + 1;
            } else if (order > 0) {
                high = middle - 1;
            } else {
                return true;
            }
        }
        return false;
    }

    /** {@code tld} against {@code value[from, to)} read in ASCII lower case, as {@link String#compareTo}. */
    private static int compare(String tld, String value, int from, int to) {
        int length = Math.min(tld.length(), to - from);
        for (int i = 0; i < length; i++) {
            int order = tld.charAt(i) - Ascii.toLowerCase(value.charAt(from + i));
            if (order != 0) {
                return order;
            }
        }
        return tld.length() - (to - from);
    }

    private static String[] tlds() {
        DomainValidator validator = DomainValidator.getInstance(true);
        TreeSet<String> known = new TreeSet<>();
        for (ArrayType type : ArrayType.values()) {
            if (type.name().endsWith("_MINUS")) {
                continue;
            }
            for (String tld : DomainValidator.getTLDEntries(type)) {
                String lower = tld.toLowerCase(Locale.ROOT);
                if (validator.isValidTld(lower)) {
                    known.add(lower);
                }
            }
        }
        String[] sorted = known.toArray(String[]::new);
        Arrays.sort(sorted);
        return sorted;
    }
}
