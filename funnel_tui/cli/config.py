"""`funnel config` and `funnel profile`: the book's settings and the product profile."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from funnel_tui.cli.book import db_option, group_db_option, open_db
from funnel_tui.cli.errors import UserError
from funnel_tui.cli.params import VALUES_MAY_START_WITH_DASH
from funnel_tui.paths import config_dir, default_db_path, env_db_path
from funnel_tui.profile import load_profile
from funnel_tui.settings import (
    KEYS,
    SettingError,
    is_demo_book,
    is_team_book,
    load_settings,
    save_setting,
    setting_text,
    where_kept,
)
from funnel_tui.text import clean_text, one_line


@click.group()
@group_db_option
def config() -> None:
    """Settings stored in the database (currency, rep name, business days, cadence...); in a
    team's database your own (name, dialing, email account) are kept in your config file."""


def _where(db: Any, key: str) -> str:
    """Where a team's book keeps a setting, to say after its value ("" in a SQLite file)."""
    from funnel_tui.reps import config_path

    where = where_kept(db, key)
    if where == "yours":
        return f"  (yours, in {config_path()})"
    return "  (the team's, in the database)" if where == "the team's" else ""


@config.command("list")
@db_option
def config_list(db_path: Path | None) -> None:
    """Every setting with its value; in a team's database, yours first, then the team's."""
    from funnel_tui.reps import config_path

    db = open_db(db_path, read_only=True).db
    settings = load_settings(db)
    if not is_team_book(db):
        for key in KEYS:
            click.echo(f"{key} = {setting_text(settings, key)}")
        return
    for heading, whose in (
        (f"# Yours (config file {config_path()}):", "yours"),
        ("# The team's (in the database, shared by every rep):", "the team's"),
    ):
        click.echo(heading)
        for key in KEYS:
            if where_kept(db, key) == whose:
                click.echo(f"{key} = {setting_text(settings, key)}")


@config.command("get")
@db_option
@click.argument("key")
def config_get(db_path: Path | None, key: str) -> None:
    """One setting's value."""
    if key not in KEYS:
        raise UserError(f"unknown setting {key!r}; known: {', '.join(KEYS)}")
    click.echo(setting_text(load_settings(open_db(db_path, read_only=True).db), key))


@config.command("set", context_settings=VALUES_MAY_START_WITH_DASH)
@db_option
@click.argument("key")
@click.argument("value")
def config_set(db_path: Path | None, key: str, value: str) -> None:
    """Change a setting (checked before it is stored); in a team's database your own go
    to your config file, the team's to the database."""
    db = open_db(db_path).db
    try:
        save_setting(db, key, value)
    except SettingError as error:
        raise UserError(f"{key}: {error}") from None
    click.echo(f"{key} = {setting_text(load_settings(db), key)}{_where(db, key)}")


@click.command("profile")
@db_option
def profile_command(db_path: Path | None) -> None:
    """Print and check the product profile the scripts talk about (profile.toml)."""
    from funnel_tui.profile import (
        EXAMPLE_PROFILE,
        describe_profile,
        profile_path,
    )

    path = profile_path(config_dir())
    profile, problems = load_profile(config_dir(), demo_book=_is_demo_book(db_path))
    if problems:
        for problem in problems:
            click.echo(f"funnel: {one_line(str(problem))}", err=True)
        click.echo("funnel: the scripts use no product profile until the file is fixed", err=True)
        click.get_current_context().exit(1)
    if profile is None:
        click.echo(
            f"No product profile: the scripts ask questions instead of making claims.\n"
            f"Create {path} to give them your product, for example:\n"
        )
        click.echo(EXAMPLE_PROFILE, nl=False)
        return
    if profile.is_demo:
        click.echo(f"The demo profile (a {path} of your own replaces it)")
    else:
        click.echo(f"Profile: {path}")
    click.echo(clean_text("\n".join(describe_profile(profile))))


def _is_demo_book(db_path: Path | None) -> bool:
    """Whether the book is a demo; no book yet (the default file is missing) is none."""
    if db_path is None and env_db_path() is None and not default_db_path().exists():
        return False
    return is_demo_book(open_db(db_path, read_only=True).db)
