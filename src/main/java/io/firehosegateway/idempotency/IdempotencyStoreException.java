package io.firehosegateway.idempotency;

/** The store could not answer (a full or failing disk, a closed store, a remote store's fault). */
final class IdempotencyStoreException extends RuntimeException {

    IdempotencyStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
