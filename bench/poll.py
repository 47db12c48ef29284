"""Polling benchmark: claimwatch vs the `reader` library on the same feeds, in one run.

    python bench/poll.py [--feeds 1000] [--entries 30] [--no-reader]

Serves N feeds of real news text (30 entries each: headlines and summaries of real wire
stories from ../shared/corpus, every entry unique; with ETag and Last-Modified) from a local
aiohttp server in its own process, with ARTICLE_FETCH=false, then measures, each as a whole
process (claimwatch's figures include judging every new item; its modules byte-compiled
first, as an installed package's are, like reader's):

1. claimwatch first ingest   `claimwatch poll --once --all` on an empty SQLite database
2. claimwatch re-poll        the same again: every feed answers 304
3. reader first ingest       make_reader() + update_feeds() on the same feeds
4. reader forced re-poll     update_feeds(scheduled=False)

and prints feeds/s, entries/s and peak memory (max RSS), the ratios, the start-up time of
`claimwatch --help`, and the fetch layer alone with httpx's own pool vs the aiohttp transport.
Timing is reported, never asserted: the machines are noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import html
import json
import multiprocessing
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def news_items() -> list[tuple[str, str]]:
    """(headline, summary) of real wire stories: the feed items of ../shared/corpus (AG News),
    read at run time, never copied into the repository. Real feed text, not a soup of cue
    words: most headlines accuse or deny no one, as in a real feed."""
    items = []
    for name in ("dev.jsonl", "train.jsonl"):
        path = CORPUS / name
        if not path.exists():
            raise SystemExit(f"bench/poll.py needs {path} (the shared corpus) for real news text")
        for line in path.read_text().splitlines():
            row = json.loads(line)
            if row.get("kind") == "feed_item":
                items.append((row["title"], row["text"]))
    return items


def make_feed(index: int, entries: int, items: list[tuple[str, str]]) -> bytes:
    """One RSS feed of `entries` real stories; every entry unique (its own guid, link and a
    numbered headline), summaries as escaped HTML as most feeds send them."""
    start = datetime(2025, 1, 1, tzinfo=UTC)
    rows = []
    for j in range(entries):
        title, text = items[(index * entries + j) % len(items)]
        stamp = format_datetime(start - timedelta(hours=j * 3 + index % 5))
        rows.append(
            f"<item><title>{html.escape(title)} ({index}-{j})</title>"
            f"<link>https://news{index % 50}.example/world/{index}/{j}?utm_source=rss</link>"
            f"<guid isPermaLink='false'>feed{index}-entry{j}</guid><pubDate>{stamp}</pubDate>"
            f"<description>{html.escape(f'<p>{html.escape(text)}</p>')}</description>"
            "</item>"
        )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>Bench feed {index}</title><link>https://news{index % 50}.example/</link>"
        f"<description>World news</description>{''.join(rows)}</channel></rss>"
    ).encode()


def serve(port_queue: multiprocessing.Queue, feeds: int, entries: int) -> None:  # type: ignore[type-arg]
    from aiohttp import web

    items = news_items()
    bodies = [make_feed(i, entries, items) for i in range(feeds)]
    etags = [f'"{hashlib.md5(b, usedforsecurity=False).hexdigest()}"' for b in bodies]
    modified = "Wed, 01 Jan 2025 00:00:00 GMT"

    async def handler(request: web.Request) -> web.Response:
        index = int(request.match_info["n"])
        if request.headers.get("If-None-Match") == etags[index] or (
            request.headers.get("If-Modified-Since") == modified
        ):
            return web.Response(status=304, headers={"ETag": etags[index]})
        return web.Response(
            body=bodies[index],
            content_type="application/rss+xml",
            headers={"ETag": etags[index], "Last-Modified": modified},
        )

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/feed/{n}.xml", handler)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        port_queue.put(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        await asyncio.Event().wait()

    asyncio.run(main())


NGINX_CONF = """
user root;
worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    types {{ application/rss+xml xml; }}
    keepalive_requests 100000;
    server {{
        listen 127.0.0.1:{port} backlog=4096;
        root {work}/www;
        etag on;
    }}
}}
"""


def serve_nginx(work: Path, feeds: int, entries: int) -> tuple[subprocess.Popen[bytes], int]:
    """The feeds as static files behind nginx (ETag, Last-Modified and 304s are nginx's own),
    the server the issue measured on; None when nginx is not installed."""
    import socket

    items = news_items()
    www = work / "www" / "feed"
    www.mkdir(parents=True)
    for i in range(feeds):
        (www / f"{i}.xml").write_bytes(make_feed(i, entries, items))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    conf = work / "nginx.conf"
    conf.write_text(NGINX_CONF.format(work=work, port=port))
    process = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(work)])
    for _ in range(100):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process, port
        time.sleep(0.05)
    raise SystemExit("nginx did not start; see nginx-error.log")


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB, and stdout of one whole process."""
    started = time.perf_counter()
    process = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    out = process.stdout.read().decode() if process.stdout else ""
    err = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, out


READER_SCRIPT = textwrap.dedent(
    """
    import sys, time, warnings
    warnings.simplefilter("ignore")
    from reader import make_reader
    db, base, count, phase = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    reader = make_reader(db)
    if phase == "first":
        for i in range(count):
            reader.add_feed(f"{base}/feed/{i}.xml", allow_invalid_url=True)
    started = time.perf_counter()
    reader.update_feeds(scheduled=False)
    print(f"inprocess={time.perf_counter() - started:.3f}")
    print(f"entries={reader.get_entry_counts().total}")
    """
)


def fetch_layer(base: str, feeds: int) -> dict[str, float]:
    """Fetch every feed once with httpx's own pool and with the aiohttp transport."""
    import ipaddress

    import httpx

    from bot.fetch import Fetcher, FetchPolicy
    from bot.netguard import AddressGuard
    from bot.types import FeedState

    policy = FetchPolicy(user_agent="bench", concurrency=50, per_host=50)
    guard = AddressGuard([ipaddress.ip_network("127.0.0.1/32")])
    states = [FeedState(id=i, url=f"{base}/feed/{i}.xml") for i in range(feeds)]
    results = {}

    async def run(transport: httpx.AsyncBaseTransport | None) -> float:
        semaphore = asyncio.Semaphore(50)
        async with Fetcher(policy, guard, transport=transport) as fetcher:

            async def one(state: FeedState) -> None:
                async with semaphore:
                    await fetcher.fetch(state)

            started = time.perf_counter()
            await asyncio.gather(*(one(s) for s in states))
            return time.perf_counter() - started

    results["httpx default pool"] = asyncio.run(
        run(httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=50)))
    )
    results["httpx + aiohttp transport"] = asyncio.run(run(None))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--entries", type=int, default=30)
    parser.add_argument("--no-reader", action="store_true", help="skip the reader comparison")
    parser.add_argument("--aiohttp", action="store_true", help="serve with aiohttp, not nginx")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="claimwatch-bench-"))
    server: multiprocessing.Process | subprocess.Popen[bytes]
    if Path(NGINX).exists() and not args.aiohttp:
        server, port = serve_nginx(work, args.feeds, args.entries)
        served_by = "nginx"
    else:
        queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
        server = multiprocessing.Process(target=serve, args=(queue, args.feeds, args.entries))
        server.start()
        port = queue.get(timeout=60)
        served_by = "aiohttp (install nginx for the issue's set-up)"
    base = f"http://127.0.0.1:{port}"
    size = len(make_feed(0, args.entries, news_items()))
    total_entries = args.feeds * args.entries
    print(
        f"{args.feeds} feeds x {args.entries} entries of real news text, "
        f"{size / 1024:.1f} KB each, served by {served_by} on {base}"
    )
    rows: list[tuple[str, float, float, int]] = []
    try:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{work / 'claimwatch.db'}",
            "ALLOWED_PRIVATE_NETWORKS": "127.0.0.1/32",
            "POLL_CONCURRENCY": "50",
            "POLL_PER_HOST_CONCURRENCY": "50",  # every bench feed lives on one host
            "LOG_LEVEL": "WARNING",
            "ARTICLE_FETCH": "false",
        }
        opml = work / "feeds.opml"
        opml.write_text(
            "<opml version='2.0'><body>"
            + "".join(f"<outline xmlUrl='{base}/feed/{i}.xml'/>" for i in range(args.feeds))
            + "</body></opml>"
        )
        claimwatch = str(BIN / "claimwatch")
        # claimwatch runs from this checkout (an editable install): its own modules are
        # byte-compiled first, as installing a package compiles them (reader's, installed by
        # pip, come compiled). Under PYTHONDONTWRITEBYTECODE each timed process would
        # otherwise compile ~30 of them from source (~40 ms), which no installed claimwatch does.
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(ROOT / "bot"), str(ROOT / "storage")],
            check=True,
        )
        subprocess.run(
            [claimwatch, "feeds", "import", str(opml)], env=env, check=True, capture_output=True
        )
        helps = [timed([claimwatch, "--help"], env)[0] for _ in range(5)]
        first = timed([claimwatch, "poll", "--once", "--all"], env)
        print("  claimwatch first ingest:", first[2].splitlines()[0])
        repoll = timed([claimwatch, "poll", "--once", "--all"], env)
        print("  claimwatch re-poll:     ", repoll[2].splitlines()[0])
        rows.append(("claimwatch first ingest", first[0], first[1], total_entries))
        rows.append(("claimwatch re-poll (304)", repoll[0], repoll[1], 0))

        reader_rows = {}
        if not args.no_reader:
            script = work / "reader_run.py"
            script.write_text(READER_SCRIPT)
            db = str(work / "reader.sqlite")
            for phase, label in (
                ("first", "reader first ingest"),
                ("again", "reader forced re-poll"),
            ):
                seconds, rss, out = timed(
                    [sys.executable, str(script), db, base, str(args.feeds), phase], env
                )
                inprocess = float(out.split("inprocess=")[1].split()[0])
                reader_rows[phase] = (seconds, inprocess)
                rows.append(
                    (
                        f"{label} (update_feeds alone: {inprocess:.2f} s)",
                        seconds,
                        rss,
                        total_entries if phase == "first" else 0,
                    )
                )

        print()
        print(f"{'run':58} {'seconds':>8} {'feeds/s':>9} {'entries/s':>10} {'peak MB':>8}")
        for label, seconds, rss, entries in rows:
            eps = f"{entries / seconds:,.0f}" if entries else "-"
            print(f"{label:58} {seconds:8.2f} {args.feeds / seconds:9,.0f} {eps:>10} {rss:8.0f}")
        print()
        print(f"claimwatch --help: median {statistics.median(helps) * 1000:.0f} ms of 5 runs")
        if reader_rows:
            f_whole, f_in = reader_rows["first"]
            r_whole, r_in = reader_rows["again"]
            print(
                f"first ingest: claimwatch is {f_whole / first[0]:.1f}x faster than reader as "
                f"whole processes ({f_in / first[0]:.1f}x against reader's update_feeds() alone)"
            )
            print(
                f"re-poll:      claimwatch is {r_whole / repoll[0]:.1f}x faster than reader as "
                f"whole processes ({r_in / repoll[0]:.1f}x against reader's update_feeds() alone)"
            )
        sys.path.insert(0, str(ROOT))
        print()
        print(f"fetch layer alone, {args.feeds} GETs at 50 connections (in-process):")
        for name, seconds in fetch_layer(base, args.feeds).items():
            print(f"  {name:28} {seconds:6.2f} s  {args.feeds / seconds:8,.0f} feeds/s")
    finally:
        server.terminate()
        if isinstance(server, subprocess.Popen):
            server.wait()
        else:
            server.join()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))
    main()
