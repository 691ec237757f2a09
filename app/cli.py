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
    app.cli.add_command(purge_command)


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
    from app.services import accounts

    codes = list(academies)
    for region in regions:
        if region not in REGIONS:
            raise click.BadParameter(f"unknown région {region!r}; known: {', '.join(sorted(REGIONS))}")
        codes.extend(REGIONS[region])
    if role == "organizer" and not codes:
        raise click.UsageError("an organizer needs at least one --academie or --region")
    try:
        user = accounts.create_user(
            email=email, full_name=full_name, role=UserRole(role), password=password, academies=codes
        )
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email}")


@click.command("seed-demo")
@click.option("--seed", default=2026, show_default=True, help="Random seed, for reproducible data.")
@click.option("--reset/--no-reset", default=False, help="Delete existing data first.")
def seed_demo_command(seed, reset):
    """Load realistic French demo data (schools, role models, requests, events)."""
    from app.services import demo

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
    from app.services import retention

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
