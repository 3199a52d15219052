"""The queue filter's matches: the prospects whose name, company, email or phone hold
every word typed (PRODUCT 3, `/`), read from prospect_search and, in a file, its trigram
index (schema v9)."""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from typing import TYPE_CHECKING, NamedTuple

from funnel_tui.accents import fold
from funnel_tui.phones import search_patterns
from funnel_tui.prospect_ids import BITS_UP_TO, IdBits
from funnel_tui.schema_v9 import TRIGRAMS
from funnel_tui.schema_v16 import WORDS
from funnel_tui.store.dialect import Dialect, dialect_of
from funnel_tui.store.sql import IN_MATCHING_IDS, SEARCH_TEXT_LIKE

if TYPE_CHECKING:
    import sqlite_utils

# A word of a filter that is part of a phone number as people write one: digits and the
# signs around them. Such words in a row are read together as one number.
_PHONE_WORD = re.compile(r"[\d+().\-/]*\d[\d+().\-/]*")
# What separates the words of a filter: spaces, the commas and semicolons of a name
# copied from a list (`Popescu, Elena`, `Popescu,Elena`) and the typographic quotes around
# one pasted from a document (`“Popescu, Elena”`; a straight `"` is looked for as typed).
_FILTER_WORD_BREAKS = re.compile(r"[\s,;“”„«»]+")
# A filter reads at most this many words, and the filter box holds at most as many as fit
# in FILTER_MAX_LENGTH characters: each word is one more condition of the query, and
# SQLite refuses a query a thousand conditions deep.
MAX_FILTER_WORDS = 50
FILTER_MAX_LENGTH = 2 * MAX_FILTER_WORDS


class FilterTerm(NamedTuple):
    """A word of a filter, or the words of a phone number typed in it."""

    text: str
    # LIKE patterns over phone_digits that also find it (empty for a word of no number).
    digits: tuple[str, ...] = ()


def filter_words(text: str) -> list[str]:
    """The words of a filter: none in a text of spaces, commas and semicolons alone, which
    filters nothing."""
    return [word for word in _FILTER_WORD_BREAKS.split(text) if word]


def filter_terms(text: str, phone_region: str | None) -> list[FilterTerm]:
    """The filter's words, a phone number written over several (`07700 900318`,
    `(617) 555-0154`) taken as one, each once."""
    terms: list[FilterTerm] = []
    number: list[str] = []

    def end_number() -> None:
        if number:
            piece = " ".join(number)
            terms.append(FilterTerm(piece, search_patterns(piece, phone_region)))
            number.clear()

    for word in filter_words(text):
        if _PHONE_WORD.fullmatch(word):
            number.append(word)
        else:
            end_number()
            terms.append(FilterTerm(word))
    end_number()
    unique: dict[str, FilterTerm] = {}
    for term in terms:
        unique.setdefault(term.text.casefold(), term)
    return list(unique.values())[:MAX_FILTER_WORDS]


