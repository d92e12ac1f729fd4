package io.firehosegateway.journal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The lock on {@code journal.lock} that keeps a second gateway out of a journal's directory. The
 * file names the process holding it, so the one refused can say who has the directory.
 */
final class JournalDirectoryLock {

    static final String LOCK_FILE = "journal.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private JournalDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the directory's lock and writes this process's name in it.
     *
     * @throws JournalDirectoryInUseException when another gateway holds the directory
     */
    static JournalDirectoryLock acquire(Path directory) throws IOException {
        Path lockFile = directory.resolve(LOCK_FILE);
        FileChannel channel = FileChannel.open(
                lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            String holder = readHolder(channel);
            channel.close();
            throw new JournalDirectoryInUseException(directory, lockFile, holder);
        }
        JournalDirectoryLock held = new JournalDirectoryLock(channel, lock);
        try {
            writeHolder(channel);
        } catch (IOException | RuntimeException e) {
            held.release();
            throw e;
        }
        return held;
    }

    private static String readHolder(FileChannel channel) {
        try {
            ByteBuffer content = ByteBuffer.allocate(256);
            channel.read(content, 0);
            return new String(content.array(), 0, content.position(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static void writeHolder(FileChannel channel) throws IOException {
        String holder = "process " + ManagementFactory.getRuntimeMXBean().getName() + "\n";
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
    }

    /** Gives the directory up: another gateway may open it from now on. */
    void release() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
