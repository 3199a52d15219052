"""The book's tables in a team's PostgreSQL database (PRODUCT 16), the same tables and
columns as the SQLite file's at the same schema version, so the core's queries read both.

PostgreSQL types its columns, so what the SQLite triggers guard against (a BLOB in a text
column, a number where a moment belongs) cannot be stored here and the triggers are
plain: each is a PL/pgSQL function doing what its SQLite namesake does. Moments are kept
as text in the stored form (`2026-11-18T14:30:00+00:00`), as in the file, so that the two
compare and sort the same. The version is a row of `schema_version` instead of SQLite's
`user_version`.
"""

from __future__ import annotations

from collections.abc import Callable

from funnel_tui.accents import ACCENTED, COMBINING, PLAIN
from funnel_tui.domain import (
    CADENCE_OUTCOMES,
    CONNECT_OUTCOMES,
    NO_SOURCE,
    PICKED_REASONS,
    DealKind,
    Kind,
    Outcome,
    Stage,
    TaskKind,
    TaskStatus,
    sql_list,
)
from funnel_tui.foreign_values import wrong_value_sql, wrong_values_sql
from funnel_tui.schema_v4 import (
    CALL_DAY_COUNTS,
    COUNTED_REASONS,
    UNSPECIFIED_REASON,
    only_rep_sql,
)
from funnel_tui.schema_v7 import SUPPRESSION_KINDS
from funnel_tui.schema_v11 import REQUEST_ID_INDEX
from funnel_tui.schema_v21 import deal_days_from_deals, won_cents_sql
from funnel_tui.schema_v22 import GROUP as MARK_GROUP
from funnel_tui.schema_v22 import (
    LEAD_MARK_DAY_COLUMNS,
    LEAD_MARK_DAYS_FROM_MARKS,
    moment_days_sql,
)
from funnel_tui.schema_v22 import MOMENTS as MARK_DAY_MOMENTS
from funnel_tui.schema_v23 import INDEXES as IRREGULAR_KEY_INDEXES
from funnel_tui.schema_v24 import COLUMN as DO_NOT_EMAIL_COLUMN
from funnel_tui.schema_v24 import FLAGS as DO_NOT_EMAIL_FLAGS
from funnel_tui.schema_v24 import INDEX as DO_NOT_EMAIL_INDEX
from funnel_tui.schema_v26 import COLUMN as FLAG_PHONE_COLUMN
from funnel_tui.schema_v26 import FILL as FLAG_PHONE_FILL
from funnel_tui.schema_v26 import PHONE_KEPT_BY
from funnel_tui.schema_v27 import CANCEL_HIDDEN_CALLS
from funnel_tui.schema_v28 import (
    BLANK,
    TYPED_COLUMNS,
    TypedColumn,
    any_blank,
    give_due_times,
    over_a_value,
)
from funnel_tui.schema_v28 import repairs as blank_value_repairs
from funnel_tui.schema_v29 import APPOINTMENT_KINDS
from funnel_tui.schema_v29 import INDEX as CANCELLATIONS_INDEX
from funnel_tui.store.dialect import Dialect
from funnel_tui.store.sql import FUNNEL_DAY_FORM

# The first version a PostgreSQL book can have: the team's schema; the ones before it
# are the SQLite file's history.
FIRST_VERSION = 6
# Every change of a book's rows is announced on this channel (LISTEN/NOTIFY), so each
# rep's app reads again within a second.
CHANGES_CHANNEL = "funnel_changes"

_CONNECTS = sql_list(sorted(CONNECT_OUTCOMES))
_ATTEMPTS = sql_list(sorted(CADENCE_OUTCOMES))
_OPEN = f"'{TaskStatus.OPEN}'"
NOW = "funnel_now()"

# The form funnel writes a moment in, on a day FUNNEL_DAY_FORM reads: funnel_utc's test
# for a moment it returns as it is.
FUNNEL_MOMENT_FORM = f"^{FUNNEL_DAY_FORM}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9][+]00:00$"

# funnel_utc: a stored moment in UTC in the stored form, as funnel_utc_parsed gives it,
# without parsing (and the subtransaction of its EXCEPTION block) the form funnel itself
# writes: the triggers read every call's start. It names funnel_utc_parsed with its schema
# (the one both are made in): indexes of calls and deals compute funnel_utc, and pg_restore
# builds them with an empty search_path, where an unqualified name is not found.
FUNNEL_UTC = f"""
DO $do$
BEGIN
    EXECUTE format($create$
CREATE OR REPLACE FUNCTION funnel_utc(moment text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN moment ~ '{FUNNEL_MOMENT_FORM}' THEN moment
        ELSE %I.funnel_utc_parsed(moment) END
$$
$create$, current_schema());
END
$do$;
"""

FUNCTIONS = (
    r"""
-- Now in the stored form, as SQLite's strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now').
CREATE FUNCTION funnel_now() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')
$$;

-- A stored moment in UTC in the stored form, whatever offset it was written with; NULL
-- for text that is not a moment from 1900 to 2999.
CREATE FUNCTION funnel_utc_parsed(moment text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    parsed timestamptz;
BEGIN
    IF moment IS NULL OR moment !~ '^\d{4}-\d\d-\d\d' THEN
        RETURN NULL;
    END IF;
    parsed := (CASE WHEN length(moment) = 10 THEN moment || 'T00:00:00+00:00'
                    WHEN moment ~ '(Z|[+-]\d\d:?\d\d)$' THEN moment
                    ELSE moment || '+00:00' END)::timestamptz;
    IF parsed < '1900-01-01'::timestamptz OR parsed >= '3000-01-01'::timestamptz THEN
        RETURN NULL;
    END IF;
    RETURN to_char(parsed AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"');
EXCEPTION WHEN others THEN
    RETURN NULL;
END
$$;
"""
    + FUNNEL_UTC
    + r"""
-- Seconds since the epoch of a stored moment (SQLite's strftime('%s', ...)).
CREATE FUNCTION funnel_epoch(moment text) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
    SELECT extract(epoch FROM funnel_utc(moment)::timestamptz)::bigint
$$;
"""
)

_CALL_DAY_COUNT_COLUMNS = ",\n    ".join(
    f"{column} bigint NOT NULL DEFAULT 0" for column in CALL_DAY_COUNTS
)

TABLES = f"""
CREATE TABLE schema_version (version integer NOT NULL);

CREATE TABLE book (id text NOT NULL);

-- The team's reps (PRODUCT 16): a rep's own name comes from $FUNNEL_REP or the config.
CREATE TABLE reps (
    name text PRIMARY KEY,
    added_at text NOT NULL DEFAULT {NOW}
);

CREATE TABLE prospects (
    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    name text NOT NULL,
    first_name text,
    title text,
    company text,
    phone text,
    email text,
    timezone text,
    kind text NOT NULL DEFAULT 'new' CHECK (kind IN ({sql_list(Kind)})),
    stage text NOT NULL DEFAULT 'lead' CHECK (stage IN ({sql_list(Stage)})),
    method text NOT NULL DEFAULT 'solution',
    needs text,
    pain_points text,
    objections text,
    goals text,
    deal_value_cents bigint,
    expected_close_on text,
    source text,
    priority integer NOT NULL DEFAULT 1,
    next_call_at text,
    next_task_kind text,
    do_not_call integer NOT NULL DEFAULT 0 CHECK (do_not_call IN (0, 1)),
    wrong_number integer NOT NULL DEFAULT 0 CHECK (wrong_number IN (0, 1)),
    nurture integer NOT NULL DEFAULT 0 CHECK (nurture IN (0, 1)),
    nurtured_at text,
    lost_reason text,
    attempts integer NOT NULL DEFAULT 0,
    last_called_at text,
    last_outcome text,
    created_at text NOT NULL DEFAULT {NOW},
    updated_at text NOT NULL DEFAULT {NOW},
    timezone_guessed integer NOT NULL DEFAULT 0,
    owner text
);

CREATE TABLE calls (
    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    prospect_id bigint NOT NULL REFERENCES prospects (id) ON DELETE CASCADE,
    started_at text NOT NULL DEFAULT {NOW},
    duration_s integer NOT NULL DEFAULT 0,
    outcome text NOT NULL CHECK (outcome IN ({sql_list(Outcome)})),
    method text,
    notes text,
    follow_up_at text,
    reason text,
    request_id text UNIQUE,
    rep text
);

CREATE TABLE tasks (
    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    prospect_id bigint NOT NULL REFERENCES prospects (id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ({sql_list(TaskKind)})),
    due_at text NOT NULL,
    status text NOT NULL DEFAULT {_OPEN} CHECK (status IN ({sql_list(TaskStatus)})),
    note text,
    created_at text NOT NULL DEFAULT {NOW},
    call_id bigint REFERENCES calls (id) ON DELETE SET NULL,
    done_call_id bigint REFERENCES calls (id) ON DELETE SET NULL,
    done_at text,
    sequence integer NOT NULL DEFAULT 0,
    rep text
);

CREATE TABLE deals (
    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    prospect_id bigint NOT NULL REFERENCES prospects (id) ON DELETE CASCADE,
    call_id bigint REFERENCES calls (id) ON DELETE SET NULL,
    amount_cents bigint NOT NULL,
    closed_on text NOT NULL,
    kind text NOT NULL DEFAULT '{DealKind.NEW}' CHECK (kind IN ({sql_list(DealKind)})),
    rep text
);

CREATE TABLE targets (
    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    period text NOT NULL DEFAULT 'month' CHECK (period IN ('week', 'month', 'quarter', 'year')),
    starts_on text NOT NULL DEFAULT to_char(date_trunc('month', now()), 'YYYY-MM-DD'),
    ends_on text NOT NULL DEFAULT to_char(
        date_trunc('month', now()) + interval '1 month' - interval '1 day', 'YYYY-MM-DD'),
    amount_cents bigint NOT NULL DEFAULT 0,
    calls_per_day integer,
    rep text
);

CREATE TABLE notes (
    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    prospect_id bigint NOT NULL REFERENCES prospects (id) ON DELETE CASCADE,
    created_at text NOT NULL DEFAULT {NOW},
    body text NOT NULL,
    rep text
);

CREATE TABLE settings (
    key text PRIMARY KEY,
    value text NOT NULL
);

CREATE TABLE undo_log (
    call_id bigint PRIMARY KEY REFERENCES calls (id) ON DELETE CASCADE,
    prospect_before text NOT NULL,
    logged_at text NOT NULL DEFAULT {NOW}
);

CREATE TABLE prospect_search (
    id bigint PRIMARY KEY,
    search_text text NOT NULL,
    phone_digits text NOT NULL
);

CREATE TABLE flag_changes (
    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    prospect_id bigint NOT NULL REFERENCES prospects (id) ON DELETE CASCADE,
    flag text NOT NULL,
    value integer NOT NULL,
    changed_at text NOT NULL DEFAULT {NOW}
);

CREATE TABLE call_days (
    day text NOT NULL,
    method text NOT NULL,
    source text NOT NULL,
    {_CALL_DAY_COUNT_COLUMNS},
    PRIMARY KEY (day, method, source)
);

CREATE TABLE lead_marks (
    prospect_id bigint NOT NULL,
    per_method integer NOT NULL,
    method text NOT NULL,
    only_method text,
    source text NOT NULL,
    first_call_at text NOT NULL,
    last_call_at text NOT NULL,
    last_connect_at text,
    last_meeting_at text,
    last_refusal_at text,
    wait_s bigint,
    PRIMARY KEY (prospect_id, per_method, method)
);

CREATE TABLE emails (
    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    prospect_id bigint NOT NULL REFERENCES prospects (id) ON DELETE CASCADE,
    sent_at text NOT NULL DEFAULT {NOW},
    template text,
    to_address text,
    subject text,
    body text,
    via text NOT NULL DEFAULT 'smtp',
    message_id text,
    rep text
);

-- A pool prospect a rep's app or `funnel next` holds (a lease): no other rep is given
-- it until it is released or expires.
CREATE TABLE claims (
    prospect_id bigint PRIMARY KEY REFERENCES prospects (id) ON DELETE CASCADE,
    rep text NOT NULL,
    claimed_at text NOT NULL DEFAULT {NOW},
    expires_at text NOT NULL
);

-- The SQLite books `funnel migrate-to` copied in, by the id in their `book` table, so
-- that no book is copied twice.
CREATE TABLE migrated_books (
    book_id text PRIMARY KEY,
    rep text NOT NULL,
    migrated_at text NOT NULL DEFAULT {NOW}
);
"""

