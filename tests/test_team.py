"""A team's book (PRODUCT 16) on both backends: the reps, who owns which prospect, the
pool, claims on pool prospects (no prospect called by two reps at once), `funnel next`
handing each rep their own, and `funnel assign`."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from funnel_tui import cli as cli_module
from funnel_tui.call_log import CallOutcome, OutcomeInvalid, SeenOnCard, log_call
from funnel_tui.claims import (
    LEASE,
    claim_first,
    claim_head,
    claim_to_call,
    claims_now,
    holder,
    release,
    try_claim,
)
from funnel_tui.cli.book import open_db
from funnel_tui.domain import Outcome
from funnel_tui.next_prospect import next_prospect
from funnel_tui.ownership import assign, owner_of, take_on_connect
from funnel_tui.prospects import add_prospect
from funnel_tui.queue import QueueMode, fetch_rows, place_elsewhere, read_order
from funnel_tui.reps import (
    REP_ENV,
    RepError,
    add_rep,
    list_reps,
    own_rep_name,
    remove_rep,
    require_rep,
)
from funnel_tui.settings import Settings
from funnel_tui.store import open_team_book
from funnel_tui.store.postgres import application_name
from funnel_tui.store.sqlite import write_transaction
from tests.cli_support import invoke, one_line_error, patch_commands
from tests.postgres_server import PostgresServer
from tests.rows import insert_row

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 18, 14, 30, tzinfo=LONDON)
SETTINGS = Settings()


def lead(db: Any, name: str, owner: str | None = None, priority: int = 1) -> int:
    """A new lead never called, in today's queue: created earlier, most recent first."""
    return insert_row(
        db,
        "prospects",
        {
            "name": name,
            "owner": owner,
            "priority": priority,
            "created_at": "2026-11-01T09:00:00+00:00",
            "updated_at": "2026-11-01T09:00:00+00:00",
        },
    )


def team(db: Any, *names: str) -> None:
    with write_transaction(db):
        for name in names:
            add_rep(db, name)


def todays(db: Any, rep: str | None) -> list[int]:
    order = read_order(db, now=NOW, mode=QueueMode.TODAY, text="", settings=SETTINGS, rep=rep)
    return list(order.ids)


# --- reps ----------------------------------------------------------------------------------


def test_reps_are_added_once_whatever_the_case_and_listed_with_their_prospects(
    book_db: Any,
) -> None:
    assert add_rep(book_db, "Alex") == ("Alex", True)
    assert add_rep(book_db, " alex ") == ("Alex", False)
    add_rep(book_db, "Blake")
    lead(book_db, "Ann", owner="Alex")
    lead(book_db, "Bob")
    assert [(rep.name, rep.prospects) for rep in list_reps(book_db)] == [("Alex", 1), ("Blake", 0)]


def test_removing_a_rep_puts_their_prospects_back_in_the_pool_and_keeps_their_calls(
    book_db: Any,
) -> None:
    team(book_db, "alex")
    ann = lead(book_db, "Ann", owner="alex")
    insert_row(book_db, "calls", {"prospect_id": ann, "outcome": "voicemail", "rep": "alex"})
    assert remove_rep(book_db, "ALEX") == ("alex", 1)
    assert book_db.execute("SELECT owner FROM prospects").fetchone() == (None,)
    assert book_db.execute("SELECT rep FROM calls").fetchone() == ("alex",)
    with pytest.raises(RepError, match="funnel rep add nobody"):
        remove_rep(book_db, "nobody")


def test_a_name_typed_with_accents_composed_or_not_in_any_case_is_one_rep(book_db: Any) -> None:
    assert add_rep(book_db, "Zo\u00eb") == ("Zo\u00eb", True)
    # "ZOË" with a combining diaeresis, as macOS and some keyboards send it.
    assert add_rep(book_db, "ZOE\u0308") == ("Zo\u00eb", False)
    assert add_rep(book_db, "zo\u00eb") == ("Zo\u00eb", False)
    assert require_rep(book_db, "ZO\u00cb") == "Zo\u00eb"
    # Stored composed, whatever form it was typed in.
    assert add_rep(book_db, "Rene\u0301") == ("Ren\u00e9", True)
    assert [rep.name for rep in list_reps(book_db)] == ["Ren\u00e9", "Zo\u00eb"]


def test_a_name_may_hold_an_emoji_joined_in_parts_but_no_hidden_joiner(book_db: Any) -> None:
    technologist = "\U0001f469\u200d\U0001f4bb"
    rainbow_flag = "\U0001f3f3\ufe0f\u200d\U0001f308"
    astronaut = "\U0001f468\U0001f3fd\u200d\U0001f680"
    for name in (f"Sam {technologist}", rainbow_flag, f"Kai {astronaut}"):
        assert add_rep(book_db, name) == (name, True)
    for hidden in ("al\u200dex", "\u200dalex", "alex\u200d", "\U0001f469\u200dalex"):
        with pytest.raises(RepError, match="plain text"):
            add_rep(book_db, hidden)


@pytest.mark.parametrize(
    "hidden",
    [
        pytest.param("al\u034fex", id="combining grapheme joiner"),
        pytest.param("\u3164alex", id="Hangul filler"),
        pytest.param("alex\u2800", id="braille blank"),
        pytest.param("\u2800", id="a blank alone"),
        pytest.param("alex\ufe0f", id="emoji presentation of a letter"),
        pytest.param("a\u200clex", id="a joiner between Latin letters"),
    ],
)
def test_a_name_holds_nothing_that_shows_as_nothing(book_db: Any, hidden: str) -> None:
    add_rep(book_db, "alex")
    with pytest.raises(RepError, match="plain text"):
        add_rep(book_db, hidden)


def test_a_name_written_with_joiners_in_its_own_script_is_a_name(book_db: Any) -> None:
    # Alireza in Persian, with a zero-width non-joiner; a Devanagari conjunct with a joiner.
    for name in ("\u0639\u0644\u06cc\u200c\u0631\u0636\u0627", "\u0915\u094d\u200d\u0937"):
        assert add_rep(book_db, name) == (name, True)


def test_spaces_in_a_name_are_one_space_as_the_report_shows_them(book_db: Any) -> None:
    assert add_rep(book_db, "  Ann   Lee ") == ("Ann Lee", True)
    assert add_rep(book_db, "ann\u00a0lee") == ("Ann Lee", False)


