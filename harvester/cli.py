"""Command line: `aineistopankki harvest | worker | validate | check-links | export | inspect | serve | demo`.

A thin wrapper: each command parses its options and calls the library (harvester.catalog,
harvester.validate, harvester.linkcheck, harvester.export, harvester.inspect); policy and SQL live there.
"""

from __future__ import annotations

import argparse
import errno
import gc
import logging
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from harvester import distributed
from harvester.cli_catalogue import literal_origins, one_line_errors, open_for_writing, open_read_only
from harvester.registry import RegistryError, load_projects, load_sources
from harvester.tagging.vocabulary import ids as vocabulary_ids

REPO_DIR = Path(__file__).resolve().parent.parent
EXIT_CANNOT_RUN = 2
# 1 (nothing harvested), 3 (did not finish) and 4 (not published) are the harvest's: harvester/runguard.py


def no_catalogue(command: str, db: str) -> bool:
    """True (and the operator told so) when a command that reads the catalogue finds none at db."""
    if Path(db).exists():
        return False
    print(f"aineistopankki {command}: no catalogue at {db} (run a harvest first)", file=sys.stderr)
    return True


def harvest(args) -> int:
    """Exit 0 when the run finished, 1 when nothing could be harvested, 2 when it cannot run (a bad
    file, an unusable catalogue, another harvest on it), 3 when it did not finish (a signal, a page
    or time cap, an unwritable cache: published as seen, nothing retired), 4 when the finished
    crawl could not be published (kept in a file for --publish-saved)."""
    from harvester.catalog import open_catalog, start_run, sync_registry
    from harvester.crawl import crawl, scrapy_settings
    from harvester.curation import load_curation
    from harvester.runguard import HarvestBusy, harvest_lock, load_results, publish_and_report

    try:
        projects = load_projects()
        sources = load_sources(Path(args.sources), {p["id"] for p in projects})
        corrections = load_curation(Path(args.curation))
    except RegistryError as exc:
        print(f"aineistopankki harvest: cannot run: {exc}", file=sys.stderr)
        return EXIT_CANNOT_RUN
    if args.source:
        unknown = set(args.source) - {s.id for s in sources}
        if unknown:
            print(
                f"aineistopankki harvest: unknown source id(s): {', '.join(sorted(unknown))}", file=sys.stderr
            )
            return EXIT_CANNOT_RUN
        sources = [s for s in sources if s.id in args.source]
    try:
        with harvest_lock(args.db):
            coordinator = distributed.coordinator_for(args)
            if isinstance(coordinator, str):
                print(f"aineistopankki harvest: cannot run: {coordinator}", file=sys.stderr)
                return EXIT_CANNOT_RUN
            try:
                db = open_catalog(args.db)
                if getattr(args, "publish_saved", None):
                    run_id, results, stopped = load_results(getattr(args, "publish_saved", None))
                else:
                    sync_registry(db, projects, sources)
                    run_id = start_run(db, str(args.sources), len(sources))
            except Exception as exc:  # sqlite3, OS and JSON errors: nothing can be done
                print(f"aineistopankki harvest: cannot open catalogue {args.db}: {exc}", file=sys.stderr)
                return EXIT_CANNOT_RUN
            if not getattr(args, "publish_saved", None):
                print(
                    f"harvesting {len(sources)} sources into {args.db} (run {run_id})",
                    file=sys.stderr,
                    flush=True,
                )
                settings = scrapy_settings(args, str(args.db), run_id, projects)
                if coordinator is not None:
                    results, stopped = distributed.crawl(coordinator, args, db, run_id, sources)
                else:
                    results, stopped = crawl(settings, db, run_id, sources, corrections)
                # SIGTERM or Ctrl-C during the crawl: the demo must not go on to serve
                args.stopped = bool(stopped and stopped.startswith("stopped by"))
            count = len(results) if getattr(args, "publish_saved", None) else len(sources)
            return publish_and_report(args, db, run_id, results, stopped, count, corrections)
    except HarvestBusy as exc:
        print(f"aineistopankki harvest: cannot run: {exc}", file=sys.stderr)
        return EXIT_CANNOT_RUN
    except OSError as exc:  # the lock file beside the catalogue cannot be made
        print(f"aineistopankki harvest: cannot run: {exc}", file=sys.stderr)
        return EXIT_CANNOT_RUN


