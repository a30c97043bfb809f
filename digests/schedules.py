"""Digest schedules: the forms people write, the cron expressions sitrep keeps, fire times.

Pure functions: no Slack, no store. A schedule is kept as a normalised five-field cron
expression (minute hour day-of-month month day-of-week) whose day-of-week field always
uses names ("mon-fri"), because APScheduler 3 counts weekdays from Monday = 0 while cron
counts from Sunday = 0: with names, the stored expression means the same to both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from apscheduler.triggers.cron import CronTrigger

WHEN_EXAMPLES = (
    "try 'weekdays 09:00', 'daily 18:30', 'mondays 08:00' "
    "or a cron expression such as '0 9 * * mon-fri'"
)
ZONE_EXAMPLES = "try 'UTC', 'Asia/Karachi', 'Europe/London'"

# Monday first, as APScheduler numbers them (mon = 0).
_WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ALL_DAYS = frozenset(range(7))
_WEEKDAYS = frozenset(range(5))
_WEEKEND = frozenset({5, 6})

_DAY_WORDS = {
    "monday": 0, "mon": 0,
    "tuesday": 1, "tue": 1, "tues": 1,
    "wednesday": 2, "wed": 2, "weds": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3,
    "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
}  # fmt: skip
_EVERY_DAY_WORDS = frozenset({"daily", "day", "days", "everyday", "every day", "each day"})
_FILLER_WORDS = frozenset({"every", "each", "on", "at"})
_CRON_MACROS = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@weekly": "0 0 * * sun",
    "@monthly": "0 0 1 * *",
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
}
_CRON_FIELDS = ("minute", "hour", "day", "month", "day_of_week")
_FIELD_LABELS = {
    "minute": "minute",
    "hour": "hour",
    "day": "day-of-month",
    "month": "month",
    "day_of_week": "day-of-week",
}

_TIME = r"(?:noon|midnight|\d{1,2}(?:[:.h]\d{2})?\s*(?:[ap]\.?m\.?)?)"
_TIME_LAST = re.compile(rf"(?:(?P<days>.+?)\s+)?(?:at\s+)?(?P<time>{_TIME})")
_TIME_FIRST = re.compile(rf"(?:at\s+)?(?P<time>{_TIME})\s+(?P<days>.+)")
_CLOCK = re.compile(r"(?P<hour>\d{1,2})(?:[:.h](?P<minute>\d{2}))?\s*(?:(?P<half>[ap])\.?m\.?)?")
_HOURLY = re.compile(r"(?:hourly|every hour)(?:\s+(?:at\s+)?:(?P<minute>\d{2}))?")
# Minute and hour fields of a cron expression: never names, unlike a plain form's words.
_NUMERIC_FIELD = re.compile(r"[\d*,/\-]+")


class ScheduleError(ValueError):
    """A schedule or a time zone sitrep cannot use; the message says why and shows good forms."""


@dataclass(frozen=True, slots=True)
class ScheduleSpec:
    """A channel's digest schedule as the store holds it; `cron` is normalised (see parse_when)."""

    team_id: str
    channel_id: str
    cron: str
    timezone: str
    watched: tuple[str, ...]
    template: str
    notify_empty: bool
    paused: bool
    pause_reason: str | None
    created_by: str | None
    updated_at: datetime


def parse_when(when: str) -> str:
    """The normalised cron expression for a plain form or a five-field cron expression.

    Plain forms name the days, then a time of day: "weekdays 09:00", "daily 18:30",
    "every day at 7am", "mondays 08:00", "weekends 10:00", "tue,thu 14:15",
    "monday to friday 9:30am"; and "hourly" or "hourly at :15". Cron expressions use
    cron's numbering (0 or 7 is Sunday) and come back with weekday names:
    "30 8 * * 1-5" -> "30 8 * * mon-fri". Raises ScheduleError otherwise.
    """
    try:
        return _parse_when(" ".join(when.lower().split()), shown=when.strip())
    except ScheduleError as error:
        raise ScheduleError(f"{error}; {WHEN_EXAMPLES}") from None


