#!/usr/bin/env python3
"""Runs the gateway's benchmark (issue 4) on this machine and writes docs/benchmarks.md.

Started by bench/run, which installs the tools and builds first. Every Java process (the fake
Firehose, the no-op ceiling, one gateway per delivery mode) runs on the same JVM with the same
flags and the same classpath. Measurements of different applications are interleaved round by
round, so a ratio comes from runs made minutes apart at most; the figures are medians over rounds.

Two suites (--suite): core (the no-op ceiling, the three delivery modes, the lesson's sender) and
backbones (confirmed gateways to Firehose, Kinesis and SQS, and Firehose gateways with a JSON Schema
and with metadata against one without, on a realistic event). Each writes its own section of
docs/benchmarks.md, between its own markers; --suite all (the default) runs both, one after the other.
A third suite, kpl (issue 26), runs only when named: Kinesis streams against the fake's shards at
Kinesis's per-shard limits, one record per event against `lines` and `kpl` packing, keyed by the event id
and by a user field the load varies over 1,000 values (--kpl-users).
"""
import argparse
import datetime
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
WORK = os.path.join(ROOT, "target", "bench")
MODES = ["confirmed", "journaled", "buffered"]
APPS = ["noop"] + MODES
CLK_TCK = os.sysconf("SC_CLK_TCK")
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
BB_BEGIN, BB_END = "<!-- bench-backbones:begin -->", "<!-- bench-backbones:end -->"
# The backbones suite (issues 12, 13, 14): every gateway in confirmed mode.
BACKBONES = ["firehose", "kinesis", "sqs", "sqs-64"]
# sqs-64: the same SQS stream with its own max-in-flight raised from 16 to 64 (SQS carries 10 entries a call).
SQS_64_MAX_IN_FLIGHT = 64
EDGE = ["plain", "schema", "metadata"]
BB_APPS = BACKBONES + EDGE
REALISTIC_EVENT = os.path.join(BENCH, "order-event.json")
REALISTIC_SCHEMA = os.path.join(BENCH, "order-schema.json")
METADATA_FACTS = "received-at,key,request-id,instance,client-address,schema-hash"
# The kpl suite (issue 26): confirmed Kinesis gateways, each with its own stream, against the fake's shards:
# one record per event, lines and kpl, keyed by the event id and (the -user apps) by a shared user field.
KPL_BEGIN, KPL_END = "<!-- bench-kpl:begin -->", "<!-- bench-kpl:end -->"
KPL_ID_APPS = ["kpl-one", "kpl-lines", "kpl-kpl"]
KPL_USER_APPS = [app + "-user" for app in KPL_ID_APPS]
KPL_APPS = KPL_ID_APPS + KPL_USER_APPS
KPL_USER_KEY = "/user"
KPL_PACK_BYTES = "64KB"


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, timeout=10):
    request = urllib.request.Request(url, data=body, method=method)
    if body is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status, response.read()


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


class Process:
    """A Java process of the benchmark, with its CPU time and memory read from /proc."""

    def __init__(self, name, args, env=None, ready_url=None, ready_line=None):
        self.name = name
        self.log_path = os.path.join(WORK, f"{name}.log")
        self.log = open(self.log_path, "w")
        self.popen = subprocess.Popen(
            args, stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}, cwd=WORK
        )
        self.ready_url = ready_url
        self.ready_line = ready_line

    @property
    def pid(self):
        return self.popen.pid

    def await_ready(self, timeout=240):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.popen.returncode}; see {self.log_path}")
            try:
                if self.ready_line:
                    with open(self.log_path) as f:
                        if self.ready_line in f.read():
                            return
                else:
                    status, _ = http("GET", self.ready_url, timeout=2)
                    if status == 200:
                        return
            except Exception:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{self.name} was not ready within {timeout} s; see {self.log_path}")

    def cpu_seconds(self):
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def compiler_cpu_seconds(self):
        return compiler_cpu_seconds(self.pid)

    def status_kb(self, key):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
        return None

    def stop(self):
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        self.log.close()


class Fake:
    """The fake Firehose's admin and counters."""

    def __init__(self, port):
        self.url = f"http://127.0.0.1:{port}"

    def stats(self):
        return json.loads(http("GET", self.url + "/stats")[1])

    def set(self, **settings):
        query = "&".join(f"{k}={v}" for k, v in settings.items())
        http("POST", f"{self.url}/admin?{query}", b"")

    @staticmethod
    def delta(before, after, stream):
        b = before["streams"].get(stream, {})
        a = after["streams"].get(stream, {})
        return {k: a.get(k, 0) - b.get(k, 0) for k in ("calls", "records", "bytes", "billedUnits", "callsOf490OrMore")}


def prometheus(url):
    """The gateway's metrics as {name{labels}: value}."""
    text = http("GET", url + "/actuator/prometheus")[1].decode()
    metrics = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.rpartition(" ")
            try:
                metrics[key] = float(value)
            except ValueError:
                pass
    return metrics


def metric(metrics, name, **labels):
    """The sum of a metric's series whose labels include these (other labels, such as sink, are summed over)."""
    total = 0.0
    for key, value in metrics.items():
        series, _, rest = key.partition("{")
        if series != name:
            continue
        have = dict(re.findall(r'(\w+)="([^"]*)"', rest))
        if all(have.get(k) == v for k, v in labels.items()):
            total += value
    return total


