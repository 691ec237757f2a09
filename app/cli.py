"""Flask commands (`flask --app wsgi <command>`)."""

from __future__ import annotations

import logging

import click
from flask import Flask

from app.extensions import db
from app.models import UserRole


def init_app(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(scheduler_command)
    app.cli.add_command(sync_calendars_command)
    app.cli.add_command(purge_command)
    app.cli.add_command(plan_command)
    app.cli.add_command(feeds_changed_command)
    app.cli.add_command(confirm_scheduled_contacts_command)
    app.cli.add_command(receive_mail_command)


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.option("--role", type=click.Choice(["admin", "organizer"]), default="organizer", show_default=True)
@click.option("--academie", "academies", multiple=True, help="Académie code (repeatable), e.g. lyon.")
@click.option("--region", "regions", multiple=True, help="Région académique (repeatable): adds its académies.")
@click.password_option()
def create_user_command(email, full_name, role, academies, regions, password):
    """Create an admin or an organizer scoped to académies or régions."""
    from app.reference.academies import REGIONS
    from app.services.accounts import users

    codes = list(academies)
    for region in regions:
        if region not in REGIONS:
            raise click.BadParameter(f"unknown région {region!r}; known: {', '.join(sorted(REGIONS))}")
        codes.extend(REGIONS[region])
    if role == "organizer" and not codes:
        raise click.UsageError("an organizer needs at least one --academie or --region")
    try:
        user = users.create_user(
            email=email, full_name=full_name, role=UserRole(role), password=password, academies=codes
        )
    except users.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email}")


@click.command("seed-demo")
@click.option("--seed", default=2026, show_default=True, help="Random seed, for reproducible data.")
@click.option("--reset/--no-reset", default=False, help="Delete existing data first.")
def seed_demo_command(seed, reset):
    """Load realistic French demo data (schools, role models, requests, events)."""
    from app.demo import seed as demo

    if not reset and demo.already_seeded():
        click.echo("Demo data already present (use --reset to start over).")
        return
    if reset:
        demo.clear()
    summary = demo.seed(seed=seed)
    db.session.commit()
    for name, count in summary.items():
        click.echo(f"{name:>16}: {count}")


@click.command("scheduler")
def scheduler_command():
    """Run the scheduled jobs in this process (one per deployment; others stand by)."""
    from flask import current_app

    from app import jobs

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    jobs.serve_forever(current_app._get_current_object())


@click.command("purge")
@click.option("--years", type=int, default=None, help="Retention in years (default: RETENTION_YEARS, 3).")
@click.option("--dry-run", is_flag=True, help="Count what would be erased; erase nothing.")
def purge_command(years, dry_run):
    """Erase school requests and contacts past the retention period."""
    from app.services.operations import retention

    try:
        report = retention.purge(years=years, dry_run=dry_run)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--years") from exc
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    verb = "would erase" if dry_run else "erased"
    click.echo(f"Retention cutoff {report.cutoff:%Y-%m-%d}: {verb}")
    for name in ("requests", "contacts", "feed_tokens", "audit_entries", "emails"):
        click.echo(f"{name:>16}: {getattr(report, name)}")


