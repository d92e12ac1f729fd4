package io.firehosegateway.api;

import io.firehosegateway.idempotency.Claim;
import io.firehosegateway.idempotency.IdempotencyKeys;
import io.firehosegateway.idempotency.KeptAnswer;
import jakarta.servlet.http.HttpServletRequest;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.json.JsonMapper;

/**
 * The event requests that carry an {@code Idempotency-Key}: their body is digested as it is read,
 * their key claimed once the body is read and checked (so a malformed request never takes a key),
 * and their answer kept for the same key again.
 */
final class IdempotentRequests {

    private static final JsonMapper json = JsonMapper.builder().build();

    private final IdempotencyKeys keys;

    IdempotentRequests(IdempotencyKeys keys) {
        this.keys = keys;
    }

    /** The request's key, checked; {@code null} when it has none. */
    Keyed open(String stream, String client, HttpServletRequest request) {
        String key = keys.keyOf(stream, request.getHeader(IdempotencyKeys.HEADER));
        return key == null ? null : new Keyed(client, key);
    }

    /** One request with a key. Closing it lets the key go unless its answer was kept. */
    final class Keyed implements AutoCloseable {

        private final String client;
        private final String key;
        private final MessageDigest digest = IdempotencyKeys.Fingerprint.sha256();
        private Claim claim;

        private Keyed(String client, String key) {
            this.client = client;
            this.key = key;
        }

        /**
         * The body, digested as it is read: decompressed, as the events are. The parser reads it to
         * its end, as it refuses anything after the last event.
         */
        InputStream digesting(InputStream body) {
            return new DigestInputStream(body, digest);
        }

        /**
         * Claims the key for this request, its body read and checked: the answer kept for the key, to
         * give again, or {@code null} when this request runs.
         */
        ResponseEntity<EventsController.Accepted> claim(String stream, EventFormat format) {
            claim = keys.claim(client, key, new IdempotencyKeys.Fingerprint(stream, format.name(), digest.digest()));
            KeptAnswer kept = claim.replay();
            if (kept == null) {
                return null;
            }
            ResponseEntity.BodyBuilder answer = ResponseEntity.status(kept.status());
            kept.headers().forEach(answer::header);
            return answer.header(IdempotencyKeys.REPLAYED, "true")
                    .body(json.readValue(kept.body(), EventsController.Accepted.class));
        }

        /** Keeps the answer this request is given, for the same key again. */
        ResponseEntity<EventsController.Accepted> keep(ResponseEntity<EventsController.Accepted> answer) {
            if (claim != null && claim.replay() == null) {
                Map<String, String> headers = new LinkedHashMap<>();
                answer.getHeaders().forEach((name, values) -> headers.put(name, String.join(", ", values)));
                claim.keep(new KeptAnswer(
                        answer.getStatusCode().value(), headers, json.writeValueAsBytes(answer.getBody())));
            }
            return answer;
        }

        @Override
        public void close() {
            if (claim != null) {
                claim.release();
            }
        }
    }
}
