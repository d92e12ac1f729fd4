#!/usr/bin/env python3
"""Summarizes a JFR recording for the gateway's hot path: where CPU samples and allocations land.

    python3 bench/jfr_summary.py recording.jfr [jfr-binary]

Prints, from jdk.ExecutionSample and jdk.ObjectAllocationSample: the top frames (self), the
methods on the stack (inclusive, as a share of all samples), the CPU by component (each sample
given to the innermost frame that names one of COMPONENTS, so the JDK code a component calls is
its own), the allocation sites weighted by
JFR's sampled weight, with the first io.firehosegateway frame that led there, and the lock
contention (jdk.JavaMonitorEnter, jdk.ThreadPark) by the frame that waited.
"""
import collections
import json
import re
import subprocess
import sys


def events(jfr, recording, name):
    out = subprocess.run([jfr, "print", "--json", "--stack-depth", "64", "--events", name, recording],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)["recording"]["events"]


def frame_name(frame):
    method = frame["method"]
    return f"{method['type']['name']}.{method['name']}".replace("/", ".")


def frames(event):
    stack = event["values"].get("stackTrace") or {}
    return [frame_name(f) for f in stack.get("frames", [])]


def own(names):
    for name in names:
        if name.startswith("io.firehosegateway"):
            return name
    return "(no gateway frame)"


# (component, frame prefixes), innermost first wins: a HashMap lookup inside Spring Security's chain
# is the chain's; a Micrometer call from the pipeline is Micrometer's.
COMPONENTS = (
    ("request body: parse, check, frame", ("io.firehosegateway.api.EventBodyParser", "io.firehosegateway.api.EventWriter",
                                           "io.firehosegateway.api.EventCopier", "io.firehosegateway.api.Recording",
                                           "io.firehosegateway.api.Utf8", "io.firehosegateway.api.NdjsonLineReader",
                                           "tools.jackson.core.json.UTF8StreamJsonParser")),
    ("AWS SDK: marshal, sign, call", ("software.amazon.awssdk",)),
    ("Netty I/O", ("io.netty",)),
    ("Micrometer", ("io.micrometer", "org.springframework.web.filter.ServerHttpObservationFilter",
                    "io.firehosegateway.metrics")),
    ("pipeline: batching, dispatch, completion", ("io.firehosegateway.pipeline", "io.firehosegateway.sink")),
    ("MVC: writing the answer", ("org.springframework.web.servlet.mvc.method.annotation.HttpEntityMethodProcessor",
                                 "org.springframework.web.servlet.mvc.method.annotation.AbstractMessageConverter")),
    ("controller, metadata, idempotency", ("io.firehosegateway.api", "io.firehosegateway.idempotency",
                                           "io.firehosegateway.schema")),
    ("MVC: dispatch, arguments", ("org.springframework.web.servlet", "org.springframework.web.method")),
    ("gateway's security filters", ("io.firehosegateway.security",)),
    ("Spring Security chain", ("org.springframework.security",)),
    ("RequestIdFilter", ("io.firehosegateway.api.RequestIdFilter",)),
    ("Tomcat: HTTP, servlet filters", ("org.apache", "org.springframework.web.filter", "jakarta.servlet")),
    ("virtual threads: scheduling, hand-offs", ("java.util.concurrent.ForkJoin", "jdk.internal.vm.Continuation",
                                                "java.lang.VirtualThread", "java.util.concurrent.CompletableFuture")),
    ("JIT, GC, other JDK", ("",)),
)


def component(names):
    for name in names:
        for label, prefixes in COMPONENTS[:-1]:
            if name.startswith(prefixes):
                # RequestIdFilter is io.firehosegateway.api, checked before the controller's catch-all.
                if label == "controller, metadata, idempotency" and name.startswith(COMPONENTS[10][1]):
                    return COMPONENTS[10][0]
                return label
    return COMPONENTS[-1][0]


def top(counter, total, n, unit):
    for name, value in counter.most_common(n):
        print(f"  {100.0 * value / total:5.1f}%  {value:>12,.0f} {unit}  {name}")


