"""Command line: ``python -m bot [run|migrate|demo-data|import-orders|refund-status|link-token]``.

Operator mistakes end with one line naming the problem and its fix, and exit
status 2 (configuration) or 1 (a failed run); never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import timedelta
from pathlib import Path

from sqlalchemy.exc import DBAPIError, OperationalError

from bot.config import ConfigError, Settings, load_settings, operator_locale
from bot.demo import load_demo
from bot.importer import import_orders as run_import
from bot.refund_import import FileNotTextError, check_file, import_refund_statuses
from domain.calendar import CalendarFileError, CalendarOverrides, WorkdayCalendar
from domain.policy import ShopRules
from domain.ports import SystemClock
from domain.shopper import issue_link_token
from handlers.i18n import Translations, Translator
from storage.db import SessionFactory, create_engine, create_session_factory, describe_database
from storage.migrate import current_revision, upgrade
from storage.uow import SqlUnitOfWorkFactory

EXIT_CONFIG = 2
EXIT_FAILED = 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Order-cancel customer-service bot for a digital-goods shop.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="run the bot with long polling (the default)")
    commands.add_parser("migrate", help="create or upgrade the database schema")
    demo = commands.add_parser("demo-data", help="load a demo shop (safe to run twice)")
    demo.add_argument(
        "--bind",
        type=int,
        metavar="TELEGRAM_USER_ID",
        help="link the demo customer DEMO-C0001 to this Telegram user",
    )
    imp = commands.add_parser("import-orders", help="import or update orders from JSON Lines")
    imp.add_argument("file", type=Path, metavar="FILE")
    refunds = commands.add_parser(
        "refund-status",
        help="apply the payment provider's refund reconciliation export (JSON Lines)",
    )
    refunds.add_argument("file", type=Path, metavar="FILE")
    link = commands.add_parser(
        "link-token", help="print a one-time t.me link that links a customer's Telegram account"
    )
    link.add_argument("customer_code", metavar="CUSTOMER_CODE")
    outbox = commands.add_parser(
        "outbox", help="list notifications given up after a day of retries, or re-queue them"
    )
    again = outbox.add_mutually_exclusive_group()
    again.add_argument(
        "--requeue", type=int, nargs="+", metavar="ID", help="send these dead rows again"
    )
    again.add_argument("--requeue-all", action="store_true", help="send every dead row again")
    return parser


# Each operator mistake has its own exit path and message; a chain of returns says so plainly.
def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "run"
    t = Translations(operator_locale()).get(operator_locale())
    try:
        settings = load_settings()
        t = Translations(settings.default_locale).get(settings.default_locale)
        logging.basicConfig(
            level=settings.log_level,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        # Migration chatter is noise on every start; problems still show as warnings.
        logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.root.level))
        # With BOT_USERNAME known, a link is printed without asking Telegram at all.
        offline_link = command == "link-token" and settings.bot_username is not None
        if command in TELEGRAM_COMMANDS and not offline_link:
            settings.require_token()
        return asyncio.run(COMMANDS[command](settings, args, t))
    except ConfigError as error:
        value = f"={error.value}" if error.value else ""
        print(
            t("config-error", key=error.key, value=value, problem=t(error.problem)),
            file=sys.stderr,
        )
        return EXIT_CONFIG
    except CalendarFileError as error:
        problem = t("config-calendar-file", problem=str(error))
        print(t("config-error", key="CALENDAR_FILE", value="", problem=problem), file=sys.stderr)
        return EXIT_CONFIG
    except ImportError as error:
        # Only an optional database driver can be missing from a working install.
        problem = t("config-postgres-driver") if "asyncpg" in str(error) else str(error)
        print(t("config-error", key="DATABASE_URL", value="", problem=problem), file=sys.stderr)
        return EXIT_CONFIG
    except (OperationalError, DBAPIError, OSError) as error:
        url = describe_database(settings.database_url)
        problem = str(getattr(error, "orig", None) or error).splitlines()[0]
        print(t("database-error", url=url, problem=problem), file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(t("interrupted"), file=sys.stderr)
        return 130


async def run(settings: Settings, _args: argparse.Namespace, t: Translator) -> int:
    # Telegram's client library takes seconds to import; only the commands that talk to
    # Telegram pay for it, so --help, migrate, imports and config errors answer at once.
    from bot.app import Runtime  # noqa: PLC0415

    if settings.calendar_file is not None:
        CalendarOverrides.load(settings.calendar_file)  # a bad file fails before any network
    runtime = Runtime(settings)

    async def serve() -> int:
        username = await runtime.prepare()
        database = describe_database(settings.database_url)
        print(t("bot-started", username=username, database=database), file=sys.stderr)
        await runtime.poll()
        print(t("bot-stopped"), file=sys.stderr)
        return 0

    try:
        return await telegram_call(serve, settings, t)
    finally:
        await runtime.close()


async def telegram_call(
    action: Callable[[], Awaitable[int]], settings: Settings, t: Translator
) -> int:
    """Run ``action``; a Telegram failure becomes one line without the token, and an exit code."""
    from aiogram.exceptions import (  # noqa: PLC0415
        ClientDecodeError,
        TelegramAPIError,
        TelegramNetworkError,
        TelegramUnauthorizedError,
    )
    from aiohttp import ClientError  # noqa: PLC0415

    url = settings.telegram_api_url or "https://api.telegram.org"
    try:
        return await action()
    except TelegramUnauthorizedError:
        print(t("telegram-unauthorized"), file=sys.stderr)
        return EXIT_CONFIG
    except (TelegramNetworkError, ClientError) as error:
        problem = _redact(str(error), settings)
        print(t("telegram-unreachable", url=url, problem=problem), file=sys.stderr)
        return EXIT_FAILED
    except (TelegramAPIError, ClientDecodeError) as error:
        problem = _redact(str(error), settings).splitlines()[0][:200]
        print(t("telegram-api-error", url=url, problem=problem), file=sys.stderr)
        return EXIT_FAILED


def _redact(text: str, settings: Settings) -> str:
    """Error texts from the HTTP layer quote request URLs, and every URL carries the token."""
    token = settings.bot_token.get_secret_value() if settings.bot_token else ""
    return text.replace(token, "<BOT_TOKEN>") if token else text


async def migrate(settings: Settings, _args: argparse.Namespace, t: Translator) -> int:
    engine = create_engine(settings.database_url, synchronous=settings.sqlite_synchronous)
    try:
        await upgrade(engine)
        print(t("migrate-done", revision=await current_revision(engine) or "-"))
    finally:
        await engine.dispose()
    return 0


@contextlib.asynccontextmanager
async def shop_database(settings: Settings) -> AsyncIterator[SessionFactory]:
    """The shop's database, migrated, for one command; disposed of afterwards."""
    engine = create_engine(settings.database_url, synchronous=settings.sqlite_synchronous)
    try:
        await upgrade(engine)
        yield create_session_factory(engine)
    finally:
        await engine.dispose()