INDEXES = """
CREATE UNIQUE INDEX targets_period ON targets (period, starts_on, coalesce(rep, ''));
CREATE INDEX deals_closed ON deals (closed_on);
CREATE INDEX deals_prospect ON deals (prospect_id);
CREATE INDEX deals_call ON deals (call_id);
CREATE INDEX notes_prospect ON notes (prospect_id, created_at);
CREATE INDEX prospects_name ON prospects (lower(name), id);
CREATE INDEX prospects_timezone ON prospects (timezone) WHERE timezone IS NOT NULL;
CREATE INDEX prospects_email ON prospects (lower(email));
CREATE INDEX prospects_phone ON prospects (phone);
CREATE INDEX prospects_owner ON prospects (owner);
CREATE INDEX calls_prospect ON calls (prospect_id, started_at);
CREATE INDEX calls_started ON calls (started_at);
CREATE INDEX calls_rep ON calls (rep, started_at);
CREATE INDEX deals_rep ON deals (rep, closed_on);
CREATE INDEX tasks_prospect ON tasks (prospect_id, status, due_at);
CREATE INDEX tasks_call ON tasks (call_id);
CREATE INDEX tasks_done_call ON tasks (done_call_id);
CREATE INDEX flag_changes_prospect ON flag_changes (prospect_id, changed_at);
CREATE INDEX prospects_due ON prospects (next_call_at, id)
    WHERE next_call_at IS NOT NULL AND do_not_call = 0 AND wrong_number = 0;
CREATE INDEX prospects_never_called ON prospects (priority DESC, created_at DESC, id DESC)
    WHERE next_call_at IS NULL AND last_called_at IS NULL AND nurture = 0
      AND do_not_call = 0 AND wrong_number = 0 AND stage NOT IN ('lost', 'won')
      AND kind != 'customer';
CREATE INDEX prospects_pipeline ON prospects (stage, deal_value_cents)
    WHERE stage IN ('meeting', 'qualified', 'proposal') AND deal_value_cents > 0;
CREATE INDEX lead_marks_grouped ON lead_marks (
    per_method, method, only_method, source, last_call_at, last_connect_at,
    last_meeting_at, last_refusal_at, prospect_id);
CREATE INDEX lead_marks_first ON lead_marks (first_call_at, source, wait_s)
    WHERE per_method = 0;
CREATE INDEX prospects_nurtured ON prospects (nurtured_at, lost_reason, source)
    WHERE nurtured_at IS NOT NULL;
CREATE INDEX emails_prospect ON emails (prospect_id, sent_at);
CREATE INDEX emails_sent_at ON emails (sent_at);
CREATE INDEX claims_rep ON claims (rep, expires_at);
"""

# --- next_call_at follows the earliest open task (SQLite: schema_v3) ----------------------

_TASK_ORDER = "funnel_utc(t.due_at) IS NULL, funnel_utc(t.due_at), t.id"

TASK_TRIGGERS = f"""
CREATE FUNCTION funnel_follow_tasks(prospect bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    due text;
    task_kind text;
BEGIN
    SELECT coalesce(funnel_utc(t.due_at), t.due_at), t.kind INTO due, task_kind
    FROM tasks t WHERE t.prospect_id = prospect AND t.status = {_OPEN}
    ORDER BY {_TASK_ORDER} LIMIT 1;
    UPDATE prospects SET next_call_at = due, next_task_kind = task_kind
    WHERE id = prospect
      AND (next_call_at, next_task_kind) IS DISTINCT FROM (due, task_kind);
END
$$;

CREATE FUNCTION funnel_tasks_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM funnel_follow_tasks(OLD.prospect_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM funnel_follow_tasks(NEW.prospect_id);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER tasks_follow AFTER INSERT OR DELETE OR UPDATE OF prospect_id, kind, due_at, status
ON tasks FOR EACH ROW EXECUTE FUNCTION funnel_tasks_changed();

-- A task moved or closed counts one more change (the calendar file's SEQUENCE).
CREATE FUNCTION funnel_tasks_sequence() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.due_at IS DISTINCT FROM OLD.due_at OR NEW.status IS DISTINCT FROM OLD.status THEN
        NEW.sequence := OLD.sequence + 1;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER tasks_sequence BEFORE UPDATE OF due_at, status ON tasks
FOR EACH ROW EXECUTE FUNCTION funnel_tasks_sequence();

-- Writing next_call_at itself (the edit form, an import) moves the earliest open task,
-- makes a call task when none is open, or, when cleared, cancels the open ones.
CREATE FUNCTION funnel_next_call_written() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    wanted text := coalesce(funnel_utc(NEW.next_call_at), NEW.next_call_at);
    earliest bigint;
    earliest_due text;
BEGIN
    SELECT t.id, coalesce(funnel_utc(t.due_at), t.due_at) INTO earliest, earliest_due
    FROM tasks t WHERE t.prospect_id = NEW.id AND t.status = {_OPEN}
    ORDER BY {_TASK_ORDER} LIMIT 1;
    IF wanted IS NOT DISTINCT FROM earliest_due THEN
        RETURN NULL;
    END IF;
    IF NEW.next_call_at IS NULL THEN
        UPDATE tasks SET status = '{TaskStatus.CANCELLED}'
        WHERE prospect_id = NEW.id AND status = {_OPEN};
    ELSIF earliest IS NOT NULL THEN
        UPDATE tasks SET due_at = wanted WHERE id = earliest;
    ELSE
        INSERT INTO tasks (prospect_id, kind, due_at) VALUES (NEW.id, '{TaskKind.CALL}', wanted);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER prospects_next_call_inserted AFTER INSERT ON prospects
FOR EACH ROW WHEN (NEW.next_call_at IS NOT NULL) EXECUTE FUNCTION funnel_next_call_written();

CREATE TRIGGER prospects_next_call_written AFTER UPDATE OF next_call_at ON prospects
FOR EACH ROW WHEN (NEW.next_call_at IS DISTINCT FROM OLD.next_call_at)
EXECUTE FUNCTION funnel_next_call_written();
"""

# --- a call moves its prospect's last call and attempts on (SQLite: migrations, v3) ------


def _record_flags(flags: tuple[str, ...], *, phone_kept_by: str | None = None) -> str:
    """The body of funnel_flags_changed: each change of these flags in flag_changes; with
    `phone_kept_by` (v26: wrong_number), the setting of that flag with the prospect's
    phone then."""
    return "\n    ".join(
        f"IF NEW.{flag} IS DISTINCT FROM OLD.{flag} THEN INSERT INTO flag_changes"
        f" (prospect_id, flag, value, phone) VALUES (NEW.id, '{flag}', NEW.{flag},"
        f" CASE WHEN NEW.{flag} = 1 THEN NEW.phone END); END IF;"
        if flag == phone_kept_by
        else f"IF NEW.{flag} IS DISTINCT FROM OLD.{flag} THEN INSERT INTO flag_changes"
        f" (prospect_id, flag, value) VALUES (NEW.id, '{flag}', NEW.{flag}); END IF;"
        for flag in flags
    )


_RECORD_FLAGS = _record_flags(("do_not_call", "wrong_number", "nurture"))

