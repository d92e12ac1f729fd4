package io.firehosegateway.sink;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** The condition of {@link ConditionalOnSinkKind}: reads the kinds the streams use from the environment. */
final class OnSinkKindCondition extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        SinkKind kind = (SinkKind) metadata.getAnnotationAttributes(ConditionalOnSinkKind.class.getName())
                .get("value");
        Set<SinkKind> used = kindsUsed(Binder.get(context.getEnvironment()));
        return used.contains(kind)
                ? ConditionOutcome.match("a stream is sent to the " + kind.value() + " sink")
                : ConditionOutcome.noMatch("no stream is sent to the " + kind.value() + " sink");
    }

    /** The kinds of sink the configured streams are sent to. */
    static Set<SinkKind> kindsUsed(Binder binder) {
        SinkKind fallback = binder.bind("gateway.sink", SinkKind.class).orElse(SinkKind.LOCAL);
        Set<SinkKind> used = EnumSet.of(fallback);
        Map<String, StreamSink> streams = binder.bind("gateway.streams", Bindable.mapOf(String.class, StreamSink.class))
                .orElse(Map.of());
        for (StreamSink stream : streams.values()) {
            if (stream.sink() != null) {
                used.add(stream.sink());
            }
        }
        return used;
    }

    /** The one setting of a stream this condition reads; the others are the pipeline's to bind. */
    record StreamSink(SinkKind sink) {}
}
