"""One feed can never stop the others; the address guard cannot be walked around; secrets stay
out of what people read. Real local HTTP server, real databases (SQLite and PostgreSQL).

Every internal-address target here is a loopback address left out of the allow-list
(127.0.0.1/32 is allowed; 127.0.0.2 in its many spellings is not)."""

from __future__ import annotations

import base64
import logging
import os
import signal
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from bot.errors import InvalidFeedURLError
from bot.feeds import add_feed, list_feeds
from bot.parsepool import POOL_MIN_FEEDS
from bot.poller import Poller, PollReport
from storage.db import Database
from storage.feeds import FeedRepository
from tests.conftest import make_settings
from tests.feedserver import FeedServer, Route
from tests.test_poller import rss

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def add_raw(db: Database, url: str) -> int:
    """Store a feed URL as an old database or a permanent redirect could have stored it,
    without the checks `feeds add` makes."""
    with db.session() as session:
        feed, _ = FeedRepository(session).add(url, now=datetime.now(UTC))
        return feed.id


def by_id(db: Database) -> dict[int, Any]:
    return {feed.id: feed for feed in list_feeds(db)}


@pytest.fixture
def internal_server() -> Iterator[FeedServer]:
    """A feed server on 127.0.0.2, a loopback address the tests leave out of the allow-list:
    if the guard were walked around, a request would really arrive here."""
    server = FeedServer(host="127.0.0.2").start()
    try:
        yield server
    finally:
        server.stop()


async def poll(db: Database, db_url: str, **overrides: Any) -> PollReport:
    return await Poller(db, make_settings(db_url, **overrides)).poll(include_not_due=True)


async def test_one_broken_feed_never_stops_the_others(
    db: Database, db_url: str, feed_server: FeedServer
) -> None:
    good = [add_raw(db, feed_server.add(f"/ok{i}", body=rss(f"Story {i}"))) for i in range(3)]
    port = feed_server.port
    broken = {
        "bad Location": add_raw(
            db, feed_server.add("/oops", status=301, headers={"Location": "http://[oops/feed"})
        ),
        "octal host": add_raw(db, f"http://0177.0.0.2:{port}/ok0"),
        "zero-padded host": add_raw(db, f"http://127.000.000.001:{port}/ok0"),
        "circled digits": add_raw(db, f"http://①②⑦.0.0.1:{port}/ok0"),
        "redirect to bad host": add_raw(
            db,
            feed_server.add(
                "/to-octal", status=302, headers={"Location": f"http://0177.0.0.2:{port}/ok0"}
            ),
        ),
    }
    report = await poll(db, db_url)
    feeds = by_id(db)
    for feed_id in good:
        assert feeds[feed_id].item_count == 1
        assert feeds[feed_id].last_error is None
    for what, feed_id in broken.items():
        feed = feeds[feed_id]
        assert feed.last_error, what
        assert feed.consecutive_failures == 1, what
        assert feed.next_poll_at > datetime.now(UTC), f"{what}: due again at once"
        assert "\n" not in feed.last_error
    assert len(report.results) == len(good) + len(broken)


async def test_credentials_in_a_redirect_are_sent_as_basic_auth_and_never_shown(
    db: Database, db_url: str, feed_server: FeedServer, caplog: pytest.LogCaptureFixture
) -> None:
    feed_server.add("/private", body=rss("Behind a password"))
    target = f"http://reader:s3cr3t-pw@127.0.0.1:{feed_server.port}/private"
    feed_id = add_raw(db, feed_server.add("/hop", status=302, headers={"Location": target}))
    with caplog.at_level(logging.DEBUG):
        await poll(db, db_url)
    assert by_id(db)[feed_id].item_count == 1
    (request,) = feed_server.requests["/private"]
    assert request["authorization"] == "Basic " + base64.b64encode(b"reader:s3cr3t-pw").decode()
    # The credentials went only where they were written: not to the first hop.
    assert "authorization" not in feed_server.requests["/hop"][0]


async def test_stored_errors_and_listings_never_show_credentials_or_keys(
    db: Database, db_url: str, feed_server: FeedServer
) -> None:
    url = f"http://user:hunter2@127.0.0.2:{feed_server.port}/feed?apikey=KEY123&x=1"
    feed_id = add_raw(db, url)
    await poll(db, db_url)
    feed = by_id(db)[feed_id]
    assert "internal address" in feed.last_error
    from bot.report import feeds_table

    shown = feeds_table(list_feeds(db), datetime.now(UTC)) + feed.last_error
    assert "hunter2" not in shown and "KEY123" not in shown
    assert "127.0.0.2" in shown


