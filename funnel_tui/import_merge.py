"""Merging a batch of an import's rows: for each valid row, whether it adds a prospect
or updates one, and what it sets. Nothing here writes: `importer` writes what the merge
decided, a batch at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from funnel_tui.accents import fold
from funnel_tui.domain import DEFAULT_METHOD, Kind, Priority, Stage, TaskKind
from funnel_tui.import_keys import (
    Held,
    Holder,
    Keys,
    RowKeys,
    email_key,
    name_key,
    rows_for,
    same_person,
)
from funnel_tui.import_renames import Rename, is_another_name
from funnel_tui.import_wrong_numbers import KeptPhone, WrongNumbers, found_wrong_for
from funnel_tui.phones import phone_key
from funnel_tui.text import one_line

if TYPE_CHECKING:
    import sqlite_utils


@dataclass(frozen=True)
class SharedPhone:
    """A row added as a prospect of its own although another has its phone number."""

    line: int
    name: str
    other: str

    def __str__(self) -> str:
        return (
            f"line {self.line}: {one_line(self.name)} has the phone number of "
            f"{one_line(self.other)}; kept as a separate prospect"
        )


@dataclass(frozen=True)
class RepeatedRow:
    """A row that is the same person as an earlier row of the file: the two are one
    prospect, with the later row's values."""

    line: int
    name: str
    # None: a line of an earlier batch, whose number is not kept.
    first_line: int | None

    def __str__(self) -> str:
        earlier = "an earlier line" if self.first_line is None else f"line {self.first_line}"
        return (
            f"line {self.line}: {one_line(self.name)} is the same person as {earlier}:"
            " merged into one prospect (what this row fills in replaces that row's)"
        )


@dataclass(frozen=True)
class ReplacedPhone:
    """A row that gave a prospect of the book another phone number than the one it had:
    the number the queue dials changes. (An email never is: a row with another email is
    the prospect only by that email.)"""

    line: int
    name: str
    prospect_id: int
    # The two numbers as shown.
    old: str
    new: str
    # Another prospect's name, when one has the new number already.
    holder: str = ""

    def __str__(self) -> str:
        theirs = f", the number of {one_line(self.holder)}" if self.holder else ""
        return (
            f"line {self.line}: {one_line(self.name)} (prospect {self.prospect_id}):"
            f" phone {self.old} replaced by {self.new}{theirs}"
        )


# What a new prospect gets for a field the file leaves empty (the schema's defaults).
NEW_PROSPECT = {
    "kind": Kind.NEW.value,
    "stage": Stage.LEAD.value,
    "method": DEFAULT_METHOD,
    "priority": int(Priority.NORMAL),
    "do_not_call": 0,
    "wrong_number": 0,
    "nurture": 0,
    "do_not_email": 0,
    "timezone_guessed": 0,
}


# A prospect a row can update: its database id, or the row of one this batch adds.
Target = int | dict[str, object]


@dataclass(frozen=True)
class StoredProspect:
    """What merging a row needs of a prospect in the book, as the import has left it so far."""

    email_key: str
    phone_key: str
    # Its timezone was set by the rep or a file, not guessed: a guess leaves it.
    zone_set: bool
    name: str
    # It has an open task: its tasks say when it is next called, not a file's next call.
    scheduled: bool = False
    # Its stage and kind as stored (another tool may have written a value not of ours): a
    # file never moves them back.
    stage: object = None
    kind: object = None
    # The email as stored, in its own case.
    email: object = None

    @property
    def name_key(self) -> str:
        return name_key(self.name)

    def held(self, prospect_id: int) -> Held:
        """Its keys, as the prospect `prospect_id` holds them before the batch writes."""
        return Held(prospect_id, self.email_key, self.phone_key, self.name_key, self.name)


# What `StoredProspect` holds of a prospect `p`, after its id.
STORED_COLUMNS = (
    "p.id, p.email, p.phone, p.timezone IS NOT NULL AND p.timezone_guessed = 0, p.name,"
    " p.next_call_at IS NOT NULL, p.stage, p.kind"
)
STORED_STATE = f"SELECT {STORED_COLUMNS} FROM prospects p WHERE p.id IN ({{marks}})"


