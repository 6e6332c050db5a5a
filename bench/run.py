"""`make bench`: measure seeding, the candidate list, mailing_create and the worker on real PostgreSQL
and Redis; print one table and write it to var/bench/results.json. See bench/README.md.

    .venv/bin/python bench/run.py [--only NAME[,NAME]] [--full] [--requests 20] [--list]
"""

import argparse
import atexit
import contextlib
import json
import os
import signal
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/poption_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/5"
DEFAULT = ["seed", "list", "mailing_create", "worker_anymail", "worker_smtp", "worker_http"]
RESULTS = ROOT / "var" / "bench" / "results.json"


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        help="run only these benchmarks (comma-separated, repeatable); a prefix such as "
        "'worker' or 'worker_http' selects all benchmarks under it",
    )
    parser.add_argument(
        "--full",
        action="store_true",
        default=os.environ.get("BENCH_FULL", "") not in ("", "0"),
        help="also seed 1,000,000 candidates across 100 companies (several minutes; or BENCH_FULL=1)",
    )
    parser.add_argument("--requests", type=int, default=20, help="timed requests per list-page variant")
    parser.add_argument(
        "--seed-timeout", type=float, default=180.0, help="seconds before the 100k seed is killed"
    )
    parser.add_argument(
        "--full-seed-timeout", type=float, default=900.0, help="seconds before the 1M seed is killed"
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    return parser.parse_args(argv)


def _select(names: list[str], only: list[str], full: bool) -> list[str]:
    wanted = [w.strip() for item in only for w in item.split(",") if w.strip()]
    if not wanted:
        wanted = DEFAULT + (["seed_full"] if full else [])
    chosen = []
    for name in names:
        for want in wanted:
            # "seed" alone must not pull in seed_full: that one is asked for by name or by --full.
            if name == want or (name.startswith(want + "_") and not (name == "seed_full" and want == "seed")):
                chosen.append(name)
                break
    unknown = [w for w in wanted if not any(n == w or n.startswith(w + "_") for n in names)]
    if unknown:
        raise SystemExit(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(names)}")
    return chosen


def _setup_environment() -> tuple[str, str, str, str]:
    """Point this process (and the workers it starts) at our own database name, Redis db and queue."""
    base_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not base_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"The benchmarks need PostgreSQL: DATABASE_URL={base_url!r}")
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    pid = os.getpid()
    from bench.dbs import Server

    server = Server(base_url)
    db_name = f"{server.base_name}_{pid}"
    queue = f"poption-bench-{pid}"
    os.environ.update(
        {
            "DATABASE_URL": server.url_for(db_name),
            "REDIS_URL": redis_url,
            "CELERY_QUEUE": queue,
            "DJANGO_SETTINGS_MODULE": "poption.settings",
            # As in production: DEBUG off (no query log kept in memory), the app's default logging.
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
        }
    )
    for key in list(os.environ):
        if key.startswith(("EMAIL_", "ANYMAIL_")):
            del os.environ[key]
    return base_url, redis_url, db_name, queue


def _check_services(server, redis_url: str) -> None:
    try:
        server.connections_in_use()
    except Exception as exc:  # noqa: BLE001 - said plainly, then stop
        raise SystemExit(f"PostgreSQL is not reachable at {server.url_for('postgres')}: {exc}") from None
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001
        raise SystemExit(f"Redis is not reachable at {redis_url}: {exc}") from None


def _drop_queues(redis_url: str, *, pid: int | None = None) -> list[str]:
    """Our queue's keys (and kombu's bindings of it) in Redis: of run `pid`, or of every earlier run
    on this machine whose process is gone."""
    import re

    import redis

    client = redis.Redis.from_url(redis_url, socket_connect_timeout=3)
    dropped = []
    for key in client.scan_iter(match="*poption-bench-*"):
        name = key.decode(errors="replace")
        match = re.search(r"poption-bench-(\d+)", name)
        if not match:
            continue
        owner = int(match[1])
        if owner == pid or (pid is None and not Path(f"/proc/{owner}").exists()):
            client.delete(key)
            dropped.append(f"redis key {name}")
    return dropped