# Whether the prospect's line was busy earlier on the call's day, with no connect since.
_BUSY_BEFORE = f"""SELECT EXISTS (
        SELECT 1 FROM calls c WHERE c.prospect_id = NEW.prospect_id
          AND c.id <> NEW.id AND c.outcome = 'busy'
          AND (funnel_utc(c.started_at)::timestamptz)::date
            = (funnel_utc(NEW.started_at)::timestamptz)::date
          AND NOT EXISTS (SELECT 1 FROM calls k WHERE k.prospect_id = NEW.prospect_id
              AND k.outcome IN ({_CONNECTS})
              AND k.started_at BETWEEN c.started_at AND NEW.started_at)
    ) INTO busy_before;"""

# The new call's prospect: its last call and its attempts.
_CALL_MOVES_PROSPECT_ON = f"""UPDATE prospects SET
        last_called_at = NEW.started_at,
        last_outcome = NEW.outcome,
        attempts = CASE WHEN NEW.outcome IN ({_CONNECTS}) THEN 0
                        WHEN NEW.outcome = 'busy' AND busy_before THEN attempts
                        WHEN NEW.outcome IN ({_ATTEMPTS}) THEN attempts + 1
                        ELSE attempts END
    WHERE id = NEW.prospect_id
      AND (last_called_at IS NULL OR last_called_at <= NEW.started_at);"""

CALL_TRIGGERS = f"""
CREATE FUNCTION funnel_call_added() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    busy_before boolean;
BEGIN
    {_BUSY_BEFORE}
    {_CALL_MOVES_PROSPECT_ON}
    RETURN NULL;
END
$$;

CREATE TRIGGER calls_after_insert AFTER INSERT ON calls
FOR EACH ROW EXECUTE FUNCTION funnel_call_added();

CREATE FUNCTION funnel_call_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE prospects SET
        last_called_at = (SELECT max(started_at) FROM calls WHERE prospect_id = OLD.prospect_id),
        last_outcome = (SELECT outcome FROM calls WHERE prospect_id = OLD.prospect_id
                        ORDER BY started_at DESC, id DESC LIMIT 1)
    WHERE id = OLD.prospect_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER calls_after_delete AFTER DELETE ON calls
FOR EACH ROW EXECUTE FUNCTION funnel_call_removed();

-- Stamps updated_at unless the update set it.
CREATE FUNCTION funnel_prospects_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
        NEW.updated_at := funnel_now();
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER prospects_touch BEFORE UPDATE ON prospects
FOR EACH ROW EXECUTE FUNCTION funnel_prospects_touch();

CREATE FUNCTION funnel_flags_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_RECORD_FLAGS}
    RETURN NULL;
END
$$;

CREATE TRIGGER prospects_flags_changed AFTER UPDATE OF do_not_call, wrong_number, nurture
ON prospects FOR EACH ROW EXECUTE FUNCTION funnel_flags_changed();
"""

# --- prospect_search: the text the queue filter matches (SQLite: migrations, v2) ---------


def _phone_digits(row: str) -> str:
    return f"regexp_replace(coalesce({row}.phone, ''), '[ ()+./-]', '', 'g')"


def _search_text(row: str) -> str:
    return " || chr(10) || ".join(
        f"coalesce({row}.{column}, '')" for column in ("name", "company", "email", "phone")
    )


_PHONE_DIGITS = _phone_digits("NEW")
_SEARCH_TEXT = _search_text("NEW")

SEARCH_TRIGGERS = f"""
CREATE FUNCTION funnel_index_prospect() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id IS DISTINCT FROM OLD.id THEN
        DELETE FROM prospect_search WHERE id = OLD.id;
    END IF;
    INSERT INTO prospect_search (id, search_text, phone_digits)
    VALUES (NEW.id, {_SEARCH_TEXT}, {_PHONE_DIGITS})
    ON CONFLICT (id) DO UPDATE SET search_text = excluded.search_text,
        phone_digits = excluded.phone_digits;
    RETURN NULL;
END
$$;

CREATE TRIGGER prospect_search_written AFTER INSERT OR UPDATE OF id, name, company, email, phone
ON prospects FOR EACH ROW EXECUTE FUNCTION funnel_index_prospect();

CREATE FUNCTION funnel_unindex_prospect() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM prospect_search WHERE id = OLD.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER prospect_search_after_delete AFTER DELETE ON prospects
FOR EACH ROW EXECUTE FUNCTION funnel_unindex_prospect();
"""

# --- call_days: the calls of each UTC day by method and source (SQLite: schema_v4) -------

_REASON = (
    f"CASE WHEN reason IS NULL OR trim(reason) = '' THEN '{UNSPECIFIED_REASON}'"
    f" WHEN reason IN ({sql_list(PICKED_REASONS)}) THEN reason ELSE 'other' END"
)
# What each count of call_days adds for one call, as an integer (PostgreSQL has no
# boolean arithmetic); a typed column holds no unreadable value, so those count nothing.
CALL_DAY_COUNT_SQL = {
    "calls": "1",
    "connects": f"(outcome IN ({_CONNECTS}))::int",
    "meetings": f"(outcome = '{Outcome.MEETING}')::int",
    "won": f"(outcome = '{Outcome.WON}')::int",
    "meetings_held": f"(outcome = '{Outcome.MEETING_HELD}')::int",
    "proposals": f"(outcome = '{Outcome.PROPOSAL_SENT}')::int",
    "talk_s": "greatest(coalesce(duration_s, 0), 0)",
    "unreadable_durations": "0",
    **{
        f"lost_{reason}": f"(outcome = '{Outcome.NOT_INTERESTED}' AND {_REASON} = '{reason}')::int"
        for reason in COUNTED_REASONS
    },
    "unreadable_reasons": "0",
    "unreadable_methods": "0",
}
assert tuple(CALL_DAY_COUNT_SQL) == tuple(CALL_DAY_COUNTS), "call_days has the same counts on both"


def _call_day(utc_moment: str) -> str:
    """The day call_days counts a call under, from its moment in UTC (funnel_utc's)."""
    return f"coalesce(substr({utc_moment}, 1, 10), 'unreadable')"


_COUNT_COLUMNS = ", ".join(CALL_DAY_COUNT_SQL)
_SIGNED_COUNTS = ", ".join(f"sign * {count}" for count in CALL_DAY_COUNT_SQL.values())
_ADD_COUNTS = ",\n        ".join(
    f"{column} = d.{column} + excluded.{column}" for column in CALL_DAY_COUNT_SQL
)


def _recount_prospect(function: str, count: str) -> str:
    """The trigger function `function` that takes a prospect's calls away from the counts
    (`count`, a function of a prospect and a sign) before it is deleted, and moves them to
    its new names when its id, method or source change."""
    return f"""CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM {count}(OLD, -1);
        RETURN OLD;
    END IF;
    IF OLD.id IS DISTINCT FROM NEW.id OR OLD.method IS DISTINCT FROM NEW.method
       OR OLD.source IS DISTINCT FROM NEW.source THEN
        PERFORM {count}(OLD, -1);
        PERFORM {count}(NEW, 1);
    END IF;
    RETURN NULL;
END
$$;"""


CALL_DAYS_TRIGGERS = f"""
-- Adds (sign 1) or takes away (sign -1) one call's counts.
CREATE FUNCTION funnel_count_call(
    started_at text, call_method text, outcome text, duration_s integer, reason text,
    prospect_method text, prospect_source text, sign integer
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    call_day text := {_call_day("funnel_utc(started_at)")};
    counted_method text := coalesce(nullif(call_method, ''), prospect_method);
    counted_source text := coalesce(nullif(trim(prospect_source), ''), '{NO_SOURCE}');
BEGIN
    INSERT INTO call_days AS d (day, method, source, {_COUNT_COLUMNS})
    VALUES (call_day, counted_method, counted_source, {_SIGNED_COUNTS})
    ON CONFLICT (day, method, source) DO UPDATE SET
        {_ADD_COUNTS};
    DELETE FROM call_days d WHERE d.day = call_day AND d.method = counted_method
        AND d.source = counted_source AND d.calls = 0;
END
$$;

CREATE FUNCTION funnel_count_prospect_calls(p prospects, sign integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    c calls;
BEGIN
    FOR c IN SELECT * FROM calls WHERE prospect_id = p.id LOOP
        PERFORM funnel_count_call(c.started_at, c.method, c.outcome, c.duration_s, c.reason,
            p.method, p.source, sign);
    END LOOP;
END
$$;

CREATE FUNCTION funnel_call_days_for_call() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    p prospects;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT * INTO p FROM prospects WHERE id = OLD.prospect_id;
        IF FOUND THEN
            PERFORM funnel_count_call(OLD.started_at, OLD.method, OLD.outcome, OLD.duration_s,
                OLD.reason, p.method, p.source, -1);
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT * INTO p FROM prospects WHERE id = NEW.prospect_id;
        IF FOUND THEN
            PERFORM funnel_count_call(NEW.started_at, NEW.method, NEW.outcome, NEW.duration_s,
                NEW.reason, p.method, p.source, 1);
        END IF;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER call_days_for_call
AFTER INSERT OR DELETE OR UPDATE OF started_at, outcome, method, prospect_id, duration_s, reason
ON calls FOR EACH ROW EXECUTE FUNCTION funnel_call_days_for_call();

{_recount_prospect("funnel_call_days_for_prospect", "funnel_count_prospect_calls")}

-- BEFORE DELETE: by the time the cascade deletes the calls, their prospect is gone.
CREATE TRIGGER call_days_before_prospect_delete BEFORE DELETE ON prospects
FOR EACH ROW EXECUTE FUNCTION funnel_call_days_for_prospect();

CREATE TRIGGER call_days_after_prospect_update AFTER UPDATE OF id, method, source ON prospects
FOR EACH ROW EXECUTE FUNCTION funnel_call_days_for_prospect();
"""

# --- lead_marks: each prospect's first and last moments (SQLite: schema_v4) --------------

_METHOD = "coalesce(nullif(c.method, ''), p.method)"
_SOURCE = f"coalesce(nullif(trim(p.source), ''), '{NO_SOURCE}')"
_MARKS = ", ".join(
    f"max(c.started_at) FILTER (WHERE {condition})"
    for condition in (
        "true",
        f"c.outcome IN ({_CONNECTS})",
        f"c.outcome = '{Outcome.MEETING}'",
        f"c.outcome = '{Outcome.NOT_INTERESTED}'",
    )
)