def filter_clause(
    db: sqlite_utils.Database, terms: list[FilterTerm], *, words: bool = True
) -> tuple[str, dict[str, str]]:
    """SQL over prospect_search matching name, company, email or phone: every word of the
    filter somewhere in them (`ann acme` finds Ann Archer of Acme Ltd), in any case and
    with or without accents (`jose` finds José, `josé` Jose), a number also by its digits:
    a number typed in any form (`07700 900318` in GB) finds the stored +447700900318, and
    a part of one the numbers that hold it.

    In a SQLite file a text past ASCII is found by a word of it that begins with the
    filter's word, from prospect_words (unless `words` is False); in a team's book, the
    folded word anywhere in the folded text, which pg_trgm's index looks up."""
    like = SEARCH_TEXT_LIKE.for_db(db)
    sqlite = dialect_of(db) is Dialect.SQLITE
    params: dict[str, str] = {}
    conditions = []
    for number, term in enumerate(terms):
        text = term.text if sqlite else fold(term.text)
        params[f"like{number}"] = f"%{_escape_like(text)}%"
        either = [like.format(like=f"like{number}")]
        for other, pattern in enumerate(term.digits):
            params[f"digits{number}_{other}"] = pattern
            either.append(f"phone_digits LIKE :digits{number}_{other}")
        if not sqlite:
            if not text.isascii():
                # Letters PostgreSQL may not lowercase as Python does: as typed too.
                params[f"typed{number}"] = f"%{_escape_like(term.text)}%"
                either.append(f"search_text ILIKE :typed{number} ESCAPE '\\'")
        elif not term.digits and any(letter.isalpha() for letter in term.text):
            if not term.text.isascii():
                # A word typed with accents also finds it written without.
                params[f"plain{number}"] = f"%{_escape_like(fold(term.text))}%"
                either.append(like.format(like=f"plain{number}"))
            if words and (pieces := _word_pieces(term.text)):
                params[f"words{number}"] = " AND ".join(f'"{piece}" *' for piece in pieces)
                # The index finds each piece at the start of a word, anywhere and in any
                # order (`j.smith@acme.com` found José Smithers of Acme, j.smithers@acme.com):
                # what it finds must hold the word, folded, as typed.
                params[f"folded{number}"] = f"%{_escape_like(fold(term.text))}%"
                either.append(
                    f"(rowid IN ({_WORDS_MATCH.format(words=f'words{number}')})"
                    f" AND {_FOLDED_LIKE.format(folded=f'folded{number}')})"
                )
        conditions.append(f"({' OR '.join(either)})")
    return " AND ".join(conditions), params


# The texts past ASCII with words that begin with the filter's word's, folded.
_WORDS_MATCH = f"SELECT rowid FROM {WORDS} WHERE {WORDS} MATCH :{{words}}"
# The text, folded (store/sqlite.py's `funnel_fold`), holds the filter's word, folded.
_FOLDED_LIKE = "funnel_fold(search_text) LIKE :{folded} ESCAPE '\\'"


# What splits a text into words as prospect_words reads it: anything but letters and
# digits.
_BETWEEN_WORDS = re.compile(r"[\W_]+")


def _word_pieces(text: str) -> list[str]:
    """The words of a filter's word as prospect_words holds them: `josé-maría` is two, and
    a text with them finds José-María Gómez."""
    return [piece for piece in _BETWEEN_WORDS.split(unicodedata.normalize("NFC", text)) if piece]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class Matches(NamedTuple):
    """A filter's matches as the queue's queries read them: `clause` keeps them (appended
    to a WHERE), with `params`."""

    clause: str
    params: dict[str, str]
    # Whether every match is known (listed, or in PASSED_MATCHES), so that reading the
    # whole order costs little more than reading its head; False where each prospect
    # is checked as the order reads it.
    every_match: bool = True
    # The matches a pass found (those of PASSED_MATCHES) as bits: an order reads its
    # view's ids as it does with no filter and keeps these, where looking each id up in
    # PASSED_MATCHES costs SQLite 3 to 4 µs. None where the matches are listed or each is
    # checked, and for ids below 0 or past BITS_UP_TO, which the clause finds.
    bits: IdBits | None = None


# The matches a pass over every prospect found, kept on the connection that read them
# (each thread has its own): a query looks each prospect up in it by id, where a JSON list
# of tens of thousands of ids would be read into an index again by every query.
PASSED_MATCHES = "temp.funnel_filter_matches"
_IN_PASSED_MATCHES = f" AND id IN (SELECT id FROM {PASSED_MATCHES})"
# An order's first rows under a filter that thousands of prospects match: each prospect
# the order reads is checked against it, by id, and the order stops at its limit. At
# this many matches or more, a screenful is found long before a pass would end; with
# fewer, the order could read every prospect of its view before it had a screenful.
PASSED_FOR_HEAD_AT_MOST = 5_000
_EACH_CHECKED = (
    " AND EXISTS (SELECT 1 FROM prospect_search"
    " WHERE prospect_search.id = prospects.id AND {clause})"
)