def stored_prospects(
    db: sqlite_utils.Database, ids: set[int], region: str
) -> dict[int, StoredProspect]:
    return {
        prospect_id: _stored_prospect(state, region)
        for prospect_id, *state in rows_for(db, STORED_STATE, ids)
    }


def _stored_prospect(state: Sequence[Any], region: str) -> StoredProspect:
    """A prospect as STORED_COLUMNS read it, less its id."""
    email, phone, zone_set, name, scheduled, stage, kind = state
    phone = phone if isinstance(phone, str) else None
    return StoredProspect(
        email_key(email),
        phone_key(phone, region),
        bool(zone_set),
        str(name),
        bool(scheduled),
        stage,
        kind,
        email,
    )


# The prospect of the book a number was found wrong for, by the number's key and their
# name's: a row added with both is them.
FoundWrongFor = dict[tuple[str, str], int]


def wrong_numbers_for(
    db: sqlite_utils.Database, numbers: set[str], region: str
) -> tuple[FoundWrongFor, dict[int, StoredProspect]]:
    """The prospects of the book these numbers (keys) were found wrong for, by number and
    name (the first by id when two of one name were), and what merging needs of each."""
    found: FoundWrongFor = {}
    stored: dict[int, StoredProspect] = {}
    for number, (prospect_id, *state) in found_wrong_for(db, numbers, region, STORED_COLUMNS):
        prospect = stored.setdefault(int(prospect_id), _stored_prospect(state, region))
        found.setdefault((number, prospect.name_key), int(prospect_id))
    return found, stored


_UNSET = object()

# The order a file may move a prospect's stage and kind in: forward, never back.
FORWARD_ORDER: dict[str, tuple[str, ...]] = {"stage": tuple(Stage), "kind": tuple(Kind)}
# A prospect won or lost is the rep's own outcome, which a file does not change.
OUTCOME_STAGES = (Stage.WON, Stage.LOST)
# What a row from before the prospect's stage or kind also says of that time: the open
# opportunity's value and close, and the next call. An older export imported again gave
# a customer won since their open deal back, and a call, and a prospect lost since the
# meeting they declined.
OF_THAT_TIME = ("deal_value_cents", "expected_close_on", "next_call_at")


def _moves_back(name: str, current: object, wanted: object) -> bool:
    """Whether a file's `wanted` stage or kind would move a prospect's `current` one back,
    or change the stage of one won or lost. One not of ours (another tool's) may go."""
    order = FORWARD_ORDER[name]
    if current == wanted or current not in order:
        return False
    if name == "stage" and current in OUTCOME_STAGES:
        return True
    return order.index(wanted) < order.index(current)


def _without_the_number(row: dict[str, object]) -> dict[str, object]:
    """The row less its phone and what it says of that number: its wrong-number flag and
    the timezone guessed from it."""
    of_the_number = {"phone", "wrong_number"}
    if row.get("timezone_guessed"):
        of_the_number |= {"timezone", "timezone_guessed"}
    return {name: value for name, value in row.items() if name not in of_the_number}


def _written_worse(name: str, new: object, current: object) -> bool:
    """Whether the row's `new` name or email is the prospect's `current` one written
    another way, and no better: in other case (a name in upper and lower case is better
    than one in one case alone, `ada lovelace`, `GRACE HOPPER`; an email never is), with
    fewer accents (`Zoe Muller` for Zoë Müller, as an encoding without them writes her),
    or as the same name with no more letters (`Archer, Ann`, `Zoë M.`)."""
    if not isinstance(new, str) or not isinstance(current, str) or new == current:
        return False
    if new.casefold() == current.casefold():
        return name == "email" or not (_in_one_case(current) and not _in_one_case(new))
    if name != "name" or not current.isprintable():
        # An email is another; a name stored with an invisible character gives way.
        return False
    if fold(new) == fold(current):
        return _accents(new) < _accents(current)
    # The same name in another order, or with a part left out or cut to an initial
    # (`Archer, Ann`, `Zoë M.` for Zoë Müller): kept unless it has more letters.
    return not is_another_name(new, current) and _letters(new) <= _letters(current)


