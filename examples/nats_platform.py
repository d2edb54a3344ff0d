#!/usr/bin/env python3
"""How a platform talks to `cxr worker` over NATS JetStream, with nats-py.

1. Publishes each interaction of a JSON Lines file to `cxr.in.<channel>`
   with `Nats-Msg-Id` = its id, and waits for the broker's acknowledgement
   (so a publish retried after a timeout is stored once).
2. Reads the answers back from the `CXR_OUT` stream with a durable pull
   consumer, acknowledging each: decisions arrive on `cxr.out.<queue>`,
   dead letters on `cxr.dlq.<reason>` (original payload, `Cxr-Error` header).
   Prints one JSON line per answer on stdout until every id has one.

    pip install nats-py
    cxr worker --nats nats://127.0.0.1:4222 &
    python3 examples/nats_platform.py --nats nats://127.0.0.1:4222 examples/interactions.jsonl
"""

import argparse
import asyncio
import json
import sys

import nats
from nats.errors import NoRespondersError, TimeoutError as NatsTimeout
from nats.js.errors import NotFoundError


async def wait_for_stream(js, name, timeout):
    """The worker creates the streams when it starts; wait for them."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            return await js.stream_info(name)
        except (NotFoundError, NoRespondersError, NatsTimeout):
            if asyncio.get_running_loop().time() > deadline:
                raise SystemExit(f"stream {name} not found: is `cxr worker` running?")
            await asyncio.sleep(0.2)


async def publish(js, path):
    """Publishes every interaction; returns their ids."""
    ids = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            interaction = json.loads(line)
            ix_id = str(interaction["id"])
            channel = interaction.get("channel") or "email"
            # The subject's last token names the channel (cxr.in.TENANT.CHANNEL
            # picks a tenant too); the header makes a retried publish a no-op.
            await js.publish(f"cxr.in.{channel}", line.strip().encode(), headers={"Nats-Msg-Id": ix_id})
            ids.add(ix_id)
    return ids


async def consume(js, ids, durable, timeout):
    """Reads decisions and dead letters until every id has one; returns the ids left."""
    pending = set(ids)
    sub = await js.pull_subscribe("cxr.>", durable=durable, stream="CXR_OUT")
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while pending and loop.time() < deadline:
        try:
            messages = await sub.fetch(batch=100, timeout=1)
        except NatsTimeout:
            continue
        for m in messages:
            headers = m.headers or {}
            if m.subject.startswith("cxr.dlq."):
                # The id is the original Nats-Msg-Id (the dead letter's own key is
                # DLQ:STREAM:SEQ); the payload is what was published, cut to 64 KiB.
                answer = {
                    "id": headers.get("Cxr-Original-Msg-Id"),
                    "dead_letter": m.subject.split(".", 2)[2],
                    "error": headers.get("Cxr-Error"),
                }
            else:
                answer = json.loads(m.data)
                # Nats-Msg-Id is TENANT:ID (docs/scaling.md); the tenant is a header.
                answer["tenant"] = headers.get("Cxr-Tenant")
            print(json.dumps(answer), flush=True)
            pending.discard(answer["id"])
            await m.ack()
    return pending


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", help="JSON Lines interactions")
    parser.add_argument("--nats", default="nats://127.0.0.1:4222", help="the NATS server")
    parser.add_argument("--durable", default="platform-answers", help="the durable consumer reading CXR_OUT")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for every answer")
    args = parser.parse_args()

    nc = await nats.connect(args.nats)
    js = nc.jetstream()
    await wait_for_stream(js, "CXR_IN", args.timeout)
    await wait_for_stream(js, "CXR_OUT", args.timeout)
    ids = await publish(js, args.file)
    print(f"published {len(ids)} interactions", file=sys.stderr)
    missing = await consume(js, ids, args.durable, args.timeout)
    await nc.drain()
    if missing:
        print(f"no answer within {args.timeout:.0f} s for {len(missing)}: {sorted(missing)[:5]}", file=sys.stderr)
        sys.exit(1)
    print(f"{len(ids)} answers", file=sys.stderr)


if __name__ == "__main__":
    asyncio.run(main())