def find_matches(
    db: sqlite_utils.Database, text: str, phone_region: str | None, *, head: bool = False
) -> Matches:
    """A filter's matches: looked up in the trigram and word indexes where they serve,
    else found by one pass over the narrow rows of prospect_search, which triggers keep
    in step with prospects. A file whose word index cannot be read (`funnel check` says
    why) matches the text as typed.

    With `head`, for an order's first rows alone: in a file, the pass stops past
    PASSED_FOR_HEAD_AT_MOST matches, and then the order checks each prospect it reads
    against the filter instead, which finds a screenful of a text most prospects hold
    (`555`, `example`) after a few hundred of them."""
    terms = filter_terms(text, phone_region)
    if dialect_of(db) is Dialect.POSTGRESQL:
        return _listed(db, _scanned(db, *filter_clause(db, terms)))
    try:
        return _file_matches(db, terms, words=True, head=head)
    except sqlite3.DatabaseError:
        return _file_matches(db, terms, words=False, head=head)


def head_reads_apart(db: sqlite_utils.Database) -> bool:
    """Whether an order's first screenful under a filter is found sooner than its every
    match (`find_matches(head=True)`): in a file; a team's server reads every match
    either way."""
    return dialect_of(db) is Dialect.SQLITE


def checked_one_by_one(db: sqlite_utils.Database, text: str, phone_region: str | None) -> Matches:
    """The filter as a check of each prospect an order reads, nothing looked up or passed
    over first: for a first screenful read under a deadline (store/stopping.py), quick
    when the view holds many matches."""
    return _each_checked(*filter_clause(db, filter_terms(text, phone_region), words=True))


def _each_checked(clause: str, params: dict[str, str]) -> Matches:
    return Matches(_EACH_CHECKED.format(clause=clause), params, every_match=False)


def find_few_matches(
    db: sqlite_utils.Database, text: str, phone_region: str | None
) -> Matches | None:
    """find_matches when a file's indexes find at most QUICK_MATCHES_AT_MOST matches,
    which takes a millisecond or two at any size; None for more, when only a pass over
    every prospect finds them (a short text, an index that cannot be read), and on a
    team's server."""
    if dialect_of(db) is Dialect.POSTGRESQL:
        return None
    terms = filter_terms(text, phone_region)
    try:
        clause, params = filter_clause(db, terms, words=True)
        ids = indexed_matches(db, terms, clause, params, QUICK_MATCHES_AT_MOST)
    except sqlite3.DatabaseError:
        return None
    return None if ids is None else _listed(db, ids)


def _listed(db: sqlite_utils.Database, ids: list[int]) -> Matches:
    return Matches(IN_MATCHING_IDS.for_db(db), {"matching": json.dumps(ids)})


def _file_matches(
    db: sqlite_utils.Database, terms: list[FilterTerm], *, words: bool, head: bool
) -> Matches:
    clause, params = filter_clause(db, terms, words=words)
    ids = indexed_matches(db, terms, clause, params)
    if ids is not None:
        return _listed(db, ids)
    db.execute(f"CREATE TABLE IF NOT EXISTS {PASSED_MATCHES} (id INTEGER PRIMARY KEY)")
    db.execute(f"DELETE FROM {PASSED_MATCHES}")
    at_most = f" LIMIT {PASSED_FOR_HEAD_AT_MOST + 1}" if head else ""
    passed = db.execute(
        f"INSERT INTO {PASSED_MATCHES} SELECT id FROM prospect_search WHERE {clause}{at_most}",
        params,
    ).rowcount
    if head and passed > PASSED_FOR_HEAD_AT_MOST:
        return _each_checked(clause, params)
    return Matches(_IN_PASSED_MATCHES, {}, bits=_passed_as_bits(db))


def _passed_as_bits(db: sqlite_utils.Database) -> IdBits | None:
    lowest, largest = db.execute(f"SELECT min(id), max(id) FROM {PASSED_MATCHES}").fetchone()
    if lowest is None or lowest < 0 or largest > BITS_UP_TO:
        return None
    rows = db.execute(f"SELECT id FROM {PASSED_MATCHES}")
    return IdBits.of((row[0] for row in rows), largest)


