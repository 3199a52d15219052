"""Schema v26: `flag_changes.phone`, the number a prospect was found a wrong number on.

A rep who logs `wrong number` and then finds the right one edits the phone, which clears
the flag. The CRM's next export still holds the old number, and importing it again wrote
that number back over the one the rep fixed, with no flag: the prospect was back in the
queue with a stranger's number. Nothing in the book said which number had been wrong,
since flag_changes kept only the flag, its value and when. Now the row that sets
`wrong_number` to 1 keeps the prospect's phone at that moment (NULL on every other row),
written by the trigger that records the flags, made again here in both dialects; an
import that would give a prospect back a number so recorded keeps the one it has
(importer).

The upgrade fills in what it can: a prospect flagged now still has the number found
wrong, so their latest row setting the flag gets their phone. The older rows, of numbers
edited since, stay NULL: which number they were is not known.
"""

from __future__ import annotations

from funnel_tui.schema_v3 import flags_trigger
from funnel_tui.schema_v24 import FLAGS

# The flag whose setting keeps the prospect's phone.
PHONE_KEPT_BY = "wrong_number"

COLUMN = "ALTER TABLE flag_changes ADD COLUMN phone TEXT"

# Each prospect flagged now: their latest row that set the flag gets their phone. Both
# dialects run it as it is.
FILL = f"""
UPDATE flag_changes SET phone = p.phone
FROM prospects p
WHERE p.id = flag_changes.prospect_id AND p.{PHONE_KEPT_BY} = 1
  AND flag_changes.id = (
    SELECT f.id FROM flag_changes f
    WHERE f.prospect_id = p.id AND f.flag = '{PHONE_KEPT_BY}' AND f.value = 1
    ORDER BY f.changed_at DESC, f.id DESC LIMIT 1)
"""

FLAGS_TRIGGER = flags_trigger(FLAGS, phone_kept_by=PHONE_KEPT_BY)