def _marked_calls(prospects: str, columns: str = "id, prospect_id, outcome, method") -> str:
    """The calls of the prospects `prospects` picks whose moment reads, in UTC."""
    return f"""(SELECT {columns}, funnel_utc(started_at) AS started_at
        FROM calls WHERE {prospects} AND funnel_utc(started_at) IS NOT NULL)"""


_MARKED_CALLS = _marked_calls("prospect_id = prospect")


def lead_marks_of(marked: str, *, with_rep: bool = False) -> str:
    """The INSERT of the marks of the calls `marked` (a subquery of calls whose
    started_at is a moment in UTC): over every method and, for a prospect called with
    more than one, per method; the trigger's for one prospect, migrate-to's for many.
    `with_rep` (v18) adds each row's only_rep, the rep of all the prospect's calls."""
    if with_rep:
        return _lead_marks_with_rep_of(marked)
    return f"""INSERT INTO lead_marks (prospect_id, per_method, method, only_method, source,
    first_call_at, last_call_at, last_connect_at, last_meeting_at, last_refusal_at, wait_s)
SELECT c.prospect_id, 0, '',
    CASE WHEN count(DISTINCT {_METHOD}) = 1 THEN max({_METHOD}) END,
    {_SOURCE}, min(c.started_at), {_MARKS},
    funnel_epoch(min(c.started_at)) - funnel_epoch(p.created_at)
FROM {marked} c JOIN prospects p ON p.id = c.prospect_id
GROUP BY c.prospect_id, p.source, p.created_at
UNION ALL
SELECT c.prospect_id, 1, {_METHOD}, NULL, {_SOURCE}, min(c.started_at), {_MARKS}, NULL
FROM {marked} c JOIN prospects p ON p.id = c.prospect_id
WHERE c.prospect_id IN (
    SELECT c.prospect_id FROM {marked} c JOIN prospects p ON p.id = c.prospect_id
    GROUP BY c.prospect_id HAVING count(DISTINCT {_METHOD}) > 1)
GROUP BY c.prospect_id, {_METHOD}, p.source"""


def _lead_marks_with_rep_of(marked: str) -> str:
    only_rep = only_rep_sql("c")
    return f"""INSERT INTO lead_marks (prospect_id, per_method, method, only_method, source,
    first_call_at, last_call_at, last_connect_at, last_meeting_at, last_refusal_at, wait_s,
    only_rep)
SELECT c.prospect_id, 0, '',
    CASE WHEN count(DISTINCT {_METHOD}) = 1 THEN max({_METHOD}) END,
    {_SOURCE}, min(c.started_at), {_MARKS},
    funnel_epoch(min(c.started_at)) - funnel_epoch(p.created_at), {only_rep}
FROM {marked} c JOIN prospects p ON p.id = c.prospect_id
GROUP BY c.prospect_id, p.source, p.created_at
UNION ALL
SELECT c.prospect_id, 1, {_METHOD}, NULL, {_SOURCE}, min(c.started_at), {_MARKS}, NULL,
    several.only_rep
FROM {marked} c JOIN prospects p ON p.id = c.prospect_id
JOIN (
    SELECT c.prospect_id, {only_rep} AS only_rep
    FROM {marked} c JOIN prospects p ON p.id = c.prospect_id
    GROUP BY c.prospect_id HAVING count(DISTINCT {_METHOD}) > 1
) AS several ON several.prospect_id = c.prospect_id
GROUP BY c.prospect_id, {_METHOD}, p.source, several.only_rep"""


# A new call of the one method all its prospect's calls count under moves the
# prospect's marks on in place (no row when they count under several, or none yet).
_MOVE_MARKS_ON = f"""UPDATE lead_marks SET
            first_call_at = least(first_call_at, started),
            last_call_at = greatest(last_call_at, started),
            last_connect_at = CASE WHEN NEW.outcome IN ({_CONNECTS})
                THEN greatest(last_connect_at, started) ELSE last_connect_at END,
            last_meeting_at = CASE WHEN NEW.outcome = '{Outcome.MEETING}'
                THEN greatest(last_meeting_at, started) ELSE last_meeting_at END,
            last_refusal_at = CASE WHEN NEW.outcome = '{Outcome.NOT_INTERESTED}'
                THEN greatest(last_refusal_at, started) ELSE last_refusal_at END,
            wait_s = CASE WHEN started < first_call_at
                THEN funnel_epoch(started) - funnel_epoch(created) ELSE wait_s END
        WHERE prospect_id = NEW.prospect_id AND per_method = 0
          AND only_method = counted_method AND started IS NOT NULL;"""

LEAD_MARKS_TRIGGERS = f"""
CREATE FUNCTION funnel_mark_prospect(prospect bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM lead_marks WHERE prospect_id = prospect;
    {lead_marks_of(_MARKED_CALLS)};
END
$$;

-- A new call of the one method all its prospect's calls count under (the usual call)
-- moves the prospect's marks on in place; any other change works them out again.
CREATE FUNCTION funnel_lead_marks_for_call() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    started text;
    counted_method text;
    created text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        started := funnel_utc(NEW.started_at);
        SELECT coalesce(nullif(NEW.method, ''), p.method), p.created_at
        INTO counted_method, created FROM prospects p WHERE p.id = NEW.prospect_id;
        {_MOVE_MARKS_ON}
        IF FOUND THEN
            RETURN NULL;
        END IF;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM funnel_mark_prospect(OLD.prospect_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.prospect_id <> OLD.prospect_id) THEN
        PERFORM funnel_mark_prospect(NEW.prospect_id);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER lead_marks_for_call
AFTER INSERT OR DELETE OR UPDATE OF started_at, outcome, method, prospect_id ON calls
FOR EACH ROW EXECUTE FUNCTION funnel_lead_marks_for_call();

CREATE FUNCTION funnel_lead_marks_for_prospect() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM lead_marks WHERE prospect_id = OLD.id;
    ELSIF OLD.id IS DISTINCT FROM NEW.id OR OLD.method IS DISTINCT FROM NEW.method
          OR OLD.source IS DISTINCT FROM NEW.source
          OR OLD.created_at IS DISTINCT FROM NEW.created_at THEN
        PERFORM funnel_mark_prospect(OLD.id);
        PERFORM funnel_mark_prospect(NEW.id);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER lead_marks_for_prospect
AFTER DELETE OR UPDATE OF id, method, source, created_at ON prospects
FOR EACH ROW EXECUTE FUNCTION funnel_lead_marks_for_prospect();
"""

# --- live updates: every change is announced once a statement (PRODUCT 16) --------------

NOTIFY_TRIGGERS = "\n".join(
    f"""CREATE TRIGGER {table}_announce AFTER INSERT OR UPDATE OR DELETE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION funnel_announce();"""
    for table in ("prospects", "calls", "tasks", "deals", "targets", "claims", "notes", "reps")
)

ANNOUNCE = f"""
CREATE FUNCTION funnel_announce() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{CHANGES_CHANNEL}', TG_TABLE_NAME);
    RETURN NULL;
END
$$;
{NOTIFY_TRIGGERS}
"""

SCHEMA_V6 = (
    FUNCTIONS
    + TABLES
    + INDEXES
    + TASK_TRIGGERS
    + CALL_TRIGGERS
    + SEARCH_TRIGGERS
    + CALL_DAYS_TRIGGERS
    + LEAD_MARKS_TRIGGERS
    + ANNOUNCE
    + "\nINSERT INTO book (id) VALUES (substr(md5(random()::text), 1, 12));\n"
)

# v7 (SQLite: schema_v7): the suppression list of the people who asked to be forgotten,
# and a forgotten prospect's deals kept as anonymous amounts.
SCHEMA_V7 = f"""
ALTER TABLE deals ALTER COLUMN prospect_id DROP NOT NULL;
ALTER TABLE deals ADD COLUMN forgotten_method text;
ALTER TABLE deals ADD COLUMN forgotten_source text;

CREATE TABLE suppressions (
    hash text PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ({sql_list(SUPPRESSION_KINDS)})),
    added_at text NOT NULL DEFAULT {NOW}
);
"""


# --- the derived rows of many prospects at once (`funnel migrate-to`) -------------------
# What the triggers above keep row by row, in one statement each, for the prospects whose
# id is above %(after)s and their calls and tasks, copied in with those triggers off. The
# last call, attempts and updated_at are not here: they are the history the rows were
# copied with, and are kept as they are.

SEARCH_ROWS = f"""
INSERT INTO prospect_search (id, search_text, phone_digits)
SELECT p.id, {_search_text("p")}, {_phone_digits("p")} FROM prospects p WHERE p.id > %(after)s
ON CONFLICT (id) DO UPDATE SET search_text = excluded.search_text,
    phone_digits = excluded.phone_digits
"""

NEXT_CALLS = f"""
UPDATE prospects p SET next_call_at = earliest.due, next_task_kind = earliest.kind
FROM (
    SELECT q.id, first_open.due, first_open.kind FROM prospects q
    LEFT JOIN LATERAL (
        SELECT coalesce(funnel_utc(t.due_at), t.due_at) AS due, t.kind FROM tasks t
        WHERE t.prospect_id = q.id AND t.status = {_OPEN} ORDER BY {_TASK_ORDER} LIMIT 1
    ) first_open ON true
    WHERE q.id > %(after)s
) earliest
WHERE p.id = earliest.id
  AND (p.next_call_at, p.next_task_kind) IS DISTINCT FROM (earliest.due, earliest.kind)
"""

# The copied calls with their moment in UTC, worked out once for call_days and
# lead_marks: funnel_utc is the slow part of both.
COPIED_CALLS = """
CREATE TEMPORARY TABLE copied_calls ON COMMIT DROP AS
SELECT id, prospect_id, outcome, method, duration_s, reason, rep,
    funnel_utc(started_at) AS started_at
FROM calls WHERE prospect_id > %(after)s
"""