def main():
    recording = sys.argv[1]
    jfr = sys.argv[2] if len(sys.argv) > 2 else "jfr"
    samples = events(jfr, recording, "jdk.ExecutionSample")
    self_time, inclusive, by_gateway_frame = collections.Counter(), collections.Counter(), collections.Counter()
    by_component = collections.Counter()
    for event in samples:
        names = frames(event)
        if not names:
            continue
        self_time[names[0]] += 1
        for name in set(names):
            inclusive[name] += 1
        by_gateway_frame[own(names)] += 1
        by_component[component(names)] += 1
    total = max(1, len(samples))
    print(f"== CPU: {len(samples)} execution samples")
    print("-- by component (innermost frame that names one)")
    top(by_component, total, len(COMPONENTS), "samples")
    print("-- top frames (self)")
    top(self_time, total, 25, "samples")
    print("-- on the stack (inclusive), gateway frames")
    top(collections.Counter({k: v for k, v in inclusive.items() if k.startswith("io.firehosegateway")}),
        total, 30, "samples")
    print("-- on the stack (inclusive), library frames")
    top(collections.Counter({k: v for k, v in inclusive.items()
                             if k.startswith(("software.amazon", "tools.jackson", "io.micrometer", "io.netty",
                                              "org.springframework.web.servlet.mvc", "jdk.internal.vm.Continuation",
                                              "java.util.concurrent.CompletableFuture", "org.apache.coyote"))}),
        total, 30, "samples")
    print("-- by innermost gateway frame")
    top(by_gateway_frame, total, 20, "samples")

    allocations = events(jfr, recording, "jdk.ObjectAllocationSample")
    by_class, by_site, by_gateway = collections.Counter(), collections.Counter(), collections.Counter()
    weight_total = 0
    for event in allocations:
        weight = event["values"].get("weight", 0)
        weight_total += weight
        klass = event["values"]["objectClass"]["name"]
        names = frames(event)
        by_class[klass] += weight
        site = names[0] if names else "?"
        by_site[f"{site} ({klass})"] += weight
        by_gateway[own(names)] += weight
    weight_total = max(1, weight_total)
    print(f"\n== Allocation: {weight_total / 1e6:,.0f} MB sampled weight in {len(allocations)} samples")
    print("-- by class")
    top(by_class, weight_total, 15, "bytes")
    print("-- by site (top frame, class)")
    top(by_site, weight_total, 25, "bytes")
    print("-- by innermost gateway frame")
    top(by_gateway, weight_total, 20, "bytes")

    for name in ("jdk.JavaMonitorEnter", "jdk.ThreadPark"):
        waits = events(jfr, recording, name)
        by_frame, durations = collections.Counter(), collections.Counter()
        for event in waits:
            names = [n for n in frames(event) if not n.startswith(WAIT_MACHINERY)]
            key = names[0] if names else "?"
            gateway = own(frames(event))
            label = f"{key}  <- {gateway}" if gateway != key else key
            by_frame[label] += 1
            d = event["values"].get("duration", "0 s")
            durations[label] += parse_duration(d)
        print(f"\n== {name}: {len(waits)} events over the threshold")
        for label, count in by_frame.most_common(12):
            print(f"  {count:>7} events {durations[label] * 1000:10.1f} ms  {label}")


# Frames of the waiting itself, skipped to name the code that waited.
WAIT_MACHINERY = ("jdk.internal.", "java.util.concurrent.locks.", "java.util.concurrent.ForkJoinPool.managedBlock",
                  "java.util.concurrent.ForkJoinPool.unmanagedBlock", "java.lang.VirtualThread.park",
                  "java.lang.System$", "java.lang.Object.wait")


def parse_duration(value):
    if isinstance(value, (int, float)):
        return float(value)
    m = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?", str(value))
    if not m:
        return 0.0
    hours, minutes, seconds = (float(g) if g else 0.0 for g in m.groups())
    return hours * 3600 + minutes * 60 + seconds


if __name__ == "__main__":
    main()
