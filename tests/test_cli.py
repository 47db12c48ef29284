"""The `claimwatch` command, run as a user runs it: a real process, a real database file and a
real local feed server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.errors import StorageError
from bot.feeds import default_feeds, list_feeds, remove_feed, seed_default_feeds
from bot.runner import Runner
from storage.db import Database, create_db_engine
from tests.feedserver import FeedServer
from tests.test_poller import rss

CLAIMWATCH = str(Path(sys.executable).with_name("claimwatch"))

Result = subprocess.CompletedProcess[str]
Run = Callable[..., Result]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "SYSTEMROOT")}
    return {
        **keep,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "ALLOWED_PRIVATE_NETWORKS": "127.0.0.1/32",
        "FETCH_TOTAL_TIMEOUT": "5s",
        "POLL_TICK": "1s",
    }


@pytest.fixture
def cw(env: dict[str, str], tmp_path: Path) -> Run:
    def run(
        *args: str, extra_env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [CLAIMWATCH, *args],
            env={**env, **(extra_env or {})},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run


def test_help_is_quick_and_lists_commands(cw: Run) -> None:
    started = time.monotonic()
    result = cw("--help")
    assert result.returncode == 0
    for command in ("run", "poll", "feeds"):
        assert command in result.stdout
    assert time.monotonic() - started < 5  # the real budget (0.5 s) is measured in bench/


def test_feed_lifecycle(cw: Run, feed_server: FeedServer) -> None:
    good = feed_server.add("/good.xml", body=rss("Embassy denies report", channel="Good <b>&</b>"))
    bad = feed_server.add("/bad.xml", status=500, body=b"oops")

    assert cw("feeds", "add", good, "--interval", "10m").stdout.startswith("Added")
    assert cw("feeds", "add", good).stdout.startswith("Already monitored")
    assert cw("feeds", "add", bad).returncode == 0

    polled = cw("poll", "--once")
    assert polled.returncode == 0, polled.stderr
    assert "Polled 2 feeds" in polled.stdout
    assert "1 failed; 1 new item" in polled.stdout
    assert "  + [Good &] Embassy denies report" in polled.stdout  # the feed's title, read back
    assert f"! {bad}: HTTP 500" in polled.stdout

    assert "No feed is due" in cw("poll", "--once").stdout
    assert "Polled 2 feeds" in cw("poll", "--once", "--all").stdout

    table = cw("feeds", "list").stdout
    assert "Good &" in table  # markup in a feed title is reduced to its text
    bad_row = next(line for line in table.splitlines() if "bad.xml" in line)
    assert "HTTP 500" in bad_row and " 2 " in bad_row  # two failures in a row

    assert cw("feeds", "remove", "1").stdout.startswith("Removed: " + good)
    assert cw("feeds", "remove", bad).stdout.startswith("Removed: " + bad)
    missing = cw("feeds", "remove", "42")
    assert missing.returncode == 1 and "no feed" in missing.stderr
    assert "No feeds yet" in cw("feeds", "list").stdout


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("feeds", "add", "ftp://example.com/feed"), "only http and https"),
        (("feeds", "add", "http://127.0.0.1/x", "--interval", "soon"), "--interval"),
        (("feeds", "import", "/nonexistent/file.opml"), "cannot read"),
        # huge numbers
        (("summary", "--since", "99999999999d"), "--since: a duration must be at most 3650d"),
        (("feeds", "add", "http://127.0.0.1/x", "--interval", "99999999999d"), "at most 3650d"),
        (("feeds", "add", "http://127.0.0.1/x", "--interval", "1mo"), "months and years"),
        (("unsubscribe", "99999999999999999999999"), "no subscription #99999999999999999999999"),
        (("feeds", "remove", "99999999999999999999"), "no feed with URL or ID"),
        (("feeds", "enable", "99999999999999999999"), "no feed with URL or ID"),
        # empty filters would make a subscription that never fires
        (("subscribe", "console", "label:"), "label: needs a value"),
        (("subscribe", "console", "russia", "actor:"), "actor: needs a value"),
        (("summary", "(ministry)"), "brackets do not group terms"),
        # impossible chats
        (("subscribe", "telegram:@"), "is not a chat"),
        (("subscribe", "telegram:abc"), "is not a chat"),
        (("subscribe", "telegram:@ab"), "is not a chat"),
        # usage mistakes too: one line, exit 1
        (("unsubscribe", "abc"), "invalid int value"),
        (("feeds",), "required"),
        (("summary", "--bogus"), "unrecognized arguments"),
    ],
)
def test_mistakes_get_one_clear_line(cw: Run, args: tuple[str, ...], fragment: str) -> None:
    result = cw(*args)
    assert result.returncode == 1
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_closed_pipe_is_not_a_traceback(env: dict[str, str], tmp_path: Path) -> None:
    """`claimwatch summary | head -1`: the reader is gone before we write."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [CLAIMWATCH, "summary"],
            env=env,
            cwd=tmp_path,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    assert "BrokenPipe" not in result.stderr


