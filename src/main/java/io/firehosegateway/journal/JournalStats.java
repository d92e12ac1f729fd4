package io.firehosegateway.journal;

import java.util.OptionalLong;

/**
 * The journal's gauges at one moment, read from its parts: how full it is, what waits to be
 * delivered, what was found damaged at start, and whether writes are failing.
 *
 * @param bytes bytes the journal holds on disk, with entries queued to be written
 * @param maxBytes the most bytes the journal may hold
 * @param segmentBytes the size at which segments are sealed
 * @param syncs fsyncs made by appends so far: far fewer than appends when many arrive at once
 * @param pendingEntries entries written and not yet delivered
 * @param oldestPendingMillis when the oldest undelivered entry was written, if any is
 * @param damagedSegments segments found damaged when the journal was opened
 * @param lostEntries entries found missing from damaged segments when the journal was opened
 * @param writeFailing whether the last write failed (a full disk, an I/O error, no file handle left)
 * @param lastWriteFailureMillis when a write last failed, if one has
 * @param unrecordedDeliveries deliveries known in memory but not yet recorded on disk (a full disk)
 */
public record JournalStats(
        long bytes,
        long maxBytes,
        long segmentBytes,
        long syncs,
        long pendingEntries,
        OptionalLong oldestPendingMillis,
        long damagedSegments,
        long lostEntries,
        boolean writeFailing,
        OptionalLong lastWriteFailureMillis,
        long unrecordedDeliveries) {}
