#!/usr/bin/env python3
"""The original lesson's sender, as the lesson wrote it: boto3, one put_record call per event.

Used by bench/run as the baseline the gateway is compared with. The loop in send_events() is the
lesson's; only the endpoint (the benchmark's fake Firehose), the count and the timing around it are
added. Its events are about 200 bytes, like the gateway's in the benchmark, and carry no newline:
the lesson did not add one.

    python3 bench/lesson_sender.py --endpoint http://127.0.0.1:PORT --stream lesson --count 2000
prints one line of JSON: {"events": ..., "seconds": ..., "events_per_second": ...}
"""
import argparse
import datetime
import json
import time
import uuid

import boto3


def send_events(firehose, stream, count):
    for i in range(count):
        event = {
            "id": str(uuid.uuid4()),
            "timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(),
            "type": "page_view",
            "user": "u-000123",
            "path": "/products/1/reviews",
            "ref": "https://example.com/?q=shoes&page=2",
            "n": i,
        }
        firehose.put_record(DeliveryStreamName=stream, Record={"Data": json.dumps(event)})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--stream", default="lesson")
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=50)
    args = parser.parse_args()
    firehose = boto3.client(
        "firehose",
        endpoint_url=args.endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    # The first calls load botocore's service model and open the connection: not the steady state.
    send_events(firehose, args.stream + "-warmup", args.warmup)
    start = time.perf_counter()
    send_events(firehose, args.stream, args.count)
    seconds = time.perf_counter() - start
    print(json.dumps({"events": args.count, "seconds": seconds, "events_per_second": args.count / seconds}))


if __name__ == "__main__":
    main()