def _parse_when(text: str, *, shown: str) -> str:
    if not text:
        raise ScheduleError("the schedule is empty")
    if hourly := _HOURLY.fullmatch(text):
        minute = int(hourly["minute"] or 0)
        if minute > 59:
            raise ScheduleError(f"':{minute:02d}' is not a minute past the hour")
        return f"{minute} * * * *"
    if text.startswith("@"):
        if text not in _CRON_MACROS:
            raise ScheduleError(
                f"'{shown}' is not a cron shortcut sitrep knows ({', '.join(_CRON_MACROS)})"
            )
        return _normalise_cron(_CRON_MACROS[text], shown=shown)
    if _looks_like_cron(text):
        return _normalise_cron(text, shown=shown)
    return _parse_plain(text, shown=shown)


def _looks_like_cron(text: str) -> bool:
    fields = text.split()
    return "*" in text or (
        len(fields) >= 3 and all(_NUMERIC_FIELD.fullmatch(field) for field in fields[:2])
    )


def check_timezone(name: str) -> str:
    """The IANA time zone `name`, spelt as the zone database spells it; raises ScheduleError."""
    wanted = name.strip()
    if not wanted:
        raise ScheduleError(f"the time zone is empty; {ZONE_EXAMPLES}")
    try:
        ZoneInfo(wanted)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # People type "asia/karachi"; the zone files are named with capitals.
        spelt = _zones_by_lower_name().get(wanted.lower())
        if spelt is None:
            raise ScheduleError(
                f"'{wanted}' is not a time zone sitrep knows; {ZONE_EXAMPLES}"
            ) from None
        return spelt
    return wanted


def split_zone(text: str) -> tuple[str, str | None]:
    """("weekdays 09:00", "Asia/Karachi") from "weekdays 09:00 Asia/Karachi"; zone None if none.

    The last word is taken for a zone when it is one ("UTC", "asia/karachi"), or when it
    looks like one ("Area/City"), so that a misspelt zone gets the zone's message.
    """
    words = text.split()
    if len(words) < 2:
        return text.strip(), None
    last = words[-1]
    looks_like_zone = "/" in last and not all(
        part.rstrip("s") in _DAY_WORDS or part in _DAY_WORDS for part in last.lower().split("/")
    )
    if not looks_like_zone:
        try:
            zone = check_timezone(last)
        except ScheduleError:
            return " ".join(words), None
        return " ".join(words[:-1]), zone
    return " ".join(words[:-1]), check_timezone(last)


@cache
def _zones_by_lower_name() -> dict[str, str]:
    return {zone.lower(): zone for zone in available_timezones()}


def cron_trigger(cron: str, timezone: str) -> CronTrigger:
    """An APScheduler trigger for a schedule; `cron` is normalised again, so numbers are safe."""
    return CronTrigger.from_crontab(parse_when(cron), timezone=ZoneInfo(check_timezone(timezone)))


def describe(cron: str) -> str:
    """Plain words for a normalised cron expression: "weekdays at 09:00", "every hour at :15"."""
    fields = cron.split()
    if len(fields) != 5:
        return f"cron '{cron}'"
    minute, hour, day, month, day_of_week = fields
    if not minute.isdigit() or day != "*" or month != "*":
        return f"cron '{cron}'"
    if hour == "*" and day_of_week == "*":
        return f"every hour at :{int(minute):02d}"
    hours = hour.split(",")
    if not all(part.isdigit() for part in hours):
        return f"cron '{cron}'"
    try:
        days = _cron_weekdays(day_of_week)
    except ScheduleError:
        return f"cron '{cron}'"
    times = _join_words([f"{int(part):02d}:{int(minute):02d}" for part in hours])
    return f"{_describe_days(days)} at {times}"


def next_runs(cron: str, timezone: str, after: datetime, count: int = 1) -> list[datetime]:
    """The next `count` fire times strictly after `after`, in the schedule's time zone."""
    _require_aware(after, "after")
    trigger = cron_trigger(cron, timezone)
    runs: list[datetime] = []
    previous: datetime | None = None
    moment = after + timedelta(microseconds=1)  # strictly after: the trigger rounds up
    while len(runs) < count:
        fire = trigger.get_next_fire_time(previous, moment)
        if fire is None:
            break
        runs.append(fire)
        previous = moment = fire
    return runs


def previous_run(
    cron: str, timezone: str, at: datetime, lookback: timedelta = timedelta(days=1500)
) -> datetime | None:
    """The latest fire time at or before `at` (within `lookback`), in the schedule's zone.

    APScheduler 3 only looks forward, so this looks forward from ever earlier starts
    (1, 2, 4 ... minutes back) until a window holds a fire time, then walks to its last.
    """
    _require_aware(at, "at")
    trigger = cron_trigger(cron, timezone)
    window = timedelta(minutes=1)
    while True:
        window = min(window, lookback)
        fire = trigger.get_next_fire_time(None, at - window)
        if fire is not None and fire <= at:
            while (later := trigger.get_next_fire_time(fire, at)) is not None and later <= at:
                fire = later
            return fire
        if window >= lookback:
            return None
        window *= 2


