package io.firehosegateway.sink.kinesis;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The hash-key ranges of one stream's shards, as {@code ListShards} last gave them: which open
 * shard a hash key maps to, so that an aggregate holds only user records of one shard, and the
 * range of any shard a record landed on, closed ones included, so that a record that landed after
 * a split or merge the map did not know of can be judged.
 *
 * <p>Learned at start and refreshed when a {@code PutRecords} answer shows a record landed on a
 * shard the map does not know; refreshes are made one at a time, every call in flight sharing the
 * one under way, and a stream whose shards could not be listed is asked again at most once per
 * {@link #MIN_REFRESH_INTERVAL}.
 */
final class KinesisShardMap {

    /** Refreshes closer together than this reuse the last one: the shards cannot have changed much since. */
    static final Duration MIN_REFRESH_INTERVAL = Duration.ofSeconds(1);

    /**
     * One shard's range of hash keys, both ends included.
     *
     * @param open whether the shard takes records; a split or merge closes its parents
     */
    record Range(String shardId, BigInteger start, BigInteger end, boolean open) {

        boolean contains(BigInteger hashKey) {
            return start.compareTo(hashKey) <= 0 && hashKey.compareTo(end) <= 0;
        }
    }

    /**
     * The shards as one {@code ListShards} gave them.
     *
     * @param open the open shards, by the start of their ranges
     * @param byId every shard listed, closed ones included
     */
    record Shards(List<Range> open, Map<String, Range> byId) {

        static final Shards NONE = new Shards(List.of(), Map.of());

        /** The open shard whose range holds {@code hashKey}; null when no listed shard's does. */
        Range shardOf(BigInteger hashKey) {
            int low = 0;
            int high = open.size() - 1;
            while (low <= high) {
                int middle = (low + high) >>> 1;
                Range range = open.get(middle);
                if (range.end().compareTo(hashKey) < 0) {
                    low = middle + 1;
                } else if (range.start().compareTo(hashKey) > 0) {
                    high = middle - 1;
                } else {
                    return range;
                }
            }
            return null;
        }

        static Shards of(List<Shard> listed) {
            List<Range> open = new ArrayList<>();
            Map<String, Range> byId = new HashMap<>();
            for (Shard shard : listed) {
                Range range = new Range(
                        shard.shardId(),
                        new BigInteger(shard.hashKeyRange().startingHashKey()),
                        new BigInteger(shard.hashKeyRange().endingHashKey()),
                        shard.sequenceNumberRange() == null
                                || shard.sequenceNumberRange().endingSequenceNumber() == null);
                byId.put(range.shardId(), range);
                if (range.open()) {
                    open.add(range);
                }
            }
            open.sort(Comparator.comparing(Range::start));
            return new Shards(List.copyOf(open), Map.copyOf(byId));
        }
    }

    private final KinesisAsyncClient client;
    private final String destination;
    private final LongSupplier nanoTime;
    private volatile Shards shards = Shards.NONE;
    private CompletableFuture<Shards> refreshing;
    private long refreshedAtNanos;
    private boolean refreshedOnce;

    KinesisShardMap(KinesisAsyncClient client, String destination, LongSupplier nanoTime) {
        this.client = client;
        this.destination = destination;
        this.nanoTime = nanoTime;
    }

    /** The shards as last listed; {@link Shards#NONE} before the first answer. */
    Shards current() {
        return shards;
    }

    /**
     * Lists the shards again, unless a listing is under way (its answer is shared) or, when not
     * {@code news}, one was answered or failed less than {@link #MIN_REFRESH_INTERVAL} ago (the map
     * as it is is given). Completes exceptionally when Kinesis could not be asked; the map then
     * stays as it was.
     *
     * @param news whether a record landed on a shard the map does not know: it is stale for sure
     */
    synchronized CompletableFuture<Shards> refresh(boolean news) {
        if (refreshing != null) {
            return refreshing;
        }
        if (!news && refreshedOnce && nanoTime.getAsLong() - refreshedAtNanos < MIN_REFRESH_INTERVAL.toNanos()) {
            return CompletableFuture.completedFuture(shards);
        }
        CompletableFuture<Shards> listing = list(new ArrayList<>(), null).thenApply(Shards::of);
        refreshing = listing;
        listing.whenComplete((listed, error) -> {
            synchronized (this) {
                refreshing = null;
                // A failed listing is not tried again at once either: a role without
                // kinesis:ListShards would otherwise ask on every call.
                refreshedAtNanos = nanoTime.getAsLong();
                refreshedOnce = true;
                if (listed != null) {
                    shards = listed;
                }
            }
        });
        return listing;
    }

    private CompletableFuture<List<Shard>> list(List<Shard> listed, String nextToken) {
        ListShardsRequest.Builder request = ListShardsRequest.builder()
                .overrideConfiguration(
                        override -> override.apiCallAttemptTimeout(KinesisStreamDescriptions.DESCRIBE_TIMEOUT));
        if (nextToken != null) {
            // A page after the first names the listing by its token alone.
            request.nextToken(nextToken);
        } else if (KinesisStreamDescriptions.isArn(destination)) {
            request.streamARN(destination);
        } else {
            request.streamName(destination);
        }
        return client.listShards(request.build()).thenCompose((ListShardsResponse response) -> {
            listed.addAll(response.shards());
            if (response.nextToken() == null || response.shards().isEmpty()) {
                return CompletableFuture.completedFuture(listed);
            }
            return list(listed, response.nextToken());
        });
    }
}
