/**
 * Idempotency keys ({@code Idempotency-Key}, draft-ietf-httpapi-idempotency-key-header): the first
 * request with a key runs and its answer is kept with a fingerprint of the request; the same key
 * again gets that answer back without anything being sent again. Keys are scoped to the API key's
 * name. {@code IdempotencyKeys} is what the api calls; where the answers live is an {@code
 * IdempotencyStore}: {@code EmbeddedIdempotencyStore} keeps them in one local file (H2's MVStore).
 * Depends on {@code problem} for its answers and {@code metrics} for what it counts.
 */
package io.firehosegateway.idempotency;