@one_line_errors("validate")
def validate(args) -> int:
    from harvester.validate import FIELDS, as_json, render
    from harvester.validate import validate as check

    db = open_read_only(args.db)
    reports = check(db, {name: getattr(args, f"min_{name}") for name in FIELDS})
    db.close()
    print(as_json(reports) if args.json else render(reports))
    problems = sum(len(r.problems) for r in reports)
    if problems:
        print(f"{problems} problem(s) found", file=sys.stderr)
        return 1
    return 0


@one_line_errors("check-links")
def check_links_command(args) -> int:
    """Results are written as they come, so a check stopped half-way keeps what it found."""
    from harvester.catalog import record_link_checks
    from harvester.catalog.queries import link_targets
    from harvester.linkcheck import iter_check_links

    db = open_for_writing(args.db)
    targets = link_targets(db, args.source)
    allowed = literal_origins(db) | frozenset(args.allow_host or ())
    results = []
    try:
        for result in iter_check_links(
            targets,
            timeout=args.timeout,
            cdx=args.cdx,
            wayback=args.wayback_url,
            workers=args.workers,
            delay=args.delay,
            allowed=allowed,
        ):
            record_link_checks(db, [result])
            results.append(result)
    finally:
        db.close()
    dead = [r for r in results if r.dead]
    archived = [r for r in dead if r.archived_url]
    skipped = [r for r in results if r.status is None]
    print(
        f"checked {len(results)} links: {len(results) - len(dead) - len(skipped)} alive, {len(dead)} dead, "
        f"{len(archived)} archived"
        + (f", {len(skipped)} not checked (robots.txt, private address)" if skipped else "")
    )
    for r in dead:
        print(f"  {r.url}: {r.error}" + (f" -> {r.archived_url}" if r.archived_url else " (no snapshot)"))
    return 0


@one_line_errors("export")
def export_command(args) -> int:
    from harvester.catalog import export_rows, projects_by_id
    from harvester.export.aoe import UnknownType, export_records, to_csv, to_json

    db = open_read_only(args.db)
    try:
        rows = export_rows(db, project=args.project, phase=args.phase)
        records = export_records(rows, projects_by_id(db), ready_only=args.ready_only)
    except UnknownType as exc:
        print(f"aineistopankki export: cannot export: {exc}", file=sys.stderr)
        return EXIT_CANNOT_RUN
    finally:
        db.close()
    text = to_json(records) if args.format == "aoe-json" else to_csv(records)
    if args.out == "-":
        sys.stdout.write(text)
    else:
        try:
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as exc:
            print(f"aineistopankki export: cannot write {args.out}: {exc.strerror}", file=sys.stderr)
            return EXIT_CANNOT_RUN
    ready = sum(r["aoeReady"] for r in records)
    print(f"exported {len(records)} AOE records ({ready} ready to publish) to {args.out}", file=sys.stderr)
    return 0


def serve(args) -> int:
    from harvester import web
    from harvester.catalog import open_catalog

    if no_catalogue("serve", args.db):
        return EXIT_CANNOT_RUN
    try:
        open_catalog(args.db).close()  # an older catalogue is migrated before Datasette reads it
    except sqlite3.DatabaseError as exc:
        print(f"aineistopankki serve: cannot use catalogue {args.db}: {exc}", file=sys.stderr)
        return EXIT_CANNOT_RUN
    if args.get:  # a soundness check: one page, printed; exit 1 unless it answered 200
        status, text = web.get(args.db, args.get)
        print(text)
        return 0 if status == 200 else 1
    taken = port_taken(args.host, args.port)
    if taken:
        print(
            f"aineistopankki serve: port {args.port} on {args.host} {taken}:"
            " stop what uses it or choose another with --port (make serve PORT=...)",
            file=sys.stderr,
        )
        return EXIT_CANNOT_RUN
    print(f"Serving the catalogue on http://{args.host}:{args.port}/", flush=True)
    web.serve(args.db, args.host, args.port)
    return 0


