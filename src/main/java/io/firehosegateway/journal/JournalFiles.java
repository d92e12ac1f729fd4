package io.firehosegateway.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * Opens the files of a journal's segments. The journal opens them all through one of these so that
 * tests can hand in channels that fail where a disk would (a sync, a truncate) at a chosen moment.
 */
@FunctionalInterface
interface JournalFiles {

    /** The operating system's files. */
    JournalFiles SYSTEM = FileChannel::open;

    FileChannel open(Path path, OpenOption... options) throws IOException;
}
