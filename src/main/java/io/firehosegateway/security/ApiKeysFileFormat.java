package io.firehosegateway.security;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a keys file: one key a line as {@code name:key[:streams[:options]]}, where streams is a
 * comma-separated list (empty for every stream) and the options, if present, are the word {@code
 * generator} or {@code origins=} and a comma-separated list of origins (a browser key's). Blank lines and lines starting with {@code #} are skipped. Errors name the line
 * by its number, never by its content, which holds a key.
 */
final class ApiKeysFileFormat {

    private static final String GENERATOR = "generator";
    private static final String ORIGINS = "origins=";

    /**
     * One key of the file.
     *
     * @param number the line's number, from 1, by which every message names the key: its name field
     *     may hold the key itself when the name was left out
     * @param key the key the line gives
     */
    record Line(int number, SecurityProperties.ApiKey key) {

        /** How messages name the line: never by a field, any of which may be a key. */
        String where() {
            return "line " + number + " of the keys file";
        }
    }

    private ApiKeysFileFormat() {}

    /** @throws IllegalArgumentException naming the first line at fault */
    static List<Line> parse(String content) {
        List<Line> keys = new ArrayList<>();
        String[] lines = content.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            // At most four: the fourth field's origins hold colons of their own.
            String[] fields = line.split(":", 4);
            if (fields.length < 2) {
                throw new IllegalArgumentException(
                        "Line " + (i + 1) + " of the keys file is not name:key[:streams[:generator | origins=...]]");
            }
            List<String> streams = fields.length > 2 && !fields[2].isBlank()
                    ? Arrays.stream(fields[2].split(",")).map(String::strip).toList()
                    : List.of();
            boolean generator = false;
            List<String> origins = List.of();
            if (fields.length == 4) {
                for (String option : fields[3].strip().split("\\s+")) {
                    if (option.equals(GENERATOR)) {
                        generator = true;
                    } else if (option.startsWith(ORIGINS) && option.length() > ORIGINS.length()) {
                        origins = Arrays.stream(
                                        option.substring(ORIGINS.length()).split(","))
                                .map(String::strip)
                                .toList();
                    } else {
                        throw new IllegalArgumentException("Line " + (i + 1) + " of the keys file: the fourth field"
                                + " may only be '" + GENERATOR + "' or '" + ORIGINS + "' and a list of origins");
                    }
                }
            }
            keys.add(new Line(
                    i + 1,
                    new SecurityProperties.ApiKey(
                            fields[0].strip(),
                            fields[1].strip(),
                            streams,
                            generator,
                            origins,
                            new SecurityProperties.RateLimit(0, 0))));
        }
        return keys;
    }
}
