package io.firehosegateway.api;

/** Strict readings of query parameters: what a client means is spelled one way only. */
public final class QueryParameters {

    private QueryParameters() {}

    /**
     * {@code true} or {@code false} exactly, or null when the parameter is absent. Spring's own
     * conversion would also take {@code on}, {@code yes}, {@code 1} and an empty value.
     *
     * @throws ProblemException {@code invalid-parameter} for anything else
     */
    public static Boolean bool(String name, String value) {
        if (value == null) {
            return null;
        }
        return switch (value) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default ->
                throw new ProblemException(
                                ProblemType.INVALID_PARAMETER, name + " must be true or false, not '" + value + "'")
                        .with("parameter", name);
        };
    }
}
