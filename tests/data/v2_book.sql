-- A v2 funnel book (PRAGMA user_version 2) made by the v2 release's own code, for
-- tests/test_migration_v3.py: the demo book of commit 00fe8c7 on a fixed date, plus
-- calls logged through that commit's funnel_tui.call_log.log_call (a callback, a
-- meeting, a second win of a customer, an exhausted cadence that ends in nurture, a
-- do-not-call, a voicemail), dumped as text with sqlite3's iterdump.
--
-- Made with:
--   git worktree add /tmp/v2rel 00fe8c7
--   cd /tmp/v2rel && PYTHONPATH=/tmp/v2rel python make_v2_book.py v2.db tests/data/v2_book.sql
--   git worktree remove /tmp/v2rel
-- where make_v2_book.py (beside header.sql, which holds these comment lines) is:
--
--   """Build tests/data/v2_book.sql with the v2 release's own code (run on commit 00fe8c7)."""
--
--   import sys
--   from datetime import datetime, timedelta
--   from pathlib import Path
--   from zoneinfo import ZoneInfo
--
--   from funnel_tui.call_log import CallOutcome, log_call
--   from funnel_tui.demo import build_demo
--   from funnel_tui.domain import Outcome
--   from funnel_tui.settings import load_settings
--   from funnel_tui.storage import open_storage
--
--   db_path, sql_path = Path(sys.argv[1]), Path(sys.argv[2])
--   now = datetime(2026, 11, 18, 10, 30, tzinfo=ZoneInfo("America/Chicago"))
--   storage = open_storage(db_path)
--   db = storage.db
--   build_demo(db, now=now, seed=2026)
--   settings = load_settings(db)
--
--
--   def first(where: str) -> int:
--       return db.execute(f"SELECT id FROM prospects WHERE {where} ORDER BY id LIMIT 1").fetchone()[0]
--
--
--   def log(prospect_id: int, entry: CallOutcome, at: datetime) -> None:
--       log_call(db, prospect_id, entry, now=at, settings=settings)
--
--
--   never_called = "last_called_at IS NULL AND next_call_at IS NULL AND do_not_call = 0"
--   log(first(f"kind = 'new' AND {never_called}"),
--       CallOutcome(Outcome.CALLBACK, notes="Call back after lunch", follow_up_at=now + timedelta(days=1, hours=4), duration_s=95), now)
--   log(first(f"stage = 'contacted' AND next_call_at IS NOT NULL AND do_not_call = 0"),
--       CallOutcome(Outcome.MEETING, notes="Demo booked", follow_up_at=now + timedelta(days=6), duration_s=420), now + timedelta(minutes=10))
--   customer = first("kind = 'customer' AND id IN (SELECT prospect_id FROM deals)")
--   log(customer, CallOutcome(Outcome.WON, notes="Second licence pack", amount_cents=480_000, duration_s=600), now + timedelta(minutes=20))
--   unreached = first(f"kind = 'new' AND {never_called} AND id > 1")
--   for attempt in range(settings.max_attempts):
--       log(unreached, CallOutcome(Outcome.NO_ANSWER), now - timedelta(days=settings.max_attempts - attempt))
--   log(first(f"kind = 'known' AND do_not_call = 0 AND next_call_at IS NOT NULL"),
--       CallOutcome(Outcome.DO_NOT_CALL, notes="Asked not to be called again", duration_s=30), now + timedelta(minutes=30))
--   log(first(f"kind = 'new' AND {never_called} AND id > {unreached}"),
--       CallOutcome(Outcome.VOICEMAIL, duration_s=40), now + timedelta(minutes=40))
--
--   version = db.execute("PRAGMA user_version").fetchone()[0]
--   marker = db.execute("PRAGMA application_id").fetchone()[0]
--   with sql_path.open("w", encoding="utf-8") as out:
--       out.write(Path(__file__).with_name("header.sql").read_text())
--       out.write(f"PRAGMA application_id = {marker};\nPRAGMA user_version = {version};\n")
--       for statement in db.conn.iterdump():
--           out.write(f"{statement}\n")

