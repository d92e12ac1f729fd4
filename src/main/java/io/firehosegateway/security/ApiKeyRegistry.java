package io.firehosegateway.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The keys the gateway accepts: those of the configuration, fixed, and those of the keys file,
 * replaced whole when the file changes.
 *
 * <p>Only each key's SHA-256 digest is held. A presented key is digested and compared with every
 * digest by {@link MessageDigest#isEqual}, so the time taken tells neither how much of a key matched
 * nor, since digests are all 32 bytes, how long the keys are.
 */
public final class ApiKeyRegistry {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    static final Pattern KEY = Pattern.compile("[\\x21-\\x39\\x3B-\\x7E]{16,512}");

    /** Names that mean something else in the {@code key} tag of the security metrics. */
    private static final Set<String> RESERVED_NAMES = Set.of(ApiClient.OPEN.name(), "none");

    /**
     * A key to check, with where it came from: a message names a key by its place, never by its
     * name, which may be the key itself when an operator left the name out or swapped the fields.
     */
    private record Source(String where, SecurityProperties.ApiKey key) {}

    private record Entry(byte[] digest, ApiClient client, String where) {}

    private final List<Entry> configured;
    private final boolean open;
    private volatile List<Entry> all;
    private volatile Set<String> browserOrigins;

    /**
     * @param configured the keys of the configuration
     * @param open whether the gateway has no keys at all, neither configured nor from a file
     * @throws IllegalArgumentException naming the first key at fault by its index, never showing a
     *     field of it
     */
    ApiKeyRegistry(List<SecurityProperties.ApiKey> configured, boolean open) {
        List<Source> sources = new ArrayList<>(configured.size());
        for (int i = 0; i < configured.size(); i++) {
            sources.add(new Source("gateway.security.api-keys[" + i + "]", configured.get(i)));
        }
        this.configured = entries(sources, List.of());
        this.open = open;
        this.all = this.configured;
        this.browserOrigins = originsOf(this.all);
    }

    /** Whether every caller is {@link ApiClient#OPEN}. */
    public boolean open() {
        return open;
    }

    /** The client a presented key belongs to, if any. */
    public Optional<ApiClient> find(String presented) {
        byte[] digest = sha256(presented);
        ApiClient found = null;
        // No early exit: every request takes one comparison per key, match or not.
        for (Entry entry : all) {
            if (MessageDigest.isEqual(digest, entry.digest()) && found == null) {
                found = entry.client();
            }
        }
        return Optional.ofNullable(found);
    }

    /** The names of the keys in use, for logs. */
    public List<String> names() {
        return all.stream().map(entry -> entry.client().name()).toList();
    }

    /**
     * Replaces the keys that came from the keys file.
     *
     * @throws IllegalArgumentException naming the line of a key that is invalid or clashes with
     *     another; the keys in use stay as they were
     */
    void replaceFileKeys(List<ApiKeysFileFormat.Line> fromFile) {
        List<Entry> entries = entries(
                fromFile.stream()
                        .map(line -> new Source(line.where(), line.key()))
                        .toList(),
                configured);
        List<Entry> combined = new ArrayList<>(configured);
        combined.addAll(entries);
        all = List.copyOf(combined);
        browserOrigins = originsOf(all);
    }

    /** The origins some browser key lists: those a browser may send events from. */
    Set<String> browserOrigins() {
        return browserOrigins;
    }

    private static Set<String> originsOf(List<Entry> entries) {
        Set<String> origins = new java.util.HashSet<>();
        for (Entry entry : entries) {
            origins.addAll(entry.client().origins());
        }
        return Set.copyOf(origins);
    }

    private static List<Entry> entries(List<Source> sources, List<Entry> existing) {
        Map<String, String> names = new HashMap<>();
        Map<String, String> digests = new HashMap<>();
        for (Entry entry : existing) {
            names.put(entry.client().name(), entry.where());
            digests.put(HexFormat.of().formatHex(entry.digest()), entry.where());
        }
        List<Entry> entries = new ArrayList<>(sources.size());
        for (Source source : sources) {
            String where = source.where();
            SecurityProperties.ApiKey key = source.key();
            String name = key.name();
            if (name == null || !NAME.matcher(name).matches()) {
                throw invalid(where, "the name must be 1 to 64 letters, digits, '.', '_' or '-'");
            }
            if (RESERVED_NAMES.contains(name)) {
                // Safe to quote: it is one of the reserved words, not a secret.
                throw invalid(where, "the name '" + name + "' is reserved; choose another");
            }
            String sameName = names.putIfAbsent(name, where);
            if (sameName != null) {
                throw invalid(where, "the name is already used by " + sameName);
            }
            if (key.key() == null || !KEY.matcher(key.key()).matches()) {
                throw invalid(
                        where,
                        "the key must be 16 to 512 visible ASCII characters other than ':' (for example from"
                                + " `openssl rand -hex 32`)");
            }
            byte[] digest = sha256(key.key());
            String sameKey = digests.putIfAbsent(HexFormat.of().formatHex(digest), where);
            if (sameKey != null) {
                throw invalid(where, "the key has the same value as " + sameKey);
            }
            for (String stream : key.streams()) {
                if (stream == null || stream.isBlank()) {
                    throw invalid(where, "an empty stream name is listed");
                }
            }
            for (String origin : key.origins()) {
                String problem = BrowserOrigins.problemWith(origin);
                if (problem != null) {
                    throw invalid(where, problem);
                }
            }
            if (!key.origins().isEmpty() && key.generator()) {
                throw invalid(where, "a key with origins sits in web pages, so it may not have the generator right");
            }
            entries.add(new Entry(
                    digest,
                    new ApiClient(
                            name,
                            Set.copyOf(key.streams()),
                            key.generator(),
                            Set.copyOf(key.origins()),
                            key.rateLimitPerClient()),
                    where));
        }
        return List.copyOf(entries);
    }

    /** A message that names the key by its place, and says what is wrong, never showing a field. */
    private static IllegalArgumentException invalid(String where, String problem) {
        String start = where.startsWith("line ") ? "L" + where.substring(1) : where;
        return new IllegalArgumentException(start + ": " + problem);
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
