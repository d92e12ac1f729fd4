package io.firehosegateway.journal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An append that met the journal closing (the gateway shutting down): its entry is not on disk, or
 * not known to be, and will not be delivered. It fails the append's future like a failed write, so
 * the request is answered {@code 503 journal-unavailable} and the client sends it again elsewhere.
 */
public final class JournalClosedException extends IOException {

    JournalClosedException(Path directory) {
        super("The journal " + directory + " is closed (the gateway is shutting down); the entry was not written");
    }

    JournalClosedException(Path directory, IOException cause) {
        super(
                "The journal " + directory + " closed (the gateway is shutting down) before the entry was synced;"
                        + " it was not written",
                cause);
    }
}