def test_turkish_dotted_and_dotless_i_fold_as_one_name(book_db: Any) -> None:
    assert add_rep(book_db, "\u0130smail") == ("\u0130smail", True)
    for spelling in ("ismail", "ISMAIL", "\u0130SMA\u0130L"):
        assert require_rep(book_db, spelling) == "\u0130smail"
    assert add_rep(book_db, "I\u015f\u0131k") == ("I\u015f\u0131k", True)
    assert add_rep(book_db, "I\u015eIK") == ("I\u015f\u0131k", False)


# A line break or a tab was taken as a space: `a<newline>b` became the rep `a b`.
@pytest.mark.parametrize("bad", ["", "   ", "a\x1b[31mb", "x" * 61, "a\nb", "a\tb", "alex\r"])
def test_a_rep_name_must_be_plain_short_text(book_db: Any, bad: str) -> None:
    with pytest.raises(RepError):
        add_rep(book_db, bad)


def test_an_unknown_rep_is_named_with_a_command_safe_to_paste(book_db: Any) -> None:
    """`FUNNEL_REP='eve; touch x'` was told `add them with: funnel rep add eve; touch x`,
    and the pool was offered `funnel rep add pool`, which is refused."""
    with pytest.raises(RepError) as unknown:
        require_rep(book_db, "eve; touch /tmp/x")
    assert str(unknown.value).endswith("add them with: funnel rep add 'eve; touch /tmp/x'")
    with pytest.raises(RepError) as pool:
        require_rep(book_db, "Pool")
    assert str(pool.value) == "'Pool' is no rep's name: it names the pool or the team"


def test_the_own_rep_name_comes_from_the_environment_else_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(REP_ENV, raising=False)
    assert own_rep_name(tmp_path) is None
    (tmp_path / "config.toml").write_text('rep = "Blake"\n')
    assert own_rep_name(tmp_path) == "Blake"
    monkeypatch.setenv(REP_ENV, " alex ")
    assert own_rep_name(tmp_path) == "alex"
    monkeypatch.delenv(REP_ENV)
    (tmp_path / "config.toml").write_text("rep = [\n")
    with pytest.raises(RepError, match="cannot read"):
        own_rep_name(tmp_path)


def test_a_team_connection_compiles_no_query_with_jit(postgres_url: str) -> None:
    """The report's queries are priced high enough for PostgreSQL's JIT, which would take
    a second to compile what runs in milliseconds."""
    storage = open_team_book(postgres_url)
    try:
        assert storage.db.execute("SHOW jit").fetchone() == ("off",)
    finally:
        storage.close()


def test_a_team_connection_prices_index_lookups_as_on_ssd_unless_the_server_sets_a_price(
    postgres_url: str,
) -> None:
    """With the stock price of a spinning disk's seek, a report scans a million prospects
    to join a month's deals; a price the administrator set for the database is kept."""
    import psycopg

    storage = open_team_book(postgres_url)
    try:
        assert storage.db.execute("SHOW random_page_cost").fetchone() == ("1.1",)
    finally:
        storage.close()
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        database = conn.info.dbname
        conn.execute(f'ALTER DATABASE "{database}" SET random_page_cost = 2.5')
    try:
        storage = open_team_book(postgres_url)
        try:
            assert storage.db.execute("SHOW random_page_cost").fetchone() == ("2.5",)
        finally:
            storage.close()
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{database}" RESET random_page_cost')


def test_a_role_that_may_not_read_the_servers_settings_still_connects(
    postgres_server: PostgresServer,
) -> None:
    """The price of an index lookup is read from pg_settings; a role an administrator kept
    from reading it connects at the server's price, as it did before."""
    import psycopg

    from funnel_tui.store.postgres import connect

    name = f"t_no_settings_{secrets.token_hex(3)}"
    postgres_server.create_database(name)
    try:
        postgres_server.run_sql("REVOKE SELECT ON pg_catalog.pg_settings FROM PUBLIC", name)
        with connect(postgres_server.password_url(name)) as conn:
            assert conn.execute("SHOW random_page_cost").fetchone() == ("4",)
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("SELECT 1 FROM pg_settings")
    finally:
        postgres_server.drop_database(name)


def connection_names(url: str, *pids: int) -> list[str]:
    """What pg_stat_activity calls the connections of these backends, as a DBA sees it."""
    import psycopg

    with psycopg.connect(url) as admin:
        rows = admin.execute(
            "SELECT application_name FROM pg_stat_activity WHERE pid = ANY(%s) ORDER BY pid",
            [list(pids)],
        )
        return [name for (name,) in rows]


@pytest.mark.parametrize(
    ("args", "name"),
    [(["rep", "list"], "funnel rep list (Jose)"), ([], "funnel app (Jose)")],
    ids=["a command", "the app"],
)
def test_a_team_connection_names_the_command_and_the_rep_to_the_server(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch, args: list[str], name: str
) -> None:
    """Whoever looks after the server sees in pg_stat_activity which command (or the app)
    holds a connection and whose it is, the rep's accent dropped as the server keeps ASCII."""
    monkeypatch.setenv(REP_ENV, "José")
    seen: list[str] = []

    def opened(url: str, *given: Any) -> Any:
        storage = open_team_book(url, *given)
        seen.extend(connection_names(url, storage.db.conn.info.backend_pid))
        return storage

    patch_commands(monkeypatch, "open_team_book", opened)
    patch_commands(monkeypatch, "run_app", lambda storage: None)
    result = invoke("--db", postgres_url, *args)
    assert result.exit_code == 0, result.output
    assert seen == [name]


@pytest.mark.parametrize(
    ("rep", "name"),
    [
        ("日本", "funnel app (\\u65e5\\u672c)"),
        ("x" * 60, f"funnel app ({'x' * 47}...)"),
    ],
    ids=["no Latin letters", "too long"],
)
def test_a_connection_name_tells_reps_apart_and_keeps_its_bracket(
    postgres_url: str, rep: str, name: str
) -> None:
    """The server keeps 63 bytes of printable ASCII: a rep name in another script is
    written as its codes (two such reps are not both `??`), and a long one is cut short
    inside its brackets."""
    assert application_name("app", rep) == name and len(name) <= 63
    storage = open_team_book(postgres_url, name)
    try:
        assert connection_names(postgres_url, storage.db.conn.info.backend_pid) == [name]
    finally:
        storage.close()


def test_every_connection_of_a_team_book_carries_its_name(postgres_url: str) -> None:
    """The thread that listens for other reps' changes is named as the rest."""
    import psycopg

    storage = open_team_book(postgres_url, "funnel app (alex)")
    try:
        storage.changes()
        storage.db.execute("SELECT 1")
        with psycopg.connect(postgres_url) as admin:
            (count,) = admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                ["funnel app (alex)"],
            ).fetchone()
        assert count == 2
    finally:
        storage.close()


