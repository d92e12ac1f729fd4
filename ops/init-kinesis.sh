#!/bin/sh
# Creates the Kinesis data stream `clicks` (two shards) that the gateway's `clicks` stream sends to.
# Safe to run again: a stream that exists is left as it is.
set -eu
endpoint=${ENDPOINT:-http://moto:5000}
stream=${KINESIS_STREAM:-clicks}
shards=${KINESIS_SHARDS:-2}
aws() { command aws --endpoint-url "$endpoint" "$@"; }

# moto takes a few seconds to listen after its container starts.
tries=0
until aws kinesis list-streams >/dev/null 2>&1; do
  tries=$((tries + 1))
  [ "$tries" -lt 60 ] || { echo "moto did not answer at $endpoint" >&2; exit 1; }
  sleep 1
done

aws kinesis describe-stream-summary --stream-name "$stream" >/dev/null 2>&1 \
  || aws kinesis create-stream --stream-name "$stream" --shard-count "$shards"
aws kinesis wait stream-exists --stream-name "$stream"
echo "Kinesis stream $stream is active with $shards shards"