PRAGMA application_id = 1179995724;
PRAGMA user_version = 2;
BEGIN TRANSACTION;
CREATE TABLE call_days (
    day TEXT NOT NULL,
    method TEXT NOT NULL,
    source TEXT NOT NULL,
    calls INTEGER NOT NULL DEFAULT 0,
    connects INTEGER NOT NULL DEFAULT 0,
    meetings INTEGER NOT NULL DEFAULT 0,
    won INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, method, source)
) WITHOUT ROWID;
INSERT INTO "call_days" VALUES('2026-10-19','benefits','LinkedIn ad',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-10-19','value_proposition','referral',2,0,0,0);
INSERT INTO "call_days" VALUES('2026-10-20','benefits','LinkedIn ad',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-10-20','conceptual','LinkedIn ad',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-10-20','solution','referral',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-10-20','value_proposition','referral',2,0,0,0);
INSERT INTO "call_days" VALUES('2026-10-20','value_proposition','trade show',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-10-21','benefits','cold list',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-10-21','conceptual','LinkedIn ad',1,1,1,0);
INSERT INTO "call_days" VALUES('2026-10-21','value_proposition','referral',2,0,0,0);
INSERT INTO "call_days" VALUES('2026-10-22','benefits','LinkedIn ad',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-10-22','solution','referral',2,2,1,0);
INSERT INTO "call_days" VALUES('2026-10-22','value_proposition','trade show',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-10-23','benefits','cold list',1,1,1,0);
INSERT INTO "call_days" VALUES('2026-10-23','conceptual','LinkedIn ad',1,1,1,0);
INSERT INTO "call_days" VALUES('2026-10-23','value_proposition','referral',2,1,1,0);
INSERT INTO "call_days" VALUES('2026-10-26','benefits','LinkedIn ad',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-10-26','inbound','webinar',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-10-26','solution','referral',1,1,0,1);
INSERT INTO "call_days" VALUES('2026-10-26','value_proposition','referral',1,1,0,0);
INSERT INTO "call_days" VALUES('2026-10-26','value_proposition','trade show',2,1,0,0);
INSERT INTO "call_days" VALUES('2026-10-27','benefits','LinkedIn ad',1,1,0,0);
INSERT INTO "call_days" VALUES('2026-10-27','benefits','cold list',1,1,0,1);
INSERT INTO "call_days" VALUES('2026-10-27','inbound','webinar',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-10-27','solution','referral',1,1,0,0);
INSERT INTO "call_days" VALUES('2026-10-27','value_proposition','referral',1,1,0,0);
INSERT INTO "call_days" VALUES('2026-10-28','benefits','LinkedIn ad',1,1,1,0);
INSERT INTO "call_days" VALUES('2026-10-28','conceptual','LinkedIn ad',1,1,0,1);
INSERT INTO "call_days" VALUES('2026-10-28','inbound','webinar',1,1,1,0);
INSERT INTO "call_days" VALUES('2026-10-28','inbound','website form',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-10-28','value_proposition','referral',1,1,1,0);
INSERT INTO "call_days" VALUES('2026-10-29','benefits','LinkedIn ad',1,1,0,1);
INSERT INTO "call_days" VALUES('2026-10-29','inbound','website form',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-10-29','value_proposition','trade show',1,1,1,0);
INSERT INTO "call_days" VALUES('2026-10-30','inbound','webinar',1,1,0,0);
INSERT INTO "call_days" VALUES('2026-10-30','inbound','website form',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-10-30','value_proposition','referral',1,1,0,1);
INSERT INTO "call_days" VALUES('2026-11-02','inbound','webinar',3,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-03','inbound','website form',1,1,0,0);
INSERT INTO "call_days" VALUES('2026-11-03','solution','cold list',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-03','value_proposition','trade show',1,1,0,1);
INSERT INTO "call_days" VALUES('2026-11-04','benefits','cold list',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-04','conceptual','cold list',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-04','inbound','webinar',2,2,0,0);
INSERT INTO "call_days" VALUES('2026-11-04','inbound','website form',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-04','solution','cold list',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-05','benefits','cold list',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-05','value_proposition','cold list',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-06','benefits','cold list',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-06','conceptual','cold list',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-06','conceptual','referral',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-06','inbound','webinar',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-06','inbound','website form',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-06','solution','cold list',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-06','value_proposition','cold list',2,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-09','benefits','cold list',1,1,0,0);
INSERT INTO "call_days" VALUES('2026-11-09','conceptual','cold list',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-09','conceptual','referral',1,1,0,0);
INSERT INTO "call_days" VALUES('2026-11-09','inbound','webinar',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-09','inbound','website form',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-09','solution','trade show',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-09','value_proposition','LinkedIn ad',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-10','benefits','cold list',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-10','inbound','webinar',3,1,1,0);
INSERT INTO "call_days" VALUES('2026-11-10','inbound','website form',4,1,0,0);
INSERT INTO "call_days" VALUES('2026-11-10','solution','LinkedIn ad',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-10','solution','cold list',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-10','value_proposition','cold list',2,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-11','benefits','LinkedIn ad',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-11','conceptual','LinkedIn ad',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-11','conceptual','cold list',1,1,0,0);
INSERT INTO "call_days" VALUES('2026-11-11','inbound','website form',4,2,0,0);
INSERT INTO "call_days" VALUES('2026-11-11','solution','LinkedIn ad',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-11','solution','trade show',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-11','value_proposition','LinkedIn ad',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-11','value_proposition','cold list',1,1,0,0);
INSERT INTO "call_days" VALUES('2026-11-12','benefits','cold list',1,1,0,0);
INSERT INTO "call_days" VALUES('2026-11-12','conceptual','referral',1,1,1,0);
INSERT INTO "call_days" VALUES('2026-11-12','inbound','webinar',4,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-12','inbound','website form',2,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-12','solution','LinkedIn ad',1,1,0,0);
INSERT INTO "call_days" VALUES('2026-11-12','solution','cold list',1,1,0,0);
INSERT INTO "call_days" VALUES('2026-11-12','value_proposition','LinkedIn ad',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-12','value_proposition','cold list',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-13','benefits','LinkedIn ad',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-13','benefits','cold list',1,1,1,0);
INSERT INTO "call_days" VALUES('2026-11-13','benefits','trade show',1,1,0,0);
INSERT INTO "call_days" VALUES('2026-11-13','conceptual','LinkedIn ad',1,1,0,0);
INSERT INTO "call_days" VALUES('2026-11-13','conceptual','cold list',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-13','inbound','webinar',2,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-13','inbound','website form',3,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-13','solution','LinkedIn ad',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-13','solution','trade show',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-13','value_proposition','LinkedIn ad',1,1,0,0);
INSERT INTO "call_days" VALUES('2026-11-13','value_proposition','cold list',1,1,1,0);
INSERT INTO "call_days" VALUES('2026-11-14','inbound','webinar',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-15','inbound','webinar',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-16','benefits','cold list',1,1,1,0);
INSERT INTO "call_days" VALUES('2026-11-16','conceptual','cold list',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-16','inbound','webinar',6,2,1,0);
INSERT INTO "call_days" VALUES('2026-11-16','inbound','website form',4,2,1,0);
INSERT INTO "call_days" VALUES('2026-11-17','benefits','LinkedIn ad',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-17','conceptual','cold list',3,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-17','inbound','webinar',3,1,0,1);
INSERT INTO "call_days" VALUES('2026-11-17','inbound','website form',1,1,0,0);
INSERT INTO "call_days" VALUES('2026-11-17','solution','LinkedIn ad',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-17','solution','trade show',1,0,0,0);
INSERT INTO "call_days" VALUES('2026-11-17','value_proposition','LinkedIn ad',1,1,1,0);
INSERT INTO "call_days" VALUES('2026-11-18','benefits','LinkedIn ad',2,1,0,1);
INSERT INTO "call_days" VALUES('2026-11-18','conceptual','cold list',1,1,1,0);
INSERT INTO "call_days" VALUES('2026-11-18','inbound','webinar',4,2,0,0);
INSERT INTO "call_days" VALUES('2026-11-18','inbound','website form',2,1,1,0);
INSERT INTO "call_days" VALUES('2026-11-18','solution','LinkedIn ad',1,0,0,0);
CREATE TABLE calls (
    id INTEGER PRIMARY KEY,
    prospect_id INTEGER NOT NULL REFERENCES prospects(id) ON DELETE CASCADE,
    started_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')),
    duration_s INTEGER NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL CHECK (outcome IN ('no_answer', 'voicemail', 'busy', 'gatekeeper', 'callback', 'meeting', 'won', 'not_interested', 'wrong_number', 'do_not_call')),
    method TEXT,
    notes TEXT,
    follow_up_at TEXT
);
INSERT INTO "calls" VALUES(1,10,'2026-10-19T20:01:31+00:00',6,'busy','value_proposition',NULL,NULL);
INSERT INTO "calls" VALUES(2,12,'2026-10-19T21:39:47+00:00',78,'do_not_call','benefits','Asked to be removed from all call lists',NULL);
INSERT INTO "calls" VALUES(3,10,'2026-10-19T22:04:31+00:00',39,'no_answer','value_proposition',NULL,NULL);
INSERT INTO "calls" VALUES(4,7,'2026-10-20T14:09:03+00:00',42,'voicemail','conceptual',NULL,NULL);
INSERT INTO "calls" VALUES(5,6,'2026-10-20T14:15:43+00:00',122,'gatekeeper','benefits','PA took a message; best time is before 9:30',NULL);
INSERT INTO "calls" VALUES(6,10,'2026-10-20T15:29:31+00:00',62,'voicemail','value_proposition','Left VM mentioning the webinar',NULL);
INSERT INTO "calls" VALUES(7,14,'2026-10-20T18:59:42+00:00',58,'gatekeeper','solution',NULL,NULL);
INSERT INTO "calls" VALUES(8,8,'2026-10-20T19:42:53+00:00',40,'no_answer','value_proposition',NULL,NULL);
INSERT INTO "calls" VALUES(9,11,'2026-10-20T21:59:43+00:00',29,'no_answer','value_proposition',NULL,NULL);
INSERT INTO "calls" VALUES(10,8,'2026-10-21T14:30:43+00:00',32,'no_answer','value_proposition',NULL,NULL);
INSERT INTO "calls" VALUES(11,7,'2026-10-21T16:04:39+00:00',309,'meeting','conceptual','Second meeting to go through the proposal with finance','2026-10-23T21:00:00+00:00');
INSERT INTO "calls" VALUES(12,10,'2026-10-21T18:54:25+00:00',52,'voicemail','value_proposition',NULL,NULL);
INSERT INTO "calls" VALUES(13,13,'2026-10-21T20:26:15+00:00',35,'no_answer','benefits',NULL,NULL);
INSERT INTO "calls" VALUES(14,11,'2026-10-22T14:31:28+00:00',23,'no_answer','value_proposition',NULL,NULL);
INSERT INTO "calls" VALUES(15,14,'2026-10-22T18:10:49+00:00',323,'callback','solution','In a meeting, asked for a call after lunch','2026-10-27T17:00:00+00:00');
INSERT INTO "calls" VALUES(16,6,'2026-10-22T19:26:00+00:00',57,'voicemail','benefits',NULL,NULL);
INSERT INTO "calls" VALUES(17,9,'2026-10-22T21:04:07+00:00',766,'meeting','solution','Second meeting to go through the proposal with finance','2026-10-26T17:00:00+00:00');
INSERT INTO "calls" VALUES(18,10,'2026-10-23T15:38:05+00:00',349,'meeting','value_proposition','Wants to see the scheduling board live; invite IT','2026-10-26T20:30:00+00:00');
INSERT INTO "calls" VALUES(19,8,'2026-10-23T17:06:04+00:00',22,'no_answer','value_proposition',NULL,NULL);
INSERT INTO "calls" VALUES(20,7,'2026-10-23T21:09:35+00:00',772,'meeting','conceptual','Second meeting to go through the proposal with finance','2026-10-28T22:00:00+00:00');
INSERT INTO "calls" VALUES(21,13,'2026-10-23T22:26:23+00:00',654,'meeting','benefits','Demo booked with the ops team; send agenda','2026-10-27T20:00:00+00:00');
INSERT INTO "calls" VALUES(22,6,'2026-10-26T15:08:38+00:00',29,'no_answer','benefits',NULL,NULL);
INSERT INTO "calls" VALUES(23,11,'2026-10-26T15:23:28+00:00',14,'busy','value_proposition','Engaged tone',NULL);
INSERT INTO "calls" VALUES(24,9,'2026-10-26T17:25:59+00:00',455,'won','solution','Signed on the call; contract sent by email',NULL);
INSERT INTO "calls" VALUES(25,11,'2026-10-26T17:32:28+00:00',264,'callback','value_proposition','Month-end close this week; call back next week','2026-10-29T21:30:00+00:00');
INSERT INTO "calls" VALUES(26,10,'2026-10-26T20:34:17+00:00',218,'not_interested','value_proposition','Decision made at group level; they are not looking',NULL);
INSERT INTO "calls" VALUES(27,15,'2026-10-26T21:42:44+00:00',37,'no_answer','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(28,6,'2026-10-27T15:04:35+00:00',125,'callback','benefits','In a meeting, asked for a call after lunch','2026-10-28T15:00:00+00:00');
INSERT INTO "calls" VALUES(29,14,'2026-10-27T17:24:39+00:00',201,'not_interested','solution','No budget this year; try again next autumn',NULL);
INSERT INTO "calls" VALUES(30,8,'2026-10-27T19:55:06+00:00',126,'callback','value_proposition','Month-end close this week; call back next week','2026-10-28T19:00:00+00:00');
INSERT INTO "calls" VALUES(31,13,'2026-10-27T20:10:54+00:00',620,'won','benefits','Signed 12-month plan; onboarding kick-off next week',NULL);
INSERT INTO "calls" VALUES(32,15,'2026-10-27T20:47:57+00:00',28,'no_answer','inbound','Rang out, no voicemail set up',NULL);
INSERT INTO "calls" VALUES(33,20,'2026-10-28T14:45:59+00:00',22,'no_answer','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(34,6,'2026-10-28T15:28:32+00:00',833,'meeting','benefits','Demo booked with the ops team; send agenda','2026-10-29T20:30:00+00:00');
INSERT INTO "calls" VALUES(35,15,'2026-10-28T17:32:14+00:00',642,'meeting','inbound','45-min discovery booked with the owner and practice manager','2026-10-30T17:00:00+00:00');
INSERT INTO "calls" VALUES(36,8,'2026-10-28T19:02:00+00:00',614,'meeting','value_proposition','Second meeting to go through the proposal with finance','2026-10-30T21:30:00+00:00');
INSERT INTO "calls" VALUES(37,7,'2026-10-28T22:05:35+00:00',543,'won','conceptual','Agreed annual billing for a 10% discount',NULL);
INSERT INTO "calls" VALUES(38,20,'2026-10-29T19:49:02+00:00',64,'voicemail','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(39,6,'2026-10-29T20:34:07+00:00',773,'won','benefits','PO approved; starts with 2 sites, the rest in Q1',NULL);
INSERT INTO "calls" VALUES(40,11,'2026-10-29T21:50:23+00:00',709,'meeting','value_proposition','45-min discovery booked with the owner and practice manager','2026-11-03T21:00:00+00:00');
INSERT INTO "calls" VALUES(41,15,'2026-10-30T17:15:05+00:00',251,'not_interested','inbound','Happy with spreadsheets, not open to change',NULL);
INSERT INTO "calls" VALUES(42,20,'2026-10-30T21:14:22+00:00',35,'no_answer','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(43,8,'2026-10-30T21:38:30+00:00',547,'won','value_proposition','PO approved; starts with 2 sites, the rest in Q1',NULL);
INSERT INTO "calls" VALUES(44,16,'2026-11-02T15:48:31+00:00',6,'busy','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(45,17,'2026-11-02T16:36:38+00:00',38,'no_answer','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(46,16,'2026-11-02T17:49:31+00:00',36,'no_answer','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(47,25,'2026-11-03T16:46:16+00:00',48,'voicemail','solution','Left short VM, sent a follow-up email',NULL);
INSERT INTO "calls" VALUES(48,11,'2026-11-03T21:14:54+00:00',793,'won','value_proposition','Signed 12-month plan; onboarding kick-off next week',NULL);
INSERT INTO "calls" VALUES(49,20,'2026-11-03T22:24:25+00:00',255,'not_interested','inbound','Decision made at group level; they are not looking',NULL);
INSERT INTO "calls" VALUES(50,21,'2026-11-04T15:14:50+00:00',29,'no_answer','benefits',NULL,NULL);
INSERT INTO "calls" VALUES(51,17,'2026-11-04T17:37:06+00:00',181,'callback','inbound','Interested, wants the ops manager on the next call','2026-11-10T19:30:00+00:00');
INSERT INTO "calls" VALUES(52,16,'2026-11-04T18:02:11+00:00',188,'not_interested','inbound','Decision made at group level; they are not looking',NULL);
INSERT INTO "calls" VALUES(53,25,'2026-11-04T18:22:08+00:00',72,'voicemail','solution',NULL,NULL);
INSERT INTO "calls" VALUES(54,28,'2026-11-04T19:54:21+00:00',39,'no_answer','conceptual','Rang out, no voicemail set up',NULL);
INSERT INTO "calls" VALUES(55,18,'2026-11-04T23:20:42+00:00',42,'voicemail','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(56,21,'2026-11-05T18:42:49+00:00',48,'voicemail','benefits',NULL,NULL);
INSERT INTO "calls" VALUES(57,24,'2026-11-05T20:53:28+00:00',70,'voicemail','value_proposition',NULL,NULL);
INSERT INTO "calls" VALUES(58,24,'2026-11-06T15:18:39+00:00',32,'no_answer','value_proposition','Rang out, no voicemail set up',NULL);
INSERT INTO "calls" VALUES(59,18,'2026-11-06T17:52:56+00:00',33,'no_answer','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(60,35,'2026-11-06T18:16:34+00:00',20,'no_answer','benefits',NULL,NULL);
INSERT INTO "calls" VALUES(61,28,'2026-11-06T18:34:46+00:00',38,'voicemail','conceptual','Left short VM, sent a follow-up email',NULL);
INSERT INTO "calls" VALUES(62,23,'2026-11-06T18:56:30+00:00',45,'voicemail','value_proposition',NULL,NULL);
INSERT INTO "calls" VALUES(63,19,'2026-11-06T19:31:44+00:00',58,'voicemail','conceptual',NULL,NULL);
INSERT INTO "calls" VALUES(64,41,'2026-11-06T20:08:01+00:00',25,'no_answer','inbound','Rang out, no voicemail set up',NULL);
INSERT INTO "calls" VALUES(65,25,'2026-11-06T23:13:18+00:00',75,'voicemail','solution','Voicemail full',NULL);
INSERT INTO "calls" VALUES(66,37,'2026-11-09T17:17:21+00:00',34,'no_answer','solution',NULL,NULL);
INSERT INTO "calls" VALUES(67,32,'2026-11-09T18:52:18+00:00',37,'voicemail','value_proposition',NULL,NULL);
INSERT INTO "calls" VALUES(68,36,'2026-11-09T19:23:17+00:00',79,'voicemail','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(69,28,'2026-11-09T20:12:43+00:00',36,'no_answer','conceptual',NULL,NULL);
INSERT INTO "calls" VALUES(70,21,'2026-11-09T20:52:37+00:00',281,'callback','benefits','Month-end close this week; call back next week','2026-11-13T15:30:00+00:00');
INSERT INTO "calls" VALUES(71,26,'2026-11-09T21:05:07+00:00',26,'no_answer','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(72,19,'2026-11-09T23:19:08+00:00',286,'callback','conceptual','Asked for pricing by email first; call back to walk through it','2026-11-12T19:00:00+00:00');
INSERT INTO "calls" VALUES(73,25,'2026-11-10T15:35:06+00:00',22,'no_answer','solution','Rang out, no voicemail set up',NULL);
INSERT INTO "calls" VALUES(74,1,'2026-11-10T17:23:23+00:00',286,'callback','inbound','Month-end close this week; call back next week','2026-11-16T17:00:00+00:00');
INSERT INTO "calls" VALUES(75,45,'2026-11-10T18:18:32+00:00',20,'no_answer','inbound','Rang out; try earlier in the day',NULL);
INSERT INTO "calls" VALUES(76,52,'2026-11-10T18:25:20+00:00',37,'voicemail','solution',NULL,NULL);
INSERT INTO "calls" VALUES(77,36,'2026-11-10T19:16:42+00:00',51,'voicemail','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(78,17,'2026-11-10T19:31:45+00:00',373,'meeting','inbound','45-min discovery booked with the owner and practice manager','2026-11-16T17:00:00+00:00');
INSERT INTO "calls" VALUES(79,24,'2026-11-10T19:58:55+00:00',68,'voicemail','value_proposition',NULL,NULL);
INSERT INTO "calls" VALUES(80,30,'2026-11-10T21:05:04+00:00',27,'no_answer','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(81,35,'2026-11-10T22:18:50+00:00',21,'no_answer','benefits',NULL,NULL);
INSERT INTO "calls" VALUES(82,23,'2026-11-10T22:19:34+00:00',49,'voicemail','value_proposition',NULL,NULL);
INSERT INTO "calls" VALUES(83,18,'2026-11-10T22:34:03+00:00',64,'voicemail','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(84,41,'2026-11-10T22:41:11+00:00',44,'gatekeeper','inbound','Reception says they''re on site until Thursday',NULL);
INSERT INTO "calls" VALUES(85,26,'2026-11-11T15:46:06+00:00',37,'no_answer','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(86,37,'2026-11-11T16:54:48+00:00',78,'voicemail','solution','Voicemail full',NULL);
INSERT INTO "calls" VALUES(87,28,'2026-11-11T16:58:34+00:00',165,'not_interested','conceptual','No budget this year; try again next autumn',NULL);
INSERT INTO "calls" VALUES(88,32,'2026-11-11T18:32:58+00:00',111,'gatekeeper','value_proposition','Reception says they''re on site until Thursday',NULL);
INSERT INTO "calls" VALUES(89,4,'2026-11-11T19:24:38+00:00',249,'callback','inbound','Interested, wants the ops manager on the next call','2026-11-16T15:30:00+00:00');
INSERT INTO "calls" VALUES(90,52,'2026-11-11T19:44:00+00:00',122,'gatekeeper','solution',NULL,NULL);
INSERT INTO "calls" VALUES(91,18,'2026-11-11T20:04:39+00:00',287,'callback','inbound','In a meeting, asked for a call after lunch','2026-11-17T21:30:00+00:00');
INSERT INTO "calls" VALUES(92,47,'2026-11-11T21:08:15+00:00',42,'gatekeeper','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(93,24,'2026-11-11T21:10:33+00:00',208,'callback','value_proposition','Month-end close this week; call back next week','2026-11-13T19:00:00+00:00');
INSERT INTO "calls" VALUES(94,38,'2026-11-11T21:50:09+00:00',43,'voicemail','benefits',NULL,NULL);
INSERT INTO "calls" VALUES(95,51,'2026-11-11T22:00:16+00:00',38,'no_answer','conceptual',NULL,NULL);
INSERT INTO "calls" VALUES(96,45,'2026-11-12T15:13:30+00:00',27,'no_answer','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(97,32,'2026-11-12T16:27:35+00:00',35,'no_answer','value_proposition',NULL,NULL);
INSERT INTO "calls" VALUES(98,43,'2026-11-12T17:54:09+00:00',24,'no_answer','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(99,52,'2026-11-12T18:33:12+00:00',295,'callback','solution','Interested, wants the ops manager on the next call','2026-11-23T23:00:00+00:00');
INSERT INTO "calls" VALUES(100,41,'2026-11-12T18:37:26+00:00',70,'voicemail','inbound','Left VM mentioning the webinar',NULL);
INSERT INTO "calls" VALUES(101,19,'2026-11-12T19:05:50+00:00',442,'meeting','conceptual','Demo booked with the ops team; send agenda','2026-11-17T16:00:00+00:00');
INSERT INTO "calls" VALUES(102,23,'2026-11-12T19:16:21+00:00',40,'voicemail','value_proposition',NULL,NULL);
INSERT INTO "calls" VALUES(103,35,'2026-11-12T20:58:04+00:00',298,'callback','benefits','Asked for pricing by email first; call back to walk through it','2026-11-16T16:00:00+00:00');
INSERT INTO "calls" VALUES(104,36,'2026-11-12T21:31:44+00:00',77,'voicemail','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(105,30,'2026-11-12T21:50:36+00:00',105,'gatekeeper','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(106,25,'2026-11-12T22:40:05+00:00',211,'callback','solution','Month-end close this week; call back next week','2026-11-18T18:00:00+00:00');
INSERT INTO "calls" VALUES(107,21,'2026-11-13T15:50:51+00:00',321,'meeting','benefits','Wants to see the scheduling board live; invite IT','2026-11-16T17:00:00+00:00');
INSERT INTO "calls" VALUES(108,39,'2026-11-13T15:52:39+00:00',59,'voicemail','solution','Left VM mentioning the webinar',NULL);
INSERT INTO "calls" VALUES(109,3,'2026-11-13T16:58:04+00:00',197,'callback','benefits','In a meeting, asked for a call after lunch','2026-11-18T19:30:00+00:00');
INSERT INTO "calls" VALUES(110,49,'2026-11-13T18:46:23+00:00',37,'no_answer','conceptual',NULL,NULL);
INSERT INTO "calls" VALUES(111,24,'2026-11-13T19:10:34+00:00',310,'meeting','value_proposition','Demo booked with the ops team; send agenda','2026-11-18T20:00:00+00:00');
INSERT INTO "calls" VALUES(112,26,'2026-11-13T20:26:39+00:00',46,'voicemail','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(113,30,'2026-11-13T20:39:11+00:00',38,'no_answer','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(114,51,'2026-11-13T20:52:57+00:00',144,'callback','conceptual','In a meeting, asked for a call after lunch','2026-11-19T15:30:00+00:00');
INSERT INTO "calls" VALUES(115,37,'2026-11-13T21:11:02+00:00',25,'no_answer','solution',NULL,NULL);
INSERT INTO "calls" VALUES(116,38,'2026-11-13T22:07:49+00:00',67,'voicemail','benefits',NULL,NULL);
INSERT INTO "calls" VALUES(117,32,'2026-11-13T22:08:56+00:00',358,'callback','value_proposition','Asked for pricing by email first; call back to walk through it','2026-11-17T16:00:00+00:00');
INSERT INTO "calls" VALUES(118,47,'2026-11-13T23:02:56+00:00',24,'no_answer','inbound','Rang out, no voicemail set up',NULL);
INSERT INTO "calls" VALUES(119,36,'2026-11-13T23:25:50+00:00',29,'no_answer','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(120,4,'2026-11-16T15:58:02+00:00',451,'meeting','inbound','Second meeting to go through the proposal with finance','2026-11-20T18:30:00+00:00');
INSERT INTO "calls" VALUES(121,21,'2026-11-16T17:06:20+00:00',558,'meeting','benefits','Demo booked with the ops team; send agenda','2026-11-23T16:30:00+00:00');
INSERT INTO "calls" VALUES(122,30,'2026-11-16T17:15:21+00:00',29,'no_answer','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(123,17,'2026-11-16T17:23:52+00:00',454,'meeting','inbound','Second meeting to go through the proposal with finance','2026-11-20T20:30:00+00:00');
INSERT INTO "calls" VALUES(124,43,'2026-11-16T17:42:10+00:00',282,'callback','inbound','Month-end close this week; call back next week','2026-11-17T17:30:00+00:00');
INSERT INTO "calls" VALUES(125,41,'2026-11-16T19:11:48+00:00',23,'no_answer','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(126,26,'2026-11-16T19:18:18+00:00',144,'callback','inbound','In a meeting, asked for a call after lunch','2026-11-24T17:00:00+00:00');
INSERT INTO "calls" VALUES(127,45,'2026-11-16T19:53:51+00:00',96,'gatekeeper','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(128,55,'2026-11-16T20:03:32+00:00',32,'no_answer','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(129,50,'2026-11-16T20:04:26+00:00',63,'voicemail','conceptual',NULL,NULL);
INSERT INTO "calls" VALUES(130,40,'2026-11-16T21:58:46+00:00',39,'wrong_number','inbound','Number belongs to a takeaway; need a new number',NULL);
INSERT INTO "calls" VALUES(131,39,'2026-11-17T15:55:24+00:00',54,'voicemail','solution',NULL,NULL);
INSERT INTO "calls" VALUES(132,50,'2026-11-17T15:59:52+00:00',14,'busy','conceptual','Engaged tone',NULL);
INSERT INTO "calls" VALUES(133,38,'2026-11-17T16:05:03+00:00',30,'no_answer','benefits',NULL,NULL);
INSERT INTO "calls" VALUES(134,32,'2026-11-17T16:10:31+00:00',472,'meeting','value_proposition','Demo booked with the ops team; send agenda','2026-11-20T22:30:00+00:00');
INSERT INTO "calls" VALUES(135,43,'2026-11-17T17:38:08+00:00',733,'won','inbound','Signed 12-month plan; onboarding kick-off next week',NULL);
INSERT INTO "calls" VALUES(136,50,'2026-11-17T18:09:52+00:00',129,'gatekeeper','conceptual','PA took a message; best time is before 9:30',NULL);
INSERT INTO "calls" VALUES(137,49,'2026-11-17T18:44:48+00:00',32,'no_answer','conceptual',NULL,NULL);
INSERT INTO "calls" VALUES(138,54,'2026-11-17T19:36:41+00:00',79,'voicemail','inbound','Voicemail full',NULL);
INSERT INTO "calls" VALUES(139,30,'2026-11-17T20:33:12+00:00',203,'callback','inbound','In a meeting, asked for a call after lunch','2026-11-18T21:00:00+00:00');
INSERT INTO "calls" VALUES(140,37,'2026-11-17T22:02:12+00:00',27,'no_answer','solution',NULL,NULL);
INSERT INTO "calls" VALUES(141,44,'2026-11-18T15:23:23+00:00',14,'busy','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(142,39,'2026-11-18T15:29:16+00:00',69,'voicemail','solution',NULL,NULL);
INSERT INTO "calls" VALUES(143,49,'2026-11-18T15:39:44+00:00',704,'meeting','conceptual','45-min discovery booked with the owner and practice manager','2026-11-19T16:30:00+00:00');
INSERT INTO "calls" VALUES(144,55,'2026-11-18T15:48:01+00:00',29,'no_answer','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(145,54,'2026-11-18T15:48:38+00:00',353,'callback','inbound','Asked for pricing by email first; call back to walk through it','2026-11-25T16:00:00+00:00');
INSERT INTO "calls" VALUES(146,27,'2026-11-18T16:30:00+00:00',95,'callback','inbound','Call back after lunch','2026-11-19T20:30:00+00:00');
INSERT INTO "calls" VALUES(147,18,'2026-11-18T16:40:00+00:00',420,'meeting','inbound','Demo booked','2026-11-24T16:30:00+00:00');
INSERT INTO "calls" VALUES(148,6,'2026-11-18T16:50:00+00:00',600,'won','benefits','Second licence pack',NULL);
INSERT INTO "calls" VALUES(149,29,'2026-11-12T16:30:00+00:00',0,'no_answer','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(150,29,'2026-11-13T16:30:00+00:00',0,'no_answer','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(151,29,'2026-11-14T16:30:00+00:00',0,'no_answer','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(152,29,'2026-11-15T16:30:00+00:00',0,'no_answer','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(153,29,'2026-11-16T16:30:00+00:00',0,'no_answer','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(154,29,'2026-11-17T16:30:00+00:00',0,'no_answer','inbound',NULL,NULL);
INSERT INTO "calls" VALUES(155,26,'2026-11-18T17:00:00+00:00',30,'do_not_call','inbound','Asked not to be called again',NULL);
INSERT INTO "calls" VALUES(156,31,'2026-11-18T17:10:00+00:00',40,'voicemail','benefits',NULL,NULL);
CREATE TABLE deals (
    id INTEGER PRIMARY KEY,
    prospect_id INTEGER NOT NULL REFERENCES prospects(id) ON DELETE CASCADE,
    call_id INTEGER REFERENCES calls(id) ON DELETE SET NULL,
    amount_cents INTEGER NOT NULL,
    closed_on TEXT NOT NULL
);
INSERT INTO "deals" VALUES(1,9,24,980000,'2026-10-26');
INSERT INTO "deals" VALUES(2,13,31,980000,'2026-10-27');
INSERT INTO "deals" VALUES(3,7,37,1730000,'2026-10-28');
INSERT INTO "deals" VALUES(4,6,39,1650000,'2026-10-29');
INSERT INTO "deals" VALUES(5,8,43,270000,'2026-10-30');
INSERT INTO "deals" VALUES(6,11,48,610000,'2026-11-03');
INSERT INTO "deals" VALUES(7,43,135,1100000,'2026-11-17');
INSERT INTO "deals" VALUES(8,6,148,480000,'2026-11-18');
CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    prospect_id INTEGER NOT NULL REFERENCES prospects(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')),
    body TEXT NOT NULL
);
INSERT INTO "notes" VALUES(1,45,'2026-11-06T20:36:31+00:00','Prefers email before 9am; mornings are clinic time');
INSERT INTO "notes" VALUES(2,17,'2026-10-23T18:47:11+00:00','Their RFP template still says {client_name} in the header; ask which version is current');
INSERT INTO "notes" VALUES(3,23,'2026-10-28T20:44:45+00:00','Met at the trade show stand: wants to see the mobile app before anything else');
INSERT INTO "notes" VALUES(4,56,'2026-11-12T20:14:33+00:00','Financial year ends in March; budget requests go in by February');
INSERT INTO "notes" VALUES(5,60,'2026-11-16T23:03:44+00:00','Referred by an existing customer: mention them on the first call');
CREATE TABLE prospect_search (
    id INTEGER PRIMARY KEY,
    search_text TEXT NOT NULL,
    phone_digits TEXT NOT NULL
);
INSERT INTO "prospect_search" VALUES(1,'Charlotte Dubois
École Bilingue Saint-Roch
c.dubois@ecole-saintroch.fr
+33199002281','33199002281');
INSERT INTO "prospect_search" VALUES(2,'Daniel Okafor
Okafor & Reid Architects
daniel@okaforreid.com
+442079460655','442079460655');
INSERT INTO "prospect_search" VALUES(3,'Tunde Bakare
Swiftlane Couriers
tunde@swiftlanecouriers.co.uk
+441614960948','441614960948');
INSERT INTO "prospect_search" VALUES(4,'Fatima Al-Sayed
Crescent Veterinary Clinic
fatima@crescentvets.co.uk
+441614960412','441614960412');
INSERT INTO "prospect_search" VALUES(5,'Patrick Doyle
Harbour View Hotel
patrick.doyle@harbourviewhotel.ie
+35312983346','35312983346');
INSERT INTO "prospect_search" VALUES(6,'Sofia Lindqvist
Nordvik Freight AB
sofia.lindqvist@nordvikfreight.se
+46850163311','46850163311');
INSERT INTO "prospect_search" VALUES(7,'Isabella Rossi
Fiore Digital Agency
isabella.rossi@fioredigital.it
+390287654321','390287654321');
INSERT INTO "prospect_search" VALUES(8,'Mohammed Iqbal
Iqbal Dental Care
dr.iqbal@iqbaldentalcare.co.uk
+441214960459','441214960459');
INSERT INTO "prospect_search" VALUES(9,'James Thornton
Kingsmead School
j.thornton@kingsmead.school
+441174960255','441174960255');
INSERT INTO "prospect_search" VALUES(10,'Samuel Adeyemi
Adeyemi Property Management
sam@adeyemiproperty.co.uk
+442079460376','442079460376');
INSERT INTO "prospect_search" VALUES(11,'Mei Chen
Pacific Rim Electronics
mei.chen@pacificrim-elec.sg
+6562217734','6562217734');
INSERT INTO "prospect_search" VALUES(12,'Ana Souza
Verde Cosmetics
ana.souza@verdecosmetics.com.br
+551130421187','551130421187');
INSERT INTO "prospect_search" VALUES(13,'Michael Harris
Harris Plumbing & Heating

+447700900781','447700900781');
INSERT INTO "prospect_search" VALUES(14,'Tom Fletcher
Fletcher & Finch Studio
tom@fletcherfinch.studio
+447700900412','447700900412');
INSERT INTO "prospect_search" VALUES(15,'Kate Sullivan
Summit Home Health
ksullivan@summithomehealth.com
+16175550154','16175550154');
INSERT INTO "prospect_search" VALUES(16,'Nadia Petrova
Quillstack
nadia@quillstack.com
+442079460517','442079460517');
INSERT INTO "prospect_search" VALUES(17,'Freya Campbell
Thistle Home Care
freya.campbell@thistlehomecare.co.uk
+441314960278','441314960278');
INSERT INTO "prospect_search" VALUES(18,'Tomás Ferreira
Brightsmile Dental Group
tomas@brightsmiledental.co.uk
+441614960233','441614960233');
INSERT INTO "prospect_search" VALUES(19,'Hiroshi Sato
Sato Robotics Europe
h.sato@satorobotics.eu
+442079460264','442079460264');
INSERT INTO "prospect_search" VALUES(20,'Ravi Shankar
Northgate Medical Centre
ravi.shankar@northgatemedical.co.uk
+441134960612','441134960612');
INSERT INTO "prospect_search" VALUES(21,'Rachel Osei
Brightwater Manufacturing
rachel.osei@brightwatermfg.co.uk
+441614960305','441614960305');
INSERT INTO "prospect_search" VALUES(22,'Jakub Nowak
Vistula Packaging
j.nowak@vistulapack.pl
+48226281490','48226281490');
INSERT INTO "prospect_search" VALUES(23,'Jonas Weber
Weber & Sohn Metallbau
jonas@weber-metallbau.de
+497114482310','497114482310');
INSERT INTO "prospect_search" VALUES(24,'Ben Whitaker
Whitaker HVAC Services
ben@whitakerhvac.co.uk
+447700900318','447700900318');
INSERT INTO "prospect_search" VALUES(25,'Chris Evans
Evans Fleet Maintenance

+442920180412','442920180412');
INSERT INTO "prospect_search" VALUES(26,'Sarah Kim
Lakeshore Orthodontics
sarah.kim@lakeshoreortho.com
+13125550109','13125550109');
INSERT INTO "prospect_search" VALUES(27,'Zainab Hussain
Parkside Dental Studio
zainab@parksidedentalstudio.co.uk
+441614960587','441614960587');
INSERT INTO "prospect_search" VALUES(28,'Diego Alvarez
Sunbelt Air & Heat
diego@sunbeltairheat.com
+15125550134','15125550134');
INSERT INTO "prospect_search" VALUES(29,'Amara Nwosu
Oakfield International School
a.nwosu@oakfield-school.org
+442079460911','442079460911');
INSERT INTO "prospect_search" VALUES(30,'Lucy Wright
Wright Eye Care
lucy@wrighteyecare.co.uk
+441214960166','441214960166');
INSERT INTO "prospect_search" VALUES(31,'Ingrid Solberg
Polar Subscription Boxes
ingrid@polarboxes.no
+4721049386','4721049386');
INSERT INTO "prospect_search" VALUES(32,'Aisha Rahman
Pixelhaus Agency
aisha.rahman@pixelhaus.agency
+441134960093','441134960093');
INSERT INTO "prospect_search" VALUES(33,'Kwame Mensah
St Aldhelm''s Academy Trust
k.mensah@staldhelms.org.uk
+441174960518','441174960518');
INSERT INTO "prospect_search" VALUES(34,'Liam O''Connor
Greenway Waste Solutions
liam.oconnor@greenwaywaste.co.uk
+447700900645','447700900645');
INSERT INTO "prospect_search" VALUES(35,'George Mitchell
Hillcrest Primary School
g.mitchell@hillcrest-primary.org.uk
+441174960140','441174960140');
INSERT INTO "prospect_search" VALUES(36,'Emily Carter
Carter Family Dentistry
emily@carterfamilydental.com
+16175550119','16175550119');
INSERT INTO "prospect_search" VALUES(37,'Priya Natarajan
Harbourline Logistics
priya.natarajan@harbourline-logistics.co.uk
+442079460182','442079460182');
INSERT INTO "prospect_search" VALUES(38,'Andrés Morales
Costa Azul Hotels
andres.morales@costaazulhotels.es
+34934817702','34934817702');
INSERT INTO "prospect_search" VALUES(39,'Ethan Brooks
Brooks Auto Group
ethan.brooks@brooksautogroup.com
+13125550188','13125550188');
INSERT INTO "prospect_search" VALUES(40,'Deepa Iyer
Harbourside Physio
deepa@harboursidephysio.com.au
+61255501234','61255501234');
INSERT INTO "prospect_search" VALUES(41,'Hannah Becker
Lumina Analytics GmbH
hannah.becker@lumina-analytics.de
+493040817362','493040817362');
INSERT INTO "prospect_search" VALUES(42,'Mateo García
Grupo Alameda Clínicas
mateo.garcia@alamedaclinicas.es
+34912045583','34912045583');
INSERT INTO "prospect_search" VALUES(43,'Grace Liu
Brightpath Learning
grace.liu@brightpathlearning.com
+12125550163','12125550163');
INSERT INTO "prospect_search" VALUES(44,'Naomi Fischer
Klarwerk Software GmbH
naomi.fischer@klarwerk.de
+498954129083','498954129083');
INSERT INTO "prospect_search" VALUES(45,'Noah Fitzgerald
[bold]Acme[/bold] Labs
noah@acmelabs.co.uk
+442079460430','442079460430');
INSERT INTO "prospect_search" VALUES(46,'Jessica Moore
Bayside Community College
jmoore@baysidecc.edu
+12125550141','12125550141');
INSERT INTO "prospect_search" VALUES(47,'Megan Hughes
Valleyview Physiotherapy
megan@valleyviewphysio.co.uk
+442920180356','442920180356');
INSERT INTO "prospect_search" VALUES(48,'Chloé Martin
Transports Morel
chloe.martin@transports-morel.fr
+33199004127','33199004127');
INSERT INTO "prospect_search" VALUES(49,'Arjun Kapoor
Spicebridge Foods Wholesale
arjun@spicebridgefoods.co.uk
+441214960384','441214960384');
INSERT INTO "prospect_search" VALUES(50,'Marcus Johnson
Ridgeway Precision Castings
mjohnson@ridgewaycastings.com
+13125550143','13125550143');
INSERT INTO "prospect_search" VALUES(51,'Lars Jensen
Fjordbyte ApS
lars@fjordbyte.dk
+4533917260','4533917260');
INSERT INTO "prospect_search" VALUES(52,'Rahul Mehta
Stackwise
rahul@stackwise.io
+14155550172','14155550172');
INSERT INTO "prospect_search" VALUES(53,'Oliver Grant
Westbrook College
o.grant@westbrook.ac.uk
+441134960781','441134960781');
INSERT INTO "prospect_search" VALUES(54,'Olivia Bennett
Bennett & Hale PR
olivia@bennetthale.com
+442079460829','442079460829');
INSERT INTO "prospect_search" VALUES(55,'Wei Ling Tan
Meridian Cold Chain Pte Ltd
weiling.tan@meridiancoldchain.sg
+6563841175','6563841175');
INSERT INTO "prospect_search" VALUES(56,'Aoife Byrne
Copperleaf Creative
aoife@copperleafcreative.ie
+35316590412','35316590412');
INSERT INTO "prospect_search" VALUES(57,'Peter van Dijk
Van Dijk Transport BV
peter@vandijktransport.nl
+31203694412','31203694412');
INSERT INTO "prospect_search" VALUES(58,'Rebecca Stone
Stone & Partners Solicitors
rebecca.stone@stonepartners.law
+441134960225','441134960225');
INSERT INTO "prospect_search" VALUES(59,'Leila Haddad
Cedar Manufacturing Ltd
leila.haddad@cedarmfg.co.uk
+441214960722','441214960722');
INSERT INTO "prospect_search" VALUES(60,'Elena Popescu
Danube Pharma Distribution
elena.popescu@danubepharma.ro
+40213107745','40213107745');
CREATE TABLE prospects (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    title TEXT,
    company TEXT,
    phone TEXT,
    email TEXT,
    timezone TEXT,
    kind TEXT NOT NULL DEFAULT 'new' CHECK (kind IN ('new', 'known', 'customer')),
    stage TEXT NOT NULL DEFAULT 'lead' CHECK (stage IN ('lead', 'contacted', 'qualified', 'proposal', 'won', 'lost')),
    method TEXT NOT NULL DEFAULT 'solution',
    needs TEXT,
    pain_points TEXT,
    objections TEXT,
    goals TEXT,
    deal_value_cents INTEGER,
    source TEXT,
    priority INTEGER NOT NULL DEFAULT 1,
    next_call_at TEXT,
    do_not_call INTEGER NOT NULL DEFAULT 0 CHECK (do_not_call IN (0, 1)),
    wrong_number INTEGER NOT NULL DEFAULT 0 CHECK (wrong_number IN (0, 1)),
    nurture INTEGER NOT NULL DEFAULT 0 CHECK (nurture IN (0, 1)),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_called_at TEXT,
    last_outcome TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'))
);
INSERT INTO "prospects" VALUES(1,'Charlotte Dubois','Directrice','École Bilingue Saint-Roch','+33199002281','c.dubois@ecole-saintroch.fr',NULL,'customer','won','inbound','Parent meetings booked in French and English','Secretary spends two days per term on the timetable','Budget decided by the board in June',NULL,450000,'website form',1,'2026-11-16T17:00:00+00:00',0,0,0,0,'2026-11-10T17:23:23+00:00','callback','2025-12-25T16:48:32+00:00','2026-11-10T17:23:23+00:00');
INSERT INTO "prospects" VALUES(2,'Daniel Okafor','Founder','Okafor & Reid Architects','+442079460655','daniel@okaforreid.com',NULL,'customer','won','solution','Site visit scheduling for 8 architects',NULL,'Price',NULL,1750000,'referral',1,NULL,0,0,0,0,NULL,NULL,'2025-12-25T21:11:35+00:00','2025-12-25T21:11:35+00:00');
INSERT INTO "prospects" VALUES(3,'Tunde Bakare','Operations Director','Swiftlane Couriers','+441614960948','tunde@swiftlanecouriers.co.uk',NULL,'customer','won','benefits','Same-day courier jobs assigned to the nearest rider','Controllers assign 400 jobs a day by radio','Price against the two other vendors he is talking to','Open a Leeds depot next year',340000,'trade show',2,'2026-11-18T19:30:00+00:00',0,0,0,0,'2026-11-13T16:58:04+00:00','callback','2026-02-14T17:18:38+00:00','2026-11-13T16:58:04+00:00');
INSERT INTO "prospects" VALUES(4,'Fatima Al-Sayed','Clinic Manager','Crescent Veterinary Clinic','+441614960412','fatima@crescentvets.co.uk',NULL,'customer','won','inbound','Vaccination reminders and online booking','Phones ring off the hook 8-10am; clients give up',NULL,'Half of bookings online within six months',1540000,'website form',1,'2026-11-20T18:30:00+00:00',0,0,0,0,'2026-11-16T15:58:02+00:00','meeting','2026-02-15T23:04:58+00:00','2026-11-16T15:58:02+00:00');
INSERT INTO "prospects" VALUES(5,'Patrick Doyle','General Manager','Harbour View Hotel','+35312983346','patrick.doyle@harbourviewhotel.ie',NULL,'customer','won','conceptual','Group and event enquiries followed up the same day','Wedding enquiries answered after competitors','Timing: new PMS going in next quarter','30 weddings booked next year',950000,'referral',1,NULL,0,0,0,0,NULL,NULL,'2026-06-02T22:11:35+00:00','2026-06-02T22:11:35+00:00');
INSERT INTO "prospects" VALUES(6,'Sofia Lindqvist','COO','Nordvik Freight AB','+46850163311','sofia.lindqvist@nordvikfreight.se','Europe/Stockholm','customer','won','benefits','Driver ETAs visible to customers without a phone call','Customer service fields 200 ''where is my truck'' calls a week','Wants it all by email first, then she will decide','Halve inbound status calls',480000,'LinkedIn ad',1,NULL,0,0,0,0,'2026-11-18T16:50:00+00:00','won','2026-10-08T15:14:39+00:00','2026-11-30T18:09:15+00:00');
INSERT INTO "prospects" VALUES(7,'Isabella Rossi','Account Director','Fiore Digital Agency','+390287654321','isabella.rossi@fioredigital.it',NULL,'customer','won','conceptual','Client check-in calls that do not fall through the cracks','Lost two retainers this year with no warning','Budget is tight until the Milan client renews','Client churn under 10%',1730000,'LinkedIn ad',1,NULL,0,0,0,0,'2026-10-28T22:05:35+00:00','won','2026-10-09T18:50:55+00:00','2026-10-28T22:05:35+00:00');
INSERT INTO "prospects" VALUES(8,'Mohammed Iqbal','Owner','Iqbal Dental Care','+441214960459','dr.iqbal@iqbaldentalcare.co.uk',NULL,'customer','won','value_proposition','Recall and hygiene bookings online','One receptionist for two surgeries','Price','Open Saturday clinics',270000,'referral',1,NULL,0,0,0,0,'2026-10-30T21:38:30+00:00','won','2026-10-14T15:23:00+00:00','2026-10-30T21:38:30+00:00');
INSERT INTO "prospects" VALUES(9,'James Thornton','Bursar','Kingsmead School','+441174960255','j.thornton@kingsmead.school',NULL,'customer','won','solution','Sports fixtures and minibus bookings','Minibus double-booked for two away matches','Budget set in the summer term',NULL,980000,'referral',2,NULL,0,0,0,0,'2026-10-26T17:25:59+00:00','won','2026-10-14T17:18:39+00:00','2026-10-26T17:25:59+00:00');
INSERT INTO "prospects" VALUES(10,'Samuel Adeyemi','Director','Adeyemi Property Management','+442079460376','sam@adeyemiproperty.co.uk',NULL,'new','lost','value_proposition','Viewings and repair visits for 300 flats','Tenants chase repairs by phone; contractors miss visits',NULL,'Repairs booked within 48 hours',NULL,'referral',0,NULL,0,0,0,0,'2026-10-26T20:34:17+00:00','not_interested','2026-10-14T20:11:19+00:00','2026-10-26T20:34:17+00:00');
INSERT INTO "prospects" VALUES(11,'Mei Chen','Supply Chain Manager','Pacific Rim Electronics','+6562217734','mei.chen@pacificrim-elec.sg','Asia/Singapore','customer','won','value_proposition','Supplier call schedule across 4 time zones','Late component orders noticed only at the weekly meeting','Decision with HQ in Taipei','On-time supplier deliveries over 95%',610000,'trade show',0,NULL,0,0,0,0,'2026-11-03T21:14:54+00:00','won','2026-10-15T18:40:32+00:00','2026-11-03T21:14:54+00:00');
INSERT INTO "prospects" VALUES(12,'Ana Souza','Marketing Manager','Verde Cosmetics','+551130421187','ana.souza@verdecosmetics.com.br',NULL,'new','lead','benefits','Wholesale buyers called back within a day',NULL,'Budget approved per quarter',NULL,NULL,'LinkedIn ad',0,NULL,1,0,0,1,'2026-10-19T21:39:47+00:00','do_not_call','2026-10-16T16:44:11+00:00','2026-10-19T21:39:47+00:00');
INSERT INTO "prospects" VALUES(13,'Michael Harris','Owner','Harris Plumbing & Heating','+447700900781',NULL,NULL,'customer','won','benefits','Boiler service reminders for 900 customers','Reminder letters cost a fortune and half come back','Price; does everything on paper and it works',NULL,980000,'cold list',0,NULL,0,0,0,0,'2026-10-27T20:10:54+00:00','won','2026-10-16T20:37:59+00:00','2026-10-27T20:10:54+00:00');
INSERT INTO "prospects" VALUES(14,'Tom Fletcher','Co-founder','Fletcher & Finch Studio','+447700900412','tom@fletcherfinch.studio',NULL,'new','lost','solution','Discovery calls booked straight from the website',NULL,'Price for a 6-person studio','Three new clients a quarter',NULL,'referral',1,NULL,0,0,0,0,'2026-10-27T17:24:39+00:00','not_interested','2026-10-19T21:17:55+00:00','2026-10-27T17:24:39+00:00');
INSERT INTO "prospects" VALUES(15,'Kate Sullivan','Director of Operations','Summit Home Health','+16175550154','ksullivan@summithomehealth.com','America/New_York','new','lost','inbound','Nurse visit schedules that update when a patient cancels','Nurses drive to cancelled visits 2-3 times a week','Budget cycle starts in July','Visits per nurse per day from 5 to 6',NULL,'webinar',0,NULL,0,0,0,0,'2026-10-30T17:15:05+00:00','not_interested','2026-10-21T20:18:27+00:00','2026-10-30T17:15:05+00:00');
INSERT INTO "prospects" VALUES(16,'Nadia Petrova','Head of Growth','Quillstack','+442079460517','nadia@quillstack.com','Europe/London','new','lost','inbound','Trial users called on day 3 of their trial','Trial conversion stuck at 4%','Price; they already pay for an email tool that does sequences','Trial conversion to 8%',NULL,'webinar',1,NULL,0,0,0,0,'2026-11-04T18:02:11+00:00','not_interested','2026-10-23T15:09:53+00:00','2026-11-04T18:02:11+00:00');
INSERT INTO "prospects" VALUES(17,'Freya Campbell','Head of Operations','Thistle Home Care','+441314960278','freya.campbell@thistlehomecare.co.uk',NULL,'new','proposal','inbound','Carer rotas that clients'' families can see','Families call the office to ask when the carer is coming','Timing: Care Inspectorate visit next month','Office calls down 40%',1410000,'webinar',1,'2026-11-20T20:30:00+00:00',0,0,0,0,'2026-11-16T17:23:52+00:00','meeting','2026-10-23T18:27:11+00:00','2026-11-16T17:23:52+00:00');
INSERT INTO "prospects" VALUES(18,'Tomás Ferreira','Practice Manager','Brightsmile Dental Group','+441614960233','tomas@brightsmiledental.co.uk',NULL,'new','qualified','inbound','Online booking that syncs with their practice software','No-shows around 12%; reception spends mornings on reminder calls','Timing: moving practice software in January','Fill cancelled slots the same day',NULL,'website form',0,'2026-11-24T16:30:00+00:00',0,0,0,0,'2026-11-18T16:40:00+00:00','meeting','2026-10-26T14:24:17+00:00','2026-11-30T18:09:15+00:00');
INSERT INTO "prospects" VALUES(19,'Hiroshi Sato','Country Manager UK','Sato Robotics Europe','+442079460264','h.sato@satorobotics.eu','Europe/London','new','qualified','conceptual','Installation and training visits for robot cells','Installers booked before the customer''s power supply is ready','Decision needs Tokyo sign-off','Install-to-production in 10 days',1640000,'referral',1,'2026-11-17T16:00:00+00:00',0,0,0,0,'2026-11-12T19:05:50+00:00','meeting','2026-10-27T16:19:27+00:00','2026-11-12T19:05:50+00:00');
INSERT INTO "prospects" VALUES(20,'Ravi Shankar','IT Manager','Northgate Medical Centre','+441134960612','ravi.shankar@northgatemedical.co.uk',NULL,'known','lost','inbound','Appointment reminders that patients can answer to cancel','8am phone rush; 70 calls queued at once','Data hosting must be in the UK; needs the security pack by email','Cut the 8am queue in half',NULL,'website form',2,NULL,0,0,0,0,'2026-11-03T22:24:25+00:00','not_interested','2026-10-27T16:33:07+00:00','2026-11-03T22:24:25+00:00');
INSERT INTO "prospects" VALUES(21,'Rachel Osei','HR Director','Brightwater Manufacturing','+441614960305','rachel.osei@brightwatermfg.co.uk',NULL,'new','proposal','benefits','Interview scheduling for 3 shifts of hiring managers','Candidates drop out while interviews are arranged','Budget: hiring freeze until the new year',NULL,580000,'cold list',0,'2026-11-23T16:30:00+00:00',0,0,0,0,'2026-11-16T17:06:20+00:00','meeting','2026-10-27T17:16:39+00:00','2026-11-16T17:06:20+00:00');
INSERT INTO "prospects" VALUES(22,'Jakub Nowak','Production Planner','Vistula Packaging','+48226281490','j.nowak@vistulapack.pl',NULL,'known','lead','benefits','Supplier delivery windows planned against the line schedule','Film deliveries arrive during changeovers and block the yard','Decision by the plant director; send a case study by email',NULL,NULL,'trade show',0,NULL,0,0,0,0,NULL,NULL,'2026-10-28T14:31:46+00:00','2026-10-28T14:31:46+00:00');
INSERT INTO "prospects" VALUES(23,'Jonas Weber','Geschäftsführer','Weber & Sohn Metallbau','+497114482310','jonas@weber-metallbau.de',NULL,'new','lead','value_proposition','Site measurement appointments for 5 fitters','Fitters arrive at sites that are not ready','Happy with the current vendor',NULL,NULL,'cold list',1,'2026-11-13T15:00:00+00:00',0,0,0,3,'2026-11-12T19:16:21+00:00','voicemail','2026-10-28T20:28:45+00:00','2026-11-12T19:16:21+00:00');
INSERT INTO "prospects" VALUES(24,'Ben Whitaker','Managing Director','Whitaker HVAC Services','+447700900318','ben@whitakerhvac.co.uk',NULL,'new','qualified','value_proposition','Engineers'' jobs planned by postcode','Engineers cross the city twice a day; fuel up 30% this year','Tried a scheduling vendor in 2023 and it failed','One extra job per engineer per day',290000,'cold list',1,'2026-11-18T20:00:00+00:00',0,0,0,0,'2026-11-13T19:10:34+00:00','meeting','2026-10-28T21:38:11+00:00','2026-11-13T19:10:34+00:00');
INSERT INTO "prospects" VALUES(25,'Chris Evans','Workshop Manager','Evans Fleet Maintenance','+442920180412',NULL,NULL,'new','contacted','solution','MOT and service bookings for fleet customers','Bays sit empty on Mondays, overbooked on Fridays',NULL,NULL,NULL,'cold list',1,'2026-11-18T18:00:00+00:00',0,0,0,0,'2026-11-12T22:40:05+00:00','callback','2026-10-28T22:17:13+00:00','2026-11-12T22:40:05+00:00');
INSERT INTO "prospects" VALUES(26,'Sarah Kim','Practice Administrator','Lakeshore Orthodontics','+13125550109','sarah.kim@lakeshoreortho.com','America/Chicago','known','contacted','inbound','Adjustment appointments booked 6 weeks ahead automatically','Front desk rebooks 30 missed adjustments a week','Decision with the two doctors; email a summary first','Chair utilisation over 90%',NULL,'website form',0,NULL,1,0,0,1,'2026-11-18T17:00:00+00:00','do_not_call','2026-10-29T16:46:03+00:00','2026-11-30T18:09:15+00:00');
INSERT INTO "prospects" VALUES(27,'Zainab Hussain','Clinical Lead','Parkside Dental Studio','+441614960587','zainab@parksidedentalstudio.co.uk',NULL,'new','contacted','inbound','Treatment plan follow-ups after consultations','40% of treatment plans never booked','Price: the practice software vendor offers a bundle','Treatment plan acceptance over 60%',NULL,'webinar',2,'2026-11-19T20:30:00+00:00',0,0,0,0,'2026-11-18T16:30:00+00:00','callback','2026-10-29T21:59:53+00:00','2026-11-30T18:09:15+00:00');
INSERT INTO "prospects" VALUES(28,'Diego Alvarez','Service Manager','Sunbelt Air & Heat','+15125550134','diego@sunbeltairheat.com','America/Chicago','new','lost','conceptual','Maintenance plan visits booked before peak season','Summer backlog of 300 service calls','Current vendor is cheaper; price matters most','Sell 500 maintenance plans this year',NULL,'cold list',1,NULL,0,0,0,0,'2026-11-11T16:58:34+00:00','not_interested','2026-10-30T15:16:00+00:00','2026-11-11T16:58:34+00:00');
INSERT INTO "prospects" VALUES(29,'Amara Nwosu','Head of Admissions','Oakfield International School','+442079460911','a.nwosu@oakfield-school.org',NULL,'new','lost','inbound','Open day and tour bookings with automatic reminders','A third of tour bookings do not turn up','Decision by the bursar; needs pricing by email','120 new enrolments for next September',NULL,'webinar',1,NULL,0,0,1,6,'2026-11-17T16:30:00+00:00','no_answer','2026-11-02T17:48:35+00:00','2026-11-30T18:09:15+00:00');
INSERT INTO "prospects" VALUES(30,'Lucy Wright','Clinic Director','Wright Eye Care','+441214960166','lucy@wrighteyecare.co.uk',NULL,'new','contacted','inbound','Eye test recalls every two years','Recall letters get no response','Timing: opening a second clinic in March','Recall response over 50%',NULL,'website form',1,'2026-11-18T21:00:00+00:00',0,0,0,0,'2026-11-17T20:33:12+00:00','callback','2026-11-02T18:07:37+00:00','2026-11-17T20:33:12+00:00');
INSERT INTO "prospects" VALUES(31,'Ingrid Solberg','Head of Customer Experience','Polar Subscription Boxes','+4721049386','ingrid@polarboxes.no',NULL,'new','lead','benefits','Win-back calls to cancelled subscribers','Monthly churn at 9%','Timing: replatforming the shop in Q1','Churn under 6%',NULL,'LinkedIn ad',0,'2026-11-19T15:00:00+00:00',0,0,0,1,'2026-11-18T17:10:00+00:00','voicemail','2026-11-02T18:23:21+00:00','2026-11-30T18:09:15+00:00');
INSERT INTO "prospects" VALUES(32,'Aisha Rahman','Senior Account Manager','Pixelhaus Agency','+441134960093','aisha.rahman@pixelhaus.agency',NULL,'new','qualified','value_proposition','Quarterly business reviews booked for 25 clients','QBRs slip and clients feel ignored','Decision with the agency owner','Every client gets a QBR each quarter',2400000,'LinkedIn ad',1,'2026-11-20T22:30:00+00:00',0,0,0,0,'2026-11-17T16:10:31+00:00','meeting','2026-11-02T19:23:33+00:00','2026-11-17T16:10:31+00:00');
INSERT INTO "prospects" VALUES(33,'Kwame Mensah','Head of IT','St Aldhelm''s Academy Trust','+441174960518','k.mensah@staldhelms.org.uk',NULL,'new','lead','value_proposition','Parents'' evening bookings across 6 schools','Paper sign-up sheets; teachers double-booked at two schools','Budget set by trustees; timing around term dates','One booking system for all six schools by September',NULL,'cold list',2,NULL,0,0,0,0,NULL,NULL,'2026-11-02T21:01:20+00:00','2026-11-02T21:01:20+00:00');
INSERT INTO "prospects" VALUES(34,'Liam O''Connor','Fleet Manager','Greenway Waste Solutions','+447700900645','liam.oconnor@greenwaywaste.co.uk',NULL,'new','lead','benefits','Collection rounds rescheduled when a truck is off the road','A breakdown means 3 hours of phone calls to move collections','Timing: council contract renewal in spring comes first','Missed collections under 1 in 1,000',NULL,'trade show',2,NULL,0,0,0,0,NULL,NULL,'2026-11-02T22:54:38+00:00','2026-11-02T22:54:38+00:00');
INSERT INTO "prospects" VALUES(35,'George Mitchell','Head Teacher','Hillcrest Primary School','+441174960140','g.mitchell@hillcrest-primary.org.uk',NULL,'new','contacted','benefits','Parents'' evening slots parents pick themselves','Office staff phone 200 parents each term','Budget: the school has no spare money this year',NULL,NULL,'cold list',0,'2026-11-16T16:00:00+00:00',0,0,0,0,'2026-11-12T20:58:04+00:00','callback','2026-11-03T15:59:00+00:00','2026-11-12T20:58:04+00:00');
INSERT INTO "prospects" VALUES(36,'Emily Carter','Practice Owner','Carter Family Dentistry','+16175550119','emily@carterfamilydental.com','America/New_York','new','lead','inbound','Hygiene recall reminders by text','Recall list is 600 patients behind','Current vendor contract ends in March','Recall completion over 70%',NULL,'webinar',0,'2026-11-16T14:00:00+00:00',0,0,0,4,'2026-11-13T23:25:50+00:00','no_answer','2026-11-03T19:13:06+00:00','2026-11-13T23:25:50+00:00');
INSERT INTO "prospects" VALUES(37,'Priya Natarajan','Operations Director','Harbourline Logistics','+442079460182','priya.natarajan@harbourline-logistics.co.uk','Europe/London','new','lead','solution','Live view of 40 vans and who is free for same-day jobs','Dispatch runs on spreadsheets; 2 drivers double-booked last week','Price: per-seat pricing looks expensive at 40 drivers','Missed delivery slots under 2% by Q2',NULL,'trade show',1,'2026-11-18T09:00:00+00:00',0,0,0,4,'2026-11-17T22:02:12+00:00','no_answer','2026-11-03T22:11:51+00:00','2026-11-17T22:02:12+00:00');
INSERT INTO "prospects" VALUES(38,'Andrés Morales','Regional Sales Lead','Costa Azul Hotels','+34934817702','andres.morales@costaazulhotels.es',NULL,'new','lead','benefits','Corporate account calls scheduled for 6 hotels','Corporate rates renegotiated without anyone calling the client','Decision with group revenue management','Corporate room nights up 15%',NULL,'LinkedIn ad',0,'2026-11-18T15:00:00+00:00',0,0,0,3,'2026-11-17T16:05:03+00:00','no_answer','2026-11-04T17:58:22+00:00','2026-11-17T16:05:03+00:00');
INSERT INTO "prospects" VALUES(39,'Ethan Brooks','Sales Manager','Brooks Auto Group','+13125550188','ethan.brooks@brooksautogroup.com','America/Chicago','new','lead','solution','Test drive bookings routed to the right dealership','Web leads wait a day for a call; half go elsewhere','Timing: end-of-year sales push first','Call every web lead within 10 minutes',NULL,'LinkedIn ad',0,'2026-11-19T15:00:00+00:00',0,0,0,3,'2026-11-18T15:29:16+00:00','voicemail','2026-11-04T20:44:21+00:00','2026-11-18T15:29:16+00:00');
INSERT INTO "prospects" VALUES(40,'Deepa Iyer','Operations Manager','Harbourside Physio','+61255501234','deepa@harboursidephysio.com.au','Australia/Sydney','new','lead','inbound','Class and one-to-one bookings in one calendar','Pilates classes overbooked, physio slots empty','Timing: wants to start after the summer holidays','Clinic utilisation over 80%',NULL,'webinar',1,NULL,0,1,0,1,'2026-11-16T21:58:46+00:00','wrong_number','2026-11-04T23:18:16+00:00','2026-11-16T21:58:46+00:00');
INSERT INTO "prospects" VALUES(41,'Hannah Becker','Head of Customer Success','Lumina Analytics GmbH','+493040817362','hannah.becker@lumina-analytics.de','Europe/Berlin','new','lead','inbound','Renewal calls scheduled automatically 90 days out','Three renewals slipped last quarter because nobody called','Already pays a CRM vendor; wary of another tool','Net revenue retention above 110%',NULL,'webinar',0,'2026-11-17T08:00:00+00:00',0,0,0,4,'2026-11-16T19:11:48+00:00','no_answer','2026-11-05T15:52:12+00:00','2026-11-16T19:11:48+00:00');
INSERT INTO "prospects" VALUES(42,'Mateo García','Director Comercial','Grupo Alameda Clínicas','+34912045583','mateo.garcia@alamedaclinicas.es','Europe/Madrid','new','lead','solution','One booking view across 9 physio clinics','Each clinic keeps its own diary; no view of capacity','Worried about vendor lock-in','Utilisation from 65% to 85%',NULL,'LinkedIn ad',1,NULL,0,0,0,0,NULL,NULL,'2026-11-05T21:02:18+00:00','2026-11-05T21:02:18+00:00');
INSERT INTO "prospects" VALUES(43,'Grace Liu','Head of Partnerships','Brightpath Learning','+12125550163','grace.liu@brightpathlearning.com','America/New_York','customer','won','inbound','Partner onboarding calls booked from the signup form','New partners wait 9 days for a first call','Price per partner seat; wants annual billing','First call within 48 hours of signup',1100000,'webinar',2,NULL,0,0,0,0,'2026-11-17T17:38:08+00:00','won','2026-11-05T22:03:40+00:00','2026-11-17T17:38:08+00:00');
INSERT INTO "prospects" VALUES(44,'Naomi Fischer','Head of Operations','Klarwerk Software GmbH','+498954129083','naomi.fischer@klarwerk.de','Europe/Berlin','new','lead','inbound','Onboarding calls for new customers booked automatically','Onboarding backlog of 45 accounts','Decision in the January planning round','Time to first value under 14 days',NULL,'webinar',0,'2026-11-18T17:23:00+00:00',0,0,0,1,'2026-11-18T15:23:23+00:00','busy','2026-11-06T16:12:45+00:00','2026-11-18T15:23:23+00:00');
INSERT INTO "prospects" VALUES(45,'Noah Fitzgerald','Lab Manager','[bold]Acme[/bold] Labs','+442079460430','noah@acmelabs.co.uk',NULL,'new','lead','inbound','Sample collection slots booked by clinics','Couriers turn up when samples are not ready','Price per courier route','Same-day turnaround for 90% of samples',NULL,'website form',1,'2026-11-17T15:00:00+00:00',0,0,0,3,'2026-11-16T19:53:51+00:00','gatekeeper','2026-11-06T20:03:31+00:00','2026-11-16T19:53:51+00:00');
INSERT INTO "prospects" VALUES(46,'Jessica Moore','Enrollment Director','Bayside Community College','+12125550141','jmoore@baysidecc.edu','America/New_York','new','lead','value_proposition','Advising appointments for 4,000 students','Students queue outside the advising office in week one','Budget needs board approval; send pricing by email','Every new student advised before classes start',NULL,'cold list',1,NULL,0,0,0,0,NULL,NULL,'2026-11-06T20:05:17+00:00','2026-11-06T20:05:17+00:00');
INSERT INTO "prospects" VALUES(47,'Megan Hughes','Practice Manager','Valleyview Physiotherapy','+442920180356','megan@valleyviewphysio.co.uk',NULL,'new','lead','inbound','Online booking with deposits for first appointments','No-shows cost about 3 sessions a day','Timing: busy season until after Christmas','No-shows under 5%',NULL,'website form',1,'2026-11-16T15:00:00+00:00',0,0,0,2,'2026-11-13T23:02:56+00:00','no_answer','2026-11-06T21:25:18+00:00','2026-11-13T23:02:56+00:00');
INSERT INTO "prospects" VALUES(48,'Chloé Martin','Responsable logistique','Transports Morel','+33199004127','chloe.martin@transports-morel.fr','Europe/Paris','new','lead','conceptual','Loading bay slots that carriers book themselves','Trucks queue 2 hours at the dock on Mondays','Price compared with their in-house tool','Dock wait under 30 minutes',NULL,'trade show',1,NULL,0,0,0,0,NULL,NULL,'2026-11-06T22:47:34+00:00','2026-11-06T22:47:34+00:00');
INSERT INTO "prospects" VALUES(49,'Arjun Kapoor','Operations Manager','Spicebridge Foods Wholesale','+441214960384','arjun@spicebridgefoods.co.uk',NULL,'new','qualified','conceptual','Delivery slots restaurants can pick online','Drivers wait at closed restaurants; 15 failed drops a week','Price: margins are thin','Failed drops under 3 a week',780000,'cold list',1,'2026-11-19T16:30:00+00:00',0,0,0,0,'2026-11-18T15:39:44+00:00','meeting','2026-11-09T18:54:17+00:00','2026-11-18T15:39:44+00:00');
INSERT INTO "prospects" VALUES(50,'Marcus Johnson','Plant Manager','Ridgeway Precision Castings','+13125550143','mjohnson@ridgewaycastings.com','America/Chicago','new','lead','conceptual','Maintenance visits booked around shift changes','Unplanned downtime on line 3 twice this month','Budget frozen until the new fiscal year in April','OEE from 71% to 80%',NULL,'cold list',1,'2026-11-18T15:00:00+00:00',0,0,0,3,'2026-11-17T18:09:52+00:00','gatekeeper','2026-11-09T20:40:08+00:00','2026-11-17T18:09:52+00:00');
INSERT INTO "prospects" VALUES(51,'Lars Jensen','CTO','Fjordbyte ApS','+4533917260','lars@fjordbyte.dk',NULL,'new','contacted','conceptual','API to push bookings into their own product',NULL,'Wants to build it in-house; price of the API tier',NULL,NULL,'LinkedIn ad',1,'2026-11-19T15:30:00+00:00',0,0,0,0,'2026-11-13T20:52:57+00:00','callback','2026-11-09T21:36:25+00:00','2026-11-13T20:52:57+00:00');
INSERT INTO "prospects" VALUES(52,'Rahul Mehta','VP Sales','Stackwise','+14155550172','rahul@stackwise.io','America/Los_Angeles','known','contacted','solution','Power dialling for 12 SDRs with call outcomes synced to the CRM','SDRs average 38 dials a day against a target of 80','Decision with the CRO; timing after Q4 close','Double meetings booked per SDR',NULL,'LinkedIn ad',1,'2026-11-23T23:00:00+00:00',0,0,0,0,'2026-11-12T18:33:12+00:00','callback','2026-11-09T22:25:03+00:00','2026-11-12T18:33:12+00:00');
INSERT INTO "prospects" VALUES(53,'Oliver Grant','Facilities Manager','Westbrook College','+441134960781','o.grant@westbrook.ac.uk',NULL,'known','lead','solution','Room and equipment booking for 3 campuses','Two events booked into the main hall on the same night','Procurement needs three quotes; budget approved per term',NULL,NULL,'cold list',1,NULL,0,0,0,0,NULL,NULL,'2026-11-10T22:40:50+00:00','2026-11-10T22:40:50+00:00');
INSERT INTO "prospects" VALUES(54,'Olivia Bennett','Client Services Director','Bennett & Hale PR','+442079460829','olivia@bennetthale.com',NULL,'new','contacted','inbound','Journalist call-backs tracked per client','Coverage opportunities missed when account leads are out','Decision with the managing partner; timing after the rebrand','Two pieces of coverage per client per month',NULL,'webinar',1,'2026-11-25T16:00:00+00:00',0,0,0,0,'2026-11-18T15:48:38+00:00','callback','2026-11-11T15:15:46+00:00','2026-11-18T15:48:38+00:00');
INSERT INTO "prospects" VALUES(55,'Wei Ling Tan','Regional Manager','Meridian Cold Chain Pte Ltd','+6563841175','weiling.tan@meridiancoldchain.sg','Asia/Singapore','new','lead','inbound','Temperature-check visits scheduled per site','Audit found 3 missed checks in October','Timing: waiting for the regional budget','Zero missed checks at the next audit',NULL,'webinar',1,'2026-11-19T01:00:00+00:00',0,0,0,2,'2026-11-18T15:48:01+00:00','no_answer','2026-11-11T21:54:41+00:00','2026-11-18T15:48:01+00:00');
INSERT INTO "prospects" VALUES(56,'Aoife Byrne','Marketing Director','Copperleaf Creative','+35316590412','aoife@copperleafcreative.ie','Europe/Dublin','known','lead','value_proposition','Client calls and retainer renewals tracked in one place','Account managers chase clients by email; replies get lost','Decision sits with the two founders','Grow retainers from 14 to 20 clients',NULL,'referral',0,NULL,0,0,0,0,NULL,NULL,'2026-11-12T19:37:33+00:00','2026-11-12T19:37:33+00:00');
INSERT INTO "prospects" VALUES(57,'Peter van Dijk','Logistiek Manager','Van Dijk Transport BV','+31203694412','peter@vandijktransport.nl',NULL,'new','lead','value_proposition','Time slots for customs inspections at the depot','Drivers wait at customs for half a day','Price; wants a pilot on one depot first','Customs wait under 1 hour',NULL,'trade show',0,NULL,0,0,0,0,NULL,NULL,'2026-11-13T15:15:20+00:00','2026-11-13T15:15:20+00:00');
INSERT INTO "prospects" VALUES(58,'Rebecca Stone','Office Manager','Stone & Partners Solicitors','+441134960225','rebecca.stone@stonepartners.law',NULL,'new','lead','solution','Client consultations booked into 14 fee earners'' diaries','Consultation requests sit in a shared inbox for days','Data protection questions; decision with the partners','Reply to every enquiry the same day',NULL,'referral',1,NULL,0,0,0,0,NULL,NULL,'2026-11-16T18:50:27+00:00','2026-11-16T18:50:27+00:00');
INSERT INTO "prospects" VALUES(59,'Leila Haddad','Finance Director','Cedar Manufacturing Ltd','+441214960722','leila.haddad@cedarmfg.co.uk',NULL,'new','lead','conceptual','Service visits to 120 installed machines tracked and billed','Unbilled service visits worth roughly 40k last year','Price must pay back inside 12 months','Service revenue up 25%',NULL,'trade show',1,NULL,0,0,0,0,NULL,NULL,'2026-11-16T22:26:08+00:00','2026-11-16T22:26:08+00:00');
INSERT INTO "prospects" VALUES(60,'Elena Popescu','Procurement Lead','Danube Pharma Distribution','+40213107745','elena.popescu@danubepharma.ro',NULL,'new','lead','conceptual','Pharmacy delivery windows agreed in advance','Pharmacies refuse deliveries outside opening hours','Vendor must pass their supplier audit; decision in Q1',NULL,NULL,'trade show',0,NULL,0,0,0,0,NULL,NULL,'2026-11-16T22:39:44+00:00','2026-11-16T22:39:44+00:00');
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO "settings" VALUES('rep_name','Alex Morgan');
CREATE TABLE targets (
    id INTEGER PRIMARY KEY,
    period TEXT NOT NULL DEFAULT 'month' CHECK (period IN ('week', 'month', 'quarter', 'year')),
    -- A target added with no dates covers the current calendar month (the default period).
    starts_on TEXT NOT NULL DEFAULT (date('now', 'start of month')),
    ends_on TEXT NOT NULL DEFAULT (date('now', 'start of month', '+1 month', '-1 day')),
    amount_cents INTEGER NOT NULL DEFAULT 0,
    calls_per_day INTEGER,
    UNIQUE (period, starts_on)
);
INSERT INTO "targets" VALUES(1,'month','2026-11-01','2026-11-30',6000000,40);
CREATE TABLE undo_log (
    call_id INTEGER PRIMARY KEY REFERENCES calls(id) ON DELETE CASCADE,
    prospect_before TEXT NOT NULL,
    logged_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'))
);
INSERT INTO "undo_log" VALUES(146,'{"before": {"id": 27, "name": "Zainab Hussain", "title": "Clinical Lead", "company": "Parkside Dental Studio", "phone": "+441614960587", "email": "zainab@parksidedentalstudio.co.uk", "timezone": null, "kind": "new", "stage": "lead", "method": "inbound", "needs": "Treatment plan follow-ups after consultations", "pain_points": "40% of treatment plans never booked", "objections": "Price: the practice software vendor offers a bundle", "goals": "Treatment plan acceptance over 60%", "deal_value_cents": null, "source": "webinar", "priority": 2, "next_call_at": null, "do_not_call": 0, "wrong_number": 0, "nurture": 0, "attempts": 0, "last_called_at": null, "last_outcome": null, "created_at": "2026-10-29T21:59:53+00:00", "updated_at": "2026-10-29T21:59:53+00:00"}, "wrote": {"stage": "contacted", "next_call_at": "2026-11-19T20:30:00+00:00", "last_called_at": "2026-11-18T16:30:00+00:00", "last_outcome": "callback", "updated_at": "2026-11-30T18:09:15+00:00"}}','2026-11-18T16:30:00+00:00');
INSERT INTO "undo_log" VALUES(147,'{"before": {"id": 18, "name": "Tom\u00e1s Ferreira", "title": "Practice Manager", "company": "Brightsmile Dental Group", "phone": "+441614960233", "email": "tomas@brightsmiledental.co.uk", "timezone": null, "kind": "new", "stage": "contacted", "method": "inbound", "needs": "Online booking that syncs with their practice software", "pain_points": "No-shows around 12%; reception spends mornings on reminder calls", "objections": "Timing: moving practice software in January", "goals": "Fill cancelled slots the same day", "deal_value_cents": null, "source": "website form", "priority": 0, "next_call_at": "2026-11-17T21:30:00+00:00", "do_not_call": 0, "wrong_number": 0, "nurture": 0, "attempts": 0, "last_called_at": "2026-11-11T20:04:39+00:00", "last_outcome": "callback", "created_at": "2026-10-26T14:24:17+00:00", "updated_at": "2026-11-11T20:04:39+00:00"}, "wrote": {"stage": "qualified", "next_call_at": "2026-11-24T16:30:00+00:00", "last_called_at": "2026-11-18T16:40:00+00:00", "last_outcome": "meeting", "updated_at": "2026-11-30T18:09:15+00:00"}}','2026-11-18T16:40:00+00:00');
INSERT INTO "undo_log" VALUES(148,'{"before": {"id": 6, "name": "Sofia Lindqvist", "title": "COO", "company": "Nordvik Freight AB", "phone": "+46850163311", "email": "sofia.lindqvist@nordvikfreight.se", "timezone": "Europe/Stockholm", "kind": "customer", "stage": "won", "method": "benefits", "needs": "Driver ETAs visible to customers without a phone call", "pain_points": "Customer service fields 200 ''where is my truck'' calls a week", "objections": "Wants it all by email first, then she will decide", "goals": "Halve inbound status calls", "deal_value_cents": 1650000, "source": "LinkedIn ad", "priority": 1, "next_call_at": null, "do_not_call": 0, "wrong_number": 0, "nurture": 0, "attempts": 0, "last_called_at": "2026-10-29T20:34:07+00:00", "last_outcome": "won", "created_at": "2026-10-08T15:14:39+00:00", "updated_at": "2026-10-29T20:34:07+00:00"}, "wrote": {"deal_value_cents": 480000, "last_called_at": "2026-11-18T16:50:00+00:00", "updated_at": "2026-11-30T18:09:15+00:00"}}','2026-11-18T16:50:00+00:00');
INSERT INTO "undo_log" VALUES(149,'{"before": {"id": 29, "name": "Amara Nwosu", "title": "Head of Admissions", "company": "Oakfield International School", "phone": "+442079460911", "email": "a.nwosu@oakfield-school.org", "timezone": null, "kind": "new", "stage": "lead", "method": "inbound", "needs": "Open day and tour bookings with automatic reminders", "pain_points": "A third of tour bookings do not turn up", "objections": "Decision by the bursar; needs pricing by email", "goals": "120 new enrolments for next September", "deal_value_cents": null, "source": "webinar", "priority": 1, "next_call_at": null, "do_not_call": 0, "wrong_number": 0, "nurture": 0, "attempts": 0, "last_called_at": null, "last_outcome": null, "created_at": "2026-11-02T17:48:35+00:00", "updated_at": "2026-11-02T17:48:35+00:00"}, "wrote": {"next_call_at": "2026-11-13T15:00:00+00:00", "attempts": 1, "last_called_at": "2026-11-12T16:30:00+00:00", "last_outcome": "no_answer", "updated_at": "2026-11-30T18:09:15+00:00"}}','2026-11-12T16:30:00+00:00');
INSERT INTO "undo_log" VALUES(150,'{"before": {"id": 29, "name": "Amara Nwosu", "title": "Head of Admissions", "company": "Oakfield International School", "phone": "+442079460911", "email": "a.nwosu@oakfield-school.org", "timezone": null, "kind": "new", "stage": "lead", "method": "inbound", "needs": "Open day and tour bookings with automatic reminders", "pain_points": "A third of tour bookings do not turn up", "objections": "Decision by the bursar; needs pricing by email", "goals": "120 new enrolments for next September", "deal_value_cents": null, "source": "webinar", "priority": 1, "next_call_at": "2026-11-13T15:00:00+00:00", "do_not_call": 0, "wrong_number": 0, "nurture": 0, "attempts": 1, "last_called_at": "2026-11-12T16:30:00+00:00", "last_outcome": "no_answer", "created_at": "2026-11-02T17:48:35+00:00", "updated_at": "2026-11-30T18:09:15+00:00"}, "wrote": {"next_call_at": "2026-11-16T15:00:00+00:00", "attempts": 2, "last_called_at": "2026-11-13T16:30:00+00:00"}}','2026-11-13T16:30:00+00:00');
INSERT INTO "undo_log" VALUES(151,'{"before": {"id": 29, "name": "Amara Nwosu", "title": "Head of Admissions", "company": "Oakfield International School", "phone": "+442079460911", "email": "a.nwosu@oakfield-school.org", "timezone": null, "kind": "new", "stage": "lead", "method": "inbound", "needs": "Open day and tour bookings with automatic reminders", "pain_points": "A third of tour bookings do not turn up", "objections": "Decision by the bursar; needs pricing by email", "goals": "120 new enrolments for next September", "deal_value_cents": null, "source": "webinar", "priority": 1, "next_call_at": "2026-11-16T15:00:00+00:00", "do_not_call": 0, "wrong_number": 0, "nurture": 0, "attempts": 2, "last_called_at": "2026-11-13T16:30:00+00:00", "last_outcome": "no_answer", "created_at": "2026-11-02T17:48:35+00:00", "updated_at": "2026-11-30T18:09:15+00:00"}, "wrote": {"attempts": 3, "last_called_at": "2026-11-14T16:30:00+00:00"}}','2026-11-14T16:30:00+00:00');
INSERT INTO "undo_log" VALUES(152,'{"before": {"id": 29, "name": "Amara Nwosu", "title": "Head of Admissions", "company": "Oakfield International School", "phone": "+442079460911", "email": "a.nwosu@oakfield-school.org", "timezone": null, "kind": "new", "stage": "lead", "method": "inbound", "needs": "Open day and tour bookings with automatic reminders", "pain_points": "A third of tour bookings do not turn up", "objections": "Decision by the bursar; needs pricing by email", "goals": "120 new enrolments for next September", "deal_value_cents": null, "source": "webinar", "priority": 1, "next_call_at": "2026-11-16T15:00:00+00:00", "do_not_call": 0, "wrong_number": 0, "nurture": 0, "attempts": 3, "last_called_at": "2026-11-14T16:30:00+00:00", "last_outcome": "no_answer", "created_at": "2026-11-02T17:48:35+00:00", "updated_at": "2026-11-30T18:09:15+00:00"}, "wrote": {"attempts": 4, "last_called_at": "2026-11-15T16:30:00+00:00"}}','2026-11-15T16:30:00+00:00');
INSERT INTO "undo_log" VALUES(153,'{"before": {"id": 29, "name": "Amara Nwosu", "title": "Head of Admissions", "company": "Oakfield International School", "phone": "+442079460911", "email": "a.nwosu@oakfield-school.org", "timezone": null, "kind": "new", "stage": "lead", "method": "inbound", "needs": "Open day and tour bookings with automatic reminders", "pain_points": "A third of tour bookings do not turn up", "objections": "Decision by the bursar; needs pricing by email", "goals": "120 new enrolments for next September", "deal_value_cents": null, "source": "webinar", "priority": 1, "next_call_at": "2026-11-16T15:00:00+00:00", "do_not_call": 0, "wrong_number": 0, "nurture": 0, "attempts": 4, "last_called_at": "2026-11-15T16:30:00+00:00", "last_outcome": "no_answer", "created_at": "2026-11-02T17:48:35+00:00", "updated_at": "2026-11-30T18:09:15+00:00"}, "wrote": {"next_call_at": "2026-11-17T15:00:00+00:00", "attempts": 5, "last_called_at": "2026-11-16T16:30:00+00:00"}}','2026-11-16T16:30:00+00:00');
INSERT INTO "undo_log" VALUES(154,'{"before": {"id": 29, "name": "Amara Nwosu", "title": "Head of Admissions", "company": "Oakfield International School", "phone": "+442079460911", "email": "a.nwosu@oakfield-school.org", "timezone": null, "kind": "new", "stage": "lead", "method": "inbound", "needs": "Open day and tour bookings with automatic reminders", "pain_points": "A third of tour bookings do not turn up", "objections": "Decision by the bursar; needs pricing by email", "goals": "120 new enrolments for next September", "deal_value_cents": null, "source": "webinar", "priority": 1, "next_call_at": "2026-11-17T15:00:00+00:00", "do_not_call": 0, "wrong_number": 0, "nurture": 0, "attempts": 5, "last_called_at": "2026-11-16T16:30:00+00:00", "last_outcome": "no_answer", "created_at": "2026-11-02T17:48:35+00:00", "updated_at": "2026-11-30T18:09:15+00:00"}, "wrote": {"stage": "lost", "next_call_at": null, "nurture": 1, "attempts": 6, "last_called_at": "2026-11-17T16:30:00+00:00"}}','2026-11-17T16:30:00+00:00');
INSERT INTO "undo_log" VALUES(155,'{"before": {"id": 26, "name": "Sarah Kim", "title": "Practice Administrator", "company": "Lakeshore Orthodontics", "phone": "+13125550109", "email": "sarah.kim@lakeshoreortho.com", "timezone": "America/Chicago", "kind": "known", "stage": "contacted", "method": "inbound", "needs": "Adjustment appointments booked 6 weeks ahead automatically", "pain_points": "Front desk rebooks 30 missed adjustments a week", "objections": "Decision with the two doctors; email a summary first", "goals": "Chair utilisation over 90%", "deal_value_cents": null, "source": "website form", "priority": 0, "next_call_at": "2026-11-24T17:00:00+00:00", "do_not_call": 0, "wrong_number": 0, "nurture": 0, "attempts": 0, "last_called_at": "2026-11-16T19:18:18+00:00", "last_outcome": "callback", "created_at": "2026-10-29T16:46:03+00:00", "updated_at": "2026-11-16T19:18:18+00:00"}, "wrote": {"next_call_at": null, "do_not_call": 1, "attempts": 1, "last_called_at": "2026-11-18T17:00:00+00:00", "last_outcome": "do_not_call", "updated_at": "2026-11-30T18:09:15+00:00"}}','2026-11-18T17:00:00+00:00');
INSERT INTO "undo_log" VALUES(156,'{"before": {"id": 31, "name": "Ingrid Solberg", "title": "Head of Customer Experience", "company": "Polar Subscription Boxes", "phone": "+4721049386", "email": "ingrid@polarboxes.no", "timezone": null, "kind": "new", "stage": "lead", "method": "benefits", "needs": "Win-back calls to cancelled subscribers", "pain_points": "Monthly churn at 9%", "objections": "Timing: replatforming the shop in Q1", "goals": "Churn under 6%", "deal_value_cents": null, "source": "LinkedIn ad", "priority": 0, "next_call_at": null, "do_not_call": 0, "wrong_number": 0, "nurture": 0, "attempts": 0, "last_called_at": null, "last_outcome": null, "created_at": "2026-11-02T18:23:21+00:00", "updated_at": "2026-11-02T18:23:21+00:00"}, "wrote": {"next_call_at": "2026-11-19T15:00:00+00:00", "attempts": 1, "last_called_at": "2026-11-18T17:10:00+00:00", "last_outcome": "voicemail", "updated_at": "2026-11-30T18:09:15+00:00"}}','2026-11-18T17:10:00+00:00');
CREATE INDEX prospects_due ON prospects (
    next_call_at, id, timezone, stage, do_not_call, wrong_number)
    WHERE next_call_at IS NOT NULL AND do_not_call = 0 AND wrong_number = 0 AND stage != 'lost';
CREATE INDEX prospects_never_called ON prospects (
    priority DESC, created_at, id, timezone, next_call_at, last_called_at, stage,
    do_not_call, wrong_number)
    WHERE next_call_at IS NULL AND last_called_at IS NULL
      AND do_not_call = 0 AND wrong_number = 0 AND stage NOT IN ('lost', 'won');
CREATE INDEX prospects_name ON prospects (name COLLATE NOCASE, id);
CREATE INDEX prospects_timezone ON prospects (timezone) WHERE timezone IS NOT NULL;
CREATE INDEX prospects_nurture ON prospects (name COLLATE NOCASE, id) WHERE nurture = 1;
CREATE INDEX prospects_email ON prospects (email COLLATE NOCASE);
CREATE INDEX prospects_phone ON prospects (phone);
CREATE INDEX calls_prospect ON calls (prospect_id, started_at);
CREATE INDEX calls_started ON calls (started_at);
CREATE INDEX deals_closed ON deals (closed_on);
CREATE INDEX deals_prospect ON deals (prospect_id);
CREATE INDEX deals_call ON deals (call_id);
CREATE INDEX notes_prospect ON notes (prospect_id, created_at);
CREATE TRIGGER calls_after_insert AFTER INSERT ON calls BEGIN
    UPDATE prospects SET
        last_called_at = NEW.started_at,
        last_outcome = NEW.outcome,
        attempts = CASE WHEN NEW.outcome IN ('callback', 'won', 'not_interested', 'meeting')
                        THEN 0 ELSE attempts + 1 END
    WHERE id = NEW.prospect_id
      AND (last_called_at IS NULL OR last_called_at <= NEW.started_at);
END;
CREATE TRIGGER calls_after_delete AFTER DELETE ON calls BEGIN
    UPDATE prospects SET
        last_called_at = (SELECT max(started_at) FROM calls WHERE prospect_id = OLD.prospect_id),
        last_outcome = (SELECT outcome FROM calls WHERE prospect_id = OLD.prospect_id
                        ORDER BY started_at DESC, id DESC LIMIT 1)
    WHERE id = OLD.prospect_id;
END;
CREATE TRIGGER prospects_touch AFTER UPDATE ON prospects
WHEN NEW.updated_at IS OLD.updated_at AND OLD.updated_at IS NOT (strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')) BEGIN
    UPDATE prospects SET updated_at = (strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')) WHERE id = NEW.id;
END;
CREATE TRIGGER call_days_after_call_insert AFTER INSERT ON calls BEGIN
    INSERT INTO call_days (day, method, source, calls, connects, meetings, won)
    SELECT substr(NEW.started_at, 1, 10), coalesce(nullif(NEW.method, ''), p.method),
        coalesce(nullif(trim(p.source), ''), '(none)'), 1, (NEW.outcome IN ('callback', 'meeting', 'not_interested', 'won')),
        (NEW.outcome = 'meeting'), (NEW.outcome = 'won')
    FROM prospects p WHERE p.id = NEW.prospect_id
    ON CONFLICT (day, method, source) DO UPDATE SET
        calls = calls + excluded.calls,
        connects = connects + excluded.connects,
        meetings = meetings + excluded.meetings,
        won = won + excluded.won;
END;
CREATE TRIGGER call_days_after_call_delete AFTER DELETE ON calls BEGIN
    INSERT INTO call_days (day, method, source, calls, connects, meetings, won)
    SELECT substr(OLD.started_at, 1, 10), coalesce(nullif(OLD.method, ''), p.method),
        coalesce(nullif(trim(p.source), ''), '(none)'), -1, -(OLD.outcome IN ('callback', 'meeting', 'not_interested', 'won')),
        -(OLD.outcome = 'meeting'), -(OLD.outcome = 'won')
    FROM prospects p WHERE p.id = OLD.prospect_id
    ON CONFLICT (day, method, source) DO UPDATE SET
        calls = calls + excluded.calls,
        connects = connects + excluded.connects,
        meetings = meetings + excluded.meetings,
        won = won + excluded.won;
    DELETE FROM call_days WHERE day = substr(OLD.started_at, 1, 10) AND calls = 0;
END;
CREATE TRIGGER call_days_after_call_update
AFTER UPDATE OF started_at, outcome, method, prospect_id ON calls
WHEN OLD.started_at IS NOT NEW.started_at OR OLD.outcome IS NOT NEW.outcome
  OR OLD.method IS NOT NEW.method OR OLD.prospect_id IS NOT NEW.prospect_id BEGIN
    INSERT INTO call_days (day, method, source, calls, connects, meetings, won)
    SELECT substr(OLD.started_at, 1, 10), coalesce(nullif(OLD.method, ''), p.method),
        coalesce(nullif(trim(p.source), ''), '(none)'), -1, -(OLD.outcome IN ('callback', 'meeting', 'not_interested', 'won')),
        -(OLD.outcome = 'meeting'), -(OLD.outcome = 'won')
    FROM prospects p WHERE p.id = OLD.prospect_id
    ON CONFLICT (day, method, source) DO UPDATE SET
        calls = calls + excluded.calls,
        connects = connects + excluded.connects,
        meetings = meetings + excluded.meetings,
        won = won + excluded.won;
    INSERT INTO call_days (day, method, source, calls, connects, meetings, won)
    SELECT substr(NEW.started_at, 1, 10), coalesce(nullif(NEW.method, ''), p.method),
        coalesce(nullif(trim(p.source), ''), '(none)'), 1, (NEW.outcome IN ('callback', 'meeting', 'not_interested', 'won')),
        (NEW.outcome = 'meeting'), (NEW.outcome = 'won')
    FROM prospects p WHERE p.id = NEW.prospect_id
    ON CONFLICT (day, method, source) DO UPDATE SET
        calls = calls + excluded.calls,
        connects = connects + excluded.connects,
        meetings = meetings + excluded.meetings,
        won = won + excluded.won;
    DELETE FROM call_days WHERE day = substr(OLD.started_at, 1, 10) AND calls = 0;
END;
CREATE TRIGGER call_days_after_prospect_insert AFTER INSERT ON prospects BEGIN
    INSERT INTO call_days (day, method, source, calls, connects, meetings, won)
    SELECT substr(c.started_at, 1, 10), coalesce(nullif(c.method, ''), NEW.method),
        coalesce(nullif(trim(NEW.source), ''), '(none)'), count(*), sum(c.outcome IN ('callback', 'meeting', 'not_interested', 'won')),
        sum(c.outcome = 'meeting'), sum(c.outcome = 'won')
    FROM calls c WHERE c.prospect_id = NEW.id
    GROUP BY 1, 2
    ON CONFLICT (day, method, source) DO UPDATE SET
        calls = calls + excluded.calls,
        connects = connects + excluded.connects,
        meetings = meetings + excluded.meetings,
        won = won + excluded.won;
END;
CREATE TRIGGER call_days_after_prospect_update AFTER UPDATE OF id, method, source ON prospects
WHEN OLD.id IS NOT NEW.id OR OLD.method IS NOT NEW.method OR OLD.source IS NOT NEW.source BEGIN
    INSERT INTO call_days (day, method, source, calls, connects, meetings, won)
    SELECT substr(c.started_at, 1, 10), coalesce(nullif(c.method, ''), OLD.method),
        coalesce(nullif(trim(OLD.source), ''), '(none)'), -count(*), -sum(c.outcome IN ('callback', 'meeting', 'not_interested', 'won')),
        -sum(c.outcome = 'meeting'), -sum(c.outcome = 'won')
    FROM calls c WHERE c.prospect_id = OLD.id
    GROUP BY 1, 2
    ON CONFLICT (day, method, source) DO UPDATE SET
        calls = calls + excluded.calls,
        connects = connects + excluded.connects,
        meetings = meetings + excluded.meetings,
        won = won + excluded.won;
    INSERT INTO call_days (day, method, source, calls, connects, meetings, won)
    SELECT substr(c.started_at, 1, 10), coalesce(nullif(c.method, ''), NEW.method),
        coalesce(nullif(trim(NEW.source), ''), '(none)'), count(*), sum(c.outcome IN ('callback', 'meeting', 'not_interested', 'won')),
        sum(c.outcome = 'meeting'), sum(c.outcome = 'won')
    FROM calls c WHERE c.prospect_id = NEW.id
    GROUP BY 1, 2
    ON CONFLICT (day, method, source) DO UPDATE SET
        calls = calls + excluded.calls,
        connects = connects + excluded.connects,
        meetings = meetings + excluded.meetings,
        won = won + excluded.won;
    DELETE FROM call_days WHERE calls = 0
        AND day IN (SELECT substr(started_at, 1, 10) FROM calls WHERE prospect_id = OLD.id);
END;
CREATE TRIGGER call_days_before_prospect_delete BEFORE DELETE ON prospects BEGIN
    INSERT INTO call_days (day, method, source, calls, connects, meetings, won)
    SELECT substr(c.started_at, 1, 10), coalesce(nullif(c.method, ''), OLD.method),
        coalesce(nullif(trim(OLD.source), ''), '(none)'), -count(*), -sum(c.outcome IN ('callback', 'meeting', 'not_interested', 'won')),
        -sum(c.outcome = 'meeting'), -sum(c.outcome = 'won')
    FROM calls c WHERE c.prospect_id = OLD.id
    GROUP BY 1, 2
    ON CONFLICT (day, method, source) DO UPDATE SET
        calls = calls + excluded.calls,
        connects = connects + excluded.connects,
        meetings = meetings + excluded.meetings,
        won = won + excluded.won;
    DELETE FROM call_days WHERE calls = 0
        AND day IN (SELECT substr(started_at, 1, 10) FROM calls WHERE prospect_id = OLD.id);
END;
CREATE TRIGGER prospect_search_after_insert AFTER INSERT ON prospects BEGIN
    INSERT OR REPLACE INTO prospect_search (id, search_text, phone_digits)
    VALUES (NEW.id, coalesce(NEW.name, '') || char(10) || coalesce(NEW.company, '') || char(10) || coalesce(NEW.email, '') || char(10) || coalesce(NEW.phone, ''), replace(replace(replace(replace(replace(replace(replace(coalesce(NEW.phone, ''), ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), '.', ''), '/', ''));
END;
CREATE TRIGGER prospect_search_after_update
AFTER UPDATE OF id, name, company, email, phone ON prospects BEGIN
    DELETE FROM prospect_search WHERE id = OLD.id;
    INSERT OR REPLACE INTO prospect_search (id, search_text, phone_digits)
    VALUES (NEW.id, coalesce(NEW.name, '') || char(10) || coalesce(NEW.company, '') || char(10) || coalesce(NEW.email, '') || char(10) || coalesce(NEW.phone, ''), replace(replace(replace(replace(replace(replace(replace(coalesce(NEW.phone, ''), ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), '.', ''), '/', ''));
END;
CREATE TRIGGER prospect_search_after_delete AFTER DELETE ON prospects BEGIN
    DELETE FROM prospect_search WHERE id = OLD.id;
END;
COMMIT;
