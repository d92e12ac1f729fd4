package io.firehosegateway.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens what an earlier process left in a journal's directory, as Kafka's {@code LogLoader} does for
 * a log: checks every segment entry by entry, cuts a torn tail off the last one (a crash while
 * writing), keeps a segment damaged anywhere else whole to deliver what checks out, and fills the
 * {@link JournalLog} with the segments and the entries still to deliver. It runs once, before the
 * writer starts.
 */
final class JournalRecovery {

    // The journal's own logger: operators filter its messages by that name.
    private static final Logger log = LoggerFactory.getLogger(Journal.class);

    /** What the recovery found damaged: segments, and entries missing from them (acknowledged and lost). */
    record Report(long damagedSegments, long lostEntries) {}

    private final JournalLog journal;
    private final Path directory;
    private long damagedSegments;
    private long lostEntries;

    private JournalRecovery(JournalLog journal) {
        this.journal = journal;
        this.directory = journal.directory;
    }

    /**
     * Recovers the directory's segments into {@code journal}.
     *
     * @throws IllegalStateException when the directory holds a file that is not one of its segments
     */
    static Report recover(JournalLog journal) throws IOException {
        JournalRecovery recovery = new JournalRecovery(journal);
        recovery.recover();
        return new Report(recovery.damagedSegments, recovery.lostEntries);
    }

    private void recover() throws IOException {
        List<Path> files = new ArrayList<>();
        Set<String> segmentNames = new HashSet<>();
        try (Stream<Path> list = Files.list(directory)) {
            for (Path file : (Iterable<Path>) list::iterator) {
                String name = file.getFileName().toString();
                if (name.endsWith(Segment.SUFFIX) && Files.isRegularFile(file)) {
                    if (!Segment.NAME.matcher(name).matches()) {
                        throw new IllegalStateException("Journal " + directory + ": " + name
                                + " is not a segment of this journal (segments are named by their first sequence in"
                                + " 20 digits, like 00000000000000000000.seg). Move it out of the journal directory"
                                + " and start again.");
                    }
                    files.add(file);
                    segmentNames.add(name.substring(0, name.length() - Segment.SUFFIX.length()));
                }
            }
        }
        files.sort(null);
        removeOrphanAcks(segmentNames);

        List<SegmentScan> scans = new ArrayList<>(files.size());
        for (Path file : files) {
            scans.add(SegmentScan.of(file, Segment.baseOf(file)));
        }
        // Every file is checked before any is changed: a stray file stops the start with the journal as it was.
        for (int i = 0; i < scans.size(); i++) {
            checkBelongs(scans.get(i), i + 1 < scans.size() ? scans.get(i + 1) : null);
        }
        long entries = 0;
        for (int i = 0; i < files.size(); i++) {
            SegmentScan scan = scans.get(i);
            SegmentScan next = i + 1 < scans.size() ? scans.get(i + 1) : null;
            Segment segment = recover(scan, next);
            journal.nextSequence = Math.max(journal.nextSequence, scan.nextSequence());
            if (segment != null) {
                entries += segment.entries - segment.acknowledged;
            }
        }
        for (SegmentScan scan : scans) {
            if (scan.base < journal.nextSequence) {
                journal.lastBase = scan.base;
            }
        }
        if (entries > 0) {
            log.info(
                    "Journal {}: {} undelivered entries in {} segments to deliver",
                    directory,
                    entries,
                    journal.segments.size());
        }
    }

