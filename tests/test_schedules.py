"""Schedules as people write them: plain forms, cron expressions, zones, fire times, keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from digests.schedules import (
    WHEN_EXAMPLES,
    ZONE_EXAMPLES,
    ScheduleError,
    ScheduleSpec,
    check_timezone,
    cron_trigger,
    describe,
    next_runs,
    parse_when,
    period_key,
    previous_run,
    split_zone,
)

KARACHI = ZoneInfo("Asia/Karachi")
LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("when", "cron"),
    [
        ("weekdays 09:00", "0 9 * * mon-fri"),
        ("daily 18:30", "30 18 * * *"),
        ("every day at 7am", "0 7 * * *"),
        ("mondays 08:00", "0 8 * * mon"),
        ("monday 8:00", "0 8 * * mon"),
        ("weekends 10:00", "0 10 * * sat,sun"),
        ("tue,thu 14:15", "15 14 * * tue,thu"),
        ("hourly", "0 * * * *"),
        ("hourly at :15", "15 * * * *"),
        ("Every Sunday at midnight", "0 0 * * sun"),
        ("monday to friday 9:30am", "30 9 * * mon-fri"),
        ("mon, wed and fri at 12pm", "0 12 * * mon,wed,fri"),
        ("09:00 weekdays", "0 9 * * mon-fri"),
        ("9pm", "0 21 * * *"),
        ("12am", "0 0 * * *"),
        ("noon", "0 12 * * *"),
        ("  WEEKDAYS   09:00 ", "0 9 * * mon-fri"),
    ],
)
def test_plain_forms_become_normalised_cron(when: str, cron: str) -> None:
    assert parse_when(when) == cron


@pytest.mark.parametrize(
    ("when", "cron"),
    [
        # cron counts weekdays from Sunday = 0; APScheduler 3 from Monday = 0. Names settle it.
        ("30 8 * * 1-5", "30 8 * * mon-fri"),
        ("0 9 * * 0", "0 9 * * sun"),
        ("0 9 * * 7", "0 9 * * sun"),
        ("0 9 * * 5-7", "0 9 * * fri-sun"),
        ("0 9 * * */2", "0 9 * * tue,thu,sat,sun"),
        ("0 9 * * 0-6", "0 9 * * *"),
        ("0 9 * * sat-sun", "0 9 * * sat,sun"),
        ("00 09 * * MON-FRI", "0 9 * * mon-fri"),
        ("*/15 * * * *", "*/15 * * * *"),
        ("0 9,17 * * *", "0 9,17 * * *"),
        ("0 6 1 * *", "0 6 1 * *"),
        ("@daily", "0 0 * * *"),
        ("@weekly", "0 0 * * sun"),
    ],
)
def test_cron_expressions_are_validated_and_normalised(when: str, cron: str) -> None:
    assert parse_when(when) == cron
    assert parse_when(cron) == cron  # normalising twice changes nothing


def test_numbered_weekdays_fire_on_the_days_cron_means() -> None:
    sunday_noon = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)  # a Sunday
    runs = next_runs(parse_when("30 8 * * 1-5"), "UTC", sunday_noon, 6)
    assert [run.strftime("%a %H:%M") for run in runs] == [
        "Mon 08:30",
        "Tue 08:30",
        "Wed 08:30",
        "Thu 08:30",
        "Fri 08:30",
        "Mon 08:30",
    ]


@pytest.mark.parametrize(
    ("when", "problem"),
    [
        ("every 5 minutes", "'every 5 minutes' is not a schedule sitrep understands"),
        ("weekdays", "'weekdays' has no time of day"),
        ("weekdays 25:00", "'25:00' is not a time of day: hours run from 00 to 23"),
        ("daily 9:75", "'9:75' is not a time of day: minutes run from 00 to 59"),
        ("daily 13pm", "with am or pm, hours run 1 to 12"),
        ("weekdays 9", "'9' is not clear as a time of day; write it as '09:00' or '9am'"),
        ("someday 09:00", "'someday' is not a day of the week"),
        ("0 9 * *", "has 4 fields; a cron expression has five"),
        ("61 9 * * *", "the minute field '61' is wrong"),
        ("0 24 * * *", "the hour field '24' is wrong"),
        ("0 9 * * 8", "'8' is not a day of the week"),
        ("0 9 1 * 1", "limits both the day of the month and the day of the week"),
        ("0 0 30 2 *", "never happens"),
        ("@often", "'@often' is not a cron shortcut sitrep knows"),
        ("", "the schedule is empty"),
    ],
)
def test_bad_forms_say_what_is_wrong_and_show_good_ones(when: str, problem: str) -> None:
    with pytest.raises(ScheduleError) as raised:
        parse_when(when)
    message = str(raised.value)
    assert problem in message
    assert message.endswith(WHEN_EXAMPLES)
    assert "'weekdays 09:00'" in message and "'0 9 * * mon-fri'" in message


def test_a_schedule_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not a schedule"):
        parse_when("whenever")


def test_time_zones_are_checked_and_spelt_as_the_zone_database_does() -> None:
    assert check_timezone("Asia/Karachi") == "Asia/Karachi"
    assert check_timezone(" asia/karachi ") == "Asia/Karachi"
    assert check_timezone("UTC") == "UTC"


@pytest.mark.parametrize("zone", ["Mars/Base", "", "Europe", "../etc/passwd", "/etc/passwd"])
def test_unknown_time_zones_are_refused_with_examples(zone: str) -> None:
    with pytest.raises(ScheduleError) as raised:
        check_timezone(zone)
    assert str(raised.value).endswith(ZONE_EXAMPLES)
    assert "'Asia/Karachi'" in str(raised.value)


def test_a_zone_may_end_the_schedule_text() -> None:
    assert split_zone("weekdays 09:00 Asia/Karachi") == ("weekdays 09:00", "Asia/Karachi")
    assert split_zone("daily 18:30 utc") == ("daily 18:30", "UTC")
    assert split_zone("0 9 * * 1-5 Europe/London") == ("0 9 * * 1-5", "Europe/London")
    assert split_zone("weekdays 09:00") == ("weekdays 09:00", None)
    assert split_zone("09:00 tue/thu") == ("09:00 tue/thu", None)
    with pytest.raises(ScheduleError, match="'Asia/Karchi' is not a time zone"):
        split_zone("weekdays 09:00 Asia/Karchi")


@pytest.mark.parametrize(
    ("cron", "words"),
    [
        ("0 9 * * mon-fri", "weekdays at 09:00"),
        ("30 18 * * *", "daily at 18:30"),
        ("0 8 * * mon", "mondays at 08:00"),
        ("0 10 * * sat,sun", "weekends at 10:00"),
        ("15 14 * * tue,thu", "tuesdays and thursdays at 14:15"),
        ("0 12 * * mon,wed,fri", "mondays, wednesdays and fridays at 12:00"),
        ("0 9,17 * * *", "daily at 09:00 and 17:00"),
        ("0 * * * *", "every hour at :00"),
        ("0 6 1 * *", "cron '0 6 1 * *'"),
        ("*/15 * * * *", "cron '*/15 * * * *'"),
    ],
)
def test_describe_puts_a_schedule_in_words(cron: str, words: str) -> None:
    assert describe(cron) == words


def test_next_runs_are_in_the_schedules_zone_and_strictly_after() -> None:
    # 04:00 UTC is 09:00 in Karachi: a run exactly then is not "after" it.
    at_nine_in_karachi = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)
    runs = next_runs("0 9 * * mon-fri", "Asia/Karachi", at_nine_in_karachi, 2)
    assert runs == [
        datetime(2026, 12, 1, 9, 0, tzinfo=KARACHI),
        datetime(2026, 12, 2, 9, 0, tzinfo=KARACHI),
    ]
    assert runs[0].tzinfo == KARACHI


def test_next_runs_follow_daylight_saving_time() -> None:
    # British clocks go back on Sunday 25 October 2026.
    friday_before = datetime(2026, 10, 23, 12, 0, tzinfo=UTC)
    runs = next_runs("0 9 * * *", "Europe/London", friday_before, 3)
    assert [run.hour for run in runs] == [9, 9, 9]  # 09:00 local time, every day
    assert [run.astimezone(UTC).hour for run in runs] == [8, 9, 9]


def test_previous_run_is_the_latest_fire_time_at_or_before() -> None:
    wednesday = datetime(2026, 12, 2, 10, 30, tzinfo=UTC)
    assert previous_run("0 9 * * *", "UTC", wednesday) == datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    assert previous_run("0 9 * * mon", "UTC", wednesday) == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    assert previous_run("* * * * *", "UTC", wednesday) == wednesday
    exactly_nine = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    assert previous_run("0 9 * * *", "UTC", exactly_nine) == exactly_nine
    assert previous_run("0 0 29 2 *", "UTC", wednesday) == datetime(2024, 2, 29, tzinfo=UTC)
    assert previous_run("0 0 29 2 *", "UTC", wednesday, lookback=timedelta(days=30)) is None


def test_previous_run_reads_the_schedule_in_its_zone() -> None:
    wednesday = datetime(2026, 12, 2, 10, 30, tzinfo=UTC)  # 15:30 in Karachi
    due = previous_run("0 9 * * *", "Asia/Karachi", wednesday)
    assert due == datetime(2026, 12, 2, 9, 0, tzinfo=KARACHI)


def test_period_keys_are_equal_for_the_same_instant_in_any_zone() -> None:
    in_karachi = datetime(2026, 11, 30, 9, 0, tzinfo=KARACHI)
    in_utc = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)
    in_london = in_utc.astimezone(LONDON)
    assert period_key(in_karachi) == period_key(in_utc) == period_key(in_london)
    assert period_key(in_karachi) == "2026-11-30T04:00Z"


def test_period_keys_differ_for_different_fire_times() -> None:
    nine = datetime(2026, 11, 30, 9, 0, tzinfo=KARACHI)
    assert period_key(nine) != period_key(nine + timedelta(minutes=1))
    assert period_key(nine) != period_key(nine + timedelta(days=1))


def test_period_keys_tell_apart_the_repeated_hour_when_clocks_go_back() -> None:
    first = datetime(2026, 10, 25, 1, 30, tzinfo=LONDON, fold=0)
    second = datetime(2026, 10, 25, 1, 30, tzinfo=LONDON, fold=1)
    assert period_key(first) == "2026-10-25T00:30Z"
    assert period_key(second) == "2026-10-25T01:30Z"


def test_period_key_needs_a_time_zone() -> None:
    with pytest.raises(ValueError, match="must carry a time zone"):
        period_key(datetime(2026, 11, 30, 9, 0))  # naive on purpose


def test_cron_trigger_uses_the_schedule_zone() -> None:
    trigger = cron_trigger("0 9 * * mon-fri", "Asia/Karachi")
    fire = trigger.get_next_fire_time(None, datetime(2026, 11, 29, 12, 0, tzinfo=UTC))
    assert fire == datetime(2026, 11, 30, 9, 0, tzinfo=KARACHI)


def test_schedule_specs_are_frozen() -> None:
    spec = ScheduleSpec(
        team_id="T1",
        channel_id="C1",
        cron="0 9 * * mon-fri",
        timezone="UTC",
        watched=("TTP",),
        template="digest",
        notify_empty=False,
        paused=False,
        pause_reason=None,
        created_by="U1",
        updated_at=datetime(2026, 11, 29, tzinfo=UTC),
    )
    with pytest.raises(AttributeError):
        spec.cron = "* * * * *"  # type: ignore[misc]
