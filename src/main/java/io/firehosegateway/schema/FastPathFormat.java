package io.firehosegateway.schema;

import com.networknt.schema.ExecutionContext;
import com.networknt.schema.format.Format;
import java.util.function.Predicate;

/**
 * A networknt {@link Format} with a shortcut in front: a hand-written check that recognises the
 * common, obviously valid shape of a value without a regex or a substring, and otherwise asks
 * networknt's own format. The shortcut may only ever say "valid"; every "invalid" comes from
 * networknt, so the answer is networknt's for every input as long as the shortcut never accepts
 * what networknt refuses ({@code FastFormatsTests} compares both on generated and random inputs).
 */
final class FastPathFormat implements Format {

    private final Format networknt;
    private final Predicate<String> obviouslyValid;

    FastPathFormat(Format networknt, Predicate<String> obviouslyValid) {
        this.networknt = networknt;
        this.obviouslyValid = obviouslyValid;
    }

    @Override
    public boolean matches(ExecutionContext executionContext, String value) {
        return obviouslyValid.test(value) || networknt.matches(executionContext, value);
    }

    @Override
    public String getName() {
        return networknt.getName();
    }

    @Override
    public String getMessageKey() {
        return networknt.getMessageKey();
    }

    /** The networknt format this one answers for, the judge of every value its shortcut does not accept. */
    Format networknt() {
        return networknt;
    }

    @Override
    public String toString() {
        return "fast " + networknt.getName();
    }
}