def period_key(fire_time: datetime) -> str:
    """A stable key for a scheduled fire time: the UTC minute, e.g. "2026-11-30T04:00Z".

    Every process computes the same key for the same instant, whatever zone the time
    is expressed in; digest runs are unique per (team, channel, period key).
    """
    _require_aware(fire_time, "fire_time")
    return fire_time.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must carry a time zone (got the naive {moment.isoformat()})")


# --- plain forms -------------------------------------------------------------


def _parse_plain(text: str, *, shown: str) -> str:
    # The time of day comes last ("weekdays 09:00") or first ("09:00 weekdays").
    readings = [
        (match["days"] or "", match["time"])
        for match in (_TIME_LAST.fullmatch(text), _TIME_FIRST.fullmatch(text))
        if match is not None
    ]
    if not readings:
        try:
            _plain_days(text)
        except ScheduleError:
            raise ScheduleError(f"'{shown}' is not a schedule sitrep understands") from None
        raise ScheduleError(f"'{shown}' has no time of day")
    first_error: ScheduleError | None = None
    for days_text, time_text in readings:
        try:
            days = _plain_days(days_text)
        except ScheduleError as error:
            first_error = first_error or error
            continue
        hour, minute = _clock_time(time_text)
        return f"{minute} {hour} * * {_render_weekdays(days)}"
    assert first_error is not None
    raise first_error


def _clock_time(text: str) -> tuple[int, int]:
    """(hour, minute) of "09:00", "9:30", "7am", "7.30 pm", "noon", "midnight"."""
    if text == "noon":
        return 12, 0
    if text == "midnight":
        return 0, 0
    match = _CLOCK.fullmatch(text)
    assert match is not None  # the caller matched _TIME
    hour, minute, half = int(match["hour"]), int(match["minute"] or 0), match["half"]
    if minute > 59:
        raise ScheduleError(f"'{text}' is not a time of day: minutes run from 00 to 59")
    if half is not None:
        if not 1 <= hour <= 12:
            raise ScheduleError(f"'{text}' is not a time of day: with am or pm, hours run 1 to 12")
        return (hour % 12) + (12 if half == "p" else 0), minute
    if match["minute"] is None:
        raise ScheduleError(
            f"'{text}' is not clear as a time of day; write it as '{hour:02d}:00' or "
            f"'{hour}am' / '{hour}pm'"
        )
    if hour > 23:
        raise ScheduleError(f"'{text}' is not a time of day: hours run from 00 to 23")
    return hour, minute


def _plain_days(text: str) -> frozenset[int]:
    """The weekdays (mon = 0) a plain day phrase names; every day for an empty one."""
    phrase = " ".join(word for word in text.split() if word not in _FILLER_WORDS)
    if phrase in ("", *_EVERY_DAY_WORDS):
        return _ALL_DAYS
    if phrase in ("weekday", "weekdays", "working day", "working days", "workdays"):
        return _WEEKDAYS
    if phrase in ("weekend", "weekends"):
        return _WEEKEND
    phrase = re.sub(r"\s*(?:-|–|\bto\b|\bthrough\b|\bthru\b|\btill\b|\buntil\b)\s*", "-", phrase)
    days: set[int] = set()
    for item in re.split(r"\s*(?:,|/|&|\band\b|\s)\s*", phrase):
        if not item:
            continue
        if "-" in item:
            first, _, last = item.partition("-")
            days.update(_day_range(_day_word(first), _day_word(last)))
        else:
            days.add(_day_word(item))
    if not days:
        raise ScheduleError(f"'{text}' names no days")
    return frozenset(days)


def _day_word(word: str) -> int:
    word = word.strip(".")
    if word in _DAY_WORDS:
        return _DAY_WORDS[word]
    if word.endswith("s") and word[:-1] in _DAY_WORDS:  # "mondays"
        return _DAY_WORDS[word[:-1]]
    raise ScheduleError(f"'{word}' is not a day of the week")


def _day_range(first: int, last: int) -> list[int]:
    """Days from `first` to `last`, going round the week: fri-mon is fri, sat, sun, mon."""
    return [(first + step) % 7 for step in range((last - first) % 7 + 1)]


