"""Schema v11: a call's request id is unique per rep, not across the whole book.

A request id is the key a caller gives a call so that logging it again finds it
(PRODUCT 16). In a team's book each rep's softphone script numbers its calls its own
way, so two reps may well use the same key: the unique index `calls_request_id` of v5
refused the second rep's call, or took it for the first's. v11 replaces it with one on
the rep and the request id; `coalesce(rep, '')` makes the calls of a one-rep book (rep
NULL) one rep's, as NULLs are distinct in a unique index.
"""

from __future__ import annotations

# The index v5 made, which v11 replaces.
OLD_INDEX = "calls_request_id"
INDEX = "calls_rep_request_id"

# The same on both backends (PostgreSQL drops v5's constraint instead of OLD_INDEX); an
# insert that breaks it fails, and call_log.log_call then looks the rep's call up.
REQUEST_ID_INDEX = f"CREATE UNIQUE INDEX {INDEX} ON calls (coalesce(rep, ''), request_id)"

# The keys that name more than one call of one rep: a file with any cannot have INDEX
# (another tool wrote them with the index dropped).
REPEATED_REQUEST_IDS = """
SELECT count(*) FROM (
    SELECT 1 FROM calls WHERE request_id IS NOT NULL
    GROUP BY coalesce(rep, ''), request_id HAVING count(*) > 1
)
"""