def test_a_subscription_to_a_real_chat_is_made(cw: Run) -> None:
    for chat in ("telegram:@newsroom", "telegram:-1001234567890", "telegram:12345"):
        result = cw("subscribe", chat, "label:denial")
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("Subscribed #")


def test_bad_setting_names_the_setting(cw: Run) -> None:
    result = cw("feeds", "list", extra_env={"POLL_INTERVAL": "soon"})
    assert result.returncode == 1
    assert result.stderr.startswith("claimwatch: error: POLL_INTERVAL: ")
    assert "Traceback" not in result.stderr
    huge = cw("feeds", "list", extra_env={"POLL_MAX_INTERVAL": "99999999d"})
    assert huge.returncode == 1
    assert huge.stderr.startswith("claimwatch: error: POLL_MAX_INTERVAL: a duration must be")
    assert len(huge.stderr.strip().splitlines()) == 1


def test_feed_settings_survive_export_and_import(cw: Run, tmp_path: Path) -> None:
    added = cw(
        "feeds", "add", "HTTP://Feeds.Example/a.xml#top", "--interval", "10M", "--no-articles"
    )
    assert added.stdout == "Added: http://feeds.example/a.xml\n"
    again = cw("feeds", "add", "http://feeds.example:80/a.xml")
    assert again.stdout.startswith("Already monitored")
    out = tmp_path / "out.opml"
    out.write_text(cw("feeds", "export").stdout)
    other = {"DATABASE_URL": f"sqlite:///{tmp_path / 'other.db'}"}
    assert "Imported 1 new feeds" in cw("feeds", "import", str(out), extra_env=other).stdout
    exported = cw("feeds", "export", extra_env=other).stdout
    assert 'claimwatchInterval="600" claimwatchArticles="false"' in exported


def test_unreachable_database_is_one_line(cw: Run) -> None:
    result = cw("feeds", "list", extra_env={"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"})
    assert result.returncode == 1
    assert "cannot reach the database" in result.stderr
    assert "Traceback" not in result.stderr


def test_opml_import_and_export_round_trip(cw: Run, tmp_path: Path) -> None:
    outlines = "".join(
        f'<outline type="rss" text="Feed {i}" xmlUrl="https://feeds.example/{i}.xml"/>'
        for i in range(450)
    )
    opml = tmp_path / "big.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head/><body>'
        f'<outline text="Folder">{outlines}</outline>'
        '<outline text="bad" xmlUrl="javascript:alert(1)"/>'
        '<outline text="dup" xmlUrl="https://feeds.example/1.xml"/>'
        "</body></opml>"
    )
    result = cw("feeds", "import", str(opml))
    assert result.returncode == 0, result.stderr
    assert "Imported 450 new feeds (0 already monitored)" in result.stdout
    assert "skipped javascript:alert(1)" in result.stdout
    assert "Importing feeds: 200/450" in result.stderr
    assert "Importing feeds: 450/450" in result.stderr
    assert result.stderr.endswith("450/450\n")  # the progress line is ended

    again = cw("feeds", "import", str(opml))
    assert "Imported 0 new feeds (450 already monitored)" in again.stdout

    exported = cw("feeds", "export").stdout
    assert exported.count("<outline ") == 450
    assert 'title="Feed 7"' in exported
    out = tmp_path / "out.opml"
    out.write_text(exported)
    env_db = tmp_path / "other.db"
    reimported = cw("feeds", "import", str(out), extra_env={"DATABASE_URL": f"sqlite:///{env_db}"})
    assert "Imported 450 new feeds" in reimported.stdout


