"""The run's frontier in Redis: work units (the sources of one group of hosts), a reliable queue of
them, leases, and the results workers hand back to the coordinator.

A unit moves pending -> processing atomically with a lease (a key with a time to live) naming its
worker; the worker keeps the lease alive while it crawls and acknowledges the unit by storing its
results. A worker that dies (SIGKILL, a lost machine) stops renewing: its lease expires and the next
`reap` puts the unit back in pending, so another worker crawls it again from the start. A unit's
results are written once (the first acknowledgement wins); only the coordinator publishes them.
"""

from __future__ import annotations

import json
import time

PREFIX = "aineistopankki"
CURRENT = f"{PREFIX}:run"  # the run descriptor (JSON) of the run workers should join
COORDINATOR = f"{PREFIX}:coordinator"  # alive while a coordinator watches its run (a TTL key)

# KEYS: pending, processing; ARGV: lease prefix, worker, lease ms -> unit id or false
CLAIM = """
local unit = redis.call('LMOVE', KEYS[1], KEYS[2], 'LEFT', 'RIGHT')
if unit then redis.call('SET', ARGV[1] .. unit, ARGV[2], 'PX', ARGV[3]) end
return unit
"""
# KEYS: lease; ARGV: worker, lease ms -> 1 while the lease is this worker's, else 0
RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1
end
return 0
"""
# KEYS: results, processing, lease, owners; ARGV: unit, results JSON, worker -> 1 when kept
ACK = """
local kept = redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
if kept == 1 then redis.call('HSET', KEYS[4], ARGV[1], ARGV[3]) end
redis.call('LREM', KEYS[2], 0, ARGV[1])
redis.call('DEL', KEYS[3])
return kept
"""
# KEYS: pending, processing, lease; ARGV: unit, worker -> a unit handed back at once (a clean stop)
RELEASE = """
if redis.call('GET', KEYS[3]) == ARGV[2] then
  redis.call('DEL', KEYS[3])
  redis.call('LREM', KEYS[2], 0, ARGV[1])
  redis.call('LPUSH', KEYS[1], ARGV[1])
  return 1
end
return 0
"""
# KEYS: pending, processing, results; ARGV: lease prefix -> units put back (their worker is gone)
REAP = """
local back = 0
for _, unit in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do
  if redis.call('EXISTS', ARGV[1] .. unit) == 0 then
    redis.call('LREM', KEYS[2], 0, unit)
    if redis.call('HEXISTS', KEYS[3], unit) == 0 then
      redis.call('LPUSH', KEYS[1], unit)
      back = back + 1
    end
  end
end
return back
"""


def connect(url: str):
    """A Redis client for url (redis://HOST:PORT/N), checked with a PING so a wrong address is
    reported before any work starts."""
    import redis

    client = redis.Redis.from_url(url, decode_responses=True, socket_connect_timeout=5, socket_timeout=30)
    client.ping()
    return client


class Frontier:
    """One run's keys, under aineistopankki:<token>: (the token is new for every run)."""

    def __init__(self, client, token: str):
        self.client = client
        self.token = token
        base = f"{PREFIX}:{token}"
        self.units_key = f"{base}:units"
        self.pending = f"{base}:pending"
        self.processing = f"{base}:processing"
        self.lease_prefix = f"{base}:lease:"
        self.results = f"{base}:results"
        self.stop_key = f"{base}:stop"
        self.workers_key = f"{base}:workers"
        self.owners = f"{base}:owners"  # unit -> the worker whose results were kept

    def create(self, units: list[dict]) -> None:
        with self.client.pipeline() as pipe:
            pipe.delete(
                self.units_key, self.pending, self.processing, self.results, self.stop_key, self.owners
            )
            for unit in units:
                pipe.hset(self.units_key, unit["id"], json.dumps(unit, ensure_ascii=False))
            pipe.rpush(self.pending, *[u["id"] for u in units])
            pipe.execute()

    def unit(self, unit_id: str) -> dict:
        return json.loads(self.client.hget(self.units_key, unit_id))

    def unit_count(self) -> int:
        return self.client.hlen(self.units_key)

    def claim(self, worker: str, lease: float) -> str | None:
        return self.client.eval(
            CLAIM, 2, self.pending, self.processing, self.lease_prefix, worker, int(lease * 1000)
        )

    def renew(self, unit_id: str, worker: str, lease: float) -> bool:
        return bool(self.client.eval(RENEW, 1, self.lease_prefix + unit_id, worker, int(lease * 1000)))

    def ack(self, unit_id: str, results: list[dict], worker: str) -> bool:
        payload = json.dumps(results, ensure_ascii=False, default=str)
        keys = (self.results, self.processing, self.lease_prefix + unit_id, self.owners)
        return bool(self.client.eval(ACK, 4, *keys, unit_id, payload, worker))

    def owners_of(self) -> dict[str, str]:
        return self.client.hgetall(self.owners)

    def release(self, unit_id: str, worker: str) -> bool:
        keys = (self.pending, self.processing, self.lease_prefix + unit_id)
        return bool(self.client.eval(RELEASE, 3, *keys, unit_id, worker))

    def reap(self) -> int:
        return int(self.client.eval(REAP, 3, self.pending, self.processing, self.results, self.lease_prefix))

    def done_count(self) -> int:
        return self.client.hlen(self.results)

    def complete(self) -> bool:
        return self.done_count() >= self.unit_count()

    def all_results(self) -> dict[str, list[dict]]:
        return {unit: json.loads(text) for unit, text in self.client.hgetall(self.results).items()}

    def outstanding(self) -> dict[str, int]:
        return {"pending": self.client.llen(self.pending), "processing": self.client.llen(self.processing)}

    def request_stop(self, why: str) -> None:
        self.client.set(self.stop_key, why)

    def stop_requested(self) -> str | None:
        return self.client.get(self.stop_key)

    def seen(self, worker: str, lease: float, about: dict) -> None:
        """A worker's heartbeat: the coordinator counts live workers by these."""
        self.client.hset(self.workers_key, worker, json.dumps({**about, "seen": time.time()}))

    def live_workers(self, within: float) -> list[str]:
        now = time.time()
        return [
            name
            for name, text in self.client.hgetall(self.workers_key).items()
            if now - json.loads(text)["seen"] <= within
        ]

    def expire(self, seconds: int) -> None:
        """Keys kept a while after the run (to read what happened), then dropped by Redis."""
        keys = [self.units_key, self.pending, self.processing, self.results, self.stop_key, self.workers_key]
        keys.append(self.owners)
        with self.client.pipeline() as pipe:
            for key in keys:
                pipe.expire(key, seconds)
            pipe.execute()
