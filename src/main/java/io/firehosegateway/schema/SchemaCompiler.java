package io.firehosegateway.schema;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and compiles schemas with networknt's json-schema-validator: draft 2020-12 unless a schema's
 * {@code $schema} names another draft. The network is never used: a {@code $ref} resolves to a file
 * in the directory of the schema that names it (or below), or a classpath resource; any other
 * reference, an {@code http} one above all, fails the compilation. The {@code email},
 * {@code date-time}, {@code uuid} and {@code ipv4} formats are networknt's behind a shortcut for the
 * common valid value ({@link FastFormats}).
 */
final class SchemaCompiler {

    static final String CLASSPATH = "classpath:";
    private static final String FILE = "file:";
    private static final String DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";

    /**
     * A schema's decimals as written, as the events' are ({@link StreamSchemas}): read as doubles, an
     * {@code enum} or {@code minimum} of {@code 1e400} would be infinity and one of {@code 0.1000000000000000001}
     * would be {@code 0.1}, so numbers the schema allows would fail and others pass.
     */
    private final JsonMapper json = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private final boolean formatAssertions;

    SchemaCompiler(boolean formatAssertions) {
        this.formatAssertions = formatAssertions;
    }

    /**
     * Compiles the schema at {@code location}, every reference it makes resolved now.
     *
     * @param files receives each file read, with the hash of its bytes, so changes can be noticed
     * @throws SchemaLoadException naming the location and the reason
     */
    CompiledSchema compile(String value, String location, Map<Path, String> files) {
        if (location == null || location.isBlank()) {
            throw new SchemaLoadException("a schema location is empty");
        }
        String iri = iriOf(location);
        byte[] bytes;
        try {
            bytes = read(iri, files);
        } catch (IOException | RuntimeException e) {
            throw new SchemaLoadException("Schema " + location + " could not be read: " + reason(e), e);
        }
        JsonNode document;
        try {
            document = json.readTree(bytes);
        } catch (RuntimeException e) {
            throw new SchemaLoadException("Schema " + location + " is not JSON: " + reason(e), e);
        }
        if (document == null || !(document.isObject() || document.isBoolean())) {
            throw new SchemaLoadException("Schema " + location + " is not a JSON Schema (an object or a boolean)");
        }
        Map<String, String> base = Map.of("root", parentOf(iri));
        SchemaRegistryConfig config = SchemaRegistryConfig.builder()
                .formatAssertionsEnabled(formatAssertions)
                .pathType(PathType.JSON_POINTER)
                .build();
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(
                SpecificationVersion.DRAFT_2020_12,
                // Every draft's dialect with the shortcut formats (FastFormats): networknt's answers, faster.
                builder -> builder.dialectRegistry(FastFormats.dialectRegistry())
                        .schemaRegistryConfig(config)
                        .schemaLoader(loader -> loader.fetchRemoteResources(false)
                                .resourceLoaders(
                                        loaders -> loaders.resources(ref -> local(ref, base.get("root"), files)))));
        Schema schema;
        try {
            schema = registry.getSchema(SchemaLocation.of(iri), document);
            schema.initializeValidators();
        } catch (RuntimeException e) {
            throw new SchemaLoadException(
                    "Schema " + location + " does not compile: " + reason(e)
                            + " (references resolve to files beside the schema or on the classpath, never the network)",
                    e);
        }
        // A typo such as {"type": "strin"} compiles; its meta-schema says it is wrong.
        List<Error> wrong;
        try {
            wrong = registry.getSchema(SchemaLocation.of(metaSchemaOf(document)))
                    .validate(document);
        } catch (RuntimeException e) {
            throw new SchemaLoadException(
                    "Schema " + location + " names a meta-schema that is not known: " + reason(e), e);
        }
        if (!wrong.isEmpty()) {
            throw new SchemaLoadException("Schema " + location + " is not a valid schema of its draft: "
                    + wrong.get(0).getInstanceLocation() + " " + wrong.get(0).getMessage());
        }
        // Only a root file without references can have a shortcut: a $ref makes SchemaShortcut.of refuse.
        SchemaShortcut shortcut = SchemaShortcut.of(document, formatAssertions, config.getRegularExpressionFactory());
        return new CompiledSchema(value, location, hash(bytes), document, schema, shortcut);
    }

    private static String metaSchemaOf(JsonNode document) {
        JsonNode declared = document.isObject() ? document.get("$schema") : null;
        return declared != null && declared.isString() ? declared.stringValue() : DRAFT_2020_12;
    }

    /** The IRI the validator knows a location by. */
    static String iriOf(String location) {
        if (location.startsWith(CLASSPATH)) {
            return location;
        }
        if (location.startsWith(FILE)) {
            return Path.of(URI.create(location))
                    .toAbsolutePath()
                    .normalize()
                    .toUri()
                    .toString();
        }
        return Path.of(location).toAbsolutePath().normalize().toUri().toString();
    }

    private static String parentOf(String iri) {
        int slash = iri.lastIndexOf('/');
        return slash < 0 ? iri : iri.substring(0, slash + 1);
    }

    private static byte[] read(String iri, Map<Path, String> files) throws IOException {
        if (iri.startsWith(CLASSPATH)) {
            String resource = iri.substring(CLASSPATH.length()).replaceFirst("^/+", "");
            try (InputStream in = SchemaCompiler.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IOException("no such classpath resource");
                }
                return in.readAllBytes();
            }
        }
        Path path = Path.of(URI.create(iri));
        byte[] bytes = Files.readAllBytes(path);
        files.put(path, hash(bytes));
        return bytes;
    }

    /** A referenced document, when it is local and beside the root schema; null otherwise, which fails the reference. */
    private static String local(String ref, String root, Map<Path, String> files) {
        boolean beside = ref.startsWith(root) && !ref.substring(root.length()).contains("..");
        if (!beside && !ref.startsWith(CLASSPATH)) {
            return null;
        }
        if (!ref.startsWith(CLASSPATH) && !ref.startsWith(FILE)) {
            return null;
        }
        try {
            return new String(read(ref, files), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static String hash(byte[] bytes) {
        try {
            return "sha256:"
                    + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static String reason(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() != null
                ? cause.getMessage()
                : cause.getClass().getSimpleName();
        String outer = e.getMessage();
        return outer != null && !outer.equals(message) && cause != e ? outer + " (" + message + ")" : message;
    }

    /** Every file a set of schemas was compiled from, with its hash: what reloading compares. */
    static Map<Path, String> newFileSet() {
        return new ConcurrentHashMap<>();
    }
}
