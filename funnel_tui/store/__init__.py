"""Where a book is kept: the embedded SQLite file (the default) or a team's PostgreSQL
database (PRODUCT 16). The core above asks both the same questions; the SQL that the two
dialects write differently is kept side by side here."""
