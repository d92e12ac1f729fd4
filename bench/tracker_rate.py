#!/usr/bin/env python3
"""The tracker's events/s from one page, in the OS's headless Chromium, against one local gateway.

    python3 bench/tracker_rate.py [--events 20000] [--runs 3]     (after bench/ab or bench/run built once)

A gateway on the local sink (confirmed mode) with one browser key for the page's origin serves
/tracker.js; a second origin (a plain HTTP server) serves a page that imports it and calls track()
--events times in one loop, as fast as track() takes them, writing Date.now() before the loop into
every event. The clock stops when the gateway's gateway_events_delivered_total reaches --events
(polled every 20 ms); the start is that Date.now(), read back from an event in the sink's files, so
the browser's own start-up is not counted. Same machine, same clock.
"""
import argparse
import glob
import http.server
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JAVA = os.environ.get("BENCH_JAVA", "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java")
GATEWAY, PAGE = 18795, 18796
KEY = "bench-browser-key-0123456789"

PAGE_HTML = """<!doctype html><meta charset="utf-8"><title>tracker rate</title>
<script type="module">
import { tracker } from 'http://127.0.0.1:%(gateway)d/tracker.js';
const events = tracker({ gateway: 'http://127.0.0.1:%(gateway)d', key: '%(key)s', stream: 'clicks' });
const n = Number(new URLSearchParams(location.search).get('n'));
const run = new URLSearchParams(location.search).get('run');
const t0 = Date.now();
for (let i = 0; i < n; i++) events.track({ type: 'bench', run, i, t0 });
</script>
"""


def delivered():
    text = urllib.request.urlopen(f"http://127.0.0.1:{GATEWAY}/actuator/prometheus").read().decode()
    return sum(float(v) for v in re.findall(r"^gateway_events_delivered_total\{[^}]*\} (\S+)", text, re.M))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--events", type=int, default=20000)
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()
    with open(os.path.join(ROOT, "target/bench/classpath.txt")) as f:
        cp = "target/classes:" + f.read().strip()
    work = tempfile.mkdtemp(prefix="tracker-rate-")
    with open(os.path.join(work, "index.html"), "w") as f:
        f.write(PAGE_HTML % {"gateway": GATEWAY, "key": KEY})
    handler = lambda *a: http.server.SimpleHTTPRequestHandler(*a, directory=work)  # noqa: E731
    http.server.SimpleHTTPRequestHandler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", PAGE), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    log = open(os.path.join(ROOT, "target/bench/tracker-rate-gateway.log"), "w")
    gateway = subprocess.Popen([
        JAVA, "-Xmx512m", "-XX:+UseG1GC", "-cp", cp, "io.firehosegateway.GatewayApplication",
        f"--server.port={GATEWAY}", "--spring.threads.virtual.enabled=true", "--logging.level.root=WARN",
        "--gateway.sink=local", f"--gateway.local.directory={work}/sink", "--gateway.delivery.mode=confirmed",
        f"--gateway.journal.directory={work}/journal", "--gateway.default-stream=clicks",
        "--gateway.security.api-keys[0].name=site", f"--gateway.security.api-keys[0].key={KEY}",
        "--gateway.security.api-keys[0].streams=clicks",
        f"--gateway.security.api-keys[0].origins=http://127.0.0.1:{PAGE}"], cwd=ROOT, stdout=log, stderr=log)
    try:
        for _ in range(180):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{GATEWAY}/actuator/health/readiness", timeout=2)
                break
            except Exception:
                time.sleep(1)
        rates = []
        # Run 0 warms the gateway's JIT and the browser's caches; it is not reported.
        for run in range(args.runs + 1):
            before = delivered()
            profile = tempfile.mkdtemp(prefix="chromium-", dir=work)
            browser = subprocess.Popen(
                ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 f"--user-data-dir={profile}", "--remote-debugging-port=0",
                 f"http://127.0.0.1:{PAGE}/index.html?n={args.events}&run={run}"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.time() + 180
            while delivered() - before < args.events and time.time() < deadline:
                time.sleep(0.02)
            end = time.time() * 1000
            got = delivered() - before
            browser.send_signal(signal.SIGTERM)
            browser.wait(timeout=30)
            if got < args.events:
                sys.exit(f"run {run}: only {got:.0f} of {args.events} events arrived in 180 s")
            t0 = None
            while t0 is None:
                for name in glob.glob(f"{work}/sink/**/*", recursive=True):
                    if os.path.isfile(name):
                        with open(name, errors="replace") as f:
                            mine = [line for line in f if f'"run":"{run}"' in line]
                        if mine:
                            t0 = int(re.search(r'"t0":(\d+)', mine[0]).group(1))
                            break
                else:
                    time.sleep(0.5)
            seconds = (end - t0) / 1000
            print(f"run {run}: {args.events} events in {seconds:.2f} s: {args.events / seconds:,.0f} events/s"
                  + (" (warm-up, not counted)" if run == 0 else ""), flush=True)
            if run:
                rates.append(args.events / seconds)
        print(f"median of {args.runs} runs: {statistics.median(rates):,.0f} events/s "
              f"({', '.join(f'{r:,.0f}' for r in rates)})")
    finally:
        gateway.send_signal(signal.SIGTERM)
        gateway.wait(timeout=30)
        server.shutdown()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