def port_taken(host: str, port: int) -> str | None:
    """Why the catalogue could not listen on host:port (None when it can), found by binding it."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError as exc:
            return (
                "is already in use" if exc.errno == errno.EADDRINUSE else f"cannot be used ({exc.strerror})"
            )
    return None


def stop_on_signals() -> None:
    """SIGTERM and Ctrl-C end the command as KeyboardInterrupt: after a harvest, Scrapy's own
    handlers are still installed and would swallow them (its reactor is stopped by then)."""

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


def demo(args) -> int:
    sys.path.insert(0, str(REPO_DIR))  # the demo web lives in the repository, not in the package
    from demo.server import CURATION_FILE, SOURCES_FILE, DemoWeb, PortBusy

    taken = None if args.no_serve else port_taken(args.host, args.port)
    if taken:
        print(
            f"aineistopankki demo: port {args.port} on {args.host} (the catalogue) {taken}:"
            " stop what uses it or choose another with --port (make demo PORT=...)",
            file=sys.stderr,
        )
        return EXIT_CANNOT_RUN
    try:
        web = DemoWeb(args.demo_port).start()
    except PortBusy as exc:
        print(
            f"aineistopankki demo: {exc}: stop what uses it or choose another first port with"
            " --demo-port (make demo DEMO_PORT=...); the demo web takes it and the six after it",
            file=sys.stderr,
        )
        return EXIT_CANNOT_RUN
    print("Demo web:", ", ".join(f"{site} {web.origin(site)}/" for site in web.sites), flush=True)
    with tempfile.TemporaryDirectory() as folder:
        args.sources = Path(folder) / "demo-sources.yml"
        args.sources.write_text(web.localise(SOURCES_FILE), encoding="utf-8")
        args.curation = Path(folder) / "demo-curation.yml"
        args.curation.write_text(web.localise(CURATION_FILE), encoding="utf-8")
        args.delay = 0.0
        stop_on_signals()  # until Scrapy's own handlers take over for the crawl
        try:
            code = harvest(args)
        except KeyboardInterrupt:  # before the crawl: no material written; the run reads "interrupted" later
            code, args.stopped = 0, True
    if code != 0 or args.no_serve or getattr(args, "stopped", False):
        web.stop()
        if getattr(args, "stopped", False):
            print("aineistopankki demo: stopped during the harvest", file=sys.stderr, flush=True)
        return code
    stop_on_signals()
    serve_command = ["serve", "--db", str(args.db), "--host", args.host, "--port", str(args.port)]
    # in a process of its own: the harvest's reactor and worker are done with by then
    server = subprocess.Popen([sys.executable, "-m", "harvester.cli", *serve_command])
    try:
        return server.wait()
    except KeyboardInterrupt:
        server.terminate()  # uvicorn shuts down on SIGTERM
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        print("aineistopankki demo: stopped", file=sys.stderr, flush=True)
        return 0
    finally:
        web.stop()


def main(argv: list[str] | None = None) -> int:
    from harvester.catalog.publish import GONE_AFTER
    from harvester.settings import (
        AINEISTOPANKKI_RUN_TIME_BUDGET,
        AINEISTOPANKKI_SOURCE_TIME_BUDGET,
        CLOSESPIDER_PAGECOUNT,
        DOWNLOAD_DELAY,
    )
    from harvester.validate import FIELDS

    parser = argparse.ArgumentParser(
        prog="aineistopankki", description="Aineistopankki: harvest, catalogue, serve."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def harvest_options(p):
        p.add_argument("--db", default="catalog.db", help="catalogue file (created if missing)")
        p.add_argument("--source", action="append", help="harvest only this source id (repeatable)")
        p.add_argument(
            "--max-pages",
            type=int,
            default=0,
            help=f"stop a source after this many responses (default {CLOSESPIDER_PAGECOUNT}; "
            "a source stopped so retires nothing)",
        )
        p.add_argument(
            "--source-time-budget",
            type=float,
            default=None,
            help=f"seconds a source may take (default {AINEISTOPANKKI_SOURCE_TIME_BUDGET}, 0 = none)",
        )
        p.add_argument(
            "--run-time-budget",
            type=float,
            default=None,
            help=f"seconds the whole run may take (default {AINEISTOPANKKI_RUN_TIME_BUDGET}, 0 = none)",
        )
        p.add_argument(
            "--gone-after",
            type=int,
            default=GONE_AFTER,
            help=f"consecutive harvests a material may be missing before it is gone (default {GONE_AFTER})",
        )
        p.add_argument(
            "--curation",
            default=str(REPO_DIR / "harvester" / "registry" / "curation.yml"),
            help="curation file",
        )
        p.add_argument("--wayback-url", default=None, help="Wayback Machine base URL for wayback sources")
        p.add_argument("--timeout", type=float, default=None, help="seconds per download (default 30)")
        p.add_argument(
            "--no-file-text",
            action="store_true",
            help="catalogue files by their link texts, without reading them",
        )
        p.add_argument("--no-cache", action="store_true", help="fetch everything anew (no HTTP cache)")
        p.add_argument("--revalidate", action="store_true", help="ask the server about every cached page")
        p.add_argument("--log-level", default="WARNING", help="Scrapy log level (default WARNING)")
        p.add_argument("--log-file", default=None)

    p = sub.add_parser("harvest", help="harvest the sources into the catalogue")
    p.add_argument("--sources", default=str(REPO_DIR / "harvester" / "registry" / "sources.yml"))
    p.add_argument(
        "--publish-saved",
        metavar="FILE",
        help="publish a crawl that could not be published when it ran (the file it was kept in)",
    )
    p.add_argument(
        "--delay", type=float, default=None, help="seconds between requests to one host (default 1)"
    )
    harvest_options(p)
    distributed.harvest_options(p)
    p.set_defaults(func=harvest)

    p = sub.add_parser("worker", help="crawl for a distributed harvest coordinated through Redis")
    distributed.worker_options(p, REPO_DIR)
    p.set_defaults(func=distributed.worker_command)

    p = sub.add_parser("validate", help="per-source counts and field coverage; exit 1 below the minimums")
    p.add_argument("--db", default="catalog.db")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    for name, (_, minimum) in FIELDS.items():
        p.add_argument(
            f"--min-{name}",
            type=float,
            default=minimum,
            help=f"minimum share of materials with {name} (default {minimum})",
        )
    p.set_defaults(func=validate)

    p = sub.add_parser("check-links", help="check every material URL; find Wayback snapshots for dead ones")
    p.add_argument("--db", default="catalog.db")
    p.add_argument("--source", action="append", help="check only this source's materials (repeatable)")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds per request (default 10)")
    p.add_argument(
        "--workers", type=int, default=8, help="hosts checked in parallel (one request at a time each)"
    )
    p.add_argument(
        "--delay",
        type=float,
        default=DOWNLOAD_DELAY,
        help=f"seconds between requests to one host (default {DOWNLOAD_DELAY})",
    )
    p.add_argument(
        "--allow-host",
        action="append",
        metavar="HOST:PORT",
        help="also ask this non-public address (IP addresses in the sources' start URLs are allowed already)",
    )
    p.add_argument("--cdx", default="https://web.archive.org/cdx/search/cdx", help="Wayback CDX API endpoint")
    p.add_argument("--wayback-url", default="https://web.archive.org", help="Wayback Machine base URL")
    p.set_defaults(func=check_links_command)

    p = sub.add_parser("export", help="export AOE-compatible records (JSON or CSV)")
    p.add_argument("format", choices=["aoe-json", "aoe-csv"])
    p.add_argument("--db", default="catalog.db")
    p.add_argument("--out", default="-", help="output file (default: standard output)")
    p.add_argument("--project", help="only this project's materials")
    p.add_argument("--phase", choices=vocabulary_ids("phases"), help="only materials of this phase")
    p.add_argument("--ready-only", action="store_true", help="only records AOE would accept for publishing")
    p.set_defaults(func=export_command)

    p = sub.add_parser(
        "inspect", help="show what the harvest makes of saved pages, files or URLs, and why (no catalogue)"
    )
    p.add_argument("inputs", nargs="*", metavar="FILE_OR_URL", help="a saved page or file, or a URL to fetch")
    p.add_argument("--url", help="the URL the (one) saved file was fetched from")
    p.add_argument("--source", help="judge as a harvest of this source would (an id in --sources)")
    p.add_argument("--sources", default=str(REPO_DIR / "harvester" / "registry" / "sources.yml"))
    p.add_argument("--json", action="store_true", help="print JSON (one object a line)")
    p.add_argument(
        "--jsonl",
        metavar="IN.jsonl",
        help='read lines {"url", "path"} or {"url", "text"} ("-" = standard input); write one JSON line each',
    )
    p.set_defaults(func=inspect_command)

    p = sub.add_parser("serve", help="serve the catalogue with Datasette")
    p.add_argument("--db", default="catalog.db")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8001)
    p.add_argument("--get", metavar="PATH", help="print one page instead of serving (exit 1 unless 200)")
    p.set_defaults(func=serve)

    p = sub.add_parser("demo", help="serve the demo web, harvest it, serve the catalogue")
    harvest_options(p)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8001)
    p.add_argument("--demo-port", type=int, default=8701, help="first port of the demo web")
    p.add_argument("--no-serve", action="store_true", help="stop after the harvest")
    p.set_defaults(func=demo)

    args = parser.parse_args(argv)
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    return args.func(args)


def inspect_command(args) -> int:
    """Exit 0 when every input was read, 1 when some could not be (each named on stderr), 2 on misuse."""
    import json

    from harvester import inspect

    if bool(args.inputs) == bool(args.jsonl):
        print("aineistopankki inspect: give files/URLs or --jsonl FILE, not both or neither", file=sys.stderr)
        return EXIT_CANNOT_RUN
    if args.url and len(args.inputs) > 1:
        print("aineistopankki inspect: --url names the URL of one input", file=sys.stderr)
        return EXIT_CANNOT_RUN
    if args.jsonl:
        if args.jsonl == "-":
            failed = inspect.inspect_jsonl(sys.stdin, sys.stdout, Path.cwd())
        else:
            try:
                with open(args.jsonl, encoding="utf-8") as lines:
                    failed = inspect.inspect_jsonl(lines, sys.stdout, Path(args.jsonl).resolve().parent)
            except OSError as exc:
                print(f"aineistopankki inspect: cannot read {args.jsonl}: {exc.strerror}", file=sys.stderr)
                return EXIT_CANNOT_RUN
        if failed:
            print(
                f"aineistopankki inspect: {failed} line(s) could not be read (see their 'error')",
                file=sys.stderr,
            )
        return 1 if failed else 0
    setting = inspect.Setting()
    if args.source:
        try:
            projects = {p["id"]: p for p in load_projects()}
            sources = {s.id: s for s in load_sources(Path(args.sources), set(projects))}
        except RegistryError as exc:
            print(f"aineistopankki inspect: {exc}", file=sys.stderr)
            return EXIT_CANNOT_RUN
        if args.source not in sources:
            print(f"aineistopankki inspect: no source {args.source!r} in {args.sources}", file=sys.stderr)
            return EXIT_CANNOT_RUN
        source = sources[args.source]
        setting = inspect.Setting(source, projects.get(source.project))
    failed = 0
    for argument in args.inputs:
        try:
            records = inspect.inspect_argument(argument, args.url, setting)
        except inspect.InspectError as exc:
            print(f"aineistopankki inspect: {argument}: {exc}", file=sys.stderr)
            failed += 1
            continue
        for record in records:
            print(json.dumps(record, ensure_ascii=False) if args.json else inspect.describe(record) + "\n")
    return 1 if failed else 0


def run() -> None:
    """The command line's entry point: main(), then exit without the interpreter's final garbage
    collection of the harvest's objects (~0.2 s, bench/throughput.py), which frees nothing anyone
    needs: the catalogue is closed and the output written by then."""
    try:
        code = main()
    except BrokenPipeError:  # output piped into `head` and the like: not an error
        sys.stderr.close()
        code = 0
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    run()