_SUMMED_COUNTS = ", ".join(f"sum({count})" for count in CALL_DAY_COUNT_SQL.values())

CALL_DAYS_ROWS = f"""
INSERT INTO call_days AS d (day, method, source, {_COUNT_COLUMNS})
SELECT {_call_day("c.started_at")}, {_METHOD}, {_SOURCE}, {_SUMMED_COUNTS}
FROM copied_calls c JOIN prospects p ON p.id = c.prospect_id
GROUP BY 1, 2, 3
ON CONFLICT (day, method, source) DO UPDATE SET
    {_ADD_COUNTS}
"""

_MARKED = "(SELECT * FROM copied_calls WHERE started_at IS NOT NULL)"

LEAD_MARKS_ROWS = lead_marks_of(_MARKED, with_rep=True)


# --- v8: each rep's calls by day, method and source (SQLite: schema_v8) ------------------

_REP_CALL_DAYS_FROM_CALLS = f"""
INSERT INTO rep_call_days AS d (rep, day, method, source, {_COUNT_COLUMNS})
SELECT c.rep, {_call_day("c.started_at")}, {_METHOD}, {_SOURCE}, {_SUMMED_COUNTS}
FROM {{calls}} c JOIN prospects p ON p.id = c.prospect_id
WHERE c.rep IS NOT NULL
GROUP BY 1, 2, 3, 4
ON CONFLICT (rep, day, method, source) DO UPDATE SET
    {_ADD_COUNTS}
"""

# The calls with their moment in UTC, as copied_calls has them.
_CALLS_IN_UTC = """(SELECT id, prospect_id, outcome, method, duration_s, reason, rep,
    funnel_utc(started_at) AS started_at FROM calls)"""

SCHEMA_V8 = f"""
CREATE TABLE rep_call_days (
    rep text NOT NULL,
    day text NOT NULL,
    method text NOT NULL,
    source text NOT NULL,
    {_CALL_DAY_COUNT_COLUMNS},
    PRIMARY KEY (rep, day, method, source)
);

CREATE INDEX calls_rep_meetings ON calls (rep, started_at, prospect_id)
WHERE outcome = '{Outcome.MEETING}';

-- Adds (sign 1) or takes away (sign -1) one call of a rep's.
CREATE FUNCTION funnel_count_rep_call(
    call_rep text, started_at text, call_method text, outcome text, duration_s integer,
    reason text, prospect_method text, prospect_source text, sign integer
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    call_day text := {_call_day("funnel_utc(started_at)")};
    counted_method text := coalesce(nullif(call_method, ''), prospect_method);
    counted_source text := coalesce(nullif(trim(prospect_source), ''), '{NO_SOURCE}');
BEGIN
    INSERT INTO rep_call_days AS d (rep, day, method, source, {_COUNT_COLUMNS})
    VALUES (call_rep, call_day, counted_method, counted_source, {_SIGNED_COUNTS})
    ON CONFLICT (rep, day, method, source) DO UPDATE SET
        {_ADD_COUNTS};
    DELETE FROM rep_call_days d WHERE d.rep = call_rep AND d.day = call_day
        AND d.method = counted_method AND d.source = counted_source AND d.calls = 0;
END
$$;

CREATE FUNCTION funnel_rep_call_days_for_call() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    p prospects;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.rep IS NOT NULL THEN
        SELECT * INTO p FROM prospects WHERE id = OLD.prospect_id;
        IF FOUND THEN
            PERFORM funnel_count_rep_call(OLD.rep, OLD.started_at, OLD.method, OLD.outcome,
                OLD.duration_s, OLD.reason, p.method, p.source, -1);
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.rep IS NOT NULL THEN
        SELECT * INTO p FROM prospects WHERE id = NEW.prospect_id;
        IF FOUND THEN
            PERFORM funnel_count_rep_call(NEW.rep, NEW.started_at, NEW.method, NEW.outcome,
                NEW.duration_s, NEW.reason, p.method, p.source, 1);
        END IF;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER rep_call_days_for_call
AFTER INSERT OR DELETE
    OR UPDATE OF started_at, outcome, method, prospect_id, duration_s, reason, rep
ON calls FOR EACH ROW EXECUTE FUNCTION funnel_rep_call_days_for_call();

CREATE FUNCTION funnel_count_rep_prospect_calls(p prospects, sign integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    c calls;
BEGIN
    FOR c IN SELECT * FROM calls WHERE prospect_id = p.id AND rep IS NOT NULL LOOP
        PERFORM funnel_count_rep_call(c.rep, c.started_at, c.method, c.outcome, c.duration_s,
            c.reason, p.method, p.source, sign);
    END LOOP;
END
$$;

{_recount_prospect("funnel_rep_call_days_for_prospect", "funnel_count_rep_prospect_calls")}

CREATE TRIGGER rep_call_days_before_prospect_delete BEFORE DELETE ON prospects
FOR EACH ROW EXECUTE FUNCTION funnel_rep_call_days_for_prospect();

CREATE TRIGGER rep_call_days_after_prospect_update AFTER UPDATE OF id, method, source
ON prospects FOR EACH ROW EXECUTE FUNCTION funnel_rep_call_days_for_prospect();

{_REP_CALL_DAYS_FROM_CALLS.format(calls=_CALLS_IN_UTC)};
"""

# --- v9: nothing (SQLite: schema_v9, the filter's trigram index) --------------------------
#
# A pg_trgm GIN index would serve the filter's ILIKE. pg_trgm is a trusted extension that
# a database owner may create, but only where the server has PostgreSQL's contrib package:
# a v9 that made the index where it could would leave two kinds of v9 database, told
# apart by nothing funnel records, with the upgrade failing or not by the server it runs
# on. A team's filter reads the narrow prospect_search rows as before. The version moves
# with the SQLite file's all the same, so one number names one schema.
SCHEMA_V9 = ""

# --- v10: a change of the team's settings is announced too (SQLite: nothing) -------------
#
# A rule one rep changes (currency, calling hours, ...) reaches every open app within a
# second, as a change of any other table's rows does (PRODUCT 16).
SCHEMA_V10 = """
CREATE TRIGGER settings_announce AFTER INSERT OR UPDATE OR DELETE ON settings
FOR EACH STATEMENT EXECUTE FUNCTION funnel_announce();
"""

# --- v11: a call's request id is unique per rep (SQLite: schema_v11) ----------------------
#
# v6 made request_id UNIQUE inline, a constraint PostgreSQL named itself: it is looked up
# in pg_constraint (the one UNIQUE constraint of calls on request_id alone) and dropped.
SCHEMA_V11 = f"""
DO $$
DECLARE
    found text;
BEGIN
    SELECT c.conname INTO found FROM pg_constraint c
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
    WHERE c.conrelid = 'calls'::regclass AND c.contype = 'u'
        AND array_length(c.conkey, 1) = 1 AND a.attname = 'request_id';
    IF found IS NOT NULL THEN
        EXECUTE format('ALTER TABLE calls DROP CONSTRAINT %I', found);
    END IF;
END
$$;
{REQUEST_ID_INDEX};
"""

# --- v12: funnel_utc reads the 29th, 30th and 31st without parsing (SQLite: nothing) ----
#
# v6's funnel_utc read only days 1 to 28 as they are: every call made on the last days of
# a month went through funnel_utc_parsed, whose EXCEPTION block costs a subtransaction,
# in each call trigger and for each call a report reads. The results are the same.
SCHEMA_V12 = FUNNEL_UTC

# --- v13: the reps' own settings leave the team's table (SQLite: nothing) ---------------
#
# Before a rep's own settings moved to their config file (own_settings.py), `config set`
# kept them in the shared table, where nothing reads them any more and where every rep
# could read one rep's email account. The keys are those own_settings.OWN_SETTINGS named
# at v13, written out: what v13 does never changes with that list.
CLEARS_OWN_SETTINGS = 13
OWN_SETTINGS_AT_V13 = (
    "rep_name",
    "dial_command",
    "email_from",
    "smtp_host",
    "smtp_port",
    "smtp_security",
    "smtp_user",
)
OWN_SETTINGS_LEFT = (
    f"SELECT key FROM settings WHERE key IN ({sql_list(OWN_SETTINGS_AT_V13)}) ORDER BY key"
)
SCHEMA_V13 = f"DELETE FROM settings WHERE key IN ({sql_list(OWN_SETTINGS_AT_V13)});"

# v18: a new call keeps the rep of all the prospect's calls only when it is theirs too.
_MOVE_MARKS_AND_REP_ON = _MOVE_MARKS_ON.replace(
    "ELSE wait_s END",
    "ELSE wait_s END,\n            only_rep = CASE WHEN only_rep = NEW.rep THEN only_rep END",
)
assert _MOVE_MARKS_AND_REP_ON != _MOVE_MARKS_ON


def _lead_marks_for_call(*, with_rep: bool) -> str:
    """The call trigger's function of lead_marks: v14's, or with `with_rep` v18's, which
    also keeps only_rep (a first call's rep; a new call of another rep clears it)."""
    move_on = _MOVE_MARKS_AND_REP_ON if with_rep else _MOVE_MARKS_ON
    rep_column = ", only_rep" if with_rep else ""
    rep_value = ",\n                NEW.rep" if with_rep else ""
    head = "CREATE OR REPLACE FUNCTION funnel_lead_marks_for_call() RETURNS trigger"
    return f"""{head} LANGUAGE plpgsql AS $$
DECLARE
    started text;
    counted_method text;
    counted_source text;
    created text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        started := funnel_utc(NEW.started_at);
        SELECT coalesce(nullif(NEW.method, ''), p.method), {_SOURCE}, p.created_at
        INTO counted_method, counted_source, created FROM prospects p
        WHERE p.id = NEW.prospect_id;
        {move_on}
        IF FOUND THEN
            RETURN NULL;
        END IF;
        IF started IS NOT NULL AND NOT EXISTS (SELECT 1 FROM calls c
                WHERE c.prospect_id = NEW.prospect_id AND c.id <> NEW.id) THEN
            DELETE FROM lead_marks WHERE prospect_id = NEW.prospect_id;
            INSERT INTO lead_marks (prospect_id, per_method, method, only_method, source,
                first_call_at, last_call_at, last_connect_at, last_meeting_at,
                last_refusal_at, wait_s{rep_column})
            VALUES (NEW.prospect_id, 0, '', counted_method, counted_source, started, started,
                CASE WHEN NEW.outcome IN ({_CONNECTS}) THEN started END,
                CASE WHEN NEW.outcome = '{Outcome.MEETING}' THEN started END,
                CASE WHEN NEW.outcome = '{Outcome.NOT_INTERESTED}' THEN started END,
                extract(epoch FROM started::timestamptz)::bigint
                - extract(epoch FROM funnel_utc(created)::timestamptz)::bigint{rep_value});
            RETURN NULL;
        END IF;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM funnel_mark_prospect(OLD.prospect_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.prospect_id <> OLD.prospect_id) THEN
        PERFORM funnel_mark_prospect(NEW.prospect_id);
    END IF;
    RETURN NULL;
END
$$;
"""