    private void removeOrphanAcks(Set<String> segmentNames) throws IOException {
        try (Stream<Path> list = Files.list(directory)) {
            for (Path file : (Iterable<Path>) list::iterator) {
                String name = file.getFileName().toString();
                if (name.endsWith(Segment.ACK_SUFFIX)
                        && !segmentNames.contains(name.substring(0, name.length() - Segment.ACK_SUFFIX.length()))) {
                    // Left by a crash between deleting a segment's two files; a later segment of the
                    // same number must not take its records for its own.
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** A segment whose entries are not those its name says is a copy or was renamed: it would be delivered twice. */
    private void checkBelongs(SegmentScan scan, SegmentScan next) {
        String name = scan.path.getFileName().toString();
        String advice = ". It is a copy or was renamed, not a segment of this journal: move it out of the journal"
                + " directory (keep it if you need to inspect it) and start again.";
        if (scan.headerBase >= 0 && scan.headerBase != scan.base) {
            throw new IllegalStateException("Journal " + directory + ": segment " + name
                    + " says in its header that it is segment " + scan.headerBase + advice);
        }
        long previous = scan.base - 1;
        for (long[] entry : scan.entries) {
            long sequence = entry[0];
            if (sequence <= previous || (next != null && sequence >= next.base)) {
                throw new IllegalStateException("Journal " + directory + ": segment " + name + " holds entry "
                        + sequence + ", which does not belong between its first sequence " + scan.base
                        + (next != null ? " and the next segment's " + next.base : "") + advice);
            }
            previous = sequence;
        }
    }

    /** Sets up one scanned segment; {@code null} when it was deleted or set aside at once. */
    private Segment recover(SegmentScan scan, SegmentScan next) throws IOException {
        String name = scan.path.getFileName().toString();
        Segment segment = new Segment(scan.base, scan.path, journal.files);
        boolean last = next == null;
        long firstFault = scan.faults.isEmpty() ? -1 : scan.faults.get(0)[0];
        long lastEntryAt = scan.entries.isEmpty() ? -1 : scan.entries.get(scan.entries.size() - 1)[2];
        boolean tornTail = last && scan.seal < 0 && firstFault >= 0 && lastEntryAt < firstFault;
        long size = scan.size;
        if (tornTail) {
            log.warn(
                    "Journal segment {}: found {} at byte {}; cutting off the last {} bytes (a write that a crash"
                            + " interrupted, never acknowledged) and keeping the {} entries before",
                    name,
                    scan.faultKinds.get(0),
                    firstFault,
                    size - firstFault,
                    scan.entries.size());
            try (FileChannel channel = FileChannel.open(scan.path, StandardOpenOption.WRITE)) {
                long keep = firstFault < JournalCodec.HEADER && scan.dataStart > 0 ? 0 : firstFault;
                channel.truncate(keep);
                channel.force(true);
                size = keep;
            }
        }
        boolean damaged = !scan.faults.isEmpty() && !tornTail;
        long lost = 0;
        boolean endUnknown = false;
        if (scan.dataStart > 0) {
            long expectedEnd;
            if (scan.seal >= 0) {
                expectedEnd = scan.seal;
            } else if (!last && next.previousBase == scan.base) {
                expectedEnd = next.base;
            } else {
                expectedEnd = scan.entries.isEmpty() ? scan.base : scan.entries.get(scan.entries.size() - 1)[0] + 1;
                endUnknown = !last;
            }
            lost = Math.max(0, expectedEnd - scan.base - scan.entries.size());
        } else if (damaged) {
            // Written before segments had headers and seals: each damaged stretch held at least one entry.
            lost = scan.faults.size();
            endUnknown = true;
        }
        if (lost > 0 || endUnknown) {
            damaged = true;
        }

        Segment.AckRecords acks = segment.readAcks();
        if (acks.invalid() > 0) {
            log.warn(
                    "Journal segment {}: {} delivery records do not check out; their entries are delivered again",
                    name,
                    acks.invalid());
        }
        Set<Long> acked = new HashSet<>();
        for (long sequence : acks.sequences()) {
            acked.add(sequence);
        }
        for (long[] entry : scan.entries) {
            if (acked.contains(entry[0])) {
                segment.acknowledged++;
                journal.acknowledgedBeforeStart.add(entry[0]);
            } else {
                journal.pending.put(entry[0], entry[1]);
            }
        }
        segment.entries = scan.entries.size();
        segment.dataStart = Math.min(scan.dataStart, size);
        segment.size = size;
        segment.committed = size;
        segment.entriesEnd = scan.seal >= 0 && !damaged ? scan.sealAt : size;
        segment.endSequence = scan.nextSequence();
        segment.sealed = true;
        if (damaged) {
            segment.damaged = true;
            segment.index = scan.entries.stream().mapToLong(entry -> entry[2]).toArray();
            damagedSegments++;
            lostEntries += lost;
            log.error(
                    "Journal segment {} is damaged: {} stretches of it do not check out{}; {} entries that check out are"
                            + " delivered, {} entries are lost{}. The segment is kept as it is and moved to {} once"
                            + " delivered, for inspection.",
                    name,
                    scan.faults.size(),
                    scan.faults.isEmpty()
                            ? ""
                            : " (the first at byte " + firstFault + ": " + scan.faultKinds.get(0) + ")",
                    scan.entries.size(),
                    lost,
                    endUnknown ? ", and an unknown number may be missing from its end" : "",
                    directory.resolve(JournalLog.DAMAGED_DIRECTORY));
        }
        if (segment.acknowledged == segment.entries) {
            journal.delete(segment);
            return null;
        }
        journal.segments.put(segment.baseSequence, segment);
        journal.bytes.addAndGet(segment.size);
        return segment;
    }
}
