"""The `claimwatch` command.

Start-up matters (`claimwatch --help` stays well under 0.5 s): this module imports only the
standard library at the top; each command imports what it uses.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.matching import MatchReport
    from bot.poller import PollReport
    from storage.db import Database

EXIT_OK = 0
EXIT_ERROR = 1  # every mistake, usage mistakes included: one line on stderr


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line (no usage block) and exit status 1, like
    every other mistake. Sub-command parsers are made of the same class."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _now() -> datetime:
    from bot.clock import utcnow

    return utcnow()


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="claimwatch",
        description="Watch news feeds for allegations and official denials.",
    )
    parser.add_argument(
        "--env-file", default=".env", help="settings file to read (default: .env, if present)"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser("run", help="poll on a schedule until Ctrl+C (the main job)")

    poll = commands.add_parser("poll", help="poll feeds once and print what is new")
    poll.add_argument("--once", action="store_true", required=True, help="poll once and exit")
    poll.add_argument("--all", action="store_true", help="poll every feed, due or not")

    feeds = commands.add_parser("feeds", help="manage the monitored feeds")
    feed_commands = feeds.add_subparsers(dest="feeds_command", required=True, metavar="ACTION")
    add = feed_commands.add_parser("add", help="add a feed URL")
    add.add_argument("url")
    add.add_argument("--interval", help="how often to poll it, e.g. 10m or 1h")
    add.add_argument(
        "--articles",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="read borderline short items in full from the article page (default: ARTICLE_FETCH)",
    )
    feed_commands.add_parser("list", help="the feeds and their health")
    remove = feed_commands.add_parser("remove", help="remove a feed by URL or ID")
    remove.add_argument("ref", metavar="URL|ID")
    enable = feed_commands.add_parser("enable", help="re-enable a disabled feed (URL or ID)")
    enable.add_argument("ref", metavar="URL|ID")
    imp = feed_commands.add_parser("import", help="add every feed of an OPML file")
    imp.add_argument("file", metavar="FILE.opml")
    feed_commands.add_parser("export", help="print the feeds as OPML")

    matcher = commands.add_parser(
        "match", help="run the matcher over JSON lines {id, title, text}, one result per line"
    )
    matcher.add_argument("--jsonl", required=True, metavar="IN", help="input file (- for stdin)")
    matcher.add_argument("--out", metavar="OUT", help="output file (default: stdout)")
    commands.add_parser("rematch", help="judge every stored item again (after an upgrade)")
    subscribe = commands.add_parser(
        "subscribe", help="alert a target (console, telegram:CHAT, slack:CHANNEL) on a query"
    )
    subscribe.add_argument(
        "target", help="console, telegram:@channel or telegram:CHAT_ID, slack:C…"
    )
    subscribe.add_argument("query", nargs="*", help="the query (no terms: everything flagged)")
    commands.add_parser("subscriptions", help="list subscriptions")
    unsubscribe = commands.add_parser("unsubscribe", help="remove a subscription by ID")
    unsubscribe.add_argument("id", type=int)
    summary = commands.add_parser(
        "summary", help="flagged articles of a period that match a query (the /summary command)"
    )
    summary.add_argument("--since", default="24h", help="how far back, e.g. 24h or 7d")
    summary.add_argument(
        "query", nargs="*", help='terms, "phrases", OR, -exclusions, label:, actor:, lang:, feed:'
    )
    evaluate = commands.add_parser(
        "eval", help="precision, recall and F1 of the matcher on a labelled JSON-lines file"
    )
    evaluate.add_argument("file", metavar="FILE.jsonl")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # Start-up builds a few hundred thousand objects that live as long as the process
    # (modules, classes, SQLAlchemy metadata); the cyclic collector, running
    # while they are built, only walks them again and again (about 0.1 s of a 1.5 s poll).
    # It stays off until the command has imported what it uses (_started).
    gc.disable()
    # httpx imports its own command-line client (click, rich and pygments: ~35 ms, a third
    # of httpx's import) whenever those happen to be installed, as spaCy's typer installs
    # them; claimwatch never runs it. A None entry makes that optional import fail fast.
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
    try:
        return _main(argv)
    finally:
        gc.enable()


# Container allocations between two young-generation collections (Python's default: 700).
# A poll allocates in bursts (a response, a parsed feed, a batch of rows) and makes little
# cyclic garbage: at 700 the collector ran ~80 times in a re-poll (~25 ms) and ~390 times in
# a 1,000-feed first ingest (~0.2 s of the main process); at 10,000, 2 and ~13 times (3 ms,
# ~75 ms), peak memory the same within 1 MB.
GC_GEN0_THRESHOLD = 10_000


def _started() -> None:
    """The command's modules are loaded: move what start-up built out of the collector's
    way for good (`gc.freeze`) and turn the collector back on, at a pace for bursts."""
    gc.freeze()
    gc.set_threshold(GC_GEN0_THRESHOLD, *gc.get_threshold()[1:])
    gc.enable()


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    from bot.errors import ClaimwatchError

    try:
        code = _dispatch(args)
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
        return code
    except ClaimwatchError as exc:
        print(f"claimwatch: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # `claimwatch summary | head -1`: the reader left. Say nothing more (as other Unix
        # tools do) and stop Python from complaining when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130


def _setup(args: argparse.Namespace) -> tuple[Settings, Database]:
    import logging

    from bot.config import load_settings
    from bot.redact import install_log_filter
    from storage.db import Database

    settings = load_settings(args.env_file)
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # Tokens and feed credentials never reach a log line, whichever library writes it.
    install_log_filter(settings.secret_values())
    for noisy in ("httpx", "httpcore", "apscheduler", "aiohttp", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return settings, Database.open(settings.resolved_database_url())


def _dispatch(args: argparse.Namespace) -> int:
    if args.command in ("match", "eval"):  # pure: no settings, no database
        from bot import matchcli

        _started()
        if args.command == "match":
            return matchcli.run_match(args.jsonl, args.out)
        return matchcli.run_eval(args.file)
    settings, db = _setup(args)
    if args.command != "poll":
        _started()  # `poll` imports its stages first
    try:
        if args.command == "run":
            return _run(settings, db)
        if args.command == "poll":
            return _poll(settings, db, include_not_due=args.all)
        if args.command == "rematch":
            return _rematch(settings, db)
        if args.command == "summary":
            return _summary(db, args.since, " ".join(args.query))
        if args.command in ("subscribe", "subscriptions", "unsubscribe"):
            from bot import subscribecli

            return subscribecli.run(args, db, _now())
        return _feeds(args, db)
    finally:
        db.dispose()


def _run(settings: Settings, db: Database) -> int:
    import asyncio
    import logging

    from bot.feeds import seed_default_feeds
    from bot.runner import Runner

    log = logging.getLogger("claimwatch")
    from bot.delivery import seed_console_subscription

    added = seed_default_feeds(db, now=_now())
    if added:
        log.info("first start: added %d default feeds (see `claimwatch feeds list`)", added)
    if seed_console_subscription(db, now=_now()):
        log.info(
            "first start: alerts for everything flagged are printed here (`claimwatch "
            "subscriptions` to change)"
        )

    def on_report(report: PollReport) -> None:
        if report.results:
            log.info("%s", describe_report(db, report).replace("\n", "\n    "))

    def on_matched(report: MatchReport) -> None:
        log.info("%s", describe_matches(db, report).replace("\n", "\n    "))

    def write_alert(text: str) -> None:
        print(text, flush=True)

    runner = Runner(
        db, settings, on_report=on_report, on_matched=on_matched, write_alert=write_alert
    )
    asyncio.run(runner.run())
    return EXIT_OK


def _poll(settings: Settings, db: Database, *, include_not_due: bool) -> int:
    import asyncio

    from bot.delivery import queue_alerts
    from bot.feeds import seed_default_feeds
    from bot.matching import judge_new
    from bot.poller import Poller

    _started()
    seed_default_feeds(db, now=_now())
    report = asyncio.run(Poller(db, settings).poll(include_not_due=include_not_due))
    print(describe_report(db, report))
    matched = asyncio.run(
        judge_new(db, settings, flagged_in_poll=report.flagged_in_poll, drain_roles=False)
    )
    print(describe_matches(db, report.with_verdicts(matched)))
    from datetime import timedelta

    window = timedelta(seconds=settings.new_item_window)
    queue_alerts(db, window=window)
    return EXIT_OK


def _summary(db: Database, since: str, text: str) -> int:
    from datetime import timedelta

    from bot.config import parse_duration
    from bot.delivery.summary import summarize
    from bot.errors import ConfigError
    from bot.query import parse
    from bot.report import MAX_LISTED_ITEMS, flagged_lines

    try:
        window = parse_duration(since)
    except ValueError as exc:
        raise ConfigError(f"--since: {exc}") from None
    query = parse(text)
    found = summarize(db, query, _now() - timedelta(seconds=window))
    chosen = found.items
    print(f"{len(chosen)} flagged in the last {since} matching {query.describe()}.")
    shown = chosen[:MAX_LISTED_ITEMS]
    for line in flagged_lines(shown, total=len(shown) + found.more(len(shown))):
        print(line)
    return EXIT_OK


def _rematch(settings: Settings, db: Database) -> int:
    from bot.matching import rematch

    def progress(done: int) -> None:
        print(f"\rJudged {done} items", end="", file=sys.stderr, flush=True)

    report = rematch(db, workers=settings.parse_workers, progress=progress)
    if report.matched:
        print(file=sys.stderr)
    print(describe_matches(db, report))
    return EXIT_OK


def describe_matches(db: Database, report: MatchReport) -> str:
    from bot.report import MAX_LISTED_ITEMS, flagged_lines
    from storage.matches import MatchRepository

    with db.connection() as connection:
        items = MatchRepository(connection).flagged(report.flagged_item_ids[:MAX_LISTED_ITEMS])
    read = f" ({report.articles_read} read in full)" if report.articles_read else ""
    head = (
        f"Matched {report.matched} items{read}: {report.allegations} allegations, "
        f"{report.denials} denials ({report.official_denials} official)."
    )
    return "\n".join([head, *flagged_lines(items, total=len(report.flagged_item_ids))])


def describe_report(db: Database, report: PollReport) -> str:
    from bot.report import MAX_LISTED_ITEMS, poll_summary
    from storage.feeds import FeedRepository
    from storage.items import ItemRepository

    pairs = [(r, item_id) for r in report.results for item_id in r.ingest.new_item_ids]
    listed = pairs[:MAX_LISTED_ITEMS]  # those listed (a first ingest has 30,000)
    new_titles: list[tuple[str, str]] = []
    if listed:  # a re-poll of 304s lists nothing: no titles to read
        with db.connection() as connection:
            feed_titles = FeedRepository(connection).titles(
                [result.update.new_url or result.url for result, _i in listed]
            )
            item_titles = ItemRepository(connection).titles([i for _r, i in listed])
        new_titles = [
            (
                feed_titles.get(result.update.new_url or result.url) or result.url,
                item_titles.get(item_id, ""),
            )
            for result, item_id in listed
        ]
    return poll_summary(
        feeds=len(report.results),
        failed=[(r.url, r.update.error or "failed") for r in report.failed],
        unchanged=report.unchanged,
        new_titles=new_titles,
        new_items=len(pairs),
        modified=len(report.modified_item_ids),
        seconds=report.seconds,
        next_polls={r.url: r.update.next_poll_at for r in report.failed},
        now=_now(),
    )


def _feeds(args: argparse.Namespace, db: Database) -> int:
    from bot import feeds as service
    from bot.report import feeds_table

    action = args.feeds_command
    if action == "add":
        interval = None
        if args.interval:
            from bot.config import parse_duration
            from bot.errors import ConfigError

            try:
                interval = parse_duration(args.interval)
            except ValueError as exc:
                raise ConfigError(f"--interval: {exc}") from None
        from bot.urls import normalize_feed_url

        created = service.add_feed(
            db, args.url, now=_now(), interval=interval, fetch_articles=args.articles
        )
        print(f"{'Added' if created else 'Already monitored'}: {normalize_feed_url(args.url)}")
        return EXIT_OK
    if action == "list":
        print(feeds_table(service.list_feeds(db), _now()))
        return EXIT_OK
    if action == "remove":
        return _done("Removed", service.remove_feed(db, args.ref), args.ref)
    if action == "enable":
        return _done("Enabled", service.enable_feed(db, args.ref, now=_now()), args.ref)
    if action == "import":
        return _import(args.file, db)
    sys.stdout.write(service.export_opml(db, now=_now()))
    return EXIT_OK


def _done(verb: str, url: str | None, ref: str) -> int:
    if url is None:
        print(f"claimwatch: error: no feed with URL or ID {ref!r}", file=sys.stderr)
        return EXIT_ERROR
    print(f"{verb}: {url}")
    return EXIT_OK


def _import(path: str, db: Database) -> int:
    from bot import feeds as service
    from bot.errors import OPMLError

    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise OPMLError(f"cannot read {path}: {exc.strerror or exc}") from None

    shown = [False]  # whether a progress line is open (not yet ended by a newline)

    def progress(done: int, total: int) -> None:
        print(f"\rImporting feeds: {done}/{total}", end="", file=sys.stderr, flush=True)
        shown[0] = True

    try:
        report = service.import_opml(db, data, now=_now(), progress=progress)
    finally:
        if shown[0]:  # ended however the import ends, so nothing is printed after it
            print(file=sys.stderr, flush=True)
    print(f"Imported {report.added} new feeds ({report.already_known} already monitored).")
    for url, reason in report.invalid[:20]:
        print(f"  skipped {url}: {reason}")
    if len(report.invalid) > 20:
        print(f"  … and {len(report.invalid) - 20} more skipped")
    return EXIT_OK
