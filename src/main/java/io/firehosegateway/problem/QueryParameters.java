package io.firehosegateway.problem;

import jakarta.servlet.http.HttpServletRequest;

/** Strict readings of query parameters: what a client means is spelled one way only. */
public final class QueryParameters {

    private QueryParameters() {}

    /**
     * {@code true} or {@code false} exactly, or null when the parameter is absent. Spring's own
     * conversion would also take {@code on}, {@code yes}, {@code 1} and an empty value.
     *
     * @throws ProblemException {@code invalid-parameter} for anything else
     */
    /**
     * Refuses a parameter given more than once. Spring binds a repeated parameter as its values
     * joined by commas while {@code getParameter} gives the first alone, so a check of one and a use
     * of the other would disagree on what the client asked for.
     *
     * @throws ProblemException {@code invalid-parameter} when the parameter is repeated
     */
    public static void once(HttpServletRequest request, String name) {
        String[] values = request.getParameterValues(name);
        if (values != null && values.length > 1) {
            throw new ProblemException(
                            ProblemType.INVALID_PARAMETER, name + " may be given once, not " + values.length + " times")
                    .with("parameter", name);
        }
    }

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