class Bench:
    def __init__(self, args):
        self.args = args
        self.java = args.java
        self.jvm_flags = args.jvm_flags.split()
        with open(os.path.join(WORK, "classpath.txt")) as f:
            deps = f.read().strip()
        self.classpath = ":".join([os.path.join(ROOT, "target", "test-classes"), os.path.join(ROOT, "target", "classes"), deps])
        self.argfile = os.path.join(WORK, "java.args")
        with open(self.argfile, "w") as f:
            f.write("-cp\n" + self.classpath + "\n")
        self.processes = {}
        self.ports = {}
        self.results = {"rounds": [], "started": datetime.datetime.now(datetime.timezone.utc).isoformat()}

    # ---------------------------------------------------------------- processes

    def java_args(self, main, *program_args, extra_flags=()):
        return [self.java, *self.jvm_flags, *extra_flags, "@" + self.argfile, main, *program_args]

    def start_fake(self):
        port = free_port()
        fake = Process("fake-firehose", self.java_args("io.firehosebench.FakeFirehose", str(port)), ready_line="listening on")
        self.processes["fake"] = fake
        fake.await_ready(60)
        self.fake = Fake(port)

    def start_all(self, apps=APPS, start=None):
        """Starts every app of a suite at once (the fake first, once), then waits for each."""
        if "fake" not in self.processes:
            self.start_fake()
        for app in apps:
            (start or self.start_app)(app)
        for app in apps:
            self.processes[app].await_ready()
            log(f"{app} is ready on port {self.ports[app]}")

    def start_kpl_app(self, app):
        """A confirmed Kinesis gateway of the kpl suite, its default stream named as the app: one record per
        event (kpl-one), newline packs (kpl-lines) or KPL aggregates (kpl-kpl) of up to KPL_PACK_BYTES.
        Partition keys are the event ids (no partition-key), or for the -user apps the event's user
        (KPL_USER_KEY), which the load varies over --kpl-users values."""
        port = free_port()
        self.ports[app] = port
        settings = [
            f"--server.port={port}", "--spring.threads.virtual.enabled=true",
            "--gateway.sink=kinesis", f"--gateway.kinesis.endpoint={self.fake.url}", "--gateway.kinesis.cbor=false",
            "--gateway.aws.region=us-east-1", "--gateway.delivery.mode=confirmed", f"--gateway.default-stream={app}",
            f"--gateway.journal.directory={os.path.join(WORK, 'journal-' + app)}",
            f"--gateway.delivery.dead-letter-directory={os.path.join(WORK, 'dead-letter-' + app)}",
        ]
        base = app.removesuffix("-user")
        if base != "kpl-one":
            settings.append(f"--gateway.streams.{app}.pack-bytes={KPL_PACK_BYTES}")
        if base == "kpl-kpl":
            settings.append(f"--gateway.streams.{app}.pack-format=kpl")
        if app in KPL_USER_APPS:
            settings.append(f"--gateway.streams.{app}.partition-key={KPL_USER_KEY}")
        shutil.rmtree(os.path.join(WORK, "journal-" + app), ignore_errors=True)
        env = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": "us-east-1"}
        self.processes[app] = Process(
            app, self.java_args("io.firehosegateway.GatewayApplication", *settings), env=env,
            ready_url=f"http://127.0.0.1:{port}/actuator/health/readiness")

    def stop_apps(self, apps):
        for app in reversed(apps):
            process = self.processes.pop(app, None)
            if process:
                process.stop()

    def start_backbone_app(self, app):
        """A confirmed gateway of the backbones suite; its default stream is bb-APP (the fake counts by it)."""
        port = free_port()
        self.ports[app] = port
        stream = f"bb-{app}"
        sink = "sqs" if app == "sqs-64" else app if app in BACKBONES else "firehose"
        settings = [
            f"--server.port={port}", "--spring.threads.virtual.enabled=true",
            f"--gateway.sink={sink}",
            "--gateway.aws.region=us-east-1",
            "--gateway.delivery.mode=confirmed",
            f"--gateway.default-stream={stream}",
            f"--gateway.journal.directory={os.path.join(WORK, 'journal-bb-' + app)}",
            f"--gateway.delivery.dead-letter-directory={os.path.join(WORK, 'dead-letter-bb-' + app)}",
        ]
        if sink == "firehose":
            settings.append(f"--gateway.firehose.endpoint={self.fake.url}")
        elif sink == "kinesis":
            settings += [f"--gateway.kinesis.endpoint={self.fake.url}", "--gateway.kinesis.cbor=false"]
        elif sink == "sqs":
            settings.append(f"--gateway.sqs.endpoint={self.fake.url}")  # a standard queue: no .fifo
            if app == "sqs-64":
                settings.append(f"--gateway.streams.{stream}.max-in-flight={SQS_64_MAX_IN_FLIGHT}")
        if app == "schema":
            settings += [f"--gateway.streams.{stream}.schema={REALISTIC_SCHEMA}",
                         f"--gateway.streams.{stream}.on-invalid=reject"]
        elif app == "metadata":
            settings.append(f"--gateway.streams.{stream}.metadata.facts={METADATA_FACTS}")
        shutil.rmtree(os.path.join(WORK, "journal-bb-" + app), ignore_errors=True)
        env = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": "us-east-1"}
        self.processes[app] = Process(
            app, self.java_args("io.firehosegateway.GatewayApplication", *settings), env=env,
            ready_url=f"http://127.0.0.1:{port}/actuator/health/readiness")

    def start_app(self, app, extra_flags=()):
        port = free_port()
        self.ports[app] = port
        common = [f"--server.port={port}", "--spring.threads.virtual.enabled=true"]
        if app == "noop":
            args = self.java_args("io.firehosebench.NoopEventsApplication", *common, extra_flags=extra_flags)
        else:
            journal = os.path.join(WORK, f"journal-{app}")
            shutil.rmtree(journal, ignore_errors=True)
            args = self.java_args(
                "io.firehosegateway.GatewayApplication",
                *common,
                "--gateway.sink=firehose",
                f"--gateway.firehose.endpoint={self.fake.url}",
                "--gateway.aws.region=us-east-1",
                f"--gateway.delivery.mode={app}",
                f"--gateway.default-stream=events-{app}",
                f"--gateway.streams.packed-{app}.pack-bytes=5KB",
                f"--gateway.journal.directory={journal}",
                f"--gateway.delivery.dead-letter-directory={os.path.join(WORK, 'dead-letter-' + app)}",
                extra_flags=extra_flags,
            )
        env = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": "us-east-1"}
        self.processes[app] = Process(
            app, args, env=env, ready_url=f"http://127.0.0.1:{port}/actuator/health/readiness"
        )

    def url(self, app, path="/events"):
        return f"http://127.0.0.1:{self.ports[app]}{path}"

    def stop_all(self):
        for process in reversed(list(self.processes.values())):
            process.stop()

    # ---------------------------------------------------------------- load

    def wrk(self, app, connections, events, seconds, path="/events", event_file=None, users=0):
        """One wrk run against an app: throughput, latency, statuses, CPU of each process.
        event_file: a file with the one JSON event to send, instead of post.lua's own.
        users: above 0, post.lua varies its event's user over that many values."""
        threads = max(1, min(2, connections))
        command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "15s",
                   "-s", os.path.join(BENCH, "post.lua"), self.url(app, path)]
        cpu_before = {name: p.cpu_seconds() for name, p in self.processes.items() if p.popen.poll() is None}
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.time()
        out = subprocess.run(command, env={**os.environ, "EVENTS": str(events), "EVENT_FILE": event_file or "",
                                                 "USERS": str(users)},
                             capture_output=True, text=True)
        elapsed = time.time() - started
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        match = re.search(r"WRK_JSON (\{.*\})", out.stdout)
        if not match:
            raise RuntimeError(f"wrk printed no summary: {out.stdout} {out.stderr}")
        summary = json.loads(match.group(1))
        duration = summary["duration_us"] / 1e6
        ok = sum(n for status, n in summary["statuses"].items() if status in ("200", "202"))
        cpu = {name: (self.processes[name].cpu_seconds() - before) / elapsed for name, before in cpu_before.items()}
        cpu["wrk"] = ((children_after.ru_utime + children_after.ru_stime)
                      - (children_before.ru_utime + children_before.ru_stime)) / elapsed
        return {
            "app": app, "connections": connections, "events": events, "path": path,
            "requests_per_s": summary["requests"] / duration,
            "ok_requests_per_s": ok / duration,
            "events_per_s": ok * events / duration,
            "ok": ok, "requests": summary["requests"],
            "p50_ms": summary["latency_us"]["p50"] / 1000, "p99_ms": summary["latency_us"]["p99"] / 1000,
            "statuses": summary["statuses"], "errors": summary["errors"],
            "cpu_cores": {k: round(v, 2) for k, v in cpu.items()},
        }

    def hey(self, app, connections, rate, seconds, events=1):
        body = os.path.join(WORK, f"body-{events}.json")
        command = ["hey", "-z", f"{seconds}s", "-c", str(connections), "-q", f"{rate / connections:.3f}",
                   "-m", "POST", "-T", "application/json", "-D", body, self.url(app)]
        out = subprocess.run(command, capture_output=True, text=True).stdout
        def grab(pattern):
            m = re.search(pattern, out)
            return float(m.group(1)) if m else None
        statuses = dict(re.findall(r"\[(\d{3})\]\s+(\d+) responses", out))
        return {
            "app": app, "connections": connections, "target_per_s": rate,
            "requests_per_s": grab(r"Requests/sec:\s+([\d.]+)"),
            "p50_ms": (grab(r"50% in ([\d.]+) secs") or 0) * 1000,
            "p99_ms": (grab(r"99% in ([\d.]+) secs") or 0) * 1000,
            "statuses": statuses,
        }

    def settle(self, app, timeout=20):
        """Waits until a gateway holds nothing undelivered, so the fake's counters are complete."""
        if app == "noop":
            return
        deadline = time.time() + timeout
        while time.time() < deadline:
            m = prometheus(self.url(app, ""))
            if m.get("gateway_buffer_records", 0) == 0 and m.get("gateway_journal_entries", 0) == 0:
                return
            time.sleep(0.2)

    def write_bodies(self):
        event = ('{"type":"page_view","user":"u-000123","session":"s-9f8e7d6c",'
                 '"ts":"2026-11-25T18:00:00.000Z","path":"/products/1/reviews","ref":"https://example.com/?q=sh"}')
        for n in (1, 100):
            with open(os.path.join(WORK, f"body-{n}.json"), "w") as f:
                f.write(event if n == 1 else "[" + ",".join([event] * n) + "]")

    # ---------------------------------------------------------------- phases

    def warm_up(self):
        """Loads each app until its JIT has gone quiet, so no measurement pays for compiling.

        On 2 cores C2 keeps compiling the gateway for two to three minutes under load, taking a
        third of a core; a fixed short warm-up measured the gateway still compiling beside a no-op
        that had finished. Each app gets at least --warmup seconds of each load, then 15 s more of
        both until its compiler threads used under 0.05 of a core, at most --warmup-max.
        """
        seconds = self.args.warmup
        log(f"warming up every app: at least {seconds} s of single and of 100-event requests, "
            f"then until its JIT is quiet (at most {self.args.warmup_max} s)")
        self.results["warmup"] = {}
        for app in APPS:
            def load(s, app=app):
                self.wrk(app, 64, 1, s // 2)
                self.wrk(app, 64, 100, s // 2)

            took, compiler = warm_until_jit_quiet(self.processes[app].pid, load, 2 * seconds, self.args.warmup_max)
            if app != "noop":
                self.wrk(app, 64, 100, max(1, seconds // 3), path=f"/streams/packed-{app}/events")
            self.settle(app)
            self.results["warmup"][app] = {"seconds": round(took), "compiler_cores_last_30s": compiler}
            log(f"{app} warmed for {took:.0f} s; its JIT used {fmt(compiler, 2)} of a core in the last 30 s")

    def sweep(self):
        """Single events at each concurrency, and 100-event requests at 64, app after app, round after round."""
        runs = []
        for r in range(self.args.runs):
            for c in self.args.concurrency:
                for app in APPS:
                    run = self.wrk(app, c, 1, self.args.duration)
                    run["round"] = r
                    runs.append(run)
                    log(f"round {r + 1} c={c:>3} {app:<9} single: {run['ok_requests_per_s']:8.0f} req/s "
                        f"p50 {run['p50_ms']:6.1f} ms p99 {run['p99_ms']:7.1f} ms cpu {run['cpu_cores']}")
            for app in APPS:
                before = self.fake.stats()
                run = self.wrk(app, 64, 100, self.args.duration)
                self.settle(app)
                run["fake"] = Fake.delta(before, self.fake.stats(), f"events-{app}")
                run["round"] = r
                runs.append(run)
                log(f"round {r + 1} c= 64 {app:<9} 100-event: {run['events_per_s']:9.0f} events/s "
                    f"p99 {run['p99_ms']:7.1f} ms fake {run['fake']} cpu {run['cpu_cores']}")
        self.results["sweep"] = runs

    def packing(self):
        """Calls and billed units per 1000 events, packing off (events-MODE) and on (packed-MODE)."""
        out = []
        for r in range(self.args.runs):
            for app in ("confirmed", "buffered"):
                for packed in (False, True):
                    for events in (1, 100):
                        stream = f"packed-{app}" if packed else f"events-{app}"
                        path = f"/streams/{stream}/events"
                        before, metrics_before = self.fake.stats(), prometheus(self.url(app, ""))
                        run = self.wrk(app, 64, events, self.args.duration, path=path)
                        self.settle(app)
                        fake = Fake.delta(before, self.fake.stats(), stream)
                        delivered = (metric(prometheus(self.url(app, "")), "gateway_events_delivered_total", stream=stream)
                                     - metric(metrics_before, "gateway_events_delivered_total", stream=stream))
                        run.update(round=r, packed=packed, stream=stream, fake=fake, delivered_events=delivered)
                        if delivered:
                            run["calls_per_1000"] = 1000 * fake["calls"] / delivered
                            run["billed_units_per_1000"] = 1000 * fake["billedUnits"] / delivered
                            run["records_per_call"] = fake["records"] / max(1, fake["calls"])
                            run["bytes_per_event"] = fake["bytes"] / delivered
                        out.append(run)
                        log(f"round {r + 1} {app:<9} packing {'on ' if packed else 'off'} {events:>3}-event: "
                            f"{run.get('calls_per_1000', 0):8.2f} calls/1000 {run.get('billed_units_per_1000', 0):8.1f} "
                            f"units/1000 {run.get('records_per_call', 0):6.1f} records/call")
        self.results["packing"] = out

    def slow_firehose(self):
        """With a 5 ms Firehose: confirmed peak, then p99 at half of it at 64 connections."""
        self.fake.set(latencyMs=5)
        try:
            peaks = []
            for r in range(self.args.runs):
                for c in (64, 128, 256):
                    run = self.wrk("confirmed", c, 1, self.args.duration)
                    run["round"] = r
                    peaks.append(run)
                    log(f"5 ms Firehose round {r + 1} c={c}: {run['ok_requests_per_s']:.0f} req/s p99 {run['p99_ms']:.1f} ms")
            by_c = {}
            for run in peaks:
                by_c.setdefault(run["connections"], []).append(run["ok_requests_per_s"])
            peak = max(median(v) for v in by_c.values())
            half = []
            for r in range(self.args.runs):
                run = self.hey("confirmed", 64, peak / 2, self.args.duration)
                run["round"] = r
                half.append(run)
                log(f"5 ms Firehose round {r + 1} at {peak / 2:.0f} req/s: got {run['requests_per_s']} req/s "
                    f"p50 {run['p50_ms']:.1f} ms p99 {run['p99_ms']:.1f} ms {run['statuses']}")
            self.results["slow_firehose"] = {"peak_runs": peaks, "peak_per_s": peak, "half_runs": half}
        finally:
            self.fake.set(latencyMs=0)

    def lesson(self):
        runs = []
        for r in range(self.args.runs):
            before = self.fake.stats()
            out = subprocess.run(
                [sys.executable, os.path.join(BENCH, "lesson_sender.py"), "--endpoint", self.fake.url,
                 "--stream", "lesson", "--count", str(self.args.lesson_events)],
                capture_output=True, text=True, check=True)
            run = json.loads(out.stdout.strip().splitlines()[-1])
            fake = Fake.delta(before, self.fake.stats(), "lesson")
            run.update(round=r, fake=fake,
                       calls_per_1000=1000 * fake["calls"] / run["events"],
                       billed_units_per_1000=1000 * fake["billedUnits"] / run["events"])
            runs.append(run)
            log(f"lesson round {r + 1}: {run['events_per_second']:.0f} events/s, {run['calls_per_1000']:.0f} calls "
                f"and {run['billed_units_per_1000']:.0f} units per 1000 events")
        self.results["lesson"] = runs

    def overload(self):
        """Firehose down, clients pushing 100-event requests at 64 connections: peak RSS of each gateway."""
        out = []
        self.fake.set(outage="on")
        try:
            for app in MODES:
                process = self.processes[app]
                samples = []
                stop = threading.Event()

                def sample():
                    while not stop.is_set():
                        samples.append(process.status_kb("VmRSS"))
                        time.sleep(0.1)

                sampler = threading.Thread(target=sample)
                sampler.start()
                run = self.wrk(app, 64, 100, self.args.overload)
                metrics = prometheus(self.url(app, ""))
                stop.set()
                sampler.join()
                run.update(
                    peak_rss_mb=max(samples) / 1024,
                    start_rss_mb=samples[0] / 1024,
                    hwm_mb=process.status_kb("VmHWM") / 1024,
                    buffer_records=metrics.get("gateway_buffer_records"),
                    buffer_bytes=metrics.get("gateway_buffer_bytes"),
                    journal_bytes=metrics.get("gateway_journal_bytes"),
                )
                out.append(run)
                log(f"overload {app}: RSS {run['start_rss_mb']:.0f} -> peak {run['peak_rss_mb']:.0f} MB "
                    f"(VmHWM {run['hwm_mb']:.0f}), statuses {run['statuses']}, buffer {run['buffer_records']}")
        finally:
            self.fake.set(outage="off")
        # Not drained: the journaled gateway may hold millions of events by now, and these
        # processes are stopped next anyway.
        self.results["overload"] = out

    # ---------------------------------------------------------------- backbones and the edge

    def bb_load(self, app, events, seconds):
        """One wrk run of the backbones suite: the realistic event for the edge apps, post.lua's for the backbones."""
        return self.wrk(app, 64, events, seconds, event_file=REALISTIC_EVENT if app in EDGE else None)

    def warm_up_backbones(self):
        """As warm_up, with a lower cap so the suite fits its budget: at least --bb-warmup s of each load,
        then 30 s steps of both until the app's JIT threads used under 0.05 of a core, at most --bb-warmup-max."""
        least, most = self.args.bb_warmup, self.args.bb_warmup_max
        log(f"backbones: warming up every app, at least {least} s of each load, at most {most} s")
        warmed = {}
        for app in BB_APPS:
            def load(s, app=app):
                self.bb_load(app, 1, max(1, s // 2))
                self.bb_load(app, 100, max(1, s // 2))

            took, compiler = warm_until_jit_quiet(self.processes[app].pid, load, 2 * least, most)
            warmed[app] = {"seconds": round(took), "compiler_cores_last_30s": compiler}
            log(f"{app} warmed for {took:.0f} s; its JIT used {fmt(compiler, 2)} of a core in the last 30 s")
        self.results["backbones"] = {"warmup": warmed, "runs": []}

    def measure_backbones(self):
        """Round after round: each app under 1-event then 100-event requests at 64 connections, with what
        the fake received for its stream (calls, entries, bytes, billed units) in the same run."""
        runs = self.results["backbones"]["runs"]
        for r in range(self.args.runs):
            for events in (1, 100):
                for app in BB_APPS:
                    before = self.fake.stats()
                    run = self.bb_load(app, events, self.args.duration)
                    run["fake"] = Fake.delta(before, self.fake.stats(), f"bb-{app}")
                    run["round"] = r
                    # Packing is off, so each record (SQS: entry) the fake took is one event. Counted at the
                    # fake rather than from wrk's answers: wrk leaves 64 requests unanswered at its end,
                    # which the gateway still delivers, and at a few hundred requests that skews by 20 %.
                    delivered = run["fake"]["records"]
                    run["delivered_events"] = delivered
                    if delivered and run["fake"]["calls"]:
                        run["records_per_call"] = delivered / run["fake"]["calls"]
                        run["billed_units_per_1000"] = 1000 * run["fake"]["billedUnits"] / delivered
                    runs.append(run)
                    log(f"backbones round {r + 1} {app:<8} {events:>3}-event: {run['events_per_s']:9.0f} events/s "
                        f"p50 {run['p50_ms']:6.1f} ms p99 {run['p99_ms']:7.1f} ms "
                        f"{run.get('records_per_call', 0):6.1f} per call {run.get('billed_units_per_1000', 0):7.1f} "
                        f"units/1000 {run['statuses']}")

    # ---------------------------------------------------------------- kpl: a shard's limits

    def measure_kpl(self):
        """Each gateway in turn under the same load (64 connections, 100-event requests of the core suite's
        event), round after round, after a warm-up each. Events, records and bytes are what the fake's shards
        took in the run's window (a KPL aggregate's user records, a newline pack's lines); the gateway's CPU is
        its /proc/<pid>/stat utime + stime over the same window."""
        shards = self.args.kpl_shards
        log(f"kpl: warming up every app for {self.args.kpl_warmup} s")
        def users(app):
            return self.args.kpl_users if app in KPL_USER_APPS else 0

        apps = self.kpl_apps()
        for app in apps:
            self.wrk(app, 64, 100, self.args.kpl_warmup, users=users(app))
        runs = []
        for r in range(self.args.runs):
            for app in apps:
                process = self.processes[app]
                before, cpu_before, started = self.fake.stats(), process.cpu_seconds(), time.time()
                load = self.wrk(app, 64, 100, self.args.kpl_duration, users=users(app))
                after, cpu_after, elapsed = self.fake.stats(), process.cpu_seconds(), time.time() - started
                b = before["streams"].get(app, {})
                a = after["streams"].get(app, {})
                taken = {k: a.get(k, 0) - b.get(k, 0) for k in ("calls", "records", "events", "throttled")}
                # The shards count a record's data and partition key, as Kinesis counts them against 1 MiB/s.
                taken["shard_bytes"] = sum(shard["bytes"] - b.get("shards", {}).get(sid, {}).get("bytes", 0)
                                           for sid, shard in a.get("shards", {}).items())
                per_shard = {sid: (shard["events"] - b.get("shards", {}).get(sid, {}).get("events", 0)) / elapsed
                             for sid, shard in a.get("shards", {}).items()}
                run = {
                    "app": app, "round": r, "seconds": elapsed, "fake": taken,
                    "events_per_s_per_shard": taken["events"] / elapsed / shards,
                    "records_per_s_per_shard": taken["records"] / elapsed / shards,
                    "bytes_per_s_per_shard": taken["shard_bytes"] / elapsed / shards,
                    "throttled_per_s_per_shard": taken["throttled"] / elapsed / shards,
                    "events_per_s_by_shard": per_shard,
                    "gateway_cpu_s": cpu_after - cpu_before,
                    "cpu_us_per_event": (1e6 * (cpu_after - cpu_before) / taken["events"]) if taken["events"] else None,
                    "statuses": load["statuses"], "p50_ms": load["p50_ms"], "p99_ms": load["p99_ms"],
                }
                runs.append(run)
                log(f"kpl round {r + 1} {app:<14} {run['events_per_s_per_shard']:8.0f} events/s/shard "
                    f"{run['records_per_s_per_shard']:6.0f} records/s/shard "
                    f"{run['bytes_per_s_per_shard'] / 1048576:5.2f} MiB/s/shard "
                    f"{run['throttled_per_s_per_shard']:6.0f} throttled/s/shard "
                    f"cpu {fmt(run['cpu_us_per_event'], 1)} us/event {load['statuses']}")
        self.results["kpl"]["runs"] = runs

    def kpl_apps(self):
        return KPL_APPS if self.args.kpl_users > 0 else KPL_ID_APPS

    def run_kpl(self):
        began = time.time()
        if "fake" not in self.processes:
            self.start_fake()
        # Before the gateways start: each lists its stream's shards once at start.
        self.fake.set(kinesisShards=self.args.kpl_shards)
        self.results["kpl"] = {"shards": self.args.kpl_shards, "pack_bytes": KPL_PACK_BYTES,
                               "users": self.args.kpl_users, "user_key": KPL_USER_KEY}
        self.start_all(self.kpl_apps(), self.start_kpl_app)
        self.measure_kpl()
        self.stop_apps(self.kpl_apps())
        self.fake.set(kinesisShards=0)
        self.results["kpl"]["seconds"] = time.time() - began

    # ---------------------------------------------------------------- report

    def machine(self):
        cpu = "unknown"
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            mem_kb = int(f.readline().split()[1])
        java = subprocess.run([self.java, "-version"], capture_output=True, text=True).stderr.strip().splitlines()
        wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
        return {
            "cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem_kb / 1024 / 1024, 1),
            "kernel": platform.release(), "java": java[1] if len(java) > 1 else java[0],
            "jvm_flags": " ".join(self.jvm_flags), "wrk": wrk.split(" [")[0],
            "python": platform.python_version(), "boto3": boto3_version(),
            "load_before": os.getloadavg(),
        }

    def run(self):
        os.makedirs(WORK, exist_ok=True)
        self.write_bodies()
        self.results["machine"] = self.machine()
        self.results["command"] = " ".join(["bench/run", *self.args.argv])
        self.results["settings"] = {k: getattr(self.args, k) for k in
                                    ("runs", "duration", "warmup", "warmup_max", "overload", "lesson_events", "concurrency",
                                     "bb_warmup", "bb_warmup_max", "kpl_warmup", "kpl_duration", "kpl_shards", "kpl_users")}
        self.results["suite"] = self.args.suite
        started = time.time()
        try:
            if self.args.suite in ("core", "all"):
                self.start_all()
                self.warm_up()
                self.sweep()
                self.packing()
                self.slow_firehose()
                self.lesson()
                self.overload()
                self.stop_apps(APPS)
            if self.args.suite in ("backbones", "all"):
                began = time.time()
                self.start_all(BB_APPS, self.start_backbone_app)
                self.warm_up_backbones()
                self.measure_backbones()
                self.stop_apps(BB_APPS)
                self.results["backbones"]["seconds"] = time.time() - began
            if self.args.suite == "kpl":
                self.run_kpl()
        finally:
            self.stop_all()
        self.results["machine"]["load_after"] = os.getloadavg()
        self.results["seconds"] = time.time() - started
        os.makedirs(self.args.results, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        path = os.path.join(self.args.results, f"{stamp}.json")
        with open(path, "w") as f:
            json.dump(self.results, f, indent=1)
        log(f"raw results: {path}")
        report(self.results, self.args)


def boto3_version():
    try:
        import boto3
        return boto3.__version__
    except ImportError:
        return "missing"


# -------------------------------------------------------------------- report


def summarize(results, xmx_mb):
    """The medians and goals, from the raw results."""
    sweep = results["sweep"]
    s = {"single": {}, "batch": {}}
    for run in sweep:
        if run["events"] == 1:
            s["single"].setdefault((run["app"], run["connections"]), []).append(run)
        else:
            s["batch"].setdefault(run["app"], []).append(run)

    def per_round(app_a, app_b, c=None, field="ok_requests_per_s"):
        """The ratio a/b in each round, then its median."""
        ratios = []
        runs_a = s["single"][(app_a, c)] if c else s["batch"][app_a]
        runs_b = s["single"][(app_b, c)] if c else s["batch"][app_b]
        for a in runs_a:
            for b in runs_b:
                if a["round"] == b["round"] and b[field]:
                    ratios.append(a[field] / b[field])
        return median(ratios)

    table = {}
    for (app, c), runs in s["single"].items():
        table[(app, c)] = {
            "rps": median([r["ok_requests_per_s"] for r in runs]),
            "p50": median([r["p50_ms"] for r in runs]),
            "p99": median([r["p99_ms"] for r in runs]),
            "cpu": {k: median([r["cpu_cores"].get(k) for r in runs]) for k in runs[0]["cpu_cores"]},
            "errors": sum(r["requests"] - r["ok"] for r in runs),
        }
    batch = {}
    for app, runs in s["batch"].items():
        fake = [r.get("fake") for r in runs if r.get("fake") and r["fake"]["calls"]]
        batch[app] = {
            "events_per_s": median([r["events_per_s"] for r in runs]),
            "p50": median([r["p50_ms"] for r in runs]),
            "p99": median([r["p99_ms"] for r in runs]),
            "records_per_call": median([f["records"] / f["calls"] for f in fake]) if fake else None,
            "cpu": {k: median([r["cpu_cores"].get(k) for r in runs]) for k in runs[0]["cpu_cores"]},
            "errors": sum(r["requests"] - r["ok"] for r in runs),
        }
    ratios = {
        "single_vs_noop": {m: per_round(m, "noop", 64) for m in MODES},
        "batch_vs_noop": {m: per_round(m, "noop", None, "events_per_s") for m in MODES},
        "journaled_vs_buffered_single": per_round("journaled", "buffered", 64),
        "journaled_vs_buffered_batch": per_round("journaled", "buffered", None, "events_per_s"),
    }
    packing = {}
    for run in results.get("packing", []):
        key = (run["app"], run["packed"], run["events"])
        packing.setdefault(key, []).append(run)
    packing = {
        k: {
            "calls_per_1000": median([r.get("calls_per_1000") for r in v]),
            "billed_units_per_1000": median([r.get("billed_units_per_1000") for r in v]),
            "records_per_call": median([r.get("records_per_call") for r in v]),
            "bytes_per_event": median([r.get("bytes_per_event") for r in v]),
            "events_per_s": median([r["events_per_s"] for r in v]),
        }
        for k, v in packing.items()
    }
    lesson = results.get("lesson", [])
    lesson_eps = median([r["events_per_second"] for r in lesson])
    slow = results.get("slow_firehose")
    overload = results.get("overload", [])
    return {"table": table, "batch": batch, "ratios": ratios, "packing": packing, "lesson": lesson,
            "lesson_eps": lesson_eps, "slow": slow, "overload": overload, "xmx_mb": xmx_mb}


def compiler_cpu_seconds(pid):
    """CPU time so far of a JVM's JIT compiler threads (named C1 or C2 CompilerThread#)."""
    total = 0
    task_dir = f"/proc/{pid}/task"
    for task in os.listdir(task_dir):
        try:
            with open(f"{task_dir}/{task}/comm") as f:
                if "CompilerThre" not in f.read():
                    continue
            with open(f"{task_dir}/{task}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass  # a thread that ended meanwhile
    return total / CLK_TCK


def warm_until_jit_quiet(pid, load, least, most, quiet=0.05):
    """Runs load(seconds) for at least `least` seconds, then in 30 s steps until the JVM's compiler
    threads used under `quiet` of a core in the last step, or `most` seconds have passed. On 2 cores
    C2 compiles the gateway for two to three minutes under load, a third of a core that would be
    measured. Returns (seconds taken, compiler cores in the last step, or None without one)."""
    started = time.time()
    load(least)
    compiler = None
    while time.time() - started < most:
        before, at = compiler_cpu_seconds(pid), time.time()
        load(30)
        compiler = (compiler_cpu_seconds(pid) - before) / (time.time() - at)
        if compiler < quiet:
            break
    return time.time() - started, compiler


def fmt(value, digits=0):
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}"


def xmx_of(flags):
    m = re.search(r"-Xmx(\d+)([mMgG])", flags)
    if not m:
        return None
    return int(m.group(1)) * (1024 if m.group(2) in "gG" else 1)


def chart(summary, concurrency, png):
    data = os.path.join(WORK, "chart.dat")
    with open(data, "w") as f:
        f.write("# c " + " ".join(f"{a}_rps {a}_p99" for a in APPS) + "\n")
        for c in concurrency:
            row = [str(c)]
            for app in APPS:
                t = summary["table"].get((app, c), {})
                row += [str(t.get("rps") or "NaN"), str(t.get("p99") or "NaN")]
            f.write(" ".join(row) + "\n")
    titles = {"noop": "no-op ceiling", "confirmed": "gateway confirmed", "journaled": "gateway journaled",
              "buffered": "gateway buffered"}
    script = f"""
set terminal pngcairo size 1100,460 font ",10"
set output '{png}'
set multiplot layout 1,2 title "Single-event POST /events, median of rounds (wrk, same 2-core machine)"
set logscale x 2
set xlabel "connections"
set grid
set key top left
set ylabel "requests/s"
set title "Throughput"
plot """ + ", ".join(
        f"'{data}' using 1:{2 + 2 * i} with linespoints lw 2 title '{titles[a]}'" for i, a in enumerate(APPS)) + f"""
set logscale y
set ylabel "p99 latency (ms)"
set title "p99 latency"
plot """ + ", ".join(
        f"'{data}' using 1:{3 + 2 * i} with linespoints lw 2 title '{titles[a]}'" for i, a in enumerate(APPS)) + """
unset multiplot
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=True)


def report(results, args):
    """Rewrites the sections of docs/benchmarks.md whose suite is in the results, and only those."""
    if "sweep" in results:
        report_core(results, args)
    if "backbones" in results:
        report_backbones(results)
    if "kpl" in results:
        report_kpl(results)


def write_section(begin, end, generated):
    """Replaces what is between one pair of markers in docs/benchmarks.md, or appends the pair."""
    doc = os.path.join(ROOT, "docs", "benchmarks.md")
    if os.path.exists(doc):
        with open(doc) as f:
            text = f.read()
    else:
        text = "# Benchmarks\n"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = f"{head}{begin}\n{generated}\n{end}{tail}"
    else:
        text += f"\n{begin}\n{generated}\n{end}\n"
    with open(doc, "w") as f:
        f.write(text)
    log(f"wrote the section {begin} of {doc}")


def report_core(results, args):
    args = argparse.Namespace(**results["settings"])
    machine = results["machine"]
    xmx = xmx_of(machine["jvm_flags"])
    s = summarize(results, xmx)
    png = os.path.join(ROOT, "docs", "benchmark.png")
    os.makedirs(os.path.dirname(png), exist_ok=True)
    chart(s, args.concurrency, png)
    t, b, ratios = s["table"], s["batch"], s["ratios"]
    lines = []
    w = lines.append
    w(f"Generated by `{results['command']}` on {results['started'][:19]}Z in {results['seconds'] / 60:.1f} minutes; "
      f"raw figures in `bench/results/`.")
    w("")
    w("### Machine and settings")
    w("")
    w(f"- CPU: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB; Linux {machine['kernel']}; "
      f"load average {machine['load_before'][0]:.1f} before, {machine['load_after'][0]:.1f} after (the machine is shared).")
    w(f"- JVM: {machine['java']}; every Java process (fake Firehose, no-op, gateways) runs with "
      f"`{machine['jvm_flags']}`, the same classpath, virtual threads on.")
    w(f"- Load: {machine['wrk']} (`-t2`, `-t1` at one connection), hey for the fixed-rate run; python {machine['python']}, "
      f"boto3 {machine['boto3']} for the lesson's sender. wrk, the gateway and the fake Firehose share the {machine['cores']} cores: "
      "the CPU columns show how.")
    warmed = results.get("warmup")
    if warmed:
        warm_text = ("warm-up until each app's JIT went quiet (its compiler threads under 0.05 of a core over 30 s of load, "
                     f"at least {args.warmup} s per load, at most {args.warmup_max} s): "
                     + ", ".join(f"{app} {w_['seconds']} s ({fmt(w_['compiler_cores_last_30s'], 2)} of a core compiling at the end)"
                                 for app, w_ in warmed.items()))
    else:
        warm_text = f"{args.warmup} s of warm-up per app and load"
    w(f"- {args.runs} rounds of {args.duration} s per measurement, after {warm_text}; "
      "apps interleaved within each round; figures are medians over rounds, ratios are medians of per-round ratios.")
    w("- Events: about 200 bytes each once framed (156 bytes of JSON, plus the id the gateway adds and the newline).")
    w("")
    w("### Goals")
    w("")
    w("| goal | measured | target | met |")
    w("| --- | --- | --- | --- |")

    def goal(name, value, target, ok, digits=2):
        w(f"| {name} | {fmt(value, digits) if isinstance(value, (int, float)) else value} | {target} | "
          f"{'yes' if ok else 'no' if ok is not None else 'n/a'} |")

    r = ratios["single_vs_noop"]["confirmed"]
    goal("confirmed single events at 64 connections / no-op ceiling (req/s)", r, "≥ 0.8", r is not None and r >= 0.8)
    gw = b.get("confirmed", {}).get("events_per_s")
    lr = gw / s["lesson_eps"] if gw and s["lesson_eps"] else None
    goal("confirmed 100-event requests, events/s / lesson's sender events/s", lr, "≥ 300", lr is not None and lr >= 300, 0)
    rpc = b.get("confirmed", {}).get("records_per_call")
    goal("records per PutRecordBatch at saturation (confirmed, 100-event requests, packing off)", rpc, "≥ 490",
         rpc is not None and rpc >= 490, 1)
    units = s["packing"].get(("confirmed", True, 100), {}).get("billed_units_per_1000")
    goal("billed 5 KiB units per 1000 events of 200 bytes, packing on (confirmed, 100-event requests)", units,
         "≤ 42 (floor 40)", units is not None and units <= 42, 1)
    slow = s["slow"]
    p99 = median([h["p99_ms"] for h in slow["half_runs"]]) if slow else None
    goal(f"confirmed p99 at half of peak ({fmt(slow['peak_per_s'] / 2 if slow else None)} req/s), 5 ms Firehose (ms)",
         p99, "≤ 25", p99 is not None and p99 <= 25, 1)
    jb = ratios["journaled_vs_buffered_single"]
    goal("journaled / buffered throughput, single events at 64 connections", jb, "≥ 0.5", jb is not None and jb >= 0.5)
    jbb = ratios["journaled_vs_buffered_batch"]
    goal("journaled / buffered throughput, 100-event requests at 64 connections", jbb, "≥ 0.5",
         jbb is not None and jbb >= 0.5)
    peak = max((o["peak_rss_mb"] for o in s["overload"]), default=None)
    goal(f"peak RSS under overload, Firehose down (MB), worst mode; -Xmx is {xmx} MB", peak,
         f"≤ {xmx + 300 if xmx else '-Xmx + 300'}", peak is not None and xmx is not None and peak <= xmx + 300, 0)
    w("")
    w("### Single-event requests at 64 connections")
    w("")
    w("| app | req/s | p50 ms | p99 ms | / no-op | CPU cores: app, fake, wrk | non-2xx |")
    w("| --- | --- | --- | --- | --- | --- | --- |")
    for app in APPS:
        row = t.get((app, 64))
        if not row:
            continue
        cpu = row["cpu"]
        ratio = ratios["single_vs_noop"].get(app) if app != "noop" else 1.0
        w(f"| {app} | {fmt(row['rps'])} | {fmt(row['p50'], 1)} | {fmt(row['p99'], 1)} | {fmt(ratio, 2)} | "
          f"{fmt(cpu.get(app), 2)}, {fmt(cpu.get('fake'), 2)}, {fmt(cpu.get('wrk'), 2)} | {row['errors']} |")
    w("")
    w("### 100-event requests at 64 connections")
    w("")
    w("| app | events/s | p50 ms | p99 ms | / no-op | records per call | CPU cores: app, fake, wrk | non-2xx |")
    w("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for app in APPS:
        row = b.get(app)
        if not row:
            continue
        cpu = row["cpu"]
        ratio = ratios["batch_vs_noop"].get(app) if app != "noop" else 1.0
        w(f"| {app} | {fmt(row['events_per_s'])} | {fmt(row['p50'], 1)} | {fmt(row['p99'], 1)} | {fmt(ratio, 2)} | "
          f"{fmt(row['records_per_call'], 1)} | {fmt(cpu.get(app), 2)}, {fmt(cpu.get('fake'), 2)}, {fmt(cpu.get('wrk'), 2)} "
          f"| {row['errors']} |")
    w("")
    w("### Throughput and p99 against concurrency (single events)")
    w("")
    w("![throughput and p99 against concurrency](benchmark.png)")
    w("")
    w("| connections | " + " | ".join(f"{a} req/s, p99 ms" for a in APPS) + " |")
    w("| --- |" + " --- |" * len(APPS))
    for c in args.concurrency:
        cells = []
        for app in APPS:
            row = t.get((app, c))
            cells.append(f"{fmt(row['rps'])}, {fmt(row['p99'], 1)}" if row else "n/a")
        w(f"| {c} | " + " | ".join(cells) + " |")
    w("")
    w("### Firehose calls and billing per 1000 events of about 200 bytes")
    w("")
    w("| sender | request | packing | calls / 1000 events | billed 5 KiB units / 1000 events | records per call | events/s |")
    w("| --- | --- | --- | --- | --- | --- | --- |")
    lesson = s["lesson"]
    if lesson:
        w(f"| lesson's sender (boto3 put_record) | 1 event | n/a | {fmt(median([x['calls_per_1000'] for x in lesson]), 1)} | "
          f"{fmt(median([x['billed_units_per_1000'] for x in lesson]), 1)} | 1 | {fmt(s['lesson_eps'])} |")
    for (app, packed, events), row in sorted(s["packing"].items()):
        w(f"| gateway {app} | {events} event{'s' if events > 1 else ''} | {'5 KiB' if packed else 'off'} | "
          f"{fmt(row['calls_per_1000'], 2)} | {fmt(row['billed_units_per_1000'], 1)} | {fmt(row['records_per_call'], 1)} | "
          f"{fmt(row['events_per_s'])} |")
    w("")
    if slow:
        w("### Confirmed mode with a 5 ms Firehose")
        w("")
        w("| load | req/s | p50 ms | p99 ms |")
        w("| --- | --- | --- | --- |")
        by_c = {}
        for run in slow["peak_runs"]:
            by_c.setdefault(run["connections"], []).append(run)
        for c, runs in sorted(by_c.items()):
            w(f"| wrk, {c} connections, unlimited | {fmt(median([x['ok_requests_per_s'] for x in runs]))} | "
              f"{fmt(median([x['p50_ms'] for x in runs]), 1)} | {fmt(median([x['p99_ms'] for x in runs]), 1)} |")
        half = slow["half_runs"]
        w(f"| hey, 64 connections, at {fmt(slow['peak_per_s'] / 2)} req/s (half of peak) | "
          f"{fmt(median([x['requests_per_s'] for x in half]))} | {fmt(median([x['p50_ms'] for x in half]), 1)} | "
          f"{fmt(median([x['p99_ms'] for x in half]), 1)} |")
        w("")
    if s["overload"]:
        w(f"### Memory while Firehose is down (503 on every call), {args.overload} s of 100-event requests at 64 connections")
        w("")
        w("| mode | RSS before MB | peak RSS MB | -Xmx MB | peak − Xmx MB | answers | events held in memory |")
        w("| --- | --- | --- | --- | --- | --- | --- |")
        for o in s["overload"]:
            w(f"| {o['app']} | {fmt(o['start_rss_mb'])} | {fmt(o['peak_rss_mb'])} | {xmx} | "
              f"{fmt(o['peak_rss_mb'] - xmx if xmx else None)} | "
              f"{', '.join(f'{k}: {v}' for k, v in sorted(o['statuses'].items()))} | {fmt(o['buffer_records'])} |")
        w("")
    write_section(BEGIN, END, "\n".join(lines))
    log(f"wrote {png}")


def summarize_backbones(results):
    """Medians per (app, events per request) and the per-round ratios of the backbones suite."""
    by = {}
    for run in results["backbones"]["runs"]:
        by.setdefault((run["app"], run["events"]), []).append(run)
    table = {}
    for key, runs in by.items():
        table[key] = {
            "events_per_s": median([r["events_per_s"] for r in runs]),
            "p50": median([r["p50_ms"] for r in runs]),
            "p99": median([r["p99_ms"] for r in runs]),
            # From the fake's counts: packing is off, so a record (SQS: an entry) is one event.
            "records_per_call": median([r["fake"]["records"] / r["fake"]["calls"] for r in runs if r["fake"]["calls"]]),
            "billed_units_per_1000": median([1000 * r["fake"]["billedUnits"] / r["fake"]["records"]
                                             for r in runs if r["fake"]["records"]]),
            "bytes_per_record": median([r["fake"]["bytes"] / r["fake"]["records"] for r in runs if r["fake"]["records"]]),
            "cpu": {k: median([r["cpu_cores"].get(k) for r in runs]) for k in runs[0]["cpu_cores"]},
            "errors": sum(r["requests"] - r["ok"] for r in runs),
        }

    def per_round(a, b, events):
        ratios = []
        for x in by.get((a, events), []):
            for y in by.get((b, events), []):
                if x["round"] == y["round"] and y["events_per_s"]:
                    ratios.append(x["events_per_s"] / y["events_per_s"])
        return median(ratios)

    ratios = {(a, b, n): per_round(a, b, n)
              for a, b in (("schema", "plain"), ("metadata", "plain"), ("kinesis", "firehose"), ("sqs", "firehose"),
                           ("sqs-64", "firehose"), ("sqs-64", "sqs"))
              for n in (1, 100)}
    return table, ratios


def report_backbones(results):
    settings = argparse.Namespace(**results["settings"])
    machine = results["machine"]
    bb = results["backbones"]
    table, ratios = summarize_backbones(results)
    lines = []
    w = lines.append
    w(f"Generated by `{results['command']}` on {results['started'][:19]}Z; this suite took "
      f"{bb.get('seconds', results['seconds']) / 60:.1f} minutes; raw figures in `bench/results/`.")
    w("")
    w(f"- Machine: {machine['cpu']}, {machine['cores']} cores; load average {machine['load_before'][0]:.1f} before, "
      f"{machine['load_after'][0]:.1f} after the whole run (the machine is shared); {machine['java']}, "
      f"`{machine['jvm_flags']}` for every Java process; {machine['wrk']}, 64 connections, `-t2`.")
    warmed = bb.get("warmup", {})
    w(f"- Warm-up: each app at least {settings.bb_warmup} s of each load, then 30 s steps of both until its JIT "
      f"threads used under 0.05 of a core in the last step, at most {settings.bb_warmup_max} s (a lower cap than the "
      "core suite's, to fit the suite in 25 minutes): "
      + ", ".join(f"{app} {x['seconds']} s ({fmt(x['compiler_cores_last_30s'], 2)} of a core compiling at the end)"
                  for app, x in warmed.items()) + ". An app whose JIT was still above 0.05 at the cap was measured "
      "while still compiling; that shows in this line.")
    w(f"- {settings.runs} round{'s' if settings.runs > 1 else ''} of {settings.duration} s per measurement; within a round every app takes each load in "
      "turn; figures are medians over rounds, ratios medians of per-round ratios. Every gateway is in confirmed mode, "
      "so a 2xx answer means delivered; packing is off, so billed units per 1000 events are per 1000 records "
      "(SQS: entries) the fake took.")
    w("- Events: `firehose`, `kinesis`, `sqs`, `sqs-64` (`sqs` with its stream's `max-in-flight` at 64 instead of 16) send the core suite's event (156 bytes of JSON); `plain`, `schema`, "
      f"`metadata` send a realistic order (`bench/order-event.json`, {os.path.getsize(REALISTIC_EVENT)} bytes, "
      "15 properties, nested objects), valid under `bench/order-schema.json` (draft 2020-12, `format` date-time, "
      "email, uuid and ipv4 asserted, `enum`, `pattern`).")
    w("")
    w("#### Goals")
    w("")
    w("| goal | measured | target | met |")
    w("| --- | --- | --- | --- |")

    def goal(name, value, target, ok, digits=2):
        w(f"| {name} | {fmt(value, digits)} | {target} | {'yes' if ok else 'no' if ok is not None else 'n/a'} |")

    for a in ("schema", "metadata"):
        for n in (1, 100):
            r = ratios[(a, "plain", n)]
            what = "a JSON Schema, `on-invalid: reject`" if a == "schema" else "every metadata fact on"
            goal(f"{a} / plain events/s, {n}-event requests ({what})", r, "≥ 0.7", r >= 0.7 if r is not None else None)
    sqs = table.get(("sqs", 100), {})
    rpc = sqs.get("records_per_call")
    goal("SQS entries per `SendMessageBatch` at saturation (100-event requests)", rpc, "≥ 9.5 of 10",
         rpc >= 9.5 if rpc is not None else None, 1)
    units = sqs.get("billed_units_per_1000")
    goal("SQS billed requests per 1000 events (100-event requests), against 1,000 for one `SendMessage` each", units,
         "≤ 105 (1000 / 9.5)", units <= 105 if units is not None else None, 1)
    krpc = table.get(("kinesis", 100), {}).get("records_per_call")
    goal("Kinesis records per `PutRecords` at saturation (100-event requests)", krpc, "≥ 490 of 500 (as Firehose's)",
         krpc >= 490 if krpc is not None else None, 1)
    for n in (1, 100):
        goal(f"Kinesis / Firehose events/s, {n}-event requests (informative)", ratios[("kinesis", "firehose", n)],
             "none", None)
    goal(f"SQS with `max-in-flight: {SQS_64_MAX_IN_FLIGHT}` / SQS at 16, events/s, 100-event requests (informative)",
         ratios[("sqs-64", "sqs", 100)], "none", None)
    w("")
    w("#### Backbones: Firehose, Kinesis Data Streams, SQS (confirmed, 64 connections)")
    w("")
    units_of = {"firehose": "5 KiB per record", "kinesis": "25 KiB PUT payload units per record (the fake's billing)",
                "sqs": "64 KiB chunks per call", "sqs-64": "64 KiB chunks per call"}
    w("| app | request | events/s | p50 ms | p99 ms | records (entries) per call | bytes per record | "
      "billed units / 1000 events | unit | / firehose | CPU cores: app, fake, wrk | non-2xx |")
    w("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for n in (1, 100):
        for app in BACKBONES:
            row = table.get((app, n))
            if not row:
                continue
            ratio = 1.0 if app == "firehose" else ratios[(app, "firehose", n)]
            cpu = row["cpu"]
            w(f"| {app} | {n} event{'s' if n > 1 else ''} | {fmt(row['events_per_s'])} | {fmt(row['p50'], 1)} | "
              f"{fmt(row['p99'], 1)} | {fmt(row['records_per_call'], 1)} | {fmt(row['bytes_per_record'])} | "
              f"{fmt(row['billed_units_per_1000'], 1)} | {units_of[app]} | {fmt(ratio, 2)} | "
              f"{fmt(cpu.get(app), 2)}, {fmt(cpu.get('fake'), 2)}, {fmt(cpu.get('wrk'), 2)} | {row['errors']} |")
    w("| SQS, one `SendMessage` per event (not run: what it would bill) | any | | | | 1 | | 1,000.0 | "
      "64 KiB chunks per call | | | |")
    w("")
    w("#### The edge: a schema and metadata (confirmed Firehose, realistic events, 64 connections)")
    w("")
    w("| app | request | events/s | p50 ms | p99 ms | / plain | records per call | bytes per record | "
      "CPU cores: app, fake, wrk | non-2xx |")
    w("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for n in (1, 100):
        for app in EDGE:
            row = table.get((app, n))
            if not row:
                continue
            ratio = 1.0 if app == "plain" else ratios[(app, "plain", n)]
            cpu = row["cpu"]
            w(f"| {app} | {n} event{'s' if n > 1 else ''} | {fmt(row['events_per_s'])} | {fmt(row['p50'], 1)} | "
              f"{fmt(row['p99'], 1)} | {fmt(ratio, 2)} | {fmt(row['records_per_call'], 1)} | "
              f"{fmt(row['bytes_per_record'])} | {fmt(cpu.get(app), 2)}, {fmt(cpu.get('fake'), 2)}, "
              f"{fmt(cpu.get('wrk'), 2)} | {row['errors']} |")
    write_section(BB_BEGIN, BB_END, "\n".join(lines))


def report_kpl(results):
    settings = argparse.Namespace(**results["settings"])
    machine = results["machine"]
    kpl = results["kpl"]
    by = {}
    for run in kpl["runs"]:
        by.setdefault(run["app"], []).append(run)

    def per_round(a, b):
        ratios = [x["events_per_s_per_shard"] / y["events_per_s_per_shard"]
                  for x in by.get(a, []) for y in by.get(b, [])
                  if x["round"] == y["round"] and y["events_per_s_per_shard"]]
        return median(ratios)

    # Each configuration against one record per event with the same partition key.
    ratios = {app: per_round(app, "kpl-one-user" if app in KPL_USER_APPS else "kpl-one") for app in KPL_APPS}
    lines = []
    w = lines.append
    w(f"Generated by `{results['command']}` on {results['started'][:19]}Z; this suite took "
      f"{kpl.get('seconds', results['seconds']) / 60:.1f} minutes; raw figures in `bench/results/`.")
    w("")
    w(f"- Machine: {machine['cpu']}, {machine['cores']} cores, shared with other builds running at the same time "
      f"(load average {machine['load_before'][0]:.1f} before, {machine['load_after'][0]:.1f} after); "
      f"{machine['java']}, `{machine['jvm_flags']}` for every Java process; {machine['wrk']}, 64 connections, `-t2`.")
    w(f"- The fake as a Kinesis stream of {kpl['shards']} shards (`POST /admin?kinesisShards={kpl['shards']}`), each "
      "refusing, record by record with `ProvisionedThroughputExceededException`, what goes beyond 1,000 records or "
      "1 MiB (data and partition key) in a second. Confirmed Kinesis gateways, one stream each: `kpl-one` one "
      f"record per event, `kpl-lines` `pack-bytes: {kpl['pack_bytes']}` (newlines), `kpl-kpl` "
      f"`pack-bytes: {kpl['pack_bytes']}` with `pack-format: kpl`, each with the partition key the event id"
      + (f", and each again (`-user`) with `partition-key: {kpl.get('user_key', KPL_USER_KEY)}`, a field the load "
         f"varies over {kpl['users']:,} values (`u-000000` to `u-{kpl['users'] - 1:06d}`, the same length, in turn "
         "event after event: `USERS` in `bench/post.lua`)" if kpl.get("users") else "") + ".")
    w(f"- The same load for each: 100-event requests of the core suite's event (156 bytes of JSON, about 200 once the "
      f"gateway frames it), 64 connections; {settings.kpl_warmup} s of warm-up each, then {settings.runs} "
      f"round{'s' if settings.runs > 1 else ''} of {settings.kpl_duration} s per gateway, one gateway loaded at a "
      "time. Figures are medians over rounds; ratios medians of per-round ratios.")
    w("- Events, records and bytes are what the fake's shards took during the run (events counted inside each "
      "record: a KPL aggregate's user records, a newline pack's lines), per second and divided by the shard "
      "count. CPU µs per event: the gateway process's `utime + stime` from `/proc/<pid>/stat` over the same window, "
      "divided by the events the shards took in it (it includes the work of resending refused records).")
    w("")
    w("| configuration | partition key | events/s per shard | records/s per shard | MiB/s per shard | "
      "bytes per event at the shard | events per record | refused records/s per shard | "
      "/ one record per event, same key | gateway CPU µs per event | non-2xx answers |")
    w("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    names = {"kpl-one": "one record per event", "kpl-lines": "`lines`", "kpl-kpl": "`kpl`"}
    user_key = f"`{kpl.get('user_key', KPL_USER_KEY)}`, {kpl.get('users') or 0:,} values"
    for app in KPL_APPS:
        runs = by.get(app, [])
        if not runs:
            continue
        events = median([r["events_per_s_per_shard"] for r in runs])
        records = median([r["records_per_s_per_shard"] for r in runs])
        non_2xx = sum(n for r in runs for status, n in r["statuses"].items() if status not in ("200", "202"))
        shard_bytes = median([r["bytes_per_s_per_shard"] for r in runs])
        w(f"| {names[app.removesuffix('-user')]} | {user_key if app in KPL_USER_APPS else 'event id'} | "
          f"{fmt(events)} | {fmt(records)} | {fmt(shard_bytes / 1048576, 2)} | "
          f"{fmt(shard_bytes / events if events else None, 1)} | {fmt(events / records if records else None, 1)} | "
          f"{fmt(median([r['throttled_per_s_per_shard'] for r in runs]))} | {fmt(ratios[app], 2)} | "
          f"{fmt(median([r['cpu_us_per_event'] for r in runs]), 1)} | {non_2xx} |")
    goal = ratios.get("kpl-kpl")
    w("")
    w(f"Goal: `kpl` / one record per event ≥ 4.5 for 200-byte events: {fmt(goal, 2)} keyed by the event id, "
      f"{'met' if goal is not None and goal >= 4.5 else 'not met'}; `lines` / one record per event: "
      f"{fmt(ratios.get('kpl-lines'), 2)}.")
    if by.get("kpl-kpl-user"):
        shared = ratios.get("kpl-kpl-user")
        w(f"Keyed by a shared field: `kpl` / one record per event {fmt(shared, 2)}, "
          f"{'met' if shared is not None and shared >= 4.5 else 'not met'}; `lines` / one record per event "
          f"{fmt(ratios.get('kpl-lines-user'), 2)}.")
    write_section(KPL_BEGIN, KPL_END, "\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description="Benchmark the gateway against a no-op ceiling and the lesson's sender")
    parser.add_argument("--quick", action="store_true", help="one round of short runs: checks the script, not the figures")
    parser.add_argument("--runs", type=int, help="rounds of every measurement (3)")
    parser.add_argument("--duration", type=int, help="seconds of each measurement (6)")
    parser.add_argument("--warmup", type=int, help="least seconds of warm-up per app and request size (45)")
    parser.add_argument("--warmup-max", type=int, help="most seconds of warm-up per app, waiting for its JIT to go quiet (300; 0 in --quick)")
    parser.add_argument("--overload", type=int, help="seconds of load while Firehose is down (30)")
    parser.add_argument("--lesson-events", type=int, help="events the lesson's sender sends per round (2000)")
    parser.add_argument("--concurrency", help="connections of the sweep (1,4,16,64,128)")
    parser.add_argument("--jvm-flags", default=os.environ.get("BENCH_JVM_FLAGS", "-Xmx512m -XX:+UseG1GC"))
    parser.add_argument("--java", default=os.environ.get("BENCH_JAVA", "java"))
    parser.add_argument("--results", default=os.path.join(BENCH, "results"))
    parser.add_argument("--report-only", help="rewrite docs/benchmarks.md from a raw results file")
    parser.add_argument("--suite", choices=("all", "core", "backbones", "kpl"), default="all",
                        help="core: the modes, no-op and lesson; backbones: Firehose, Kinesis, SQS, schema, metadata; "
                             "all: both (default); kpl (only when named): Kinesis one record per event, lines and "
                             "kpl at a shard's limits. Each rewrites only its own section of docs/benchmarks.md")
    parser.add_argument("--bb-warmup", type=int, help="backbones: least seconds of warm-up per app and request size (30)")
    parser.add_argument("--bb-warmup-max", type=int, help="backbones: most seconds of warm-up per app (120; 0 in --quick)")
    parser.add_argument("--kpl-shards", type=int, default=2, help="kpl: the fake stream's shards (2)")
    parser.add_argument("--kpl-warmup", type=int, help="kpl: seconds of warm-up per gateway (30; 3 in --quick)")
    parser.add_argument("--kpl-duration", type=int, help="kpl: seconds of each measurement (30; 5 in --quick)")
    parser.add_argument("--kpl-users", type=int, default=1000,
                        help="kpl: distinct values of the user field the -user gateways key by (1000; 0: only the "
                             "event-id gateways)")
    args = parser.parse_args()
    args.argv = sys.argv[1:]
    quick = args.quick
    args.runs = args.runs or (1 if quick else 3)
    args.duration = args.duration or (3 if quick else 6)
    args.warmup = args.warmup if args.warmup is not None else (3 if quick else 45)
    args.warmup_max = args.warmup_max if args.warmup_max is not None else (0 if quick else 300)
    args.overload = args.overload or (8 if quick else 30)
    args.bb_warmup = args.bb_warmup if args.bb_warmup is not None else (3 if quick else 30)
    args.bb_warmup_max = args.bb_warmup_max if args.bb_warmup_max is not None else (0 if quick else 120)
    args.kpl_warmup = args.kpl_warmup if args.kpl_warmup is not None else (3 if quick else 30)
    args.kpl_duration = args.kpl_duration or (5 if quick else 30)
    args.lesson_events = args.lesson_events or (300 if quick else 2000)
    args.concurrency = [int(c) for c in (args.concurrency or ("1,16,64" if quick else "1,4,16,64,128")).split(",")]
    if 64 not in args.concurrency:
        args.concurrency.append(64)
    if args.report_only:
        with open(args.report_only) as f:
            results = json.load(f)
        report(results, args)
        return
    Bench(args).run()


if __name__ == "__main__":
    main()