# --- the queue, the pool and claims -------------------------------------------------------


def test_a_reps_queue_holds_their_own_and_the_pools_prospects_not_another_reps(
    book_db: Any,
) -> None:
    team(book_db, "alex", "blake")
    mine = lead(book_db, "Mine", owner="alex")
    theirs = lead(book_db, "Theirs", owner="blake")
    pooled = lead(book_db, "Pooled")
    assert set(todays(book_db, "alex")) == {mine, pooled}
    assert set(todays(book_db, "blake")) == {theirs, pooled}
    # A one-rep book has no owners to tell apart.
    assert set(todays(book_db, None)) == {mine, theirs, pooled}


def test_a_claimed_pool_prospect_leaves_every_other_reps_queue_until_released(
    book_db: Any,
) -> None:
    team(book_db, "alex", "blake")
    pooled = lead(book_db, "Pooled")
    with write_transaction(book_db):
        assert try_claim(book_db, pooled, "alex", NOW)
    assert todays(book_db, "alex") == [pooled]
    assert todays(book_db, "blake") == []
    with write_transaction(book_db):
        assert not try_claim(book_db, pooled, "blake", NOW)
    assert holder(book_db, pooled, NOW) == "alex"
    release(book_db, pooled, "alex")
    assert todays(book_db, "blake") == [pooled]


def test_a_lease_lapses_after_fifteen_minutes_and_is_renewed_by_its_holder(
    book_db: Any,
) -> None:
    team(book_db, "alex", "blake")
    pooled = lead(book_db, "Pooled")
    with write_transaction(book_db):
        try_claim(book_db, pooled, "alex", NOW)
    later = NOW + LEASE - timedelta(minutes=1)
    with write_transaction(book_db):
        assert try_claim(book_db, pooled, "alex", later)  # renewed while the card is open
    assert todays(book_db, "blake") == []
    after_renewal = later + LEASE + timedelta(seconds=1)
    assert [claim.rep for claim in claims_now(book_db, after_renewal)] == []
    with write_transaction(book_db):
        assert try_claim(book_db, pooled, "blake", after_renewal)
    assert holder(book_db, pooled, after_renewal) == "blake"


def test_another_reps_own_prospect_cannot_be_claimed(book_db: Any) -> None:
    team(book_db, "alex", "blake")
    theirs = lead(book_db, "Theirs", owner="blake")
    with write_transaction(book_db):
        assert not try_claim(book_db, theirs, "alex", NOW)
        assert try_claim(book_db, theirs, "blake", NOW)


def test_a_claim_from_a_head_read_earlier_takes_the_first_nobody_else_took_meanwhile(
    book_db: Any,
) -> None:
    """What many reps asking at once meet: the head of the queue they read has gone to the
    others by the time they claim."""
    team(book_db, "alex", "blake", "casey")
    held, owned, lapsed, free, mine = (lead(book_db, name) for name in "ABCDE")
    with write_transaction(book_db):
        assert try_claim(book_db, held, "blake", NOW)
        assert try_claim(book_db, lapsed, "casey", NOW - LEASE - timedelta(minutes=1))
    assign(book_db, [owned], "casey")
    assign(book_db, [mine], "alex")
    head = [held, owned, lapsed, free, mine]

    def claimed(candidates: list[int]) -> int | None:
        row = claim_first(book_db, candidates, "alex", NOW)
        return None if row is None else row["id"]

    with write_transaction(book_db):
        assert claimed(head) == lapsed
    assert holder(book_db, lapsed, NOW) == "alex"
    with write_transaction(book_db):
        # In the order given, not by id.
        assert claimed([held, mine, free]) == mine
        assert claimed([held, owned, free]) == free
        assert claimed([held, owned]) is None
        assert claimed([]) is None
    assert holder(book_db, held, NOW) == "blake"
    # Without a transaction around it, as `funnel next` claims: the row as stored, of the
    # first the rep may be given (their own lease renewed).
    row = claim_head(book_db, [lapsed, held], "blake", NOW + timedelta(minutes=1))
    assert row is not None and (row["id"], row["name"]) == (held, "A")
    assert holder(book_db, held, NOW + LEASE) == "blake"


def test_the_first_call_that_reaches_a_pool_prospect_makes_the_rep_its_owner(
    book_db: Any,
) -> None:
    team(book_db, "alex")
    pooled = lead(book_db, "Pooled")
    with write_transaction(book_db):
        try_claim(book_db, pooled, "alex", NOW)
        assert not take_on_connect(book_db, pooled, "alex", Outcome.VOICEMAIL)
        assert take_on_connect(book_db, pooled, "alex", Outcome.CALLBACK)
    assert book_db.execute("SELECT owner FROM prospects").fetchone() == ("alex",)
    assert claims_now(book_db, NOW) == []


def test_next_hands_each_rep_a_different_prospect_and_the_pool_runs_dry(book_db: Any) -> None:
    team(book_db, "alex", "blake")
    first = lead(book_db, "First", priority=2)
    second = lead(book_db, "Second")
    alex = next_prospect(book_db, now=NOW, settings=SETTINGS, rep="alex")
    blake = next_prospect(book_db, now=NOW, settings=SETTINGS, rep="blake")
    assert alex is not None and alex.id == first
    assert blake is not None and blake.id == second
    # Asked again, a rep gets the prospect they hold, not the other's.
    again = next_prospect(book_db, now=NOW, settings=SETTINGS, rep="alex")
    assert again is not None and again.id == first
    lead(book_db, "Someone else's", owner="blake")
    release(book_db, first, "alex")
    release(book_db, second, "blake")
    assign(book_db, [first, second], "blake")
    assert next_prospect(book_db, now=NOW, settings=SETTINGS, rep="alex") is None