def _format_figure(figure) -> str:
    if figure is None:
        return "-"
    if isinstance(figure, float) and figure >= 100:
        return f"{figure:,.0f}"
    return f"{figure:,}"


def print_table(rows: list[dict]) -> None:
    headers = ("name", "figure", "unit", "notes")
    cells = [(r["name"], _format_figure(r["figure"]), r["unit"], r["notes"]) for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(headers)]
    widths[3] = len(headers[3])
    line = "  ".join(
        h.ljust(w) if i != 1 else h.rjust(w) for i, (h, w) in enumerate(zip(headers, widths, strict=True))
    )
    print()
    print(line)
    print("  ".join("-" * w for w in widths[:3]) + "  -----")
    for cell in cells:
        print(
            "  ".join([cell[0].ljust(widths[0]), cell[1].rjust(widths[1]), cell[2].ljust(widths[2]), cell[3]])
        )
    print()


def main(argv: list[str]) -> int:
    args = _parse(argv)
    from bench import benchmarks

    names = list(benchmarks.BENCHMARKS)
    if args.list:
        for name, function in benchmarks.BENCHMARKS.items():
            print(f"{name:22} {(function.__doc__ or '').strip().splitlines()[0] if function.__doc__ else ''}")
        return 0
    chosen = _select(names, args.only, args.full)
    base_url, redis_url, db_name, queue = _setup_environment()

    from bench.dbs import Server
    from bench.worker import kill_all

    server = Server(base_url)
    _check_services(server, redis_url)
    for name in server.drop_orphans() + _drop_queues(redis_url):
        print(f"bench: dropped {name}, left behind by a benchmark run that was killed")

    import django

    django.setup()

    ctx = benchmarks.Context(
        server=server,
        db_name=db_name,
        queue=queue,
        options=benchmarks.Options(
            full=args.full,
            requests=args.requests,
            seed_timeout=args.seed_timeout,
            full_seed_timeout=args.full_seed_timeout,
        ),
    )

    def cleanup() -> None:
        kill_all()
        from django.db import connections

        connections.close_all()
        # Redis gone: nothing of ours is left in it to clean.
        with contextlib.suppress(Exception):
            _drop_queues(redis_url, pid=os.getpid())
        for name in reversed(ctx.created):
            try:
                server.drop(name)
            except Exception as exc:  # noqa: BLE001
                print(f"could not drop database {name}: {exc}", file=sys.stderr)
        ctx.created.clear()

    atexit.register(cleanup)

    def on_signal(signum, frame):
        raise SystemExit(128 + signum)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)

    print(f"bench: database {db_name} (dropped at the end), Redis {redis_url}, queue {queue}")
    print(f"bench: running {', '.join(chosen)}")
    rows: list[dict] = []
    started = time.perf_counter()
    try:
        for name in chosen:
            t0 = time.perf_counter()
            print(f"bench: {name} ...", flush=True)
            try:
                for row in benchmarks.BENCHMARKS[name](ctx):
                    rows.append(row.as_dict())
                    print(f"  {row.name}: {_format_figure(row.figure)} {row.unit}  ({row.notes})", flush=True)
            except Exception as exc:  # noqa: BLE001 - one broken benchmark must not hide the others
                traceback.print_exc()
                rows.append(
                    benchmarks.Row(
                        name, None, "", " ".join(f"ERROR: {type(exc).__name__}: {exc}".split())[:400]
                    ).as_dict()
                )
            finally:
                kill_all()
            print(f"bench: {name} took {time.perf_counter() - t0:.0f} s", flush=True)
    finally:
        cleanup()
    print_table(rows)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "seconds": round(time.perf_counter() - started, 1),
                "cpus": os.cpu_count(),
                "benchmarks": chosen,
                "rows": rows,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )
    print(f"written to {RESULTS.relative_to(ROOT)}")
    return 1 if any(r["figure"] is None and r["notes"].startswith("ERROR") for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
