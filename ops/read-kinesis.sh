#!/bin/sh
# Prints every record of a Kinesis data stream, shard after shard, from the oldest: what a consumer
# of the gateway's `clicks` stream reads. Each record is one event (compact JSON and a newline), or
# several with pack-bytes. Usage: ENDPOINT=http://localhost:5000 sh ops/read-kinesis.sh [stream]
set -eu
endpoint=${ENDPOINT:-http://localhost:5000}
stream=${1:-${KINESIS_STREAM:-clicks}}
aws() { command aws --endpoint-url "$endpoint" "$@"; }

for shard in $(aws kinesis list-shards --stream-name "$stream" --query 'Shards[].ShardId' --output text); do
  iterator=$(aws kinesis get-shard-iterator --stream-name "$stream" --shard-id "$shard" \
    --shard-iterator-type TRIM_HORIZON --query ShardIterator --output text)
  # The data comes base64-encoded, one record a word.
  for data in $(aws kinesis get-records --shard-iterator "$iterator" --limit 10000 \
    --query 'Records[].Data' --output text); do
    printf '%s' "$data" | base64 -d | awk 1 # one event a line, the last one ended too
  done
done