# --- v14: the call triggers do less for the usual call (SQLite: nothing) -----------------
#
# Every call logged fires these, and they were much of the server's work per call (a
# team's reps log at once). Each leaves the rows it left before:
# - a prospect's first call writes its marks from the call itself: with no other call, a
#   rebuild would read back just this one (it still runs when the call's moment does not
#   read, as before), and funnel_epoch is written out: a SQL function PostgreSQL cannot
#   inline (its cast reads the session's zone) is planned again at every call;
# - only a busy call asks whether the line was busy earlier that day (other outcomes
#   never look at the answer);
# - a call added to the counts never leaves a row at zero calls: only one taken away
#   (sign -1) looks for a row to delete.
SCHEMA_V14 = f"""
CREATE OR REPLACE FUNCTION funnel_call_added() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    busy_before boolean := false;
BEGIN
    IF NEW.outcome = '{Outcome.BUSY}' THEN
        {_BUSY_BEFORE}
    END IF;
    {_CALL_MOVES_PROSPECT_ON}
    RETURN NULL;
END
$$;

{_lead_marks_for_call(with_rep=False)}
CREATE OR REPLACE FUNCTION funnel_count_call(
    started_at text, call_method text, outcome text, duration_s integer, reason text,
    prospect_method text, prospect_source text, sign integer
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    call_day text := {_call_day("funnel_utc(started_at)")};
    counted_method text := coalesce(nullif(call_method, ''), prospect_method);
    counted_source text := coalesce(nullif(trim(prospect_source), ''), '{NO_SOURCE}');
BEGIN
    INSERT INTO call_days AS d (day, method, source, {_COUNT_COLUMNS})
    VALUES (call_day, counted_method, counted_source, {_SIGNED_COUNTS})
    ON CONFLICT (day, method, source) DO UPDATE SET
        {_ADD_COUNTS};
    IF sign < 0 THEN
        DELETE FROM call_days d WHERE d.day = call_day AND d.method = counted_method
            AND d.source = counted_source AND d.calls = 0;
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION funnel_count_rep_call(
    call_rep text, started_at text, call_method text, outcome text, duration_s integer,
    reason text, prospect_method text, prospect_source text, sign integer
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    call_day text := {_call_day("funnel_utc(started_at)")};
    counted_method text := coalesce(nullif(call_method, ''), prospect_method);
    counted_source text := coalesce(nullif(trim(prospect_source), ''), '{NO_SOURCE}');
BEGIN
    INSERT INTO rep_call_days AS d (rep, day, method, source, {_COUNT_COLUMNS})
    VALUES (call_rep, call_day, counted_method, counted_source, {_SIGNED_COUNTS})
    ON CONFLICT (rep, day, method, source) DO UPDATE SET
        {_ADD_COUNTS};
    IF sign < 0 THEN
        DELETE FROM rep_call_days d WHERE d.rep = call_rep AND d.day = call_day
            AND d.method = counted_method AND d.source = counted_source AND d.calls = 0;
    END IF;
END
$$;
"""

# --- v15: a window's calls found by their moment in the stored form (SQLite: nothing) ----
#
# A report read a window's calls by the text of started_at, then tested each one's form
# with a regular expression (about 5 microseconds a call: 4 s for a month of 822,000
# calls) before comparing it with the window. The indexes of calls by time now hold
# funnel_utc(started_at), worked out once when the call is written, so a window is a
# range of an index with nothing to test (CALL_STARTED); they replace those of the text,
# which nothing reads any more. The meetings' index also holds started_at, so that the
# plan reads it alone. The open opportunities' index holds what the pipeline reads of
# each, and lead_marks' last meetings have their own, so that neither reads the table.
SCHEMA_V15 = f"""
DROP INDEX calls_started;
CREATE INDEX calls_utc ON calls (funnel_utc(started_at));
DROP INDEX calls_rep;
CREATE INDEX calls_rep_utc ON calls (rep, funnel_utc(started_at));
DROP INDEX calls_rep_meetings;
CREATE INDEX calls_rep_meetings ON calls (rep, funnel_utc(started_at), prospect_id)
    INCLUDE (started_at) WHERE outcome = '{Outcome.MEETING}';
DROP INDEX prospects_pipeline;
CREATE INDEX prospects_pipeline ON prospects (stage, deal_value_cents)
    INCLUDE (expected_close_on, owner)
    WHERE stage IN ('meeting', 'qualified', 'proposal') AND deal_value_cents > 0;
CREATE INDEX lead_marks_meetings ON lead_marks (last_meeting_at, prospect_id)
    WHERE per_method = 0 AND last_meeting_at IS NOT NULL;
"""

# --- v16: the filter's text with accents and case folded, and its trigram indexes ------
# The filter matched its text with ILIKE, reading every row (about a second at 1,000,000
# prospects), and `jose` did not find José. prospect_search now also holds the text in
# lowercase with its accented Latin letters plain (accents.py), worked out by PostgreSQL
# whenever the text is written (only a text with a letter past ASCII is translated): a
# filter's word, folded the same way in Python, is matched there. pg_trgm's GIN indexes of
# that column and of the phone's digits find a word of three characters or more, and a
# number, without reading every row (10 ms for two names at 1,000,000 prospects). The
# extension ships with PostgreSQL and any database owner may create it; where it cannot
# be had, the book goes without the indexes and the filter reads every row as before.
FOLDED_TRIGRAMS = "prospect_search_folded"
DIGITS_TRIGRAMS = "prospect_search_digits"
SCHEMA_V16 = f"""
CREATE FUNCTION funnel_fold(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT lower(CASE WHEN $1 ~ '[^\\x01-\\x7f]'
                      THEN translate($1, '{ACCENTED}{COMBINING}', '{PLAIN}') ELSE $1 END)
$$;
ALTER TABLE prospect_search
    ADD COLUMN folded_text text GENERATED ALWAYS AS (funnel_fold(search_text)) STORED;
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX {FOLDED_TRIGRAMS} ON prospect_search USING gin (folded_text gin_trgm_ops);
    CREATE INDEX {DIGITS_TRIGRAMS} ON prospect_search USING gin (phone_digits gin_trgm_ops);
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'no trigram index for the queue filter (%): it reads every row', SQLERRM;
END
$$;
"""

# --- v17: a team report's reads by prospect and by day (SQLite: nothing) ---------------
# A window's leads count a prospect called in it and again after it only when one of its
# calls falls in the window: calls_prospect gave the planner every call of the prospect,
# each read from the table and its moment tested (0.2 ms a prospect: 1.1 s for the month
# before at 100,000 prospects and 1,000,000 calls). The prospect's calls by their moment
# in the stored form make it a range of an index; a SQLite file's calls_prospect already
# holds the text, whose days the same query bounds.
# The plan's 90 days of every rep's counts were read from the whole of rep_call_days, a
# quarter of which they are, three times over (about 230 ms of a team's month so far):
# its rows by day, with the counts the plan and the breakdowns sum, make each a range of
# one index (the totals, which sum every count, read the rows it finds). Each index takes
# a write on each call: calls_prospect_utc its entry, rep_call_days_day its row's on each
# upsert (holding counts, no longer a heap-only update). 400 calls inserted one by one,
# with calls_prospect_utc, took 3.4 to 3.6 ms each with rep_call_days_day and without.
SCHEMA_V17 = """
CREATE INDEX calls_prospect_utc ON calls (prospect_id, funnel_utc(started_at));
CREATE INDEX rep_call_days_day ON rep_call_days (day)
    INCLUDE (rep, method, source, calls, connects, meetings);
"""

# --- v18: the rep of all a prospect's calls in its marks (SQLite: schema_v18) -----------
# A rep's leads of a window were counted from each of the rep's calls in it joined to its
# prospect (750 ms of a team's month so far at 1,000,000 prospects, 822,000 calls for the
# month before). A prospect that one rep alone called has that rep in every one of its
# marks, which are then the rep's own: the reps' leads read the marks of their prospects
# and only the shared prospects' calls (rep_figures). The marks' function and the call
# trigger's are v14's, with only_rep kept too; the trigger also follows a call given to
# another rep.
_MARKED_CALLS_WITH_REP = _marked_calls(
    "prospect_id = prospect", "id, prospect_id, outcome, method, rep"
)


