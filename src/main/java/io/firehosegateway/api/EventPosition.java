package io.firehosegateway.api;

import io.firehosegateway.problem.ProblemException;

/**
 * Where the event being read stands in its request: its index among the events, and its NDJSON
 * line. One per request, moved from event to event, since it is read only when a problem is.
 */
final class EventPosition {

    private Integer index;
    private Integer line;

    void at(Integer index, Integer line) {
        this.index = index;
        this.line = line;
    }

    Integer index() {
        return index;
    }

    Integer line() {
        return line;
    }

    /** The problem, naming this event's index and line. */
    ProblemException apply(ProblemException problem) {
        return problem.with("index", index).with("line", line);
    }
}