# --- cron expressions ----------------------------------------------------------


def _normalise_cron(text: str, *, shown: str) -> str:
    fields = text.split()
    if len(fields) != 5:
        raise ScheduleError(
            f"'{shown}' has {len(fields)} fields; a cron expression has five "
            "(minute hour day-of-month month day-of-week)"
        )
    minute, hour, day, month, day_of_week = fields
    if day != "*" and day_of_week != "*":
        # cron runs when either matches, APScheduler only when both do: refuse the doubt.
        raise ScheduleError(
            f"'{shown}' limits both the day of the month and the day of the week, which cron "
            "and sitrep read differently; keep one of them '*'"
        )
    try:
        weekdays = _render_weekdays(_cron_weekdays(day_of_week))
    except ScheduleError as error:
        raise ScheduleError(f"'{shown}' is not a valid cron expression: {error}") from None
    # "09" and "9" are the same hour; one spelling keeps stored expressions comparable.
    minute, hour, day, month = (_strip_zeros(field) for field in (minute, hour, day, month))
    normalised = f"{minute} {hour} {day} {month} {weekdays}"
    for name, value in zip(_CRON_FIELDS, normalised.split(), strict=True):
        try:
            CronTrigger(**{name: value}, timezone=UTC)
        except ValueError as error:
            raise ScheduleError(
                f"'{shown}' is not a valid cron expression: the {_FIELD_LABELS[name]} field "
                f"'{value}' is wrong ({error})"
            ) from None
    try:
        trigger = CronTrigger.from_crontab(normalised, timezone=UTC)
    except ValueError as error:
        raise ScheduleError(f"'{shown}' is not a valid cron expression ({error})") from None
    if trigger.get_next_fire_time(None, datetime(2000, 1, 1, tzinfo=UTC)) is None:
        raise ScheduleError(f"'{shown}' never happens (is it the 30th of February?)")
    return normalised


def _strip_zeros(field: str) -> str:
    return re.sub(r"\d+", lambda number: str(int(number[0])), field)


def _cron_weekdays(field: str) -> frozenset[int]:
    """The weekdays (mon = 0) of a cron day-of-week field, read the cron way (0 or 7 = Sunday)."""
    cron_days: set[int] = set()
    for item in field.split(","):
        base, slash, step_text = item.partition("/")
        step = 1
        if slash:
            if not step_text.isdigit() or int(step_text) == 0:
                raise ScheduleError(f"'{item}': the step after '/' must be a whole number above 0")
            step = int(step_text)
        if base == "*":
            first, last = 0, 6
        elif "-" in base:
            start, _, end = base.partition("-")
            first, last = _cron_day(start), _cron_day(end)
        else:
            first = _cron_day(base)
            last = 6 if slash else first  # "1/2": from Monday to the end of the week
        if last < first:  # a range going round the week: "fri-mon"
            last += 7
        cron_days.update(day % 7 for day in range(first, last + 1, step))
    return frozenset((day - 1) % 7 for day in cron_days)  # cron's Sunday = 0 -> sun = 6


def _cron_day(text: str) -> int:
    """A cron day of the week as cron numbers it: Sunday is 0, or 7 at the end of a range."""
    if text.isdigit() and 0 <= int(text) <= 7:
        return int(text)
    if text in _DAY_WORDS:
        return (_DAY_WORDS[text] + 1) % 7
    raise ScheduleError(f"'{text}' is not a day of the week (0-7 or sun, mon ... sat)")


def _render_weekdays(days: frozenset[int]) -> str:
    """The day-of-week field for a set of weekdays: "*", "mon-fri", "sat,sun", "tue,thu"."""
    if days == _ALL_DAYS:
        return "*"
    parts: list[str] = []
    for run in _consecutive_runs(sorted(days)):
        if len(run) >= 3:
            parts.append(f"{_WEEKDAY_NAMES[run[0]]}-{_WEEKDAY_NAMES[run[-1]]}")
        else:
            parts.extend(_WEEKDAY_NAMES[day] for day in run)
    return ",".join(parts)


def _consecutive_runs(days: Iterable[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def _describe_days(days: frozenset[int]) -> str:
    if days == _ALL_DAYS:
        return "daily"
    if days == _WEEKDAYS:
        return "weekdays"
    if days == _WEEKEND:
        return "weekends"
    full_names = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    return _join_words([full_names[day] + "s" for day in sorted(days)])


def _join_words(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"