SCHEMA_V18 = f"""
ALTER TABLE lead_marks ADD COLUMN only_rep text;

CREATE OR REPLACE FUNCTION funnel_mark_prospect(prospect bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM lead_marks WHERE prospect_id = prospect;
    {lead_marks_of(_MARKED_CALLS_WITH_REP, with_rep=True)};
END
$$;

{_lead_marks_for_call(with_rep=True)}
DROP TRIGGER lead_marks_for_call ON calls;
CREATE TRIGGER lead_marks_for_call
AFTER INSERT OR DELETE OR UPDATE OF started_at, outcome, method, prospect_id, rep ON calls
FOR EACH ROW EXECUTE FUNCTION funnel_lead_marks_for_call();

UPDATE lead_marks m SET only_rep = r.only_rep
FROM (
    SELECT c.prospect_id, min(c.rep) AS only_rep FROM calls c
    WHERE funnel_utc(c.started_at) IS NOT NULL
    GROUP BY c.prospect_id
    HAVING count(c.rep) = count(*) AND min(c.rep) = max(c.rep)
) AS r
WHERE m.prospect_id = r.prospect_id;

CREATE INDEX lead_marks_called ON lead_marks (last_call_at)
    INCLUDE (only_rep, per_method, method, only_method, source, last_connect_at,
        last_meeting_at, last_refusal_at, prospect_id);
CREATE INDEX lead_marks_shared ON lead_marks (last_call_at, prospect_id)
    WHERE per_method = 0 AND only_rep IS NULL;
DROP INDEX lead_marks_meetings;
CREATE INDEX lead_marks_meetings ON lead_marks (last_meeting_at, prospect_id)
    INCLUDE (only_rep) WHERE per_method = 0 AND last_meeting_at IS NOT NULL;
"""

# --- v19: two reads of a team report that found nothing row by row, and a dump that ---
# --- restores ---------------------------------------------------------------------------
# The report's nearest expected closes (the book's five, and each rep's) read the open
# opportunities in order of that day. It was a column v15 included, not one the index is
# ordered by, so every opportunity was read from the table to find those with a day:
# 18,841 rows read to return none at 1,000,000 prospects (57 to 110 ms, twice a team
# report). As the index's last key, it is read from the index (2.3 to 2.5 ms).
# What a period won counts the deals outside it whose closed_on cannot be read (any
# period's, so left out of every report): PostgreSQL read every such deal's row to test
# its text, all 20,582 deals of the book outside the month so far (55 ms, twice a team
# report). deals_unreadable_closed holds those deals alone, so it is empty in a book
# only funnel writes; the report's condition is the index's own, so PostgreSQL reads it.
# funnel_utc names funnel_utc_parsed with its schema (FUNNEL_UTC), so that pg_restore can
# build the indexes that compute it: a dump of a team's book did not restore.
SCHEMA_V19 = (
    FUNNEL_UTC
    + f"""
DROP INDEX IF EXISTS prospects_pipeline;
CREATE INDEX prospects_pipeline ON prospects (stage, deal_value_cents, expected_close_on)
    INCLUDE (owner)
    WHERE stage IN ('meeting', 'qualified', 'proposal') AND deal_value_cents > 0;
CREATE INDEX deals_unreadable_closed ON deals (rep)
    WHERE {wrong_value_sql("deals", "closed_on", "", Dialect.POSTGRESQL)};
"""
)

# --- v20: nothing (a SQLite file's indexes of what v15 and v19 index here: lead_marks' ---
# --- last meetings, the open pipeline, the deals whose day cannot be read; and its calls --
# --- in other forms, which funnel_utc reads here) ----------------------------------------
SCHEMA_V20 = ""


# --- v21: what each day's deals won for each rep (SQLite: schema_v21) --------------------
# A period's won is the sum of one row a day and rep instead of every deal's amount, each
# checked. A NULL rep is a key of its own: deal_days_key (which holds every row, so that
# the book's won reads a range of days from it) is the conflict target of a rep's deal,
# deal_days_no_rep that of a deal with none, so that two transactions adding the first
# deal of a day wait for each other rather than both making the row. The trigger comes
# before the sums: creating it waits for the transactions writing deals, and holds off
# new ones until the upgrade commits, so no deal is summed twice or missed.
def _won_cents(deal: str) -> str:
    return won_cents_sql(f"{deal}.", Dialect.POSTGRESQL)


def _wrong_values(deal: str) -> str:
    return wrong_values_sql("deals", f"{deal}.", Dialect.POSTGRESQL)


def _deal_day_added(conflict: str) -> str:
    return f"""INSERT INTO deal_days AS k (closed_on, rep, deals, won_cents, wrong)
            VALUES (NEW.closed_on, NEW.rep, 1, {_won_cents("NEW")}, {_wrong_values("NEW")})
            ON CONFLICT {conflict} DO UPDATE SET deals = k.deals + 1,
                won_cents = k.won_cents + excluded.won_cents, wrong = k.wrong + excluded.wrong;"""


def _deal_day_taken_out(of_rep: str) -> str:
    day = f"k.closed_on = OLD.closed_on AND {of_rep}"
    return f"""UPDATE deal_days k SET deals = k.deals - 1,
                won_cents = k.won_cents - ({_won_cents("OLD")}),
                wrong = k.wrong - {_wrong_values("OLD")}
            WHERE {day};
            DELETE FROM deal_days k WHERE {day} AND k.deals = 0;"""


SCHEMA_V21 = f"""
CREATE TABLE deal_days (
    closed_on text NOT NULL,
    rep text,
    deals bigint NOT NULL,
    won_cents bigint NOT NULL,
    wrong bigint NOT NULL
);
CREATE UNIQUE INDEX deal_days_key ON deal_days (closed_on, rep);
CREATE UNIQUE INDEX deal_days_no_rep ON deal_days (closed_on) WHERE rep IS NULL;

CREATE FUNCTION funnel_deal_days_for_deal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        IF OLD.rep IS NULL THEN
            {_deal_day_taken_out("k.rep IS NULL")}
        ELSE
            {_deal_day_taken_out("k.rep = OLD.rep")}
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        IF NEW.rep IS NULL THEN
            {_deal_day_added("(closed_on) WHERE rep IS NULL")}
        ELSE
            {_deal_day_added("(closed_on, rep)")}
        END IF;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER deal_days_for_deal
AFTER INSERT OR DELETE OR UPDATE OF amount_cents, closed_on, rep ON deals
FOR EACH ROW EXECUTE FUNCTION funnel_deal_days_for_deal();

INSERT INTO deal_days (closed_on, rep, deals, won_cents, wrong)
{deal_days_from_deals(Dialect.POSTGRESQL)};
"""

# --- v22: the lead marks counted by the UTC day of each moment (SQLite: schema_v22) ------
# Kept by statement triggers on lead_marks, which read the statement's marks from its
# transition tables: a call's one mark moved on is one upsert of its days, and building
# the marks of a copied book (DERIVED_ROWS) one upsert of all of them. A NULL only_method
# is a key of its own: lead_mark_days_key (every row, the range a window's days read) is
# the conflict target of a group with one, lead_mark_days_no_only_method of a group with
# none, so that two transactions adding a day's first mark of a group wait for each other.
#
# Every transaction that moves marks locks the day rows it changes in one order, the
# key's (the groups with an only_method first, then those without), so two reps' calls
# never each hold a row the other waits for. That is why a prospect's marks worked out
# again (funnel_mark_prospect: a delete, then an insert) count their days themselves, in
# one pass over the old marks and the new, with the triggers told to stand aside: left to
# the triggers, an undo locked the old days' rows, then the new days', while another rep's
# call locked the same two in the other order, and PostgreSQL ended one of them as a
# deadlock. Rows are deleted as emptied only among those the pass has just changed.
# As in v21 the triggers come before the count.
_MARK_DAY_COUNTS = tuple(MARK_DAY_MOMENTS)
_MARK_GROUP = ", ".join(MARK_GROUP)
# Set (for the transaction) while funnel_mark_prospect counts the days itself.
_COUNTING_ITSELF = "funnel.marks_counted_by_caller"


def _mark_days(marks: str) -> str:
    """What the marks `marks` (lead_marks' columns and `sign`, 1 or -1) add to each of
    their days, by day and group."""
    return moment_days_sql(marks, "m.sign")


def _mark_days_moved(marks: str, *, taking_out: bool = True) -> str:
    """lead_mark_days moved on by the marks `marks` (lead_marks' columns and `sign`): each
    row they change upserted in the order of the key, then (when marks are `taking_out`)
    those of them left with nothing deleted."""
    moved = " OR ".join(f"d.{count} <> 0" for count in _MARK_DAY_COUNTS)
    updates = ", ".join(f"{count} = k.{count} + excluded.{count}" for count in _MARK_DAY_COUNTS)
    columns = f"day, {_MARK_GROUP}, {', '.join(_MARK_DAY_COUNTS)}"

    def upsert(which: str, conflict: str) -> str:
        return f"""INSERT INTO lead_mark_days AS k ({columns})
        SELECT {columns} FROM ({_mark_days(marks)}) AS d WHERE d.only_method {which} AND ({moved})
        ORDER BY day, {_MARK_GROUP}
        ON CONFLICT {conflict} DO UPDATE SET {updates};"""

    emptied = " AND ".join(f"k.{count} = 0" for count in _MARK_DAY_COUNTS)
    delete = f"""DELETE FROM lead_mark_days k USING ({_mark_days(marks)}) AS d
        WHERE ({moved}) AND k.day = d.day AND k.per_method = d.per_method
            AND k.method = d.method AND k.only_method IS NOT DISTINCT FROM d.only_method
            AND k.source = d.source AND {emptied};"""
    return f"""{upsert("IS NOT NULL", f"(day, {_MARK_GROUP})")}
        {upsert("IS NULL", "(day, per_method, method, source) WHERE only_method IS NULL")}
        {delete if taking_out else ""}"""


def _mark_days_trigger(event: str, body: str, tables: str) -> str:
    name = f"funnel_lead_mark_days_{event.lower()}"
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('{_COUNTING_ITSELF}', true) = 'on' THEN
        RETURN NULL;
    END IF;
    {body}
    RETURN NULL;
END
$$;

