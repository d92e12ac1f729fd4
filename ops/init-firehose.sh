#!/bin/sh
# Creates the S3 bucket and the Direct PUT delivery stream `events` that the gateway sends to.
# Safe to run again: what exists already is left as it is.
set -eu
endpoint=${ENDPOINT:-http://moto:5000}
bucket=${BUCKET:-gateway-events}
stream=${STREAM:-events}
aws() { command aws --endpoint-url "$endpoint" "$@"; }

# moto takes a few seconds to listen after its container starts.
tries=0
until aws s3api list-buckets >/dev/null 2>&1; do
  tries=$((tries + 1))
  [ "$tries" -lt 60 ] || { echo "moto did not answer at $endpoint" >&2; exit 1; }
  sleep 1
done

aws s3api head-bucket --bucket "$bucket" >/dev/null 2>&1 || aws s3api create-bucket --bucket "$bucket"
aws firehose describe-delivery-stream --delivery-stream-name "$stream" >/dev/null 2>&1 \
  || aws firehose create-delivery-stream \
    --delivery-stream-name "$stream" \
    --delivery-stream-type DirectPut \
    --extended-s3-destination-configuration \
    "BucketARN=arn:aws:s3:::$bucket,RoleARN=arn:aws:iam::123456789012:role/firehose-delivery"
echo "Delivery stream $stream writes to s3://$bucket"
