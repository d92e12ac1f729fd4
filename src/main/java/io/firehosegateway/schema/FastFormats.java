package io.firehosegateway.schema;

import com.networknt.schema.dialect.DefaultDialectRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.DialectRegistry;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.format.Format;
import com.networknt.schema.format.Formats;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The {@code format}s the gateway checks with a shortcut ({@link FastPathFormat}) in front of
 * networknt's own: {@code email}, {@code date-time}, {@code uuid} and {@code ipv4}, the ones a
 * profile of realistic events found costly (regexes, substrings, a parser per value). Every draft a
 * schema can name gets them; every other format, keyword and dialect is networknt's, untouched but
 * for the numeric bounds of {@link LongBoundKeyword}.
 */
final class FastFormats {

    /** Each shortcut format's check of the plain valid shape, by format name. */
    private static final Map<String, Predicate<String>> SHAPES = Map.of(
            "email", EmailShape::obviouslyValid,
            "date-time", DateTimeShape::obviouslyValid,
            "uuid", UuidShape::obviouslyValid,
            "ipv4", Ipv4Shape::obviouslyValid);

    /** The shortcut formats, each answering for networknt's format of the same name. */
    static final List<Format> FORMATS = SHAPES.entrySet().stream()
            .sorted(Map.Entry.comparingByKey())
            .map(shape -> fast(shape.getKey(), shape.getValue()))
            .toList();

    /**
     * networknt's dialects for the drafts a schema can name, each with the shortcut formats and bounds
     * that read a number past a {@code long} ({@link LongBoundKeyword}).
     */
    static final List<Dialect> DIALECTS = List.of(
            withFastFormats(Dialects.getDraft202012()),
            withFastFormats(Dialects.getDraft201909()),
            withFastFormats(Dialects.getDraft7()),
            withFastFormats(Dialects.getDraft6()),
            withFastFormats(Dialects.getDraft4()));

    private FastFormats() {}

    /** A registry that serves {@link #DIALECTS} and resolves any other dialect as networknt's default does. */
    static DialectRegistry dialectRegistry() {
        return new DefaultDialectRegistry(DIALECTS);
    }

    /**
     * The check of a format's plain valid shape, which may only say "valid": {@code null} for a format
     * without a shortcut.
     */
    static Predicate<String> shape(String format) {
        return SHAPES.get(format);
    }

    /** networknt's own format of that name: the one {@link Formats#DEFAULT} gives every draft. */
    static Format networknt(String name) {
        return Formats.DEFAULT.stream()
                .filter(format -> format.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("networknt has no format " + name));
    }

    private static Format fast(String name, Predicate<String> obviouslyValid) {
        return new FastPathFormat(networknt(name), obviouslyValid);
    }

    private static Dialect withFastFormats(Dialect networknt) {
        return Dialect.builder(networknt)
                .formats(FORMATS)
                .keywords(keywords -> LongBoundKeyword.wrapBounds(networknt, keywords))
                .build();
    }
}