CREATE TRIGGER lead_mark_days_after_{event.lower()} AFTER {event} ON lead_marks
REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {name}();
"""


_NEW_MARKS = "SELECT *, 1 AS sign FROM new_marks"
_OLD_MARKS = "SELECT *, -1 AS sign FROM old_marks"
_MARKS_WORKED_OUT_AGAIN = (
    "(SELECT *, -1 AS sign FROM unnest(old_marks)"
    " UNION ALL SELECT *, 1 AS sign FROM lead_marks WHERE prospect_id = prospect)"
)

SCHEMA_V22 = f"""
CREATE TABLE lead_mark_days (
    day text NOT NULL,
    per_method integer NOT NULL,
    method text NOT NULL,
    only_method text,
    source text NOT NULL,
    calls integer NOT NULL,
    connects integer NOT NULL,
    meetings integer NOT NULL,
    refusals integer NOT NULL
);
CREATE UNIQUE INDEX lead_mark_days_key
    ON lead_mark_days (day, per_method, method, only_method, source);
CREATE UNIQUE INDEX lead_mark_days_no_only_method
    ON lead_mark_days (day, per_method, method, source) WHERE only_method IS NULL;
{
    _mark_days_trigger(
        "INSERT", _mark_days_moved(f"({_NEW_MARKS})", taking_out=False), "NEW TABLE AS new_marks"
    )
}
{_mark_days_trigger("DELETE", _mark_days_moved(f"({_OLD_MARKS})"), "OLD TABLE AS old_marks")}
{
    _mark_days_trigger(
        "UPDATE",
        _mark_days_moved(f"({_OLD_MARKS} UNION ALL {_NEW_MARKS})"),
        "OLD TABLE AS old_marks NEW TABLE AS new_marks",
    )
}
CREATE OR REPLACE FUNCTION funnel_mark_prospect(prospect bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    old_marks lead_marks[] := ARRAY(SELECT m FROM lead_marks m WHERE m.prospect_id = prospect);
BEGIN
    PERFORM set_config('{_COUNTING_ITSELF}', 'on', true);
    DELETE FROM lead_marks WHERE prospect_id = prospect;
    {lead_marks_of(_MARKED_CALLS_WITH_REP, with_rep=True)};
    PERFORM set_config('{_COUNTING_ITSELF}', 'off', true);
    {_mark_days_moved(_MARKS_WORKED_OUT_AGAIN)}
END
$$;

INSERT INTO lead_mark_days ({", ".join(LEAD_MARK_DAY_COLUMNS)})
{LEAD_MARK_DAYS_FROM_MARKS};
"""

# --- v23: the prospects an import cannot look up by key (schema_v23) -------------------
SCHEMA_V23 = IRREGULAR_KEY_INDEXES.postgresql

# --- v24: prospects.do_not_email, a flag kept in flag_changes (schema_v24) -------------
SCHEMA_V24 = f"""
{DO_NOT_EMAIL_COLUMN};
{DO_NOT_EMAIL_INDEX};

CREATE OR REPLACE FUNCTION funnel_flags_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_record_flags(DO_NOT_EMAIL_FLAGS)}
    RETURN NULL;
END
$$;

DROP TRIGGER prospects_flags_changed ON prospects;
CREATE TRIGGER prospects_flags_changed AFTER UPDATE OF {", ".join(DO_NOT_EMAIL_FLAGS)}
ON prospects FOR EACH ROW EXECUTE FUNCTION funnel_flags_changed();
"""

# --- v26: flag_changes.phone, the number a wrong-number flag was set on (schema_v26) ---
# The trigger fires on the same columns as v24's: only its function changes.
SCHEMA_V26 = f"""
{FLAG_PHONE_COLUMN};
{FLAG_PHONE_FILL};

CREATE OR REPLACE FUNCTION funnel_flags_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_record_flags(DO_NOT_EMAIL_FLAGS, phone_kept_by=PHONE_KEPT_BY)}
    RETURN NULL;
END
$$;
"""

# --- v27: a lost prospect keeps no call task, which hid their revisit (schema_v27) -------
SCHEMA_V27 = f"{CANCEL_HIDDEN_CALLS.format(now=NOW)};"

# --- v28: blank text in a typed column is no value: kept over one, else none (schema_v28)
# BEFORE triggers set the row right before it is written, so the next call's triggers
# never see blank text; integer columns cannot hold text here. One trigger an updated
# column, as in a file: PostgreSQL reads a trigger's WHEN afresh for every statement that
# writes one of its columns, and one WHEN testing all nine added 33 to 44 µs to each
# update of a prospect's last call (140 to 150 µs without it), where one a column adds
# too little to measure.
_BLANK_TEXT_COLUMNS = tuple(column for column in TYPED_COLUMNS if not column.number)
_EARLIEST_OPEN = f"""SELECT coalesce(funnel_utc(t.due_at), t.due_at){{kind}} FROM tasks t
    WHERE t.prospect_id = {{prospect}} AND t.status = {_OPEN} ORDER BY {_TASK_ORDER} LIMIT 1"""


def _set_right(value: Callable[[TypedColumn], str]) -> str:
    """Each blank typed column of NEW set to `value` of it."""
    return "\n        ".join(
        f"IF {BLANK.postgresql.format(value=f'NEW.{column.name}')} THEN"
        f" NEW.{column.name} := {value(column)}; END IF;"
        for column in _BLANK_TEXT_COLUMNS
    )


_EARLIEST_DUE = f"({_EARLIEST_OPEN.format(kind='', prospect='NEW.id')})"
_REPAIRS = ";\n".join(
    repair.statement
    for repair in blank_value_repairs(
        BLANK.postgresql,
        _EARLIEST_OPEN.format(kind=", t.kind", prospect="prospects.id"),
        NOW,
        numbers=False,
    )
)

# Each runs the one function, which sets right every blank column of the row.
_WRITTEN_TRIGGERS = "\n".join(
    f"CREATE TRIGGER prospects_empty_{column.name}_written"
    f" BEFORE UPDATE OF {column.name} ON prospects FOR EACH ROW"
    f" WHEN ({BLANK.postgresql.format(value=f'NEW.{column.name}')})"
    " EXECUTE FUNCTION funnel_empty_values();"
    for column in _BLANK_TEXT_COLUMNS
)

# The triggers come last: while the repairs write, they would put right each row's other
# blank values as an edit's, where the repairs set them from the tasks and the calls.
SCHEMA_V28 = f"""
{give_due_times(BLANK.postgresql, lambda moment: f"funnel_utc({moment})", NOW)};
{_REPAIRS};

CREATE FUNCTION funnel_empty_values() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_set_right(lambda column: column.empty.format(now=NOW))}
    ELSE
        {_set_right(lambda column: over_a_value(column, BLANK.postgresql, NOW, _EARLIEST_DUE))}
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER prospects_empty_values_inserted BEFORE INSERT ON prospects
FOR EACH ROW WHEN ({any_blank(_BLANK_TEXT_COLUMNS, BLANK.postgresql)})
EXECUTE FUNCTION funnel_empty_values();

{_WRITTEN_TRIGGERS}
"""

# --- v29: the meetings and callbacks deleted, for the calendar file to cancel (schema_v29)
SCHEMA_V29 = f"""
CREATE TABLE calendar_cancellations (
    task_id bigint PRIMARY KEY,
    prospect_id bigint NOT NULL,
    kind text NOT NULL,
    due_at text,
    sequence integer NOT NULL DEFAULT 0,
    owner text,
    removed_at text NOT NULL DEFAULT {NOW}
);
{CANCELLATIONS_INDEX};

CREATE FUNCTION funnel_task_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO calendar_cancellations (task_id, prospect_id, kind, due_at, sequence, owner)
    VALUES (OLD.id, OLD.prospect_id, OLD.kind, OLD.due_at, OLD.sequence + 1,
        (SELECT owner FROM prospects WHERE id = OLD.prospect_id))
    ON CONFLICT (task_id) DO UPDATE SET due_at = EXCLUDED.due_at,
        sequence = EXCLUDED.sequence, owner = EXCLUDED.owner, removed_at = {NOW};
    RETURN NULL;
END
$$;

CREATE TRIGGER tasks_removed_from_calendar AFTER DELETE ON tasks
FOR EACH ROW WHEN (OLD.kind IN ({APPOINTMENT_KINDS})) EXECUTE FUNCTION funnel_task_removed();

-- A task written again with a deleted one's id: no longer cancelled, and newer than the
-- cancellation.
CREATE FUNCTION funnel_task_back() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cancelled integer;
BEGIN
    DELETE FROM calendar_cancellations WHERE task_id = NEW.id RETURNING sequence INTO cancelled;
    IF cancelled IS NOT NULL AND NEW.sequence <= cancelled THEN
        UPDATE tasks SET sequence = cancelled + 1 WHERE id = NEW.id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER tasks_back_in_calendar AFTER INSERT ON tasks
FOR EACH ROW EXECUTE FUNCTION funnel_task_back();
"""

# Each version's script, from FIRST_VERSION on; LATEST_VERSION in migrations.py is the
# SQLite file's, and the two move together.
MIGRATIONS: dict[int, str] = {
    6: SCHEMA_V6,
    7: SCHEMA_V7,
    8: SCHEMA_V8,
    9: SCHEMA_V9,
    10: SCHEMA_V10,
    11: SCHEMA_V11,
    12: SCHEMA_V12,
    13: SCHEMA_V13,
    14: SCHEMA_V14,
    15: SCHEMA_V15,
    16: SCHEMA_V16,
    17: SCHEMA_V17,
    18: SCHEMA_V18,
    19: SCHEMA_V19,
    20: SCHEMA_V20,
    21: SCHEMA_V21,
    22: SCHEMA_V22,
    23: SCHEMA_V23,
    24: SCHEMA_V24,
    # An identity column never gives an id twice: nothing to do (schema_v25.py).
    25: "",
    26: SCHEMA_V26,
    27: SCHEMA_V27,
    28: SCHEMA_V28,
    29: SCHEMA_V29,
}

REP_CALL_DAYS_ROWS = _REP_CALL_DAYS_FROM_CALLS.format(calls="copied_calls")

DERIVED_ROWS = (
    SEARCH_ROWS,
    NEXT_CALLS,
    COPIED_CALLS,
    "ANALYZE copied_calls",
    CALL_DAYS_ROWS,
    REP_CALL_DAYS_ROWS,
    LEAD_MARKS_ROWS,
)
