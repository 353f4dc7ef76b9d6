"""Operators' commands: `flask --app app <command>` (listed in the README)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from dashboard.services import services


def register_cli(app: Flask) -> None:
    db = AppGroup("db", help="Database schema (Alembic migrations).")

    @db.command("upgrade")
    @click.argument("revision", default="head")
    def db_upgrade(revision):
        """Apply migrations up to REVISION (default: the latest)."""
        import logging

        logging.getLogger("alembic").setLevel(logging.WARNING)  # a line per plugin and step drowned the start-up log
        from data_access.migrate import upgrade

        upgrade(services().settings.database_url, revision)
        click.echo(f"database at {revision}")

    @db.command("downgrade")
    @click.argument("revision")
    def db_downgrade(revision):
        """Revert migrations down to REVISION."""
        from data_access.migrate import downgrade

        downgrade(services().settings.database_url, revision)

    @db.command("revision")
    @click.option("-m", "--message", required=True)
    def db_revision(message):
        """Create a migration from model changes (developers)."""
        from data_access.migrate import new_revision

        new_revision(services().settings.database_url, message)

    app.cli.add_command(db)

    @app.cli.command("seed")
    @click.option("--samples/--no-samples", default=False, help="Also load the sample posts and bus routes (contoh).")
    @click.option(
        "--reset-reference",
        is_flag=True,
        help="Put agencies, categories (SLA policy) and samples back to the files' values, undoing admins' edits.",
    )
    def seed(samples, reset_reference):
        """Add missing reference data (agencies, categories, kecamatan, kelurahan); keeps admins' edits."""
        from data_access.reference import load_reference, load_samples

        if reset_reference:
            click.confirm("Overwrite agencies and categories edited in the admin pages with the files' values?", abort=True)
        with services().Session.begin() as s:
            counts = load_reference(s, reset=reset_reference)
            if samples:
                counts |= load_samples(s, reset=reset_reference)
        click.echo("added or changed: " + ", ".join(f"{k}: {v}" for k, v in counts.items()))

    @app.cli.command("create-demo-users")
    @click.option("--reset", is_flag=True, help="Give every demo account a new password (printed and kept again).")
    def create_demo_users_cmd(reset):
        """Demo accounts (one per role) with random passwords, kept in var/demo-accounts.txt; never in production."""
        from datetime import UTC, datetime

        from data_access.users import create_demo_users
        from simulator.accounts import accounts_path, format_accounts, read_accounts, write_accounts

        svc = services()
        accounts_file = accounts_path(svc.settings.demo_accounts_file)
        if svc.settings.production:
            raise click.ClickException("production mode: demo users are not created (use `flask --app app create-user`)")
        now = datetime.now(UTC)
        with svc.Session.begin() as s:
            created = create_demo_users(s, now=now, reset=reset)
        if not created:
            kept = f"their passwords are in {accounts_file}" if read_accounts(accounts_file) else "new passwords: --reset"
            click.echo(f"demo users already exist ({kept})")
            return
        if not reset:  # accounts added to an existing set: keep the others' lines
            known = {u for u, _, _ in created}
            created = [a for a in read_accounts(accounts_file) if a[0] not in known] + created
        path = write_accounts(created, now=now, path=accounts_file)
        click.echo(f"demo accounts (role, username, password), kept in {path}:")
        for line in format_accounts(created):
            click.echo(line)

    @app.cli.command("demo-ready")
    @click.option(
        "--timeout", "timeout_s", default=180.0, show_default=True, help="Seconds to wait for the web app and a worker."
    )
    def demo_ready(timeout_s):
        """Wait until the web app answers and a worker consumes, print the URLs and demo accounts, then idle (Procfile)."""
        import os
        import signal
        import threading

        from data_access.worker_status import read_heartbeats
        from domain.worker_state import WorkerState
        from settings import Settings
        from simulator.accounts import accounts_path
        from simulator.ready import ready_block, wait_for, web_answers

        svc = services()
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        base = f"http://127.0.0.1:{os.environ.get('BCC_PORT', '8050')}"

        def worker_ready() -> bool:
            try:
                return any(h.state == WorkerState.READY for h in read_heartbeats(svc.redis, svc.keys))
            except Exception:  # noqa: BLE001 - Redis not up yet: keep waiting
                return False

        web_ok = wait_for(lambda: web_answers(f"{base}/masuk"), timeout_s=timeout_s, stop=stop) is not None
        worker_ok = wait_for(worker_ready, timeout_s=timeout_s, stop=stop) is not None
        notes = ["web answers" if web_ok else "web NOT answering", "worker consuming" if worker_ok else "worker NOT ready"]
        demo_token = not svc.settings.production and svc.settings.wall_token == Settings.wall_token
        click.echo(
            ready_block(
                base,
                svc.settings.wall_token if demo_token else None,
                production=svc.settings.production,
                accounts_file=accounts_path(svc.settings.demo_accounts_file),
                lines=notes,
            )
        )
        stop.wait()

    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--role", required=True, type=click.Choice(["operator", "supervisor", "agency", "mayor", "admin"]))
    @click.option("--name", "display_name", required=True)
    @click.option("--agency", "agency_code", default=None, help="Agency code, for role agency.")
    @click.password_option()
    def create_user_cmd(username, role, display_name, agency_code, password):
        """Create a user (asks for the password twice)."""
        from datetime import UTC, datetime

        from data_access.users import UserError, create_user

        try:
            with services().Session.begin() as s:
                create_user(
                    s,
                    username=username,
                    password=password,
                    role=role,
                    display_name=display_name,
                    now=datetime.now(UTC),
                    agency_code=agency_code,
                )
        except UserError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"user {username} ({role}) created")

    @app.cli.command("import-posts")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_posts(path):
        """Import responder posts from CSV (code,name,kind,agency_code,lat,lon,phone,is_sample)."""
        from data_access.reference import ReferenceImportError, import_posts_csv

        try:
            with services().Session.begin() as s:
                n = import_posts_csv(s, path=path)
        except ReferenceImportError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"{n} posts imported")

    @app.cli.command("import-routes")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_routes(path):
        """Import bus routes from GeoJSON (LineStrings with route_id, name, color)."""
        from data_access.reference import ReferenceImportError, import_routes_geojson

        try:
            with services().Session.begin() as s:
                n = import_routes_geojson(s, path=path)
        except ReferenceImportError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"{n} routes imported")

    @app.cli.command("worker")
    def worker():
        """Run the ingest worker (several may run side by side; they share the consumer group)."""
        from ingest.worker import run_worker

        run_worker(services().settings)

    @app.cli.command("live-relay")
    @click.option("--replicas", default=1, show_default=True, help="Relay processes to run and restart (one leads).")
    def live_relay(replicas):
        """Push change events to every open screen; several relays elect one leader (docs/wall.md)."""
        from live.relay import run_relay, run_relays

        if replicas > 1:
            run_relays(services().settings, replicas)
        else:
            run_relay(services().settings)

    @app.cli.command("simulate")
    @click.option("--rate", default=6.0, show_default=True, help="Complaints per minute at the busiest hour (WIB).")
    @click.option("--seed", default=1, show_default=True, help="Random seed (same seed, same traffic).")
    @click.option("--chaos", is_flag=True, help="Also send malformed entries and late or repeated GPS fixes.")
    @click.option("--buses-per-route", default=3, show_default=True)
    @click.option("--duration", type=float, default=None, help="Seconds to run (default: until stopped).")
    @click.option("--act", is_flag=True, help="Also play demo operators and agencies who answer items (actors named demo:…).")
    @click.option(
        "--history",
        "history_days",
        type=click.IntRange(0, 730),
        default=0,
        help="First fill this many past days (once per database), so /laporan shows trends; --duration 0 stops there.",
    )
    def simulate(rate, seed, chaos, buses_per_route, duration, act, history_days):
        """Demo feed into the three live streams."""
        import signal
        import threading
        from datetime import UTC, datetime

        from data_access.reference import bus_routes
        from simulator.feed import DemoFeed
        from simulator.runner import run_feed

        svc = services()
        if history_days:
            from simulator.history import fill_history

            done = fill_history(svc.Session, days=history_days, now=datetime.now(UTC), seed=seed)
            if done.skipped:
                click.echo("demo history: already there (kept as it is)")
            else:
                click.echo(
                    f"demo history: {history_days} days, {done.complaints} complaints, "
                    f"{done.status_changes} status changes, {done.emergencies} panic presses"
                )
        if duration == 0:
            return
        with svc.Session() as s:
            routes = bus_routes(s)
        if not routes:
            click.echo("no bus routes in the database: buses are not simulated (flask seed --samples loads sample routes)")
        feed = DemoFeed(seed=seed, complaints_per_min=rate, buses_per_route=buses_per_route, chaos=chaos, routes=routes)
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        click.echo(f"demo feed: {rate}/min complaints at peak, {len(feed.buses)} buses, chaos={'on' if chaos else 'off'}")
        operators = None
        if act:
            from simulator.operators import DemoOperators

            operators = DemoOperators(svc.Session, svc.redis, svc.keys, seed=seed)
        counts = run_feed(svc.redis, svc.keys, feed, duration_s=duration, stop=stop, operators=operators)
        click.echo(json.dumps(counts))

    @app.cli.command("stream-health")
    def stream_health():
        """Print each stream's last entry, processed, dead-lettered, backlog and pending counts."""
        from data_access.streams import read_stream_health

        svc = services()
        for h in read_stream_health(svc.redis, svc.keys, svc.settings.consumer_group):
            click.echo(
                f"{h.stream:12} length={h.length} last={h.last_entry_at} processed={h.processed} "
                f"deadlettered={h.deadlettered} duplicates={h.duplicates} "
                f"lag={'>=' if h.lag_at_least else ''}{h.lag} pending={h.pending}"
            )

    deadletter = AppGroup("deadletter", help="Entries that broke the stream contract.")

    @deadletter.command("list")
    @click.option("--count", default=20, show_default=True)
    def deadletter_list(count):
        """Show the newest dead-lettered entries with their reasons."""
        svc = services()
        for eid, f in svc.redis.xrevrange(svc.keys.deadletter, count=count):
            f = {k.decode(): v.decode() for k, v in f.items()}
            click.echo(f"{eid.decode()}  {f.get('stream')} {f.get('entry_id')}: {f.get('reason')}")

    @deadletter.command("requeue")
    @click.argument("ids", nargs=-1, required=True)
    def deadletter_requeue(ids):
        """Append dead-lettered entries (by dead-letter id) to their stream again, e.g. after fixing reference data."""
        svc = services()
        for dl_id in ids:
            found = svc.redis.xrange(svc.keys.deadletter, min=dl_id, max=dl_id)
            if not found:
                raise click.ClickException(f"no dead-letter entry {dl_id}")
            f = {k.decode(): v.decode() for k, v in found[0][1].items()}
            fields = json.loads(f["fields"])
            if not fields:
                raise click.ClickException(f"{dl_id}: the original entry had no fields to requeue")
            new_id = svc.redis.xadd(f["stream"], fields)
            click.echo(f"{dl_id} → {f['stream']} {new_id.decode()}")

    app.cli.add_command(deadletter)
    register_retention_cli(app)


