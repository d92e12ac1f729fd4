package io.firehosegateway.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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

    private record Entry(byte[] digest, ApiClient client) {}

    private final List<Entry> configured;
    private final boolean open;
    private volatile List<Entry> all;

    /**
     * @param configured the keys of the configuration
     * @param open whether the gateway has no keys at all, neither configured nor from a file
     * @throws IllegalArgumentException naming the first key at fault, never showing its value
     */
    ApiKeyRegistry(List<SecurityProperties.ApiKey> configured, boolean open) {
        this.configured = entries(configured, List.of());
        this.open = open;
        this.all = this.configured;
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
     * @throws IllegalArgumentException when a key is invalid or clashes with another; the keys in
     *     use stay as they were
     */
    void replaceFileKeys(List<SecurityProperties.ApiKey> fromFile) {
        List<Entry> entries = entries(fromFile, configured);
        List<Entry> combined = new ArrayList<>(configured);
        combined.addAll(entries);
        all = List.copyOf(combined);
    }

    private static List<Entry> entries(List<SecurityProperties.ApiKey> keys, List<Entry> existing) {
        Set<String> names = new HashSet<>();
        Set<String> digests = new HashSet<>();
        for (Entry entry : existing) {
            names.add(entry.client().name());
            digests.add(java.util.HexFormat.of().formatHex(entry.digest()));
        }
        List<Entry> entries = new ArrayList<>(keys.size());
        for (SecurityProperties.ApiKey key : keys) {
            String name = key.name();
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("An API key's name must be 1 to 64 letters, digits, '.', '_'"
                        + " or '-', not '" + (name == null ? "" : name.replaceAll("[^\\x20-\\x7E]", "?")) + "'");
            }
            if (RESERVED_NAMES.contains(name)) {
                throw new IllegalArgumentException("API key name '" + name + "' is reserved; choose another");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException("Two API keys are named '" + name + "'");
            }
            if (key.key() == null || !KEY.matcher(key.key()).matches()) {
                throw new IllegalArgumentException("API key '" + name + "' must be 16 to 512 visible ASCII"
                        + " characters other than ':' (for example from `openssl rand -hex 32`)");
            }
            byte[] digest = sha256(key.key());
            if (!digests.add(java.util.HexFormat.of().formatHex(digest))) {
                throw new IllegalArgumentException("API key '" + name + "' has the same value as another key");
            }
            for (String stream : key.streams()) {
                if (stream == null || stream.isBlank()) {
                    throw new IllegalArgumentException("API key '" + name + "' lists an empty stream name");
                }
            }
            entries.add(new Entry(digest, new ApiClient(name, Set.copyOf(key.streams()), key.generator())));
        }
        return List.copyOf(entries);
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