def test_not_opml_is_refused(cw: Run, tmp_path: Path) -> None:
    for content, fragment in ((b"<rss/>", "not OPML"), (b"<<<", "not valid XML")):
        path = tmp_path / "x.opml"
        path.write_bytes(content)
        result = cw("feeds", "import", str(path))
        assert result.returncode == 1 and fragment in result.stderr


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_run_polls_until_signalled_then_stops_cleanly(
    env: dict[str, str], tmp_path: Path, feed_server: FeedServer, sig: signal.Signals
) -> None:
    url = feed_server.add("/feed.xml", body=rss("Ministry rejects accusations"))
    subprocess.run([CLAIMWATCH, "feeds", "add", url], env=env, cwd=tmp_path, check=True)
    process = subprocess.Popen(
        [CLAIMWATCH, "run"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while feed_server.hits("/feed.xml") == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert feed_server.hits("/feed.xml") >= 1
        time.sleep(1)
        process.send_signal(sig)
        _out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "Ministry rejects accusations" in err
    assert "claimwatch stopped" in err
    assert "Traceback" not in err
    # the default feeds were not added: the user already had one
    listed = subprocess.run(
        [CLAIMWATCH, "feeds", "list"], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert len(listed.stdout.strip().splitlines()) == 2


def test_default_feeds_are_seeded_once(cw: Run, env: dict[str, str]) -> None:
    assert "No feeds yet" in cw("feeds", "list").stdout  # managing feeds does not seed
    database = Database.open(env["DATABASE_URL"])
    try:
        now = datetime.now(UTC)
        added = seed_default_feeds(database, now=now)
        assert added == len(default_feeds()) >= 15
        assert all(f.url.startswith("https://") for f in default_feeds())
        for feed in list_feeds(database):
            remove_feed(database, str(feed.id))
        assert seed_default_feeds(database, now=now) == 0  # removed feeds stay removed
    finally:
        database.dispose()


async def test_a_database_that_goes_away_skips_the_tick(caplog: pytest.LogCaptureFixture) -> None:
    settings = load_settings(env_file=None, database_url="postgresql://nobody@127.0.0.1:1/none")
    database = Database(create_db_engine(settings.database_url))
    try:
        runner = Runner(database, settings)
        await runner.tick()  # one line in the log, nothing raised
        assert any("poll skipped: database error" in r.getMessage() for r in caplog.records)
        with pytest.raises(StorageError, match="database error"):
            await runner.poller.poll()
    finally:
        database.dispose()


def test_the_poll_summary_counts_every_new_item_and_lists_the_first_few() -> None:
    from bot.report import MAX_LISTED_ITEMS, poll_summary

    listed = [("Feed", f"Story {i}") for i in range(MAX_LISTED_ITEMS)]
    common = {"feeds": 3, "failed": [], "unchanged": 1, "modified": 0, "seconds": 1.0}
    text = poll_summary(new_titles=listed, new_items=MAX_LISTED_ITEMS + 7, **common)  # type: ignore[arg-type]
    assert f"{MAX_LISTED_ITEMS + 7} new items" in text
    assert text.count("  + [Feed]") == MAX_LISTED_ITEMS
    assert text.endswith("  … and 7 more")
    # without the count, the titles given are all there is
    assert poll_summary(new_titles=listed[:1], **common).count("1 new item,") == 1  # type: ignore[arg-type]
