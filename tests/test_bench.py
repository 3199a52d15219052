"""Keep the benchmark working: its generator builds a valid app database at a small size."""

from __future__ import annotations

import importlib.util
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

from funnel_tui.phones import phone_key
from funnel_tui.queue import queue_ids
from funnel_tui.schema_v3 import NEXT_TASK_DRIFT
from funnel_tui.store.sqlite import open_storage

BENCH = Path(__file__).resolve().parent.parent / "bench"


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate", BENCH / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_generator_builds_a_small_valid_book(tmp_path: Path) -> None:
    generate = load_generator()
    now = datetime(2026, 11, 27, 14, 30, tzinfo=UTC)
    path = tmp_path / "book.db"
    book = generate.build_book(path, prospects=300, calls=2_000, now=now, seed=7, tasks=900)
    storage = open_storage(path)
    db = storage.db
    assert db["prospects"].count == 300
    assert db["calls"].count == 2_000
    assert db["tasks"].count == book.tasks == 900
    # Every kind and every status, and next_call_at where the tasks say.
    assert {row[0] for row in db.execute("SELECT DISTINCT kind FROM tasks")} == {
        "call",
        "callback",
        "meeting",
        "revisit",
        "email",
    }
    assert {row[0] for row in db.execute("SELECT DISTINCT status FROM tasks")} == {
        "open",
        "done",
        "missed",
        "cancelled",
    }
    assert db.execute(NEXT_TASK_DRIFT).fetchone()[0] == 0
    # Numbers as funnel stores them (E.164), which `funnel check` does not list.
    phones = [row[0] for row in db.execute("SELECT phone FROM prospects")]
    assert phones and all(phone_key(phone, "US") == phone for phone in phones)
    several = "SELECT count(*) FROM (SELECT 1 FROM tasks WHERE status = 'open'"
    assert db.execute(f"{several} GROUP BY prospect_id HAVING count(*) > 1)").fetchone()[0] > 0
    due_calls = "SELECT count(*) FROM prospects WHERE next_task_kind = 'call' AND next_call_at <= ?"
    assert db.execute(due_calls, [now.isoformat()]).fetchone()[0] > 0
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not db.execute("PRAGMA foreign_key_check").fetchall()
    queue = queue_ids(db, now=now)
    head = db.execute("SELECT name FROM prospects WHERE id = ?", [queue[0]]).fetchone()[0]
    assert head == generate.HEAD_NAME
    storage.close()


def bench_module(name: str) -> ModuleType:
    """A bench/ module by its own name, as bench/run.py imports it."""
    if str(BENCH) not in sys.path:
        sys.path.append(str(BENCH))
    return __import__(name)


def test_the_results_compare_an_import_across_sizes_by_its_time_a_row() -> None:
    results = bench_module("results")
    generate = bench_module("generate")
    harness = bench_module("harness")
    now = datetime(2026, 12, 3, 14, 30, tzinfo=UTC)

    def figures(prospects: int, import_s: float) -> object:
        book = generate.Book(Path("book.db"), now, prospects, prospects * 10, 0, 1, 1.0)
        samples = {"imports": harness.Sample((import_s, import_s, import_s))}
        return results.Figures(book, samples, {}, [], {}, {}, 1.0)

    small = results.figure_values(figures(100_000, 5.0))
    # Ten times the rows in ten times the time: each row costs what it did.
    table = results.render_table(figures(1_000_000, 50.0), reference=small)
    rate = next(line for line in table.splitlines() if line.startswith("Import: rows a second"))
    assert "20,000 (50 µs a row)" in rate
    assert ">= 60,000" in rate and "FAIL" in rate
    assert rate.rstrip().endswith("1.00x")
    total = next(line for line in table.splitlines() if line.startswith("Import 1,000,000"))
    assert "over" not in total and not total.rstrip().endswith("x")