@pytest.mark.parametrize(
    "spelling",
    [
        "127。0。0。2",  # ideographic full stop U+3002
        "127．0．0．2",  # full-width full stop U+FF0E
        "127｡0｡0｡2",  # half-width ideographic full stop U+FF61
        "[::ffff:127.0.0.2]",
        "0x7f000002",
        "2130706434",
        "127.2",
    ],
)
async def test_the_guard_holds_for_every_spelling_of_an_internal_address(
    sqlite_db: Database,
    tmp_path: Path,
    feed_server: FeedServer,
    internal_server: FeedServer,
    spelling: str,
) -> None:
    internal_server.add("/secret", body=rss("Internal"))
    url = f"http://{spelling}:{internal_server.port}/secret"
    direct = add_raw(sqlite_db, url)
    # A server sends a non-ASCII Location as raw UTF-8 bytes.
    location = url.encode().decode("latin-1")
    via_redirect = add_raw(
        sqlite_db, feed_server.add("/r", status=301, headers={"Location": location})
    )
    await poll(sqlite_db, f"sqlite:///{tmp_path / 'claimwatch.db'}")
    feeds = by_id(sqlite_db)
    assert internal_server.hits("/secret") == 0
    for feed_id in (direct, via_redirect):
        assert feeds[feed_id].item_count == 0
        error = feeds[feed_id].last_error
        # Refused as internal, or (spellings httpx itself rejects) as an unusable URL.
        assert "internal address 127.0.0.2" in error or "not a canonical IPv4" in error, error
    # A refused 301 target never becomes the feed's address.
    assert feeds[via_redirect].url.endswith("/r")


async def test_article_pages_cannot_walk_around_the_guard(
    tmp_path: Path, internal_server: FeedServer
) -> None:
    from bot.articles import _fetcher
    from bot.errors import BlockedAddressError
    from bot.types import FeedState

    internal_server.add("/article.html", body=b"<html><body><p>secret</p></body></html>")
    settings = make_settings(f"sqlite:///{tmp_path / 'claimwatch.db'}")
    async with _fetcher(settings) as fetcher:
        for host in ("127。0。0。2", "127．0．0．2", "[::ffff:127.0.0.2]"):
            url = f"http://{host}:{internal_server.port}/article.html"
            with pytest.raises(BlockedAddressError, match=r"internal address 127\.0\.0\.2"):
                await fetcher.fetch(FeedState(id=0, url=url))
    assert internal_server.hits("/article.html") == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://127.000.000.001/feed",
        "http://0177.0.0.2/feed",
        "http://①②⑦.0.0.1/feed",
        "http://[oops/feed",
    ],
)
def test_feeds_add_refuses_urls_the_client_cannot_use(sqlite_db: Database, url: str) -> None:
    with pytest.raises(InvalidFeedURLError):
        add_feed(sqlite_db, url, now=NOW)
    assert list_feeds(sqlite_db) == []


async def test_a_feed_whose_write_fails_is_recorded_and_the_batch_is_kept(
    db: Database, db_url: str, feed_server: FeedServer
) -> None:
    """A hostile server's 5,000-character ETag cannot be stored in PostgreSQL's column: the
    other feeds of the same write batch are still stored, and that feed gets the error."""
    good = [add_raw(db, feed_server.add(f"/g{i}", body=rss(f"Fine {i}"))) for i in range(3)]
    hostile = add_raw(db, feed_server.add("/etag", body=rss("Long etag"), etag='"' + "e" * 5000))
    await poll(db, db_url)
    feeds = by_id(db)
    assert all(feeds[i].item_count == 1 for i in good)
    if db_url.startswith("postgresql"):
        assert "storing its items failed" in feeds[hostile].last_error
        assert feeds[hostile].next_poll_at > datetime.now(UTC)


def _kill_one_parse_worker() -> None:
    """SIGKILL one worker process of this test process's parse pool (a grandchild: the fork
    server is our child, the workers are its children), waiting for the pool to start (it
    starts on the first feed body)."""
    deadline = time.monotonic() + 10
    while not _killed_a_worker() and time.monotonic() < deadline:
        time.sleep(0.05)