async def demo_data(settings: Settings, args: argparse.Namespace, t: Translator) -> int:
    async with shop_database(settings) as sessions:
        report = await load_demo(sessions, clock=SystemClock(), bind=args.bind)
    print(
        t(
            "demo-done",
            customers=report.customers,
            products=report.products,
            orders=report.orders,
        )
    )
    if report.bound is not None:
        bound = report.bound
        print(t("demo-bound", name=bound.name, code=bound.code, telegram_id=str(args.bind)))
    else:
        print(t("demo-hint"))
    return 0


def _rules(settings: Settings) -> ShopRules:
    """The shop's rules; a bad calendar file stops the command before any write."""
    # Not bot.factory.create_rules: that module imports Telegram's client library (seconds).
    overrides = CalendarOverrides.load(settings.calendar_file) if settings.calendar_file else None
    return ShopRules(
        calendar=WorkdayCalendar(overrides),
        tz=settings.tz,
        restore_window=timedelta(minutes=settings.restore_window_minutes),
    )


async def import_orders(settings: Settings, args: argparse.Namespace, t: Translator) -> int:
    if not args.file.is_file():
        print(t("import-file-missing", path=str(args.file)), file=sys.stderr)
        return EXIT_FAILED
    rules = _rules(settings)
    async with shop_database(settings) as sessions:
        try:
            report = await run_import(
                sessions, args.file, clock=SystemClock(), rules=rules, t=t, err=sys.stderr
            )
        except (PermissionError, IsADirectoryError, UnicodeDecodeError) as error:
            problem = getattr(error, "strerror", None) or type(error).__name__
            print(
                t("import-file-unreadable", path=str(args.file), problem=problem), file=sys.stderr
            )
            return EXIT_FAILED
    print(
        t(
            "import-summary",
            total=report.total,
            created=report.created,
            updated=report.updated,
            failed=report.failed,
        )
    )
    return EXIT_FAILED if report.failed else 0


