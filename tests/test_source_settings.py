"""The settings that tell an inbound prospect from a cold one and say where they came from."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from funnel_tui.settings import (
    SettingError,
    Settings,
    is_inbound,
    parse_setting,
    read_settings,
    save_settings,
    setting_text,
    source_phrase,
)
from funnel_tui.store.sqlite import Storage, open_storage
from funnel_tui.ui.app import FunnelApp
from tests.app_support import settle, shown_text
from tests.cli_support import invoke, one_line_error

# PRODUCT 6 and the spec, written out so the tests do not trust the code.
DEFAULT_INBOUND = (
    "webinar, website, website form, demo request, download, referral, trade show, event,"
    " inbound, inbound call, contact form, chat, LinkedIn ad, web, phone inquiry, partner referral,"
    " organic search, paid search, direct traffic, referrals, employee referral,"
    " external referral, social media, paid social, email marketing"
)


@pytest.fixture
def book(tmp_path: Path) -> Storage:
    return open_storage(tmp_path / "book.db")


def test_the_defaults_count_a_webinar_as_inbound_and_a_cold_list_as_cold() -> None:
    settings = Settings()
    assert setting_text(settings, "inbound_sources") == DEFAULT_INBOUND
    assert is_inbound(settings, "Webinar")
    assert is_inbound(settings, "  linkedin   AD ")
    # HubSpot's Original Source: a visitor who came from a post, an ad or an email.
    for hubspot in ("SOCIAL_MEDIA", "PAID_SOCIAL", "EMAIL_MARKETING"):
        assert is_inbound(settings, hubspot), hubspot
    assert not is_inbound(settings, "OFFLINE")
    # Salesforce's own Lead Source values: a web lead had the cold opener.
    assert is_inbound(settings, "Web")
    assert is_inbound(settings, "Partner Referral")
    assert source_phrase(settings, "Web") == "our website"
    # And HubSpot's, as its exports write its own values.
    assert is_inbound(settings, "ORGANIC_SEARCH")
    assert source_phrase(settings, "DIRECT_TRAFFIC") == "our website"
    assert not is_inbound(settings, "cold list")
    assert not is_inbound(settings, None)
    assert not is_inbound(settings, "")


def test_the_default_phrases_say_where_an_inbound_prospect_came_from() -> None:
    settings = Settings()
    assert source_phrase(settings, "webinar") == "our webinar"
    assert source_phrase(settings, "Website Form") == "the form on our website"
    assert source_phrase(settings, "referral") == "a referral"
    assert source_phrase(settings, "trade show") == "the trade show"
    assert source_phrase(settings, "LinkedIn ad") == "our LinkedIn ad"
    # Every inbound source has a phrase; a cold list and an unknown source have none.
    assert all(source_phrase(settings, source) for source in settings.inbound_sources)
    assert source_phrase(settings, "cold list") is None
    assert source_phrase(settings, "bought list") is None
    assert source_phrase(settings, None) is None


def test_both_settings_are_saved_and_read_back_as_typed(book: Storage) -> None:
    save_settings(
        book.db,
        {
            "inbound_sources": "Webinar,  partner portal ,webinar,",
            "source_phrases": "webinar = our Tuesday webinar ;partner portal=our partner portal;",
        },
    )
    settings, problems = read_settings(book.db)
    assert problems == []
    assert settings.inbound_sources == ("Webinar", "partner portal")
    assert is_inbound(settings, "PARTNER PORTAL")
    assert not is_inbound(settings, "referral")
    assert source_phrase(settings, "Partner Portal") == "our partner portal"
    assert source_phrase(settings, "referral") is None
    assert setting_text(settings, "source_phrases") == (
        "webinar=our Tuesday webinar; partner portal=our partner portal"
    )


def test_no_inbound_sources_and_no_phrases_are_allowed(book: Storage) -> None:
    save_settings(book.db, {"inbound_sources": "", "source_phrases": " ; "})
    settings = read_settings(book.db)[0]
    assert (settings.inbound_sources, settings.source_phrases) == ((), ())
    assert not is_inbound(settings, "webinar")


@pytest.mark.parametrize(
    ("key", "text", "reason"),
    [
        ("inbound_sources", "webinar, Cold List", "a cold list is never inbound"),
        ("source_phrases", "webinar", "'webinar' is not source=phrase; separate the pairs with ;"),
        ("source_phrases", "webinar=", "'webinar=' is not source=phrase"),
        ("source_phrases", "=our webinar", "'=our webinar' is not source=phrase"),
        ("source_phrases", "cold list=your details", "a cold list gets no phrase"),
        ("source_phrases", "webinar=our {webinar}", "the phrase for webinar cannot hold { or }"),
        ("source_phrases", "webinar=a; Webinar=b", "Webinar has two phrases; give it one"),
    ],
)
def test_a_value_that_cannot_be_used_is_refused_with_the_reason(
    key: str, text: str, reason: str
) -> None:
    with pytest.raises(SettingError) as refused:
        parse_setting(key, text)
    assert reason in str(refused.value)


def test_config_set_refuses_a_bad_phrase_list_and_keeps_the_old_one(book: Storage) -> None:
    result = invoke("config", "set", "source_phrases", "webinar our webinar", "--db", book.path)
    assert result.exit_code == 1
    assert "is not source=phrase" in one_line_error(result.stderr)
    assert read_settings(book.db)[0].source_phrases == Settings().source_phrases


def test_config_set_and_get_the_inbound_sources(book: Storage) -> None:
    result = invoke("config", "set", "inbound_sources", "webinar,chat", "--db", book.path)
    assert result.exit_code == 0, result.output
    assert result.output == "inbound_sources = webinar, chat\n"
    assert invoke("config", "get", "inbound_sources", "--db", book.path).output == (
        "webinar, chat\n"
    )


def test_a_phrase_list_another_tool_broke_falls_back_to_the_defaults(book: Storage) -> None:
    conn = sqlite3.connect(book.path, isolation_level=None)
    conn.execute("INSERT INTO settings (key, value) VALUES ('source_phrases', 'webinar')")
    conn.close()
    settings, [problem] = read_settings(book.db)
    assert settings.source_phrases == Settings().source_phrases
    assert problem.startswith("setting source_phrases = 'webinar' cannot be used (")


async def test_the_settings_screen_shows_saves_and_refuses_the_source_settings(
    demo_app: FunnelApp,
) -> None:
    db = demo_app.storage.db
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        screen = demo_app.screen
        inbound = screen.query_one("#setting-inbound_sources", Input)
        phrases = screen.query_one("#setting-source_phrases", Input)
        assert inbound.value == DEFAULT_INBOUND
        assert phrases.value.startswith("webinar=our webinar; website=our website; ")
        phrases.value = "webinar our webinar"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_app.screen is screen
        error = shown_text(screen.query_one("#setting-error-source_phrases", Static))
        assert "is not source=phrase" in error
        inbound.value = "webinar, partner portal"
        phrases.value = "webinar=our webinar; partner portal=our partner portal"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert demo_app.screen is not screen
    settings = read_settings(db)[0]
    assert settings.inbound_sources == ("webinar", "partner portal")
    assert source_phrase(settings, "partner portal") == "our partner portal"
