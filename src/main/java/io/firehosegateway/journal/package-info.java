/**
 * The durable write-ahead journal of the {@code journaled} delivery mode: a small segmented
 * append-only log. Concurrent appends share one fsync (group commit); every entry carries a CRC32C,
 * so a torn or garbled tail found after a crash is cut off and everything before it is kept;
 * segments whose entries were all delivered are deleted, so disk use stays bounded. Depends only
 * on {@code event}.
 */
package io.firehosegateway.journal;