async def refund_status(settings: Settings, args: argparse.Namespace, t: Translator) -> int:
    path: Path = args.file
    # The file is checked before the database is touched: a typo in the path migrates nothing.
    if problem := _unreadable_export(path, t):
        print(problem, file=sys.stderr)
        return EXIT_CONFIG
    rules = _rules(settings)
    async with shop_database(settings) as sessions:
        report = await import_refund_statuses(
            sessions, path, clock=SystemClock(), rules=rules, t=t, err=sys.stderr
        )
    print(
        t(
            "refund-import-summary",
            file=path.name,
            total=report.total,
            changed=report.changed,
            unchanged=report.unchanged,
            skipped=report.skipped,
            bad=report.bad,
        )
    )
    return 0 if report.ok else EXIT_FAILED


def _unreadable_export(path: Path, t: Translator) -> str | None:
    """One line saying why ``path`` cannot be imported, or None when it can."""
    try:
        check_file(path)
    except FileNotFoundError:
        return t("refund-import-file-missing", path=str(path))
    except IsADirectoryError:
        return t("refund-import-file-is-dir", path=str(path))
    except FileNotTextError:
        return t("refund-import-file-binary", path=str(path))
    except OSError as error:
        problem = error.strerror or type(error).__name__
        return t("refund-import-file-unreadable", path=str(path), problem=problem)
    return None


async def link_token(settings: Settings, args: argparse.Namespace, t: Translator) -> int:
    username = settings.bot_username
    if username is None:
        found = await _ask_username(settings, t)
        if isinstance(found, int):
            return found
        username = found
    ttl = timedelta(hours=settings.link_token_ttl_hours)
    now = SystemClock().now()
    async with shop_database(settings) as sessions, SqlUnitOfWorkFactory(sessions)() as uow:
        issued = await issue_link_token(uow, args.customer_code.strip(), now, ttl)
    if issued is None:
        print(t("link-cli-unknown-customer", code=args.customer_code), file=sys.stderr)
        return EXIT_FAILED
    customer, token = issued
    expires = (now + ttl).astimezone(settings.tz)
    print(
        t(
            "link-cli-issued",
            name=customer.name,
            code=customer.code,
            expires=f"{expires:%Y-%m-%d %H:%M}",
            timezone=settings.timezone,
        )
    )
    print(f"https://t.me/{username}?start={token}")
    return 0


async def outbox(settings: Settings, args: argparse.Namespace, t: Translator) -> int:
    """The dead rows, oldest first; or put them back in the queue for the running bot."""
    ids: list[int] | None = args.requeue
    async with shop_database(settings) as sessions, SqlUnitOfWorkFactory(sessions)() as uow:
        if ids is not None or args.requeue_all:
            count = await uow.outbox.requeue(ids)
            await uow.commit()
            print(t("outbox-requeued", count=count))
            if ids is not None and count < len(set(ids)):
                missing = len(set(ids)) - count
                print(t("outbox-requeue-missing", missing=missing), file=sys.stderr)
                return EXIT_FAILED
            return 0
        dead = await uow.outbox.dead()
        total = await uow.outbox.dead_count()
    if not dead:
        print(t("outbox-none"))
        return 0
    for row in dead:
        print(
            t(
                "outbox-line",
                id=row.id,
                kind=row.kind,
                audience=row.audience,
                attempts=row.attempts,
                created=f"{row.created_at.astimezone(settings.tz):%Y-%m-%d %H:%M}",
                error=(row.last_error or "").splitlines()[0] if row.last_error else "-",
            )
        )
    print(t("outbox-summary", shown=len(dead), total=total))
    return 0


async def _ask_username(settings: Settings, t: Translator) -> str | int:
    """The bot's username from Telegram, or the exit code of why it could not be had."""
    from bot.factory import create_bot  # noqa: PLC0415 - see run()

    bot = create_bot(settings)
    username = ""

    async def ask() -> int:
        nonlocal username
        # Asking before issuing means a bad token or an unreachable Telegram leaves no
        # unused token behind.
        username = (await bot.get_me()).username or ""
        return 0

    try:
        if code := await telegram_call(ask, settings, t):
            return code
    finally:
        await bot.session.close()
    return username


TELEGRAM_COMMANDS = ("run", "link-token")
COMMANDS = {
    "run": run,
    "migrate": migrate,
    "demo-data": demo_data,
    "import-orders": import_orders,
    "refund-status": refund_status,
    "link-token": link_token,
    "outbox": outbox,
}

if __name__ == "__main__":
    sys.exit(main())
