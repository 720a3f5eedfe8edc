"""Distributed harvest: many worker processes, on one machine or several, over one Redis frontier.

The command line's hooks live here so that harvester/cli.py stays thin; Redis is imported only when
a run asks for it (`harvest --redis URL`, `worker`).
"""

from __future__ import annotations

import sys
from pathlib import Path


def harvest_options(p) -> None:
    p.add_argument(
        "--redis",
        metavar="URL",
        help="harvest with workers over the Redis frontier at URL (redis://HOST:PORT/N); "
        "other machines join with `aineistopankki worker --redis URL`",
    )
    p.add_argument("--workers", type=int, default=1, help="local worker processes with --redis (default 1)")
    p.add_argument("--slots", type=int, default=4, help="units of hosts a worker crawls at once (default 4)")
    p.add_argument(
        "--lease",
        type=float,
        default=30.0,
        help="seconds before a silent worker's units go back to the queue (default 30)",
    )


def worker_options(p, repo_dir: Path) -> None:
    p.add_argument("--redis", required=True, metavar="URL", help="the run's Redis (redis://HOST:PORT/N)")
    p.add_argument(
        "--sources",
        default=str(repo_dir / "harvester" / "registry" / "sources.yml"),
        help="the same sources file as the coordinator's (checked)",
    )
    p.add_argument(
        "--curation",
        default=str(repo_dir / "harvester" / "registry" / "curation.yml"),
        help="the same curation file as the coordinator's (checked)",
    )
    p.add_argument("--cache-dir", default=None, help="HTTP cache folder (default: the coordinator's)")
    p.add_argument("--name", default=None, help="this worker's name in the run (default HOST-PID)")
    p.add_argument("--slots", type=int, default=4, help="units of hosts crawled at once (default 4)")
    p.add_argument(
        "--tag-processes",
        type=int,
        default=0,
        help="tagging processes beside the crawler (default 0: one process a worker; run one worker a core)",
    )
    p.add_argument("--run", default=None, help="join only the run with this token")
    p.add_argument("--wait", type=float, default=None, help="seconds to wait for a run (default: for ever)")


def worker_command(args) -> int:
    from harvester.distributed.worker import run_worker

    return run_worker(args)


def coordinator_for(args):
    """The run's coordinator with --redis, None without, or why it cannot be had (a message)."""
    if not getattr(args, "redis", None):
        return None
    if getattr(args, "publish_saved", None):
        return None
    if args.workers < 0:
        return "--workers must be 0 or more"
    from harvester.distributed.coordinator import CannotCoordinate, Coordinator

    try:
        return Coordinator(args.redis, lease=args.lease)
    except CannotCoordinate as exc:
        return str(exc)


def crawl(coordinator, args, db, run_id: int, sources: list):
    from harvester.distributed.coordinator import crawl_distributed

    print(f"  coordinating on {args.redis}", file=sys.stderr, flush=True)
    return crawl_distributed(coordinator, args, db, run_id, sources)
