"""The polling pipeline against a real local HTTP server, on SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from bot.parsepool import POOL_MIN_FEEDS
from bot.poller import Poller, PollReport
from storage.db import Database
from storage.feeds import FeedRepository
from storage.items import ItemRepository
from tests.conftest import make_settings
from tests.feedserver import FeedServer, Route


def rss(*titles: str, ttl: int | None = None, channel: str = "Test feed") -> bytes:
    items = "".join(
        f"<item><title>{t}</title><link>https://news.example/{i}-{abs(hash(t))}</link>"
        f"<guid>{t}</guid><description>About {t}.</description>"
        f"<pubDate>Mon, 06 Sep 2021 {10 + i}:00:00 GMT</pubDate></item>"
        for i, t in enumerate(titles)
    )
    ttl_tag = f"<ttl>{ttl}</ttl>" if ttl else ""
    return (
        f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>{channel}</title>{ttl_tag}{items}</channel></rss>"
    ).encode()


async def poll(db: Database, db_url: str, **overrides: Any) -> PollReport:
    return await Poller(db, make_settings(db_url, **overrides)).poll(include_not_due=True)


def add(db: Database, url: str) -> int:
    with db.session() as session:
        feed, _ = FeedRepository(session).add(url, now=datetime.now(UTC))
        return feed.id


def info(db: Database, feed_id: int) -> Any:
    with db.session() as session:
        return next(f for f in FeedRepository(session).list_info() if f.id == feed_id)


async def test_first_poll_stores_then_conditional_get_costs_nothing(
    db: Database, db_url: str, feed_server: FeedServer
) -> None:
    url = feed_server.add(
        "/feed.xml",
        body=rss("One", "Two", "Three"),
        etag='"v1"',
        last_modified="Mon, 06 Sep 2021 12:00:00 GMT",
        headers={"Content-Type": "application/rss+xml; charset=utf-8"},
    )
    feed_id = add(db, url)
    first = await poll(db, db_url)
    assert len(first.new_item_ids) == 3 and not first.failed
    assert info(db, feed_id).title == "Test feed"
    assert info(db, feed_id).item_count == 3

    second = await poll(db, db_url)
    request = feed_server.requests["/feed.xml"][-1]
    assert request["if-none-match"] == '"v1"'
    assert request["if-modified-since"] == "Mon, 06 Sep 2021 12:00:00 GMT"
    assert request["user-agent"].startswith("claimwatch/")
    assert "gzip" in request["accept-encoding"]
    assert second.unchanged == 1 and second.new_item_ids == []


async def test_repoll_with_changed_feed_stores_only_what_is_new(
    db: Database, db_url: str, feed_server: FeedServer
) -> None:
    url = feed_server.add("/f", body=rss("One", "Two"))
    add(db, url)
    await poll(db, db_url)
    feed_server.routes["/f"].body = rss("One", "Two", "Three")
    report = await poll(db, db_url)
    assert len(report.new_item_ids) == 1
    with db.session() as session:
        assert ItemRepository(session).count() == 3


async def test_gzip_body(db: Database, db_url: str, feed_server: FeedServer) -> None:
    add(db, feed_server.add("/gz", body=rss("Zipped"), gzip=True))
    report = await poll(db, db_url)
    assert len(report.new_item_ids) == 1


async def test_permanent_redirect_moves_the_feed(
    db: Database, db_url: str, feed_server: FeedServer
) -> None:
    new_url = feed_server.add("/new", body=rss("Moved"))
    old_url = feed_server.add("/old", status=301, headers={"Location": "/new"})
    temp_url = feed_server.add("/temp", status=302, headers={"Location": "/new2"})
    feed_server.add("/new2", body=rss("Temporarily elsewhere"))
    moved = add(db, old_url)
    temporary = add(db, temp_url)
    report = await poll(db, db_url)
    assert not report.failed
    assert info(db, moved).url == new_url
    assert info(db, temporary).url == temp_url


async def test_cookies_set_on_the_way_are_sent_on(
    db: Database, db_url: str, feed_server: FeedServer
) -> None:
    """A cookie a feed's server sets (here on a redirect, as consent walls do) goes back to it
    with the next request, and a response that sets none keeps what is stored."""
    feed_server.add(
        "/login", status=302, headers={"Location": "/gate", "Set-Cookie": "consent=yes; Path=/"}
    )
    feed_server.add("/gate", status=302, headers={"Location": "/walled"})  # sets no cookie
    feed_server.add("/walled", body=rss("Behind the wall"))
    add(db, feed_server.url("/login"))
    report = await poll(db, db_url)
    assert not report.failed and len(report.new_item_ids) == 1
    assert "cookie" not in feed_server.requests["/login"][-1]
    assert feed_server.requests["/gate"][-1]["cookie"] == "consent=yes"
    assert feed_server.requests["/walled"][-1]["cookie"] == "consent=yes"


async def test_redirect_loop_is_an_error(
    db: Database, db_url: str, feed_server: FeedServer
) -> None:
    feed_server.add("/a", status=302, headers={"Location": "/b"})
    feed_server.add("/b", status=302, headers={"Location": "/a"})
    feed_id = add(db, feed_server.url("/a"))
    await poll(db, db_url)
    assert "too many redirects" in info(db, feed_id).last_error


async def test_gone_disables_the_feed(db: Database, db_url: str, feed_server: FeedServer) -> None:
    feed_id = add(db, feed_server.add("/gone", status=410, body=b"gone"))
    await poll(db, db_url)
    feed = info(db, feed_id)
    assert feed.disabled and "410" in (feed.disabled_reason or "")
    report = await poll(db, db_url)
    assert report.results == ()  # disabled feeds are not polled


async def test_retry_after_is_honoured(db: Database, db_url: str, feed_server: FeedServer) -> None:
    busy = add(db, feed_server.add("/busy", status=429, headers={"Retry-After": "7200"}))
    down = add(db, feed_server.add("/down", status=503, headers={"Retry-After": "5400"}))
    before = datetime.now(UTC)
    await poll(db, db_url)
    assert info(db, busy).next_poll_at >= before + timedelta(seconds=7200)
    assert info(db, down).next_poll_at >= before + timedelta(seconds=5400)
    assert info(db, busy).last_error.startswith("HTTP 429")


async def test_failures_back_off_and_finally_disable(
    db: Database, db_url: str, feed_server: FeedServer
) -> None:
    feed_id = add(db, feed_server.add("/err", status=500, body=b"oops"))
    delays = []
    for _ in range(3):
        started = datetime.now(UTC)
        await poll(db, db_url, feed_max_failures=3)
        delays.append((info(db, feed_id).next_poll_at - started).total_seconds())
    feed = info(db, feed_id)
    assert feed.consecutive_failures == 3
    assert feed.disabled and "3 failures in a row" in (feed.disabled_reason or "")
    assert delays[0] < delays[1] < delays[2]
    # a success resets the count
    feed_server.routes["/err"] = Route(body=rss("Back"))
    with db.session() as session:
        FeedRepository(session).enable(feed_id, now=datetime.now(UTC))
    await poll(db, db_url)
    assert info(db, feed_id).consecutive_failures == 0
    assert info(db, feed_id).last_error is None


async def test_server_hints_lengthen_the_interval(
    db: Database, db_url: str, feed_server: FeedServer
) -> None:
    ttl = add(db, feed_server.add("/ttl", body=rss("A", "B", ttl=180)))
    cached = add(
        db,
        feed_server.add("/cached", body=rss("C", "D"), headers={"Cache-Control": "max-age=10800"}),
    )
    before = datetime.now(UTC)
    await poll(db, db_url)
    assert info(db, ttl).next_poll_at >= before + timedelta(minutes=180 * 0.9)
    assert info(db, cached).next_poll_at >= before + timedelta(seconds=10800 * 0.9)


@pytest.mark.parametrize(
    ("route", "message"),
    [
        (Route(body=b"<rss><channel><item><title>broken"), None),
        (Route(body=b"<!DOCTYPE html><html><body>Login</body></html>"), "HTML page"),
        (Route(body=b""), "empty body"),
        (Route(status=404, body=b"nope"), "HTTP 404"),
        (Route(status=500, body=b"oops"), "HTTP 500"),
        (Route(status=302, headers={"Location": "ftp://example.com/x"}), "non-HTTP"),
        (Route(status=301), "without a Location"),
    ],
)
async def test_bad_feeds_are_recorded_and_others_still_stored(
    db: Database, db_url: str, feed_server: FeedServer, route: Route, message: str | None
) -> None:
    good = add(db, feed_server.add("/good", body=rss("Fine")))
    bad = add(db, feed_server.add("/bad", route))
    report = await poll(db, db_url)
    assert info(db, good).item_count == 1
    error = info(db, bad).last_error
    if message is None:
        # a truncated document is either salvaged (tolerant parser) or an error: never a crash
        assert error or info(db, bad).item_count >= 0
    else:
        assert error and message in error and "\n" not in error
    assert len(report.results) == 2


async def test_size_cap_aborts_a_stream(db: Database, db_url: str, feed_server: FeedServer) -> None:
    feed_id = add(db, feed_server.add("/huge", chunk_forever=True))
    started = time.monotonic()
    await poll(db, db_url, fetch_max_bytes="256KB")
    assert "cap" in info(db, feed_id).last_error
    assert time.monotonic() - started < 5


async def test_gzip_bomb_is_capped_after_decompression(
    db: Database, db_url: str, feed_server: FeedServer
) -> None:
    bomb = gzip.compress(b"<rss>" + b" " * (64 * 1024 * 1024))
    assert len(bomb) < 200_000
    feed_id = add(
        db,
        feed_server.add("/bomb", body=bomb, headers={"Content-Encoding": "gzip"}),
    )
    await poll(db, db_url, fetch_max_bytes="1MB")
    assert "cap" in info(db, feed_id).last_error


async def test_trickling_server_hits_the_total_timeout(
    db: Database, db_url: str, feed_server: FeedServer
) -> None:
    feed_id = add(db, feed_server.add("/slow", body=rss("Slow") * 10, trickle=0.2))
    fast = add(db, feed_server.add("/fast", body=rss("Fast")))
    started = time.monotonic()
    await poll(db, db_url, fetch_total_timeout="1.5s", fetch_read_timeout="1s")
    assert time.monotonic() - started < 6
    assert "gave up after 1.5 s" in info(db, feed_id).last_error
    assert info(db, fast).item_count == 1


async def test_internal_addresses_are_refused(
    db: Database, db_url: str, feed_server: FeedServer
) -> None:
    feed_server.add("/feed", body=rss("Secret"))
    direct = add(db, feed_server.url("/feed", host="127.0.0.2"))
    via_redirect = add(
        db,
        feed_server.add(
            "/hop",
            status=302,
            headers={"Location": feed_server.url("/feed", host="127.0.0.2")},
        ),
    )
    by_name = add(db, feed_server.url("/feed", host="localhost"))
    await poll(db, db_url, allowed_private_networks="127.0.0.1/32,::1/128")
    for feed_id in (direct, via_redirect):
        feed = info(db, feed_id)
        assert "internal address 127.0.0.2" in feed.last_error
        assert feed.item_count == 0
    assert info(db, by_name).item_count == 1  # localhost is loopback, and loopback is allowed
    # With no allow-list even the allowed loopback address is refused, names included.
    feed_server.requests.clear()
    await poll(db, db_url, allowed_private_networks="")
    assert "internal address" in info(db, by_name).last_error
    assert feed_server.hits("/feed") == 0


def _counting_handler(
    delay: float,
) -> tuple[Callable[[BaseHTTPRequestHandler], None], dict[str, int]]:
    """A feed handler that holds each request `delay` seconds and counts, in the returned
    state, how many it serves at once ("now") and the most at once ("max")."""
    lock = threading.Lock()
    state = {"now": 0, "max": 0}
    body = rss("Concurrent")

    def handler(request: BaseHTTPRequestHandler) -> None:
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        time.sleep(delay)
        with lock:
            state["now"] -= 1
        request.send_response(200)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    return handler, state


async def test_concurrency_is_bounded_and_every_feed_fetched_once(
    db: Database, db_url: str, feed_server: FeedServer
) -> None:
    handler, state = _counting_handler(delay=0.1)

    for i in range(7):
        add(db, feed_server.add(f"/p{i}", Route(handler=handler)))
    report = await poll(db, db_url, poll_concurrency=3, poll_per_host_concurrency=10)
    assert len(report.results) == 7 and not report.failed
    assert state["max"] == 3
    assert [feed_server.hits(f"/p{i}") for i in range(7)] == [1] * 7


async def test_per_host_concurrency_is_bounded(
    db: Database, db_url: str, feed_server: FeedServer
) -> None:
    handler, state = _counting_handler(delay=0.2)

    for i in range(6):
        add(db, feed_server.add(f"/c{i}", Route(handler=handler)))
    report = await poll(db, db_url, poll_per_host_concurrency=2)
    assert not report.failed
    assert state["max"] == 2


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8080/feed.xml?a=1&b=%20", "https://user:pw@news.example/r%C3%A9seau"],
)
async def test_each_get_is_the_request_httpx_would_build(url: str) -> None:
    """The fetcher builds each GET itself (fewer copies than the client's build_request); it
    is the same request, headers in the same order, and once a server has set a cookie the
    client's own merging (which adds the Cookie header) is used."""
    import ipaddress

    import httpx

    from bot.fetch import Fetcher, FetchPolicy
    from bot.netguard import AddressGuard

    guard = AddressGuard([ipaddress.ip_network("127.0.0.1/32")])
    conditional = {"If-None-Match": '"v1"', "If-Modified-Since": "Mon, 06 Sep 2021 12:00:00 GMT"}
    async with Fetcher(FetchPolicy(user_agent="claimwatch/test"), guard) as fetcher:
        client = fetcher._client
        assert client is not None
        for cookies in (False, True):
            if cookies:
                client.cookies.set("consent", "yes", domain="news.example")
                client.cookies.set("consent", "yes", domain="127.0.0.1")
            built = fetcher._request(url, conditional)
            target = httpx.URL(url)
            headers = dict(conditional)
            if target.userinfo:
                headers["Authorization"] = "Basic dXNlcjpwdw=="
                target = target.copy_with(userinfo=b"")
            expected = client.build_request("GET", target, headers=headers)
            assert (built.method, built.url, built.extensions) == (
                expected.method,
                expected.url,
                expected.extensions,
            )
            assert built.headers.raw == expected.headers.raw
            assert ("cookie" in built.headers) is cookies
            assert built.content == b""


async def test_a_first_poll_starts_the_workers_before_the_first_document(
    db: Database, db_url: str, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Feeds asked for unconditionally (no validators yet) answer with documents: the fork
    server starts before the first request, not when the first document is in; a re-poll
    whose feeds all answer 304 starts none."""
    import bot.parsepool

    started: list[int] = []  # how many requests the server had seen when the pool started
    make = bot.parsepool.worker_pool

    def worker_pool(workers: int) -> Any:
        started.append(sum(feed_server.hits(f"/w{i}") for i in range(POOL_MIN_FEEDS)))
        return make(workers)

    monkeypatch.setattr(bot.parsepool, "worker_pool", worker_pool)
    for i in range(POOL_MIN_FEEDS):
        add(db, feed_server.add(f"/w{i}", body=rss(f"Story {i}"), etag=f'"w{i}"'))
    first = await poll(db, db_url, parse_workers=2)
    assert len(first.new_item_ids) == POOL_MIN_FEEDS and not first.failed
    assert started == [0]
    again = await poll(db, db_url, parse_workers=2)
    assert again.unchanged == POOL_MIN_FEEDS
    assert started == [0]  # no pool for 304s
