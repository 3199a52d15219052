"""Escape typed right before enter, `/` or a digit reaches the app as escape, then that key
(escape_keys, fast_escape)."""

from __future__ import annotations

import pytest
from textual import events
from textual.drivers import linux_driver

from funnel_tui.ui.app import FunnelApp
from funnel_tui.ui.escape_keys import EscapeKeepingParser, keep_escapes
from funnel_tui.ui.help_screen import HelpScreen
from funnel_tui.ui.main_screen import MainScreen
from funnel_tui.ui.timeline_screen import TimelineScreen
from tests.app_support import settle


def keys_read(text: str) -> list[str]:
    parser = EscapeKeepingParser(debug=False)
    return [event.key for event in [*parser.feed(text), *parser.feed("")]]


@pytest.mark.parametrize(
    ("typed", "keys"),
    [
        # Textual's own parser reads this as enter alone: the escape is lost. Read as alt
        # and the key, the app splits it into the two keys (fast_escape).
        ("\x1b\r", ["alt+enter"]),
        ("ab\x1b\rc", ["a", "b", "alt+enter", "c"]),
        # Textual reads these as `/` alone, `?` alone, `¡` and ctrl+right.
        ("\x1b/ben", ["alt+slash", "b", "e", "n"]),
        ("\x1b?", ["alt+question_mark"]),
        ("\x1b[", ["alt+left_square_bracket"]),
        ("\x1b1", ["alt+1"]),
        ("\x1b-", ["alt+minus"]),
        ("\x1bf", ["alt+f"]),
        ("\x1bb", ["alt+b"]),
        # Everything else as Textual reads it.
        ("\r", ["enter"]),
        ("\x1b", ["escape"]),
        ("\x1bx", ["alt+x"]),
        ("\x1b[A", ["up"]),
        ("\x1b\x7f", ["ctrl+w"]),
    ],
)
def test_escape_before_a_key_with_a_name_of_its_own_is_a_key_of_its_own(
    typed: str, keys: list[str]
) -> None:
    assert keys_read(typed) == keys


def read(chunks: list[str]) -> list[object]:
    """What the parser makes of the chunks the terminal sends: keys by name, a paste as
    ("paste", its text)."""
    parser = EscapeKeepingParser(debug=False)
    read: list[object] = []
    for chunk in [*chunks, ""]:
        for event in parser.feed(chunk):
            if isinstance(event, events.Paste):
                read.append(("paste", event.text))
            elif isinstance(event, events.Key):
                read.append(event.key)
    return read


# Pasted between the terminal's paste markers: a colour, its reset, and a link.
COLOURED = (
    "\x1b[200~abc \x1b[31mRED\x1b[0m \x1b]8;;https://x.example\x07link\x1b]8;;\x07 def]\x1b[201~"
)


def test_a_paste_with_escape_sequences_is_one_paste_of_its_text() -> None:
    """Textual's parser read each escape sequence in a paste as keys typed, sent before
    the paste: a note stored `^[31mRED^[0m def]abc`."""
    assert read([COLOURED]) == [("paste", "abc RED link def]")]


@pytest.mark.parametrize("cut", range(1, len(COLOURED)))
def test_a_paste_cut_anywhere_between_reads_is_read_the_same(cut: int) -> None:
    assert read([COLOURED[:cut], COLOURED[cut:]]) == [("paste", "abc RED link def]")]


@pytest.mark.parametrize("first", range(1, len(COLOURED) - 1))
def test_a_paste_cut_in_three_reads_is_read_the_same(first: int) -> None:
    """Every second cut after the first: a read that holds nothing but the start of an
    escape sequence passed Textual's parser an empty text, which it takes for the end of
    input, and the next read crashed the app."""
    for second in range(first + 1, len(COLOURED)):
        chunks = [COLOURED[:first], COLOURED[first:second], COLOURED[second:]]
        assert read(chunks) == [("paste", "abc RED link def]")], chunks


def test_a_long_paste_read_a_few_kilobytes_at_a_time_is_one_paste() -> None:
    """As the terminal driver reads it; an escape early on holds back only itself."""
    pasted = "\x1b[1mSubject\x1b[0m \x1b" + "x" * 10_000
    sent = f"\x1b[200~{pasted}\x1b[201~"
    chunks = [sent[start : start + 4096] for start in range(0, len(sent), 4096)]
    assert read(chunks) == [("paste", "Subject " + "x" * 10_000)]


