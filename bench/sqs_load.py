#!/usr/bin/env python3
"""Sends batched JSON requests to a gateway for a while and prints what was answered.

Usage: bench/sqs_load.py PORT PATH SECONDS CONNECTIONS EVENTS_PER_REQUEST
Each event is about 200 bytes with a `user` key of 50 values; docs/benchmarks.md ("SQS") uses it.
Loads only 127.0.0.1 and stops by itself after SECONDS.
"""
import http.client, json, sys, threading, time
port = int(sys.argv[1]); path = sys.argv[2]; seconds = float(sys.argv[3]); conns = int(sys.argv[4]); per = int(sys.argv[5])
stop = time.time() + seconds
counts = {"ok": 0, "bad": 0, "events": 0}
lock = threading.Lock()
def worker(w):
    c = http.client.HTTPConnection("127.0.0.1", port)
    n = 0
    while time.time() < stop:
        evs = [json.dumps({"id": f"w{w}-{n}-{i}", "user": f"u{(n*per+i)%50}", "pad": "x"*150}) for i in range(per)]
        n += 1
        body = "[" + ",".join(evs) + "]" if per > 1 else evs[0]
        c.request("POST", path, body, {"Content-Type": "application/json"})
        r = c.getresponse(); r.read()
        with lock:
            if r.status == 200: counts["ok"] += 1; counts["events"] += per
            else: counts["bad"] += 1; counts.setdefault("status", {}).setdefault(str(r.status), 0); counts["status"][str(r.status)] += 1
ts = [threading.Thread(target=worker, args=(w,)) for w in range(conns)]
[t.start() for t in ts]; [t.join() for t in ts]
print(json.dumps(counts))
