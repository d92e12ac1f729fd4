package io.firehosegateway.security;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a keys file: one key a line as {@code name:key[:streams[:generator]]}, where streams is a
 * comma-separated list (empty for every stream) and the last field, if present, is the word
 * {@code generator}. Blank lines and lines starting with {@code #} are skipped. Errors name the line
 * by its number, never by its content, which holds a key.
 */
final class ApiKeysFileFormat {

    private static final String GENERATOR = "generator";

    private ApiKeysFileFormat() {}

    /** @throws IllegalArgumentException naming the first line at fault */
    static List<SecurityProperties.ApiKey> parse(String content) {
        List<SecurityProperties.ApiKey> keys = new ArrayList<>();
        String[] lines = content.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split(":", -1);
            if (fields.length < 2 || fields.length > 4) {
                throw new IllegalArgumentException(
                        "Line " + (i + 1) + " of the keys file is not name:key[:streams[:generator]]");
            }
            List<String> streams = fields.length > 2 && !fields[2].isBlank()
                    ? Arrays.stream(fields[2].split(",")).map(String::strip).toList()
                    : List.of();
            boolean generator = false;
            if (fields.length == 4) {
                if (!fields[3].strip().equals(GENERATOR)) {
                    throw new IllegalArgumentException(
                            "Line " + (i + 1) + " of the keys file: the fourth field may only be '" + GENERATOR + "'");
                }
                generator = true;
            }
            keys.add(new SecurityProperties.ApiKey(fields[0].strip(), fields[1].strip(), streams, generator));
        }
        return keys;
    }
}