@click.command("plan")
@click.option("--from", "start", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), help="First day (Paris).")
@click.option("--to", "end", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), help="Last day, included.")
@click.option("--academie", "academies", multiple=True, help="Only this académie (repeatable), e.g. lyon.")
@click.option("--show", default=20, show_default=True, help="How many events still short to list.")
def plan_command(start, end, academies, show):
    """Propose role models for every open event of a period (proposals only, no invitation)."""
    import time

    from app import labels
    from app.reference.academies import ACADEMIES
    from app.services.pairing import proposals

    unknown = sorted(set(academies) - set(ACADEMIES))
    if unknown:
        raise click.BadParameter(f"unknown académie {', '.join(unknown)}; known: {', '.join(sorted(ACADEMIES))}",
                                 param_hint="--academie")
    if end < start:
        raise click.BadParameter("the period ends before it starts", param_hint="--to")
    started = time.perf_counter()
    bar = None

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal bar
        elapsed = f"[{time.perf_counter() - started:6.1f} s]"
        if stage == "write":
            if bar is None:
                bar = click.progressbar(length=total, label=f"{elapsed} writing proposals")
                bar.__enter__()
            bar.update(done - bar.pos)
            if done >= total:
                bar.__exit__(None, None, None)
        elif stage == "events":
            click.echo(f"{elapsed} {total} open event(s) in the period")
        elif stage == "candidates":
            click.echo(f"{elapsed} candidates built for {total} event(s) with seats to fill")
        elif stage == "solve":
            click.echo(f"{elapsed} {'solving…' if done == 0 else 'solved'}")

    summary = proposals.plan_period(start.date(), end.date(), academies=academies, progress=progress)
    db.session.commit()
    click.echo(f"Period {start:%Y-%m-%d} to {end:%Y-%m-%d}: {summary.events} open event(s), "
               f"{summary.already_full} already with every seat taken or proposed")
    click.echo(f"Seats to fill: {summary.seats_missing}; proposals written: {summary.seats_proposed}"
               + (f" (solver: {summary.status}, {summary.method})" if summary.method else ""))
    unfilled = summary.unfilled
    click.echo(f"Events still short: {len(unfilled)}")
    for code, count in summary.reason_counts.most_common():
        click.echo(f"  {count:6d}  {code} — {labels.label(labels.MATCH_GAPS, code)}")
    for outcome in unfilled[:show]:
        click.echo(f"  event {outcome.event_id}: {outcome.seats_left} seat(s) empty — {', '.join(outcome.reasons)}")
    click.echo("Timings: " + ", ".join(f"{k} {v:.2f} s" for k, v in summary.timings.items()))


@click.command("sync-calendars")
@click.option("--all", "include_all", is_flag=True, help="Sync every connected calendar, not only those due.")
def sync_calendars_command(include_all):
    """Fetch role models' own calendars now (the same sync as the scheduled job)."""
    from app.services.role_models import calendar_sync

    ids = calendar_sync.due_calendar_ids(include_all=include_all)
    db.session.commit()
    counts = {"synced": 0, "not_modified": 0, "failed": 0, "skipped": 0}
    with click.progressbar(ids, label=f"{len(ids)} calendar(s)") as bar:
        for calendar_id in bar:
            counts[calendar_sync.sync_committed(calendar_id, force=include_all)] += 1
    click.echo(", ".join(f"{name}: {count}" for name, count in counts.items()))


@click.command("feeds-changed")
def feeds_changed_command():
    """Tell feeds that data changed outside the app (SQL by hand, a data migration): every feed
    is rendered again at its next poll, and on PostgreSQL every web worker forgets the token
    lookups it kept (a token revoked by hand stops being served)."""
    from app.feeds import cache

    cache.note_change()
    db.session.commit()
    click.echo("Feeds will be rendered again from the current data.")


@click.command("confirm-scheduled-contacts")
@click.option("--dry-run", is_flag=True, help="Count the contacts; confirm nobody.")
def confirm_scheduled_contacts_command(dry_run):
    """Once, on upgrade: confirm the contacts of requests organizers already scheduled."""
    from app.services.requests import contacts

    count = contacts.confirm_scheduled_contacts(dry_run=dry_run)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    click.echo(f"{'would confirm' if dry_run else 'confirmed'} {count} contact(s)")


@click.command("receive-mail")
def receive_mail_command():
    """Process one email on standard input as a calendar answer (for an MTA pipe).

    Exits 0 whatever became of the answer (refused, forged, unreadable: an MTA would bounce a
    non-zero exit back to the sender); 75 (EX_TEMPFAIL: the MTA keeps the message and tries
    again later) only when it could not be processed at all, e.g. the database is down."""
    import sys

    from app import transactions
    from app.services.pairing import calendar_replies

    raw = sys.stdin.buffer.read()
    try:
        received = transactions.unit_of_work(calendar_replies.receive, raw, source="pipe")
    except Exception as exc:
        db.session.rollback()
        logging.getLogger(__name__).exception("receive-mail failed")
        click.echo(f"internal error, try again later: {exc}", err=True)
        raise SystemExit(75) from exc
    click.echo(f"{received.outcome}: {received.detail}")