def _scanned(db: sqlite_utils.Database, clause: str, params: dict[str, str]) -> list[int]:
    return [row[0] for row in db.execute(f"SELECT id FROM prospect_search WHERE {clause}", params)]


# Three characters in a row that are no LIKE wildcard: what the trigram index looks up.
_TRIGRAM = re.compile(r"[^%_]{3}")
# Past this many matches one pass over prospect_search is quicker than checking each
# match the index names against its text (about 2 µs each).
INDEXED_MATCHES_AT_MOST = 5000
# A filter read on the UI's own thread finds at most this many matches there (ordering
# them costs about 20 µs each); past that, it is read in the database thread.
QUICK_MATCHES_AT_MOST = 250


def _looked_up(text: str) -> str:
    """A LIKE for the trigram index that finds `text`: SQLite hands the index a LIKE only
    without ESCAPE, so the text's own `%` and `_` are looked up as `_` (any one
    character), and the LIKE with ESCAPE then keeps the exact matches."""
    return "%" + re.sub("[%_]", "_", text) + "%"


def indexed_matches(
    db: sqlite_utils.Database,
    terms: list[FilterTerm],
    clause: str,
    params: dict[str, str],
    at_most: int = INDEXED_MATCHES_AT_MOST,
) -> list[int] | None:
    """The matches of `filter_clause` found through the filter's indexes; None when a pass
    over prospect_search answers better: no word has three characters to look up (`ab`,
    `a%b`), it matches more than `at_most` prospects, or an index cannot be read
    (`funnel check` says why).

    The trigram index is asked for the prospects holding every word in ASCII of three
    characters or more (other than numbers), and prospect_words for those whose text past
    ASCII has a word that begins with one of them: a match that does not hold one of them
    as typed holds it so. Each is checked against the whole filter. A word typed with
    accents is checked, not looked up. A filter that is one number alone is looked up as
    text and by its digits.
    """
    looked_up = {
        f"looked_up{number}": _looked_up(term.text)
        for number, term in enumerate(terms)
        if not term.digits and term.text.isascii() and _TRIGRAM.search(term.text)
    }
    if looked_up:
        in_index = " AND ".join(f"search_text LIKE :{name}" for name in looked_up)
        selects = [f"SELECT rowid FROM {TRIGRAMS} WHERE {in_index} AND {clause}"]
        like = SEARCH_TEXT_LIKE.for_db(db)
        # Those that hold the word as typed are the trigram index's to find.
        selects += [
            f"SELECT id FROM prospect_search WHERE rowid IN ({_WORDS_MATCH.format(words=name)})"
            f" AND NOT {like.format(like=name.replace('words', 'like'))} AND {clause}"
            for name in params
            if name.startswith("words") and name.replace("words", "looked_up") in looked_up
        ]
        # UNION ALL hands rows over as each part finds them, so LIMIT stops the parts
        # early; a prospect two words find comes twice, and counts twice towards it.
        sql = " UNION ALL ".join(selects)
    elif len(terms) == 1 and terms[0].digits and _TRIGRAM.search(terms[0].text):
        looked_up = {"looked_up0": _looked_up(terms[0].text)}
        selects = [f"SELECT rowid FROM {TRIGRAMS} WHERE search_text LIKE :looked_up0 AND {clause}"]
        selects += [
            f"SELECT rowid FROM {TRIGRAMS} WHERE phone_digits LIKE :{name}"
            for name in params
            if name.startswith("digits")
        ]
        # Both parts find nearly every match, so each is counted once, by a DISTINCT over
        # a UNION ALL, which the LIMIT still stops early: a UNION reads every part to its
        # end first, every prospect whose number holds `555` at a million.
        sql = f"SELECT DISTINCT rowid FROM ({' UNION ALL '.join(selects)})"
    else:
        return None
    try:
        rows = db.execute(f"{sql} LIMIT {int(at_most) + 1}", {**params, **looked_up})
        ids = [row[0] for row in rows]
    except sqlite3.DatabaseError:
        return None
    return list(dict.fromkeys(ids)) if len(ids) <= at_most else None
