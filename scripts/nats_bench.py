#!/usr/bin/env python3
"""Helper of scripts/bench-worker.sh (needs nats-py):

  nats_bench.py preload URL FILE      create CXR_IN and CXR_OUT as `cxr worker` would,
                                      and publish every line of FILE to cxr.in.chat
  nats_bench.py wait URL N PID...     wait until CXR_OUT holds N messages; print one JSON
                                      line: seconds from the first to the last decision,
                                      decisions/s, and the CPU seconds each PID used meanwhile
"""
import asyncio
import json
import os
import sys
import time

import nats
from nats.js.api import RetentionPolicy, StorageType, StreamConfig

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


async def preload(url, path):
    nc = await nats.connect(url)
    js = nc.jetstream()
    await js.add_stream(StreamConfig(name="CXR_IN", subjects=["cxr.in.>"], retention=RetentionPolicy.WORK_QUEUE,
                                     storage=StorageType.FILE, duplicate_window=120))
    await js.add_stream(StreamConfig(name="CXR_OUT", subjects=["cxr.out.>", "cxr.dlq.>"], storage=StorageType.FILE,
                                     duplicate_window=120))
    with open(path, encoding="utf-8") as f:
        lines = [line.strip() for line in f if line.strip()]
    for i in range(0, len(lines), 500):
        chunk = lines[i:i + 500]
        await asyncio.gather(*(js.publish("cxr.in.chat", line.encode(),
                                          headers={"Nats-Msg-Id": json.loads(line)["id"]}) for line in chunk))
    info = await js.stream_info("CXR_IN")
    print(f"preloaded {info.state.messages} interactions", file=sys.stderr)
    await nc.close()


async def wait(url, n, pids):
    nc = await nats.connect(url)
    js = nc.jetstream()
    first = None
    deadline = time.monotonic() + 600
    while True:
        count = (await js.stream_info("CXR_OUT")).state.messages
        now = time.monotonic()
        if count > 0 and first is None:
            first, first_count = now, count
            cpu0 = {p: cpu_seconds(p) for p in pids}
        if count >= n:
            cpu = {p: round(cpu_seconds(p) - cpu0[p], 2) for p in pids}
            seconds = now - first
            print(json.dumps({"seconds": round(seconds, 3), "rate": round((count - first_count) / seconds),
                              "cpu": cpu}))
            break
        if now > deadline:
            sys.exit(f"only {count} of {n} decisions after 600 s")
        await asyncio.sleep(0.02)
    await nc.close()


if __name__ == "__main__":
    if sys.argv[1] == "preload":
        asyncio.run(preload(sys.argv[2], sys.argv[3]))
    elif sys.argv[1] == "wait":
        asyncio.run(wait(sys.argv[2], int(sys.argv[3]), [int(p) for p in sys.argv[4:]]))
    else:
        sys.exit(__doc__)
