/**
 * The durable write-ahead journal of the {@code journaled} delivery mode: a small segmented
 * append-only log that owns its directory (a lock keeps a second gateway out). Concurrent appends
 * share one fsync (group commit); every entry, segment header and seal, and delivery record carries
 * a CRC32C, so a torn tail found after a crash is cut off, while damage inside a segment is
 * delivered around, counted and set aside; segments whose entries were all delivered are deleted,
 * whether or not the disk had room to record the deliveries, so disk use stays bounded. Depends
 * only on {@code event}.
 *
 * <p>{@code Journal} is a facade over its parts, each with one job: {@code JournalDirectoryLock}
 * (the lock), {@code JournalRecovery} and {@code SegmentScan} (opening: scan, cut torn tails, set
 * damage aside), {@code JournalWriter} (group commit and rolls), {@code JournalReader} (the read
 * cursor) and {@code JournalAcknowledgements} (delivery records, reclaiming space), sharing the
 * state in {@code JournalLog}; {@code JournalStats} is what the gauges read.
 */
package io.firehosegateway.journal;