def test_a_paste_loses_a_character_sets_choice_and_a_device_control_string() -> None:
    """`tput sgr0` ends coloured text with `ESC ( B`, which left `(B` in a note."""
    sent = "\x1b[200~Call back Monday\x1b(B\x1b[m end \x1bP1$r0m\x1b\\done\x1b[201~"
    assert read([sent]) == [("paste", "Call back Monday end done")]
    for cut in range(1, len(sent)):
        assert read([sent[:cut], sent[cut:]]) == [("paste", "Call back Monday end done")]


def test_a_long_link_reads_the_same_wherever_a_read_cuts_it() -> None:
    """Read whole, a link of 300 characters went; cut in its middle, its text stayed."""
    link = "https://t.example/c?u=" + "a" * 300
    sent = f"\x1b[200~see \x1b]8;;{link}\x1b\\link\x1b]8;;\x1b\\ ok\x1b[201~"
    for cut in (10, 100, 280, 320):
        assert read([sent[:cut], sent[cut:]]) == [("paste", "see link ok")], cut


def test_keys_around_a_paste_and_an_escape_after_it_are_keys() -> None:
    assert read(["x\x1b[200~a\x1bb\x1b[201~y", "\x1b"]) == ["x", ("paste", "ab"), "y", "escape"]


@pytest.mark.parametrize(
    ("chunks", "pasted"),
    [
        # The paste's own end marker, then keys: they logged a voicemail.
        (["\x1b[200~samuel\x1b[201~\rlv\r\x1b[201~"], "samuel\rlv\r"),
        # Made to look like two pastes with keys between.
        (["\x1b[200~samuel\x1b[201~\rlv\r\x1b[200~more\x1b[201~"], "samuel\rlv\rmore"),
        # The second one going on in the next read.
        (["\x1b[200~a\x1b[201~\rlv\r\x1b[200~b", "c\x1b[201~"], "a\rlv\rbc"),
    ],
)
def test_keys_a_paste_carries_after_its_own_end_marker_are_its_text(
    chunks: list[str], pasted: str
) -> None:
    """tmux passes a paste's text as it is, the terminal's end-of-paste marker included:
    what followed it in the same read acted as keys typed."""
    assert read(chunks) == [("paste", pasted)]


def test_the_terminal_driver_reads_keys_with_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(linux_driver, "XTermParser", linux_driver.XTermParser)
    keep_escapes()
    assert linux_driver.XTermParser is EscapeKeepingParser


def type_as_the_terminal_sends(app: FunnelApp, text: str) -> None:
    """Post the keys the terminal driver's parser reads from `text`, as the driver does."""
    parser = EscapeKeepingParser(debug=False)
    for event in [*parser.feed(text), *parser.feed("")]:
        app.post_message(event)


async def test_escape_and_slash_typed_fast_close_the_timeline_and_filter(
    demo_app: FunnelApp,
) -> None:
    """`escape /ben` typed fast in the timeline: Textual's parser read `/` alone, so the
    timeline stayed open and the name went to it."""
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(demo_app.screen, TimelineScreen)
        type_as_the_terminal_sends(demo_app, "\x1b/ben")
        await settle(pilot)
        assert isinstance(demo_app.screen, MainScreen)
        assert demo_app.screen.filter_text == "ben"


async def test_escape_and_f_typed_fast_clear_the_filter_then_change_the_view(
    demo_app: FunnelApp,
) -> None:
    """Textual read `escape f` typed fast as ctrl+right, which did nothing in the list."""
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("slash", *"ann", "enter")
        await settle(pilot)
        type_as_the_terminal_sends(demo_app, "\x1bf")
        await settle(pilot)
        assert screen.filter_text == ""
        assert screen.queue.row_count == demo_app.storage.db["prospects"].count


async def test_option_and_an_arrow_move_by_a_word_in_a_text_field(demo_app: FunnelApp) -> None:
    """A terminal that sends option and left as `escape b` moves by a word in a field, as
    Textual reads it, rather than close what the field is in."""
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("slash", *"ann acme")
        type_as_the_terminal_sends(demo_app, "\x1bbx")
        await settle(pilot)
        assert screen.filter_text == "ann xacme"


async def test_escape_and_question_mark_typed_fast_clear_the_filter_then_show_the_keys(
    demo_app: FunnelApp,
) -> None:
    """Textual read `escape ?` typed fast as `?` alone; read as the two keys, `?` (a key
    that acts at once, wherever the focus is) opened the help before the escape reached
    the list, and neither acted."""
    async with demo_app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = demo_app.screen
        assert isinstance(screen, MainScreen)
        await pilot.press("slash", *"ben", "enter")
        await settle(pilot)
        type_as_the_terminal_sends(demo_app, "\x1b?")
        await settle(pilot)
        assert screen.filter_text == ""
        assert isinstance(demo_app.screen, HelpScreen)
