package io.firehosegateway.sink;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Conditional;

/**
 * Matches when at least one stream is sent to this kind of sink: {@code gateway.sink} for the
 * streams that name none, or a stream's own {@code gateway.streams.<name>.sink}. A kind of sink
 * that no stream uses builds no client and checks no destination.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Conditional(OnSinkKindCondition.class)
public @interface ConditionalOnSinkKind {

    /** The kind of sink that some stream must use. */
    SinkKind value();
}
