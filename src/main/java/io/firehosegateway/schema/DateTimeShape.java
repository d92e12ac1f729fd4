package io.firehosegateway.schema;

/**
 * The common RFC 3339 date-time, {@code YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)}, with a
 * real calendar: what networknt's {@code date-time} (the Ethlo ITU parser, then
 * {@code java.time.OffsetDateTime}) accepts. Only the plainest form is recognised: an upper-case
 * {@code T} and {@code Z}, year 0001 to 9999, second 00 to 59 (a leap second goes to networknt,
 * which checks it against its table), 1 to 9 fraction digits, an offset below 18 hours and not
 * {@code -00:00} (which RFC 3339 gives a meaning of its own); anything else goes to networknt.
 */
final class DateTimeShape {

    private static final int SECONDS_END = 19;

    private DateTimeShape() {}

    static boolean obviouslyValid(String value) {
        int length = value.length();
        if (length < SECONDS_END + 1 || length > SECONDS_END + 10 + 6) {
            return false;
        }
        if (value.charAt(4) != '-'
                || value.charAt(7) != '-'
                || value.charAt(10) != 'T'
                || value.charAt(13) != ':'
                || value.charAt(16) != ':') {
            return false;
        }
        int year = number(value, 0, 4);
        int month = number(value, 5, 2);
        int day = number(value, 8, 2);
        int hour = number(value, 11, 2);
        int minute = number(value, 14, 2);
        int second = number(value, 17, 2);
        if (year < 1
                || month < 1
                || month > 12
                || day < 1
                || day > daysIn(year, month)
                || hour < 0
                || hour > 23
                || minute < 0
                || minute > 59
                || second < 0
                || second > 59) {
            return false;
        }
        int i = SECONDS_END;
        if (value.charAt(i) == '.') {
            int fraction = ++i;
            while (i < length && Ascii.isDigit(value.charAt(i))) {
                i++;
            }
            if (i == fraction || i - fraction > 9 || i == length) {
                return false;
            }
        }
        char zone = value.charAt(i);
        if (zone == 'Z') {
            return i == length - 1;
        }
        if ((zone != '+' && zone != '-') || length - i != 6 || value.charAt(i + 3) != ':') {
            return false;
        }
        int offsetHours = number(value, i + 1, 2);
        int offsetMinutes = number(value, i + 4, 2);
        return offsetHours >= 0
                && offsetHours <= 17
                && offsetMinutes >= 0
                && offsetMinutes <= 59
                && !(zone == '-' && offsetHours == 0 && offsetMinutes == 0);
    }

    /** The decimal number of {@code digits} ASCII digits at {@code from}, or -1 if one is not a digit. */
    private static int number(String value, int from, int digits) {
        int n = 0;
        for (int i = from; i < from + digits; i++) {
            char c = value.charAt(i);
            if (!Ascii.isDigit(c)) {
                return -1;
            }
            n = n * 10 + c - '0';
        }
        return n;
    }

    private static int daysIn(int year, int month) {
        return switch (month) {
            case 2 -> year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }
}
