package io.firehosegateway.pipeline;

/** Firehose's rule for delivery stream names: 1 to 64 of letters, digits, '.', '_' and '-'. */
final class StreamNames {

    static final String PATTERN = "[a-zA-Z0-9_.-]{1,64}";

    private static final java.util.regex.Pattern COMPILED = java.util.regex.Pattern.compile(PATTERN);

    private StreamNames() {}

    static boolean isValid(String name) {
        return name != null && COMPILED.matcher(name).matches();
    }
}
