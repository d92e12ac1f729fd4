#!/bin/sh
# Creates the SQS queues the gateway's compose streams send to: a standard queue `gateway-jobs` and a
# FIFO queue `gateway-orders.fifo`. Safe to run again: creating an existing queue with the same
# attributes returns its URL.
set -eu
endpoint=${ENDPOINT:-http://moto:5000}
jobs=${JOBS_QUEUE:-gateway-jobs}
orders=${ORDERS_QUEUE:-gateway-orders.fifo}
aws() { command aws --endpoint-url "$endpoint" "$@"; }

# moto takes a few seconds to listen after its container starts.
tries=0
until aws sqs list-queues >/dev/null 2>&1; do
  tries=$((tries + 1))
  [ "$tries" -lt 60 ] || { echo "moto did not answer at $endpoint" >&2; exit 1; }
  sleep 1
done

aws sqs create-queue --queue-name "$jobs" --query QueueUrl --output text
aws sqs create-queue --queue-name "$orders" --attributes FifoQueue=true --query QueueUrl --output text
