#!/usr/bin/env python3
"""What an SQS stream's own max-in-flight gives when SQS answers as slowly as it does over a network.

Starts the bench fake and two confirmed SQS gateways (`sqs` at the default max-in-flight of 16, `sqs-64` at 64),
makes the fake answer every call after LATENCY_MS (20 ms by default, a round trip to SQS in another zone),
then measures both side by side under 100-event requests at 64 connections, round after round.
Run after bench/run has built once (it reuses target/bench/classpath.txt):

    python3 bench/sqs_in_flight.py [--latency-ms 20] [--runs 3] [--duration 8]

Prints a Markdown table; the raw figures go to bench/results/sqs-in-flight-*.json.
"""
import argparse
import datetime
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (the benchmark's processes, fake and wrk runs)

APPS = ["sqs", "sqs-64"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=40, help="seconds of load per app before measuring")
    parser.add_argument("--jvm-flags", default=os.environ.get("BENCH_JVM_FLAGS", "-Xmx512m -XX:+UseG1GC"))
    parser.add_argument("--java", default=os.environ.get("BENCH_JAVA", "java"))
    args = parser.parse_args()

    b = bench.Bench(args)
    try:
        b.start_all(APPS, b.start_backbone_app)
        b.fake.set(latencyMs=args.latency_ms)
        for app in APPS:
            bench.log(f"warming {app} for {args.warmup} s")
            b.bb_load(app, 100, args.warmup)
        runs = []
        for r in range(args.runs):
            for app in APPS:
                before = b.fake.stats()
                run = b.bb_load(app, 100, args.duration)
                fake = bench.Fake.delta(before, b.fake.stats(), f"bb-{app}")
                run.update(round=r, fake=fake,
                           entries_per_call=fake["records"] / fake["calls"] if fake["calls"] else None)
                runs.append(run)
                bench.log(f"round {r + 1} {app:<7} {run['events_per_s']:9.0f} events/s p50 {run['p50_ms']:6.1f} ms "
                          f"cores {run['cpu_cores']}")
    finally:
        b.stop_all()

    by_round = {}
    for run in runs:
        by_round.setdefault(run["round"], {})[run["app"]] = run
    ratios = [rs["sqs-64"]["events_per_s"] / rs["sqs"]["events_per_s"]
              for rs in by_round.values() if rs.get("sqs", {}).get("events_per_s")]
    print(f"\nThe fake answers every call after {args.latency_ms} ms; confirmed, 100-event requests, 64 connections; "
          f"medians over {args.runs} rounds of {args.duration} s.\n")
    print("| app | max-in-flight | events/s | p50 ms | entries per call | app cores |")
    print("| --- | --- | --- | --- | --- | --- |")
    for app, cap in (("sqs", 16), ("sqs-64", 64)):
        mine = [run for run in runs if run["app"] == app]
        print(f"| {app} | {cap} | {bench.fmt(bench.median([m['events_per_s'] for m in mine]))} | "
              f"{bench.fmt(bench.median([m['p50_ms'] for m in mine]), 1)} | "
              f"{bench.fmt(bench.median([m['entries_per_call'] for m in mine if m['entries_per_call']]), 1)} | "
              f"{bench.fmt(bench.median([m['cpu_cores'].get(app, 0) for m in mine]), 2)} |")
    print(f"\nsqs-64 / sqs events/s, median of per-round ratios: {bench.fmt(bench.median(ratios), 2)}")
    os.makedirs(os.path.join(bench.BENCH, "results"), exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d-%H%M%S")
    with open(os.path.join(bench.BENCH, "results", f"sqs-in-flight-{stamp}.json"), "w") as f:
        json.dump({"latency_ms": args.latency_ms, "runs": runs, "ratios": ratios}, f, indent=1)


if __name__ == "__main__":
    main()