def _in_one_case(text: str) -> bool:
    return text in (text.lower(), text.upper())


def _letters(text: str) -> int:
    return sum(1 for letter in text if letter.isalpha())


def _accents(text: str) -> int:
    return sum(1 for letter in text if not letter.isascii())


def _changes_nothing(pending: dict[str, object], row: dict[str, object]) -> bool:
    """Whether a row sets only what the rows before it set already (a source only ever
    fills a blank one)."""
    return all(
        name in pending if name == "source" else pending.get(name, _UNSET) == value
        for name, value in row.items()
    )


class Merger:
    """Decides for each valid row of a batch whether it adds a prospect or updates one.

    A row updates the prospect with the same email (in any case), else the one with the
    same phone number (its E.164 form and extension) and the same name (case and spacing
    ignored) whose email does not conflict with the row's. Two people who share a
    switchboard number stay two prospects; a row matched by its email that gives another
    name is said (`import_renames`). Rows match the book (with the rows of earlier
    batches in it: `found`, the keys the batch's rows lead to there) and the rows before
    them in the batch. A timezone guessed from a row's number never replaces one the rep
    or a file set, an update never moves a stage or kind back (`_moves_back`), and never
    gives a prospect a number found wrong for them (`wrong_numbers`) over another
    (`import_wrong_numbers`); a row that matches no one and has a number found wrong for
    a prospect of its name (`found_wrong_for`) is them.
    """

    def __init__(
        self,
        found: Keys,
        stored: dict[int, StoredProspect],
        last_stored_id: int,
        method_for: Callable[[Mapping[str, object]], str],
        wrong_numbers: WrongNumbers,
        said_kept: Callable[..., KeptPhone],
        found_wrong_for: FoundWrongFor,
        show_number: Callable[[str], str],
    ) -> None:
        self.found = found
        # The book's prospects are those up to it; later ids are earlier batches' rows.
        self.last_stored_id = last_stored_id
        self.by_email: dict[str, Target] = dict(found.emails)
        self.by_phone_and_name: dict[tuple[str, str], Target] = dict(found.phone_names)
        # The name of the first prospect with each number, for the report, and who the
        # batch's own rows made the first.
        self.phone_holders = {phone: holder.name for phone, holder in found.phone_holders.items()}
        self.first_holders: dict[str, Target] = {}
        self.stored = stored
        # The selling method a new prospect gets when the file names none.
        self.method_for = method_for
        # The email a stored prospect was given by a row of this batch.
        self.emails_given: dict[int, str] = {}
        self.added: list[dict[str, object]] = []
        self.added_lines: list[int] = []
        # What the batch's rows set on each prospect of the book, all together (what
        # the rows after them see), and row by row, in the file's order: each row is
        # its own update, which tells whether it changed anything (`_Written`).
        self.updates: dict[int, dict[str, object]] = {}
        self.row_updates: dict[int, list[dict[str, object]]] = {}
        # The rows that changed a prospect this batch adds, and those that set nothing
        # the rows before them had not.
        self.updated = 0
        self.unchanged = 0
        self.shared_phones: list[SharedPhone] = []
        self.renames: list[Rename] = []
        # The numbers each prospect of the book was found a wrong number on, as far as
        # they are known (`_merge_batch`), and the rows that gave one back, said with
        # `said_kept`; the numbers the rows give each prospect of the book in place of
        # the one it has, which tell which prospects to look up.
        self.wrong_numbers = wrong_numbers
        self.said_kept = said_kept
        self.kept_phones: list[KeptPhone] = []
        # The rows that gave a prospect of the book another number, each shown with
        # `show_number`.
        self.replaced: list[ReplacedPhone] = []
        self.show_number = show_number
        self.numbers_given: dict[int, set[str]] = {}
        # The prospects of the book the numbers of the rows that match no one were found
        # wrong for, as far as they are known (`_merge_batch`).
        self.found_wrong_for = found_wrong_for
        # The rows whose stage or kind would have moved their prospect back.
        self.moved_back = 0
        # The next call's kind the batch's last row for each prospect sets with its next
        # call (by the prospect's id, or the new row's identity): the task the next call
        # makes is a plain call until it is given its kind.
        self.task_kinds: dict[int, tuple[Target, TaskKind]] = {}
        # Each prospect the batch's rows land on (by id, or the new row's identity) with
        # the line of the first of them, and each row that lands on one another row of
        # the batch landed on first, or a prospect of the book: it may repeat an earlier
        # batch's row.
        self.first_lines: dict[int, int] = {}
        self.landings: list[tuple[int, str, int]] = []
        # The prospects of the book (or of an earlier batch) the rows land on, by id.
        self.landed_on: set[int] = set()

    def _remember(self, target: Target, row: RowKeys) -> None:
        email, phone = row.email, row.phone
        if email:
            self.by_email.setdefault(email, target)
        if phone:
            self.by_phone_and_name.setdefault((phone, row.name), target)
            if phone not in self.phone_holders:
                self.phone_holders[phone] = str(row.row["name"])
                self.first_holders[phone] = target
            if email and isinstance(target, int):
                self.emails_given[target] = email

    def _email_of(self, target: Target) -> str:
        if isinstance(target, int):
            return self.emails_given.get(target) or self.stored[target].email_key
        return email_key(target.get("email"))

    def _match(self, row: RowKeys) -> Target | None:
        if (named := self._named(row)) is not None:
            return named
        target = same_person(
            row.email, row.phone, row.name, self.by_email, self.by_phone_and_name, self._email_of
        )
        if target is None and self.found_wrong_for:
            return self._found_wrong_for(row)
        return target

    def _found_wrong_for(self, row: RowKeys) -> int | None:
        """The prospect of the row's name its number was found wrong for, who has another
        number now (or none), unless the two give different emails: as a number and a name
        match a prospect (`same_person`)."""
        prospect_id = self.found_wrong_for.get((row.phone, row.name))
        if prospect_id is None:
            return None
        email = self._email_of(prospect_id)
        return None if row.email and email and row.email != email else prospect_id

    def _named(self, row: RowKeys) -> int | None:
        """The prospect the row's `id` names, when it is the same person by the rules that
        match the others: a book that keeps two prospects with one email (two reps' copies
        of a person, kept apart by `funnel migrate-to`) gets its own export back row by
        row, instead of every copy's row landing on the first."""
        if row.file_id is None or (stored := self.stored.get(row.file_id)) is None:
            return None
        own = self.updates.get(row.file_id, {})
        phone = str(own.get("phone", stored.phone_key) or "")
        name = name_key(own["name"]) if "name" in own else stored.name_key
        by_email = {self._email_of(row.file_id): row.file_id}
        by_pair = {(phone, name): row.file_id}
        return same_person(row.email, row.phone, row.name, by_email, by_pair, self._email_of)

    def _keeps_zone(self, target: Target, pending: dict[str, object]) -> bool:
        """Whether a prospect's timezone was set by the rep or a file, so no guess
        replaces it."""
        if pending.get("timezone_guessed") == 0 and pending.get("timezone"):
            return True
        return self.stored[target].zone_set if isinstance(target, int) else False

    def merge(self, line: int, keyed: RowKeys) -> None:
        row, phone = keyed.row, keyed.phone
        task_kind = row.get("next_task_kind")
        if task_kind is not None:
            # Not a column the import writes: the prospect's earliest open task says it.
            row = {name: value for name, value in row.items() if name != "next_task_kind"}
        target = self._match(keyed)
        if isinstance(target, int) and self.stored[target].scheduled and "next_call_at" in row:
            # A prospect with tasks booked: those say when they are called next. An older
            # file's next call moved their earliest task (a meeting) there, as its kind.
            row = {name: value for name, value in row.items() if name != "next_call_at"}
            task_kind = None
        if target is None:
            target = {**NEW_PROSPECT, **row}
            if "method" not in row:
                # The method the picker suggests for their kind, stage and source: an
                # inbound lead's script opens as a reply to them.
                target["method"] = self.method_for(target)
            self.added.append(target)
            self.added_lines.append(line)
            if phone in self.phone_holders:
                self.shared_phones.append(
                    SharedPhone(line, str(row["name"]), self.phone_holders[phone])
                )
        else:
            self._say_if_renamed(line, keyed, target)
            pending = self.updates.setdefault(target, {}) if isinstance(target, int) else target
            row = self._as_written_before(target, pending, row)
            row = self._not_moving_back(target, pending, row)
            current = (
                pending.get("phone", self.stored[target].phone_key)
                if isinstance(target, int)
                else pending.get("phone", "")
            )
            new_number = bool(phone) and phone != current
            if new_number and isinstance(target, int):
                self.numbers_given.setdefault(target, set()).add(phone)
                if (flagged := self.wrong_numbers.get(target, {}).get(phone)) is not None:
                    name = str(pending.get("name", self.stored[target].name))
                    said = self.said_kept(line, phone, name, target, flagged, str(current or ""))
                    self.kept_phones.append(said)
                    row = _without_the_number(row)
                    new_number = False
            if row.get("timezone_guessed") and self._keeps_zone(target, pending):
                row = {name: value for name, value in row.items() if "timezone" not in name}
            elif new_number and "timezone" not in row and not self._keeps_zone(target, pending):
                # A guess moves with the number, as in the form: a new number that names
                # no single zone clears the old number's guess.
                row = {**row, "timezone": None, "timezone_guessed": 0}
            if new_number and current and isinstance(target, int):
                self._say_replaced(line, phone, target, pending, str(current))
            if new_number and not row.get("wrong_number"):
                # What a wrong-number flag waits for, as in the form: the flag goes.
                row = {**row, "wrong_number": 0}
            if isinstance(target, int):
                self.row_updates.setdefault(target, []).append(row)
            elif _changes_nothing(pending, row):
                self.unchanged += 1
            else:
                self.updated += 1
            for name, value in row.items():
                # The source that brought a prospect in keeps the credit for its calls.
                if name == "source":
                    pending.setdefault(name, value)
                else:
                    pending[name] = value
        key = target if isinstance(target, int) else id(target)
        if isinstance(task_kind, TaskKind) and row.get("next_call_at"):
            self.task_kinds[key] = (target, task_kind)
        first_line = self.first_lines.setdefault(key, line)
        if isinstance(target, int):
            self.landed_on.add(target)
            self.landings.append((line, str(keyed.row["name"]), key))
        elif first_line != line:
            self.landings.append((line, str(keyed.row["name"]), key))
        self._remember(target, keyed)

    def _as_written_before(
        self, target: Target, pending: dict[str, object], row: dict[str, object]
    ) -> dict[str, object]:
        """The row less a name or email its prospect has already, written another way and
        no better (`Ada LOVELACE`, `Zoe Muller`): a CRM's export and a spreadsheet's,
        imported in turn, swapped the two on every import, each an update."""
        stored = self.stored[target] if isinstance(target, int) else None
        same = {
            name
            for name in ("name", "email")
            if _written_worse(name, row.get(name), pending.get(name, getattr(stored, name, None)))
        }
        return {name: value for name, value in row.items() if name not in same} if same else row

    def _say_replaced(
        self, line: int, phone: str, target: int, pending: dict[str, object], current: str
    ) -> None:
        """A row that gives a prospect of the book `phone` in place of `current` is said,
        with whose the number is when another prospect's."""
        name = str(pending.get("name", self.stored[target].name))
        holder = self.phone_holders.get(phone, "")
        self.replaced.append(
            ReplacedPhone(
                line,
                name,
                target,
                self.show_number(current),
                self.show_number(phone),
                holder if holder and name_key(holder) != name_key(name) else "",
            )
        )

    def _not_moving_back(
        self, target: Target, pending: dict[str, object], row: dict[str, object]
    ) -> dict[str, object]:
        """The row less a stage or kind that would move its prospect back, as the book or
        the rows before it left them; such a row is counted."""
        stored = self.stored[target] if isinstance(target, int) else None
        back = {
            name
            for name in FORWARD_ORDER
            if name in row
            and _moves_back(name, pending.get(name, getattr(stored, name, None)), row[name])
        }
        if not back:
            return row
        self.moved_back += 1
        return {
            name: value
            for name, value in row.items()
            if name not in back and name not in OF_THAT_TIME
        }

    def _say_if_renamed(self, line: int, keyed: RowKeys, target: Target) -> None:
        """A row with an email that gives the prospect it updates another name is said:
        its email matched it, since a number matches only with the name."""
        if not keyed.email:
            return
        if isinstance(target, int):
            current = str(self.updates.get(target, {}).get("name", self.stored[target].name))
        else:
            current = str(target["name"])
        name = str(keyed.row["name"])
        # Most rows give the name the prospect has: the one check they cost.
        if name_key(current) == keyed.name or not is_another_name(name, current):
            return
        if not isinstance(target, int):
            rename = Rename(line, name, current, other_line=self.first_lines[id(target)])
        elif target <= self.last_stored_id:
            rename = Rename(line, name, current, other_id=target)
        else:
            rename = Rename(line, name, current)  # added by an earlier batch
        self.renames.append(rename)

    def repeated_rows(self, earlier: Mapping[int, int], last_stored_id: int) -> list[RepeatedRow]:
        """The batch's rows that land on a prospect an earlier row landed on: in this
        batch, or in an earlier one (`earlier`: the line of its first row, for the book's
        prospects; one an earlier batch added, past `last_stored_id`, has no line kept)."""
        repeated = []
        for line, name, key in self.landings:
            first_line: int | None = earlier.get(key, self.first_lines[key])
            if first_line == line and key > last_stored_id and key not in earlier:
                first_line = None  # added by an earlier batch: an earlier line
            if first_line != line:
                repeated.append(RepeatedRow(line, name, first_line))
        return repeated

    def landed(self) -> Iterator[tuple[int, int]]:
        """Each prospect of the book (or of an earlier batch) the batch's rows landed on,
        with its first row's line. The prospects the batch adds are left out: keeping
        each one's line, for the few a later batch repeats, made a first import a fifth
        slower in the benchmark."""
        for prospect_id in self.landed_on:
            yield prospect_id, self.first_lines[prospect_id]

    def new_keys(self) -> Keys:
        """The keys this batch's rows lead to that the book did not have, once the new
        prospects have their ids."""

        def prospect_id(target: Target) -> int:
            return target if isinstance(target, int) else int(target["id"])  # type: ignore[call-overload]

        return Keys(
            emails={
                key: prospect_id(target)
                for key, target in self.by_email.items()
                if key not in self.found.emails
            },
            phone_names={
                key: prospect_id(target)
                for key, target in self.by_phone_and_name.items()
                if key not in self.found.phone_names
            },
            phone_holders={
                phone: Holder(prospect_id(target), self.phone_holders[phone])
                for phone, target in self.first_holders.items()
            },
        )

    def held(self, changed: set[int]) -> list[Held]:
        """What each prospect of the book whose email, number or name the batch changed
        held before it did."""
        held = []
        for prospect_id in changed:
            stored, pending = self.stored[prospect_id], self.updates[prospect_id]
            now = (
                email_key(pending["email"]) if "email" in pending else stored.email_key,
                str(pending.get("phone") or "") if "phone" in pending else stored.phone_key,
                name_key(pending["name"]) if "name" in pending else stored.name_key,
            )
            if now != (stored.email_key, stored.phone_key, stored.name_key):
                held.append(stored.held(prospect_id))
        return held