def _killed_a_worker() -> bool:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    for child in children.get(os.getpid(), []):
        for grandchild in children.get(child, []):
            os.kill(grandchild, signal.SIGKILL)
            return True
    return False


async def test_a_dying_parse_worker_fails_one_feed_not_the_poll(
    sqlite_db: Database, tmp_path: Path, feed_server: FeedServer
) -> None:
    body = rss("Killer")
    killed = []

    def kill_then_serve(request: BaseHTTPRequestHandler) -> None:
        if not killed:
            _kill_one_parse_worker()
            killed.append(True)
        request.send_response(200)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    count = POOL_MIN_FEEDS + 5
    ids = [add_raw(sqlite_db, feed_server.add(f"/p{i}", body=rss(f"P {i}"))) for i in range(count)]
    ids.append(add_raw(sqlite_db, feed_server.add("/kill", Route(handler=kill_then_serve))))
    report = await poll(sqlite_db, f"sqlite:///{tmp_path / 'claimwatch.db'}", parse_workers=2)
    assert len(report.results) == count + 1
    feeds = by_id(sqlite_db)
    stored = sum(1 for i in ids if feeds[i].item_count == 1)
    failed = [feeds[i].last_error for i in ids if feeds[i].last_error]
    assert stored + len(failed) == count + 1  # every feed has an outcome
    assert failed  # the feeds queued on the broken pool are recorded, not lost…
    assert all("parser process died" in error for error in failed)
    # …and the next poll (a new pool) stores them.
    await poll(sqlite_db, f"sqlite:///{tmp_path / 'claimwatch.db'}", parse_workers=2)
    feeds = by_id(sqlite_db)
    assert all(feeds[i].item_count == 1 for i in ids)


def test_secrets_filter_masks_tokens_and_credentials_whoever_logs_them() -> None:
    from bot.redact import SecretsFilter, redact_text, redact_url

    token = "123456789:AAE-telegram-token-abcdefghijklmnopq"
    record = logging.LogRecord(
        "telegram.ext.ExtBot",
        logging.DEBUG,
        __file__,
        1,
        "Calling Bot API endpoint %s with %s",
        (f"https://api.telegram.org/bot{token}/getMe", {"slack": "xoxb-1234-5678-abcdefghij"}),
        None,
    )
    SecretsFilter(["webhook-secret-value"]).filter(record)
    message = record.getMessage()
    assert token not in message and "xoxb-1234" not in message
    assert "getMe" in message
    assert redact_text("secret is webhook-secret-value", ["webhook-secret-value"]) == (
        "secret is ***"
    )
    assert redact_url("https://u:p@host.example/f?apikey=K&q=1") == (
        "https://***@host.example/f?apikey=***&q=***"
    )


def test_debug_logs_of_a_real_process_hold_no_token_or_feed_password(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    """`claimwatch poll` at LOG_LEVEL=DEBUG with a Telegram token configured and a feed URL
    carrying credentials and a key: neither appears on stderr or stdout."""
    import subprocess

    from tests.test_cli import CLAIMWATCH

    feed_server.add("/private", body=rss("Behind a password"))
    url = f"http://reader:pw-SECRET-1@127.0.0.1:{feed_server.port}/private?apikey=KEY-SECRET-2"
    feed_server.add("/gone", status=404)
    bad = f"http://reader:pw-SECRET-1@127.0.0.1:{feed_server.port}/gone?apikey=KEY-SECRET-2"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "ALLOWED_PRIVATE_NETWORKS": "127.0.0.1/32",
        "LOG_LEVEL": "DEBUG",
        "TELEGRAM_BOT_TOKEN": "987654321:TOKEN-SECRET-3abcdefghijklmnopqrstuvw",
    }

    def claimwatch(*args: str) -> str:
        done = subprocess.run(
            [CLAIMWATCH, *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
        )
        return done.stdout + done.stderr

    outputs = [
        claimwatch("feeds", "add", url),
        claimwatch("feeds", "add", bad),
        claimwatch("poll", "--once", "--all"),
        claimwatch("feeds", "list"),
    ]
    shown = "\n".join(outputs[2:])
    assert "HTTP 404" in shown  # the failure is reported…
    for secret in ("SECRET-1", "SECRET-2", "SECRET-3"):
        assert secret not in shown, secret  # …without the secrets
    assert feed_server.requests["/private"][0]["authorization"].startswith("Basic ")
