"""Each setting in words: its name as a rep says it, what it does in one line, and a value
that works, for the settings screen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from funnel_tui.settings import SettingError, check_afternoon_slot, check_calling_hours


@dataclass(frozen=True)
class SettingWords:
    """How the settings screen presents one setting."""

    name: str
    explains: str
    example: str


SETTING_WORDS = {
    "currency": SettingWords("Currency", "Symbol or code before every amount", "€"),
    "rep_name": SettingWords("Your name", "How the call scripts introduce you", "Alex Morgan"),
    "day_first": SettingWords(
        "Day before month", "yes: 3/12 is 3 December; no: it is March 12", "yes"
    ),
    "business_days": SettingWords(
        "Business days",
        "The days you call; cadence and pace count only these",
        "mon,tue,wed,thu,fri",
    ),
    "holidays": SettingWords(
        "Holidays", "Days off that are not business days (YYYY-MM-DD)", "2026-12-24,2026-12-25"
    ),
    "calling_start": SettingWords(
        "Calling hours start", "When calls may begin, in the prospect's time", "09:00"
    ),
    "calling_end": SettingWords(
        "Calling hours end", "When calls stop, in the prospect's time", "18:00"
    ),
    "max_attempts": SettingWords(
        "Tries before nurture", "Unanswered calls before a lead goes back to marketing", "8"
    ),
    "busy_retry_minutes": SettingWords(
        "Busy line retry", "Minutes to wait before trying a busy line again", "120"
    ),
    "calls_per_day": SettingWords("Calls a day", "Daily call goal when no target sets one", "60"),
    "cadence_days": SettingWords(
        "Cadence", "Business days to each next try; the last value repeats", "1,1,2,2,3,3,3"
    ),
    "afternoon_slot": SettingWords(
        "Afternoon slot", "When even tries are due, in the prospect's time", "14:00"
    ),
    "nurture_days": SettingWords("Nurture days", "Days from nurture to the revisit", "90"),
    "stage_weights": SettingWords(
        "Stage weights",
        "Percent of a deal's value the weighted pipeline counts at each stage",
        "meeting=10,qualified=25,proposal=50",
    ),
    "inbound_sources": SettingWords(
        "Inbound sources", "Sources where the prospect contacted you first", "webinar, referral"
    ),
    "source_phrases": SettingWords(
        "Source phrases",
        "How the scripts say each source",
        "webinar=our webinar; referral=a referral",
    ),
    "plan_win_rate": SettingWords(
        "Plan win rate", "Deals per prospect with a meeting, until your history says", "0.20"
    ),
    "plan_meeting_rate": SettingWords(
        "Plan meeting rate", "Meetings per connect, until your history says", "0.25"
    ),
    "plan_connect_rate": SettingWords(
        "Plan connect rate", "Connects per call, until your history says", "0.10"
    ),
    "plan_avg_deal": SettingWords(
        "Plan deal size", "Deal size for the plan; empty: the median open opportunity", "12000"
    ),
    "connects_per_day": SettingWords("Connects a day", "Daily goal; empty: the plan's", "15"),
    "meetings_per_day": SettingWords("Meetings a day", "Daily goal; empty: the plan's", "2"),
    "phone_region": SettingWords("Phone region", "Country of numbers typed without +", "US"),
    "dial_command": SettingWords(
        "Dial command", "Program that dials; empty: enter copies the number", "xdg-open tel:{e164}"
    ),
    "smtp_host": SettingWords(
        "Mail server",
        "SMTP server for email; empty: emails go to your mail app",
        "smtp.example.com",
    ),
    "smtp_port": SettingWords(
        "Mail server port", "Empty: 587 for starttls, 465 for tls, 25 for none", "587"
    ),
    "smtp_security": SettingWords(
        "Mail security", "How the mail server connection is secured: starttls, tls or none", "tls"
    ),
    "smtp_user": SettingWords(
        "Mail login", "Password from $FUNNEL_SMTP_PASSWORD or the keyring", "alex@example.com"
    ),
    "email_from": SettingWords(
        "Email from", "The sender of your emails", "Alex Morgan <alex@example.com>"
    ),
}

HOUR_KEYS = ("calling_start", "calling_end", "afternoon_slot")


def hours_refusal(start: time, end: time, slot: time, edited: str) -> tuple[str, str] | None:
    """Why calling hours and the afternoon slot do not fit together, in the settings
    screen's words, and the setting to say it under (`edited`, the one just typed, when it
    is one of the pair at fault); None when they fit."""
    try:
        check_calling_hours(start, end)
    except SettingError:
        if edited == "calling_end":
            said = f"{SETTING_WORDS['calling_end'].name} {end:%H:%M} must be after the start"
            return "calling_end", f"{said}, {start:%H:%M}"
        said = f"{SETTING_WORDS['calling_start'].name} {start:%H:%M} must be before the end"
        return "calling_start", f"{said}, {end:%H:%M}"
    try:
        check_afternoon_slot(slot, start, end)
    except SettingError:
        said = f"{SETTING_WORDS['afternoon_slot'].name} {slot:%H:%M} must be inside calling hours"
        return "afternoon_slot", f"{said}, {start:%H:%M} to {end:%H:%M}"
    return None