def at_once(storage: Any, reps: tuple[str, ...], act: Callable[[Any, str], None]) -> None:
    """`act(db, rep)` for each rep on a connection of their own (one a thread), all at the
    same instant."""
    start = threading.Barrier(len(reps))

    def run(rep: str) -> None:
        own = storage.db  # this thread's own connection
        start.wait()
        act(own, rep)

    threads = [threading.Thread(target=run, args=(rep,)) for rep in reps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def both_ask_at_once(storage: Any, reps: tuple[str, str]) -> dict[str, int | None]:
    """Each rep asking for their next prospect at the same instant."""
    got: dict[str, int | None] = {}

    def ask(db: Any, rep: str) -> None:
        found = next_prospect(db, now=NOW, settings=SETTINGS, rep=rep)
        got[rep] = found.id if found else None

    at_once(storage, reps, ask)
    return got


def test_two_reps_asking_for_the_last_pool_prospect_at_once_get_one_each(
    book_storage: Any,
) -> None:
    """Many times over: never both the same prospect."""
    db = book_storage.db
    team(db, "alex", "blake")
    for round_number in range(10):
        db.execute("DELETE FROM claims")
        db.execute("DELETE FROM prospects")
        last = lead(db, f"Last {round_number}", priority=2)
        following = lead(db, f"Next {round_number}")
        got = both_ask_at_once(book_storage, ("alex", "blake"))
        assert sorted(got.values()) == sorted([last, following]), got


def both_start_at_once(
    storage: Any, prospect_id: int, reps: tuple[str, str]
) -> dict[str, str | None]:
    """Each rep pressing enter on the prospect at the same instant: why each was refused
    (None: their call starts)."""
    refused: dict[str, str | None] = {}

    def start(db: Any, rep: str) -> None:
        refused[rep] = claim_to_call(db, prospect_id, rep, NOW)

    at_once(storage, reps, start)
    return refused


def test_two_reps_starting_a_call_on_one_pool_prospect_at_once_one_calls(
    book_storage: Any,
) -> None:
    """Many times over, each rep's enter claiming the prospect at the same instant on a
    connection of their own: one may call, the other is told who has them."""
    db = book_storage.db
    team(db, "alex", "blake")
    for round_number in range(8):
        pooled = lead(db, f"Pooled {round_number}")
        refused = both_start_at_once(book_storage, pooled, ("alex", "blake"))
        (caller,) = [rep for rep, why in refused.items() if why is None]
        (other,) = {"alex", "blake"} - {caller}
        assert refused[other] == f"{caller} is on Pooled {round_number} now"
        assert holder(db, pooled, NOW) == caller
        # Asked again by the caller, the lease is renewed.
        assert claim_to_call(db, pooled, caller, NOW) is None


def test_a_call_is_not_started_on_another_reps_prospect_nor_by_a_removed_rep(
    book_db: Any,
) -> None:
    team(book_db, "alex", "blake", "dana")
    theirs, pooled = lead(book_db, "Theirs", owner="blake"), lead(book_db, "Pooled")
    assert claim_to_call(book_db, theirs, "alex", NOW) == "Theirs is blake's now"
    assert claim_to_call(book_db, theirs, "blake", NOW) is None
    with write_transaction(book_db):
        remove_rep(book_db, "dana")
    assert claim_to_call(book_db, pooled, "dana", NOW) == (
        "no rep named 'dana' in this book (removed?)"
    )
    # Only the call that starts holds its prospect: blake's own, while it runs.
    assert [(held.prospect_id, held.rep) for held in claims_now(book_db, NOW)] == [
        (theirs, "blake")
    ]


def calls_of(db: Any, prospect_id: int) -> list[str]:
    rows = db.execute("SELECT rep FROM calls WHERE prospect_id = ? ORDER BY id", [prospect_id])
    return [row[0] for row in rows.fetchall()]


def test_a_call_on_a_pool_prospect_another_rep_called_since_the_card_showed_it_is_refused(
    book_db: Any,
) -> None:
    """Both reps' dialogs open on one pool prospect; the second to save is told."""
    team(book_db, "alex", "blake")
    pooled = lead(book_db, "Pooled")
    seen = SeenOnCard(last_called_at=None)
    no_answer = CallOutcome(Outcome.NO_ANSWER)
    log_call(book_db, pooled, no_answer, now=NOW, settings=SETTINGS, rep="blake", seen=seen)
    with pytest.raises(OutcomeInvalid, match="blake has just called Pooled; nothing was logged"):
        log_call(book_db, pooled, no_answer, now=NOW, settings=SETTINGS, rep="alex", seen=seen)
    assert calls_of(book_db, pooled) == ["blake"]
    # A card that shows blake's call is one alex knew of; and a rep's own call since the
    # card was read refuses nothing.
    (shown,) = book_db.execute("SELECT last_called_at FROM prospects").fetchone()
    later = NOW + timedelta(minutes=5)
    log_call(
        book_db, pooled, no_answer, now=later, settings=SETTINGS, rep="alex", seen=SeenOnCard(shown)
    )
    log_call(
        book_db, pooled, no_answer, now=later, settings=SETTINGS, rep="alex", seen=SeenOnCard(shown)
    )
    assert calls_of(book_db, pooled) == ["blake", "alex", "alex"]


def test_a_call_seconds_after_another_reps_is_said_first_though_the_card_showed_it(
    book_db: Any,
) -> None:
    """Alex and Blake typing `l n enter` ahead on one pool prospect: Alex's card was read
    again, Blake's call in it, just before the dialog opened, and both calls were logged
    without a word."""
    from funnel_tui.call_log import CalledMeanwhile

    team(book_db, "alex", "blake")
    pooled = lead(book_db, "Pooled")
    no_answer = CallOutcome(Outcome.NO_ANSWER)
    log_call(book_db, pooled, no_answer, now=NOW, settings=SETTINGS, rep="blake")
    (shown,) = book_db.execute("SELECT last_called_at FROM prospects").fetchone()
    soon = NOW + timedelta(seconds=20)

    with pytest.raises(CalledMeanwhile) as refused:
        log_call(
            book_db,
            pooled,
            no_answer,
            now=soon,
            settings=SETTINGS,
            rep="alex",
            seen=SeenOnCard(shown),
        )
    assert str(refused.value) == (
        "blake called Pooled 20 s ago, so this call may be the same one or a second on top of"
        " it; nothing was logged"
    )
    assert calls_of(book_db, pooled) == ["blake"]
    # Told, Alex's enter logs it; Alex's own call just before refuses nothing.
    told = refused.value.seen
    log_call(book_db, pooled, no_answer, now=soon, settings=SETTINGS, rep="alex", seen=told)
    (mine,) = book_db.execute("SELECT last_called_at FROM prospects").fetchone()
    log_call(
        book_db, pooled, no_answer, now=soon, settings=SETTINGS, rep="alex", seen=SeenOnCard(mine)
    )
    assert calls_of(book_db, pooled) == ["blake", "alex", "alex"]


def test_a_call_on_a_prospect_assigned_to_another_rep_meanwhile_is_refused(
    book_db: Any,
) -> None:
    team(book_db, "alex", "blake")
    pooled = lead(book_db, "Pooled")
    assign(book_db, [pooled], "blake")
    with pytest.raises(OutcomeInvalid, match="Pooled is blake's now; nothing was logged"):
        log_call(
            book_db, pooled, CallOutcome(Outcome.NO_ANSWER), now=NOW, settings=SETTINGS, rep="alex"
        )
    assert calls_of(book_db, pooled) == []


def both_save_at_once(storage: Any, prospect_id: int, reps: tuple[str, str]) -> list[str]:
    """Each rep saving a call on a prospect their cards showed never called, at the same
    instant; what was refused."""
    refused: list[str] = []

    def save(db: Any, rep: str) -> None:
        entry = CallOutcome(Outcome.NO_ANSWER)
        try:
            log_call(
                db, prospect_id, entry, now=NOW, settings=SETTINGS, rep=rep, seen=SeenOnCard(None)
            )
        except OutcomeInvalid as error:
            refused.append(str(error))

    at_once(storage, reps, save)
    return refused


def test_two_reps_saving_a_call_on_one_pool_prospect_at_once_log_one(book_storage: Any) -> None:
    """Many times over: one call, and one rep told the other has just called."""
    db = book_storage.db
    team(db, "alex", "blake")
    for round_number in range(8):
        pooled = lead(db, f"Pooled {round_number}")
        refused = both_save_at_once(book_storage, pooled, ("alex", "blake"))
        assert len(calls_of(db, pooled)) == 1, refused
        assert len(refused) == 1 and "has just called" in refused[0], refused


def test_a_funnel_log_a_second_after_another_reps_asks_for_yes(book_db: Any) -> None:
    """Two reps' `funnel log` on one pool prospect a second apart: the second read the
    prospect after the first's call was in, and both calls were logged (8 times in 10)."""
    from funnel_tui.typed_call import NeedsConfirmation, TypedCall, log_typed_call

    team(book_db, "alex", "blake")
    pooled = lead(book_db, "Pooled")
    voicemail = TypedCall(Outcome.VOICEMAIL, {})
    log_typed_call(book_db, pooled, voicemail, now=NOW, settings=SETTINGS, rep="blake")
    a_second_later = NOW + timedelta(seconds=1)
    with pytest.raises(NeedsConfirmation, match="blake called Pooled 1 s ago"):
        log_typed_call(
            book_db, pooled, voicemail, now=a_second_later, settings=SETTINGS, rep="alex"
        )
    assert calls_of(book_db, pooled) == ["blake"]
    # The same rep's own, a rep who says --yes, and a call a minute on are logged.
    log_typed_call(book_db, pooled, voicemail, now=a_second_later, settings=SETTINGS, rep="blake")
    log_typed_call(
        book_db,
        pooled,
        voicemail,
        now=a_second_later,
        settings=SETTINGS,
        rep="alex",
        confirmed=True,
    )
    a_minute_later = a_second_later + timedelta(minutes=1)
    log_typed_call(book_db, pooled, voicemail, now=a_minute_later, settings=SETTINGS, rep="blake")
    assert calls_of(book_db, pooled) == ["blake", "blake", "alex", "blake"]


def test_a_removed_rep_whose_app_is_still_open_takes_and_renews_no_lease(book_db: Any) -> None:
    team(book_db, "alex", "dana")
    held, other = lead(book_db, "Held"), lead(book_db, "Other")
    with write_transaction(book_db):
        assert claim_first(book_db, [held], "dana", NOW) is not None
        remove_rep(book_db, "dana")
    # Dana's open app renews the lease of the card it shows, and moves on to another.
    later = NOW + timedelta(minutes=1)
    with write_transaction(book_db):
        assert not try_claim(book_db, held, "dana", later)
        assert claim_first(book_db, [other], "dana", later) is None
    assert claims_now(book_db, later) == []
    # Alex's queue has both back at once.
    assert set(todays(book_db, "alex")) >= {held, other}


def test_a_removed_rep_whose_app_is_still_open_adds_no_prospect(book_db: Any) -> None:
    """Added with `a` in a removed rep's app, a prospect was theirs: in no queue, not in
    the pool, and left out of `rep list`'s counts."""
    team(book_db, "alex", "dana")
    remove_rep(book_db, "dana")
    before = book_db.execute("SELECT count(*) FROM prospects").fetchone()[0]
    with pytest.raises(RepError, match="no rep named 'dana' in this book"):
        add_prospect(
            book_db, {"name": "Zed Ghost", "phone": "+1 303 555 0100"}, now=NOW, owner="dana"
        )
    assert book_db.execute("SELECT count(*) FROM prospects").fetchone()[0] == before
    # A rep the book knows adds theirs, under the book's spelling of their name.
    added = add_prospect(
        book_db, {"name": "Ann", "phone": "+1 303 555 0101"}, now=NOW, owner="ALEX"
    )
    assert book_db.execute("SELECT owner FROM prospects WHERE id = ?", [added]).fetchone() == (
        "alex",
    )


def test_assign_moves_prospects_between_reps_and_the_pool_and_ends_their_leases(
    book_db: Any,
) -> None:
    team(book_db, "alex", "blake")
    ann = lead(book_db, "Ann")
    with write_transaction(book_db):
        try_claim(book_db, ann, "blake", NOW)
        assert assign(book_db, [ann, 999], "alex") == (1, [999])
    assert claims_now(book_db, NOW) == []
    assert todays(book_db, "blake") == []
    with write_transaction(book_db):
        assert assign(book_db, [ann], None) == (1, [])
    assert todays(book_db, "blake") == [ann]


# --- the command line ---------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def book_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A `--db` value: a new SQLite file, or the module's team database emptied."""
    if request.param == "sqlite":
        return str(tmp_path / "team.db")
    from tests.conftest import empty_team_book

    url = request.getfixturevalue("postgres_url")
    invoke("--db", url, "rep", "list")  # makes the tables
    empty_team_book(url)
    return url


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> None:
    patch_commands(monkeypatch, "system_now", lambda: NOW)


def test_rep_commands_add_list_and_remove(
    book_target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert invoke("--db", book_target, "rep", "add", "alex").output == "Added rep alex.\n"
    assert "already a rep" in invoke("--db", book_target, "rep", "add", "Alex").output
    invoke("--db", book_target, "rep", "add", "blake")
    monkeypatch.setenv(REP_ENV, "blake")
    listed = invoke("--db", book_target, "rep", "list").output
    assert listed == "alex  0 prospects\nblake  0 prospects  (you)\npool  0 prospects\n"
    removed = invoke("--db", book_target, "rep", "remove", "alex", "--yes")
    assert removed.exit_code == 0
    assert "0 prospects went back to the pool" in removed.output
    unknown = invoke("--db", book_target, "rep", "remove", "alex")
    assert unknown.exit_code == 1
    assert "funnel rep add alex" in unknown.output


def blake_with_two_prospects(book_target: str) -> list[int]:
    """Reps alex and blake; blake owns two prospects, one with two open tasks and a done
    one, and the pool holds one with an open task."""
    invoke("--db", book_target, "rep", "add", "alex")
    invoke("--db", book_target, "rep", "add", "blake")
    storage = open_db(book_target if "://" in book_target else Path(book_target))
    owned = [lead(storage.db, "Ann", owner="blake"), lead(storage.db, "Bob", owner="blake")]
    pooled = lead(storage.db, "Cy")
    for prospect, status in ((owned[0], "open"), (owned[0], "open"), (owned[0], "done")):
        task = {"prospect_id": prospect, "kind": "call", "due_at": "2026-11-19T09:00:00+00:00"}
        insert_row(storage.db, "tasks", {**task, "status": status})
    insert_row(
        storage.db,
        "tasks",
        {"prospect_id": pooled, "kind": "call", "due_at": "2026-11-19T09:00:00+00:00"},
    )
    storage.close()
    return owned


def owners(book_target: str) -> list[str | None]:
    storage = open_db(book_target if "://" in book_target else Path(book_target))
    try:
        return [owner for (owner,) in storage.db.execute("SELECT owner FROM prospects ORDER BY id")]
    finally:
        storage.close()


def test_rep_remove_without_a_terminal_needs_yes(book_target: str) -> None:
    blake_with_two_prospects(book_target)

    refused = invoke("--db", book_target, "rep", "remove", "blake")

    assert refused.exit_code == 1
    assert one_line_error(refused.stderr) == (
        "funnel: removing rep blake puts their 2 prospects and their 2 open tasks back"
        " in the pool, which cannot be undone, so it asks first: run it in a terminal, or"
        " add --yes"
    )
    assert owners(book_target) == ["blake", "blake", None]
    removed = invoke("--db", book_target, "rep", "remove", "blake", "--yes")
    assert removed.output == "Removed rep blake; 2 prospects went back to the pool.\n"
    assert owners(book_target) == [None, None, None]


def test_at_a_terminal_rep_remove_asks_naming_what_goes_back_and_no_keeps_them(
    book_target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    blake_with_two_prospects(book_target)
    patch_commands(monkeypatch, "stdin_is_terminal", lambda: True)

    kept = CliRunner().invoke(
        cli_module.cli, ["--db", book_target, "rep", "remove", "Blake"], input="n\n"
    )

    assert kept.exit_code == 1
    assert (
        "Remove rep blake? Their 2 prospects and their 2 open tasks go back to the pool;"
        " adding blake again does not give them back [y/N]: "
    ) in kept.stdout
    assert kept.stderr == "Nothing removed.\n"
    assert owners(book_target) == ["blake", "blake", None]
    removed = CliRunner().invoke(
        cli_module.cli, ["--db", book_target, "rep", "remove", "blake"], input="y\n"
    )
    assert removed.exit_code == 0, removed.output
    assert removed.stdout.endswith("Removed rep blake; 2 prospects went back to the pool.\n")
    assert owners(book_target) == [None, None, None]


def test_next_as_a_rep_the_book_does_not_know_is_one_line_pointing_to_rep_add(
    book_target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoke("--db", book_target, "rep", "add", "alex")
    monkeypatch.setenv(REP_ENV, "casey")
    result = invoke("--db", book_target, "next")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert "no rep named 'casey'" in result.output and "funnel rep add casey" in result.output


def test_assign_by_id_and_from_a_rep_with_clear_errors(book_target: str) -> None:
    invoke("--db", book_target, "rep", "add", "alex")
    invoke("--db", book_target, "rep", "add", "blake")
    storage = open_db(book_target if "://" in book_target else Path(book_target))
    ann = lead(storage.db, "Ann")
    bob = lead(storage.db, "Bob", owner="alex")
    storage.close()
    assert invoke("--db", book_target, "assign", str(ann), "--to", "alex").output == (
        "Assigned 1 prospect to alex.\n"
    )
    moved = invoke("--db", book_target, "assign", "--from", "alex", "--to", "blake")
    assert moved.output == "Assigned 2 prospects to blake.\n"
    assert invoke("--db", book_target, "assign", str(bob), "--pool").exit_code == 0
    for args, message in (
        ([str(ann)], "--to REP or --pool"),
        ([str(ann), "--to", "casey"], "funnel rep add casey"),
        # `rep add pool`, which it offered, is refused: the pool is --pool.
        ([str(ann), "--to", "pool"], "'pool' is no rep: the shared pool is --pool"),
        (["999", "--to", "alex"], "no prospect with id 999"),
        # Beyond the database's integers: it stopped as an unexpected error.
        (["9" * 26, "--pool"], f"no prospect with id {'9' * 26}; nothing was assigned"),
        (["--to", "alex"], "their ids, or --from REP"),
    ):
        result = invoke("--db", book_target, "assign", *args)
        assert result.exit_code == 1, args
        assert message in result.output, (args, result.output)


def test_assign_leaves_a_prospect_with_the_rep_on_the_phone_with_them(book_target: str) -> None:
    """`funnel assign` of a prospect alex was calling gave them to blake at once: blake
    could call them too, and alex's call could not be logged."""
    for rep in ("alex", "blake"):
        invoke("--db", book_target, "rep", "add", rep)
    storage = open_db(book_target if "://" in book_target else Path(book_target))
    db = storage.db
    gina, pooled = lead(db, "Gina Hale", owner="alex"), lead(db, "Pooled")
    # alex presses enter on their own prospect, and on a pool prospect.
    assert claim_to_call(db, gina, "alex", NOW) is None
    assert claim_to_call(db, pooled, "alex", NOW) is None
    for ids in ([gina], [gina, pooled]):
        refused = invoke("--db", book_target, "assign", *map(str, ids), "--to", "blake")
        assert refused.exit_code == 1
        assert f"Gina Hale (prospect {gina}) by alex until 14:45" in refused.output
        assert "nothing was assigned" in refused.output and "--force" in refused.output
    assert owner_of(db, gina) == "alex" and owner_of(db, pooled) is None
    # To the rep who holds them, they move, and stay held: given to alex, `--from alex`
    # moved everyone of alex's, the one on the phone too.
    for ids in ([gina], [pooled]):
        assert invoke("--db", book_target, "assign", *map(str, ids), "--to", "alex").exit_code == 0
    assert owner_of(db, pooled) == "alex" and holder(db, pooled, NOW) == "alex"
    refused = invoke("--db", book_target, "assign", "--from", "alex", "--to", "blake")
    assert refused.exit_code == 1 and "by alex until 14:45" in refused.output
    forced = invoke("--db", book_target, "assign", str(gina), "--to", "blake", "--force")
    assert forced.output == "Assigned 1 prospect to blake.\n"
    assert claim_to_call(db, gina, "blake", NOW) is None
    storage.close()


def test_import_lands_in_the_pool_or_with_an_owner(book_target: str, tmp_path: Path) -> None:
    invoke("--db", book_target, "rep", "add", "alex")
    pooled, owned = tmp_path / "pooled.csv", tmp_path / "owned.csv"
    pooled.write_text("name,email\nAnn Archer,ann@example.com\n")
    owned.write_text("name,email\nBo Baker,bo@example.com\n")
    to_pool = invoke("--db", book_target, "import", str(pooled))
    assert to_pool.exit_code == 0
    # Where they went is said: `added 1` alone did not tell the pool from a rep.
    assert "The new prospect went to the pool, for any rep to claim." in to_pool.output
    to_alex = invoke("--db", book_target, "import", str(owned), "--owner", "ALEX")
    assert to_alex.exit_code == 0
    assert "The new prospect went to alex." in to_alex.output
    unknown = invoke("--db", book_target, "import", str(owned), "--owner", "casey")
    assert unknown.exit_code == 1 and "funnel rep add casey" in unknown.output
    assert "(its reps: alex)" in unknown.output
    storage = open_db(book_target if "://" in book_target else Path(book_target))
    owners = storage.db.execute("SELECT name, owner FROM prospects ORDER BY name").fetchall()
    storage.close()
    assert owners == [("Ann Archer", None), ("Bo Baker", "alex")]


def test_undo_takes_back_the_reps_own_last_call_never_another_reps(book_db: Any) -> None:
    from funnel_tui.call_log import CallOutcome, last_call, log_call, undo_last_call

    team(book_db, "alex", "blake")
    ann, bob = lead(book_db, "Ann"), lead(book_db, "Bob")
    mine = log_call(
        book_db, ann, CallOutcome(Outcome.VOICEMAIL), now=NOW, settings=SETTINGS, rep="alex"
    )
    theirs = log_call(
        book_db, bob, CallOutcome(Outcome.NO_ANSWER), now=NOW, settings=SETTINGS, rep="blake"
    )
    last = last_call(book_db, "alex")
    assert last is not None and last.call_id == mine.call_id
    undone = undo_last_call(book_db, rep="alex")
    assert undone is not None and undone.call_id == mine.call_id
    assert book_db.execute("SELECT id, rep FROM calls").fetchall() == [(theirs.call_id, "blake")]
    assert undo_last_call(book_db, rep="alex") is None


def test_a_win_on_a_prospect_assigned_to_another_rep_since_is_not_undone(book_db: Any) -> None:
    """blake's undo after `funnel assign 25 --to alex` took the win back, and redo then
    refused (the prospect was alex's): the $3,000 was gone for good."""
    from funnel_tui.call_log import CallOutcome, ProspectMovedOn, log_call, undo_last_call
    from funnel_tui.ownership import assign

    team(book_db, "alex", "blake")
    gina = lead(book_db, "Gina Hall")
    won = log_call(
        book_db,
        gina,
        CallOutcome(Outcome.WON, amount_cents=300_000),
        now=NOW,
        settings=SETTINGS,
        rep="blake",
    )
    assign(book_db, [gina], "alex")
    with pytest.raises(ProspectMovedOn, match="Gina Hall is alex's now"):
        undo_last_call(book_db, rep="blake")
    assert book_db.execute("SELECT id FROM calls").fetchall() == [(won.call_id,)]
    assert book_db.execute("SELECT amount_cents FROM deals").fetchall() == [(300_000,)]


def test_the_file_commands_say_they_need_a_file_and_the_calendar_reads_both(
    book_target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoke("--db", book_target, "rep", "add", "alex")
    monkeypatch.setenv(REP_ENV, "alex")
    calendar = invoke("--db", book_target, "calendar")
    assert calendar.exit_code == 0 and "BEGIN:VCALENDAR" in calendar.output
    if "://" not in book_target:
        return
    for args in (["check"], ["backup"], ["demo", "--no-open"]):
        result = invoke("--db", book_target, *args)
        assert result.exit_code == 1, args
        assert "SQLite file" in result.output and result.output[-1] == "\n", args


def test_a_reps_calendar_holds_their_own_and_the_pools_meetings_not_another_reps(
    book_target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for rep in ("alex", "blake"):
        invoke("--db", book_target, "rep", "add", rep)
    for number, (name, owner) in enumerate((("Ann Archer", "alex"), ("Bo Baker", "blake"))):
        leads = tmp_path / f"{owner}.csv"
        leads.write_text(f"name,email\n{name},{owner}@example.com\n")
        assert invoke("--db", book_target, "import", leads, "--owner", owner).exit_code == 0
        monkeypatch.setenv(REP_ENV, owner)
        meeting = ["log", str(number + 1), "meeting", "--when", "fri 10am"]
        logged = invoke("--db", book_target, *meeting)
        assert logged.exit_code == 0, logged.output
    pooled = tmp_path / "pool.csv"
    pooled.write_text("name,email\nCy Cole,cy@example.com\n")
    invoke("--db", book_target, "import", pooled)
    storage = open_db(book_target if "://" in book_target else Path(book_target))
    with write_transaction(storage.db):
        storage.db.execute(
            "INSERT INTO tasks (prospect_id, kind, due_at, status, created_at)"
            " VALUES (3, 'callback', '2026-11-20T10:00:00+00:00', 'open', ?)",
            [NOW.isoformat()],
        )
    storage.close()

    calendar_ids = set()
    for rep, theirs, others in (("alex", "Ann Archer", "Bo Baker"), ("blake", "Bo Baker", "Ann")):
        monkeypatch.setenv(REP_ENV, rep)
        calendar = invoke("--db", book_target, "calendar")
        assert calendar.exit_code == 0, calendar.output
        assert f"Meeting with {theirs}" in calendar.output
        assert "Call back Cy Cole" in calendar.output
        assert others not in calendar.output
        assert f"NAME:funnel-tui ({rep})" in calendar.output
        calendar_id = calendar.output.split("UID:calendar.", 1)[1].splitlines()[0]
        assert calendar_id.endswith(f".{rep}@funnel-tui"), calendar_id
        calendar_ids.add(calendar_id)
    # Two files a manager may import side by side: neither replaces the other.
    assert len(calendar_ids) == 2


def test_a_call_on_a_prospect_another_rep_holds_or_by_a_removed_rep_is_refused(
    book_db: Any,
) -> None:
    from funnel_tui.call_log import CallOutcome, OutcomeInvalid, log_call

    team(book_db, "alex", "blake")
    ann = lead(book_db, "Ann")
    with write_transaction(book_db):
        try_claim(book_db, ann, "blake", NOW)
    with pytest.raises(OutcomeInvalid, match="blake is on Ann now"):
        log_call(
            book_db, ann, CallOutcome(Outcome.NO_ANSWER), now=NOW, settings=SETTINGS, rep="alex"
        )
    # Blake's own call goes through, and ends Blake's lease.
    log_call(book_db, ann, CallOutcome(Outcome.VOICEMAIL), now=NOW, settings=SETTINGS, rep="blake")
    assert claims_now(book_db, NOW) == []
    remove_rep(book_db, "blake")
    with pytest.raises(OutcomeInvalid, match="no rep named 'blake'"):
        log_call(
            book_db, ann, CallOutcome(Outcome.NO_ANSWER), now=NOW, settings=SETTINGS, rep="blake"
        )
    assert book_db.execute("SELECT count(*) FROM calls").fetchone() == (1,)


def test_two_reps_funnel_log_on_one_pool_prospect_at_once_logs_one_call(
    book_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both commands read Ann before either wrote: both calls were logged, each rep's
    next try replacing the other's. The second is refused, as the second of two dialogs."""
    from funnel_tui import typed_call
    from funnel_tui.call_log import CalledMeanwhile
    from funnel_tui.typed_call import TypedCall, log_typed_call

    team(book_db, "alex", "blake")
    ann = lead(book_db, "Ann")
    as_read = typed_call.get_prospect(book_db, ann)
    typed = TypedCall(Outcome.NO_ANSWER)
    log_typed_call(book_db, ann, typed, now=NOW, settings=SETTINGS, rep="blake")
    # Alex's command read Ann as she was before Blake's call was committed.
    monkeypatch.setattr(typed_call, "get_prospect", lambda db, prospect_id: as_read)
    with pytest.raises(CalledMeanwhile, match="blake has just called Ann; nothing was logged"):
        log_typed_call(book_db, ann, typed, now=NOW, settings=SETTINGS, rep="alex")
    assert book_db.execute("SELECT count(*) FROM calls").fetchone() == (1,)
    # Blake's own second command, on the same stale read, is theirs to log.
    log_typed_call(book_db, ann, typed, now=NOW, settings=SETTINGS, rep="blake")
    assert book_db.execute("SELECT count(*) FROM calls").fetchone() == (2,)


@pytest.mark.parametrize(
    "reserved",
    [
        "pool",
        "Team",
        "former",
        "No Rep",
        "no  rep",
        "\uff30\uff2f\uff2f\uff2c",
        "\uff34\uff25\uff21\uff2d",
    ],
)
def test_the_words_for_the_pool_and_the_team_are_no_rep_names(book_db: Any, reserved: str) -> None:
    with pytest.raises(RepError, match="choose another rep name"):
        add_rep(book_db, reserved)


def test_assign_from_a_removed_rep_who_still_owns_prospects(book_db: Any) -> None:
    """A rep removed while their app was open may leave a prospect in their name."""
    from funnel_tui.cli.team import _prospects_of

    team(book_db, "alex")
    ann = lead(book_db, "Ann", owner="blake")
    assert _prospects_of(book_db, "blake") == [ann]
    with pytest.raises(RepError, match="funnel rep add casey"):
        _prospects_of(book_db, "casey")


def test_a_filter_match_another_rep_owns_or_holds_says_whose_it_is(book_db: Any) -> None:
    """In blake's filter results, alex's prospect and the pool prospect alex is on now say
    `alex's` where a next call would be, not `off hours`; the pool's free one and blake's
    own say where they belong as before."""
    team(book_db, "alex", "blake")
    owned = lead(book_db, "Rita Owned", owner="alex")
    held = lead(book_db, "Rita Held")
    free = lead(book_db, "Rita Free")
    mine = lead(book_db, "Rita Mine", owner="blake")
    with write_transaction(book_db):
        assert try_claim(book_db, held, "alex", NOW)
    rows = fetch_rows(book_db, [owned, held, free, mine], now=NOW, rep="blake")
    places = {
        rows[prospect].name: place_elsewhere(rows[prospect], NOW, QueueMode.TODAY)
        for prospect in rows
    }
    assert places == {
        "Rita Owned": "alex's",
        "Rita Held": "alex's",
        "Rita Free": "off hours",
        "Rita Mine": "off hours",
    }


def test_a_url_with_its_scheme_in_capitals_opens_the_team_book(postgres_url: str) -> None:
    """`POSTGRESQL://...` was taken for a team's URL, then refused by libpq as a keyword
    string: `missing "=" after ...`."""
    scheme, rest = postgres_url.split("://", 1)
    storage = open_team_book(f"{scheme.upper()}://{rest}")
    try:
        assert storage.db.execute("SELECT 1").fetchone()[0] == 1
    finally:
        storage.close()


@pytest.mark.parametrize(
    ("mine", "theirs", "attempts"),
    [
        (Outcome.NO_ANSWER, Outcome.NO_ANSWER, 1),
        (Outcome.NO_ANSWER, Outcome.VOICEMAIL, 1),
        (Outcome.NO_ANSWER, Outcome.BUSY, 1),
        # The second busy signal of the day was no attempt; without the first, it is one.
        (Outcome.BUSY, Outcome.BUSY, 1),
    ],
)
def test_undo_after_another_reps_call_takes_its_attempt_off_the_count(
    book_db: Any, mine: Outcome, theirs: Outcome, attempts: int
) -> None:
    """alex's no answer undone after blake's no answer on the same prospect left
    `attempts` at 2 for one unanswered call: the cadence gave up one try early."""
    from funnel_tui.call_log import CallOutcome, log_call, undo_last_call

    team(book_db, "alex", "blake")
    ann = lead(book_db, "Ann Archer")
    log_call(book_db, ann, CallOutcome(mine), now=NOW, settings=SETTINGS, rep="alex")
    later = NOW + timedelta(minutes=5)
    log_call(book_db, ann, CallOutcome(theirs), now=later, settings=SETTINGS, rep="blake")
    undone = undo_last_call(book_db, rep="alex")
    assert undone is not None and "attempts" not in undone.not_restored
    assert book_db.execute("SELECT attempts FROM prospects WHERE id = ?", [ann]).fetchone() == (
        attempts,
    )
