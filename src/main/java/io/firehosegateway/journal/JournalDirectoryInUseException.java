package io.firehosegateway.journal;

import java.nio.file.Path;

/**
 * Another process (or another journal in this one) holds the journal directory: two gateways on
 * one directory would delete each other's segments and write the same sequences, so the second
 * one does not start.
 */
public class JournalDirectoryInUseException extends IllegalStateException {

    public JournalDirectoryInUseException(Path directory, Path lockFile, String holder) {
        super("The journal directory "
                + directory
                + " is in use by another gateway"
                + (holder.isBlank() ? "" : " (" + holder + ")")
                + ", which holds the lock on "
                + lockFile
                + ". Each gateway needs a journal directory of its own: give this one another"
                + " gateway.journal.directory (on Kubernetes, a volume per replica), or stop the other one first.");
    }
}
