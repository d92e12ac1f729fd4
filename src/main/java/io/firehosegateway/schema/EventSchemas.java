package io.firehosegateway.schema;

import io.firehosegateway.event.Event;
import io.firehosegateway.metrics.GatewayMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import tools.jackson.databind.json.JsonMapper;

/**
 * The schemas in force for every stream. Compiled at start, where one that does not load fails the
 * start; then the files are checked every {@code check-interval}, and when one changed every schema
 * is compiled anew and replaces the ones in force only if all compile: a broken new version is
 * refused with a log line and the old one stays.
 */
public final class EventSchemas implements DisposableBean {

    /** Failing events listed in an answer; the rest are counted. */
    public static final int MAX_LISTED = 20;

    private static final String ROUTE = "route:";
    private static final String REJECT = "reject";

    private static final Logger log = LoggerFactory.getLogger(EventSchemas.class);
    private static final JsonMapper json = JsonMapper.builder().build();

    private final SchemaProperties properties;
    private final Set<String> known;
    private final GatewayMetrics metrics;
    private final Clock clock;
    private final ScheduledExecutorService watcher;
    private volatile Map<String, StreamSchemas> streams;
    private volatile Map<Path, String> files;
    private Map<Path, String> refused = Map.of();

    /**
     * Compiles every schema.
     *
     * @param streams every stream the gateway sends to: those invalid events may be routed to
     * @throws SchemaLoadException when a schema does not load or compile, or the settings are wrong
     */
    public EventSchemas(SchemaProperties properties, Set<String> streams, GatewayMetrics metrics, Clock clock) {
        this.properties = properties;
        this.known = Set.copyOf(streams);
        this.metrics = metrics;
        this.clock = clock;
        Map<Path, String> read = SchemaCompiler.newFileSet();
        this.streams = compile(properties, known, read);
        this.files = read;
        if (files.isEmpty()) {
            this.watcher = null;
            return;
        }
        this.watcher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "schema-files");
            thread.setDaemon(true);
            return thread;
        });
        long interval = properties.schemaValidation().checkInterval().toMillis();
        watcher.scheduleWithFixedDelay(this::reloadIfChanged, interval, interval, TimeUnit.MILLISECONDS);
    }

    private static Map<String, StreamSchemas> compile(
            SchemaProperties properties, Set<String> known, Map<Path, String> files) {
        SchemaCompiler compiler =
                new SchemaCompiler(properties.schemaValidation().formatAssertions());
        Map<String, StreamSchemas> compiled = new LinkedHashMap<>();
        properties.streams().forEach((stream, settings) -> {
            StreamSchemas schemas = compile(stream, settings, known, compiler, files);
            if (schemas != null) {
                compiled.put(stream, schemas);
            }
        });
        for (StreamSchemas schemas : compiled.values()) {
            if (schemas.routeTo() != null && compiled.containsKey(schemas.routeTo())) {
                throw new SchemaLoadException("gateway.streams." + schemas.stream() + ".on-invalid routes to "
                        + schemas.routeTo() + ", which has a schema itself: a stream invalid events are routed to"
                        + " is never validated, so nothing routes onward");
            }
        }
        return Map.copyOf(compiled);
    }

    private static StreamSchemas compile(
            String stream,
            SchemaProperties.StreamSchema settings,
            Set<String> known,
            SchemaCompiler compiler,
            Map<Path, String> files) {
        String prefix = "gateway.streams." + stream + ".";
        boolean byValue = settings.schemaBy() != null;
        if (settings.schema() == null && !byValue) {
            if (settings.schemas() != null || settings.onInvalid() != null) {
                throw new SchemaLoadException(prefix + "schemas and on-invalid need schema or schema-by");
            }
            return null;
        }
        if (settings.schema() != null && byValue) {
            throw new SchemaLoadException(prefix + "schema and schema-by exclude each other: with schema-by, list"
                    + " each value's schema under schemas");
        }
        String routeTo = routeTo(prefix, settings.onInvalid(), stream, known);
        Map<String, CompiledSchema> schemas = new LinkedHashMap<>();
        if (!byValue) {
            schemas.put(StreamSchemas.ONLY, compiler.compile(null, settings.schema(), files));
        } else {
            if (!settings.schemaBy().startsWith("/")) {
                throw new SchemaLoadException(
                        prefix + "schema-by must be a JSON Pointer such as /type, not " + settings.schemaBy());
            }
            if (settings.schemas() == null || settings.schemas().isEmpty()) {
                throw new SchemaLoadException(prefix + "schema-by needs schemas: a list of {value, schema}");
            }
            for (SchemaProperties.Choice choice : settings.schemas()) {
                if (schemas.containsKey(choice.value())) {
                    throw new SchemaLoadException(prefix + "schemas lists the value " + choice.value() + " twice");
                }
                schemas.put(choice.value(), compiler.compile(choice.value(), choice.schema(), files));
            }
        }
        return new StreamSchemas(stream, settings.schemaBy(), Map.copyOf(schemas), routeTo);
    }

    private static String routeTo(String prefix, String onInvalid, String stream, Set<String> known) {
        if (onInvalid == null || onInvalid.equals(REJECT)) {
            return null;
        }
        if (!onInvalid.startsWith(ROUTE)) {
            throw new SchemaLoadException(prefix + "on-invalid is " + onInvalid + "; it is reject or route:<stream>");
        }
        String target = onInvalid.substring(ROUTE.length());
        if (target.equals(stream)) {
            throw new SchemaLoadException(prefix + "on-invalid routes the stream's invalid events to itself");
        }
        if (!known.contains(target)) {
            throw new SchemaLoadException(prefix + "on-invalid routes to " + target + ", which is not configured"
                    + " (add gateway.streams." + target + ")");
        }
        return target;
    }

    /** Compiles every schema anew when a file changed; keeps those in force when that fails. */
    void reloadIfChanged() {
        try {
            Map<Path, String> now = fingerprints(files.keySet());
            if (now.equals(files) || now.equals(refused)) {
                return;
            }
            Map<Path, String> read = SchemaCompiler.newFileSet();
            try {
                Map<String, StreamSchemas> compiled = compile(properties, known, read);
                streams = compiled;
                files = read;
                refused = Map.of();
                log.info("Schema files changed; the new schemas are in force ({})", read.keySet());
            } catch (SchemaLoadException e) {
                refused = now;
                log.error("A changed schema was refused and the schemas in force stay: {}", e.getMessage());
            }
        } catch (RuntimeException e) {
            log.error("Checking the schema files failed; the schemas in force stay", e);
        }
    }

    private static Map<Path, String> fingerprints(Set<Path> paths) {
        Map<Path, String> hashes = new LinkedHashMap<>();
        for (Path path : paths) {
            try {
                hashes.put(path, SchemaCompiler.hash(Files.readAllBytes(path)));
            } catch (java.io.IOException e) {
                hashes.put(path, "unreadable: " + e.getMessage());
            }
        }
        return hashes;
    }

    /** The schemas of a stream, or {@code null} when any JSON object passes. */
    public StreamSchemas of(String stream) {
        return streams.get(stream);
    }

    /** Whether {@code format} is asserted. */
    public boolean formatAssertions() {
        return properties.schemaValidation().formatAssertions();
    }

    /**
     * Checks every event of a request; delivers and counts nothing.
     *
     * @return the invalid events in request order, empty when all are valid or the stream has no schema
     */
    public List<InvalidEvent> check(String stream, List<Event> events) {
        return checkEach(stream, events).invalid();
    }

    /**
     * Checks every event of a request against the schemas in force now, and says which schema each
     * was checked against; delivers and counts nothing.
     */
    public SchemaCheck checkEach(String stream, List<Event> events) {
        SchemaChecker checker = checker(stream);
        if (checker == null) {
            return SchemaCheck.NONE;
        }
        for (Event event : events) {
            checker.check(event);
        }
        return checker.result();
    }

    /**
     * A checker of one request's events, one at a time as they are read, against the schemas in force
     * now: a reload while the request is read does not mix two versions.
     *
     * @return {@code null} when the stream has no schema
     */
    public SchemaChecker checker(String stream) {
        StreamSchemas schemas = streams.get(stream);
        return schemas == null ? null : new SchemaChecker(schemas);
    }

    /**
     * Counts invalid events of a request that was sent (not one that was only validated), each by the
     * schema it was checked against: the schemas in force may have been reloaded since.
     */
    public void count(String stream, List<InvalidEvent> invalid) {
        for (InvalidEvent event : invalid) {
            String value = event.schema() == null
                    ? GatewayMetrics.SCHEMA_UNKNOWN
                    : event.schema().value() == null
                            ? GatewayMetrics.SCHEMA_NONE
                            : event.schema().value();
            metrics.invalidEvent(stream, value);
        }
    }

    /**
     * The record an invalid event is routed in: the event whole, with the stream it was for, when it
     * was received, the schema it failed (location and hash) and the violations.
     */
    public Event wrap(String stream, InvalidEvent invalid, Event event) {
        StringBuilder wrapper = new StringBuilder(event.size() + 512);
        wrapper.append("{\"id\":")
                .append(json.writeValueAsString(event.id()))
                .append(",\"invalidFor\":")
                .append(json.writeValueAsString(stream))
                .append(",\"receivedAt\":\"")
                .append(Instant.now(clock).truncatedTo(ChronoUnit.MILLIS))
                .append("\",\"schema\":");
        Map<String, Object> schema = new LinkedHashMap<>();
        if (invalid.schema() != null) {
            schema.put("location", invalid.schema().location());
            schema.put("hash", invalid.schema().hash());
            if (invalid.schema().value() != null) {
                schema.put("value", invalid.schema().value());
            }
        }
        wrapper.append(json.writeValueAsString(schema))
                .append(",\"violations\":")
                .append(json.writeValueAsString(invalid.violations()))
                .append(",\"violationCount\":")
                .append(invalid.violationCount())
                .append(",\"event\":");
        byte[] head = wrapper.toString().getBytes(StandardCharsets.UTF_8);
        byte[] framed = event.framed();
        // The event's own bytes, as sent, without re-encoding: framed ends with its newline.
        byte[] bytes = new byte[head.length + framed.length + 1];
        System.arraycopy(head, 0, bytes, 0, head.length);
        System.arraycopy(framed, 0, bytes, head.length, framed.length - 1);
        bytes[bytes.length - 2] = '}';
        bytes[bytes.length - 1] = '\n';
        return new Event(event.id(), bytes);
    }

    @Override
    public void destroy() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "EventSchemas" + Objects.requireNonNull(streams).keySet();
    }
}