def register_retention_cli(app: Flask) -> None:
    """`retention run`, `backup`, `restore` (docs/operations.md)."""
    retention = AppGroup("retention", help="Position history and personal data kept only as long as the policy says.")

    @retention.command("run")
    def retention_run():
        """Create partitions ahead, drop and thin old positions, erase old personal data; prints what it did."""
        from data_access.retention import RetentionPolicy, run_retention

        svc = services()
        policy = RetentionPolicy.from_settings(svc.settings)
        click.echo(
            f"policy: full detail {policy.detail_days} days, kept {policy.keep_days} days, "
            f"personal data {policy.personal_data_days} days after closing"
        )
        for line in run_retention(svc.Session, policy).lines():
            click.echo(line)

    app.cli.add_command(retention)

    @app.cli.command("backup")
    @click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
    def backup_cmd(path):
        """Back up the database to PATH (default var/backups/bcc-<UTC time>.sqlite3 or .dump)."""
        from data_access.backup import BackupError, backup, default_backup_path
        from settings import PROJECT_DIR

        url = services().settings.database_url
        target = path or default_backup_path(url, PROJECT_DIR / "var" / "backups")
        try:
            written = backup(url, target)
        except BackupError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"backup written: {written} ({written.stat().st_size:,} bytes)")

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--yes", is_flag=True, help="Do not ask first.")
    def restore_cmd(path, yes):
        """Replace the database's contents with the backup at PATH (stop the web and the worker first)."""
        from data_access.backup import BackupError, restore

        url = services().settings.database_url
        if not yes:
            click.confirm(f"Replace everything in the database with {path}?", abort=True)
        try:
            restore(url, path)
        except BackupError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"restored from {path}; run `flask --app app db upgrade` if the backup is older than this version")
