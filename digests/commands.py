"""The slash commands' words: what `/digest`, `/group` and `/claim` are asked, and help.

Pure parsing (no Slack, no store): text in, a request out, or a CommandError whose
message says what was wrong and shows a command that works. Each command's examples
are its help text, and tests/test_commands.py parses every one of them.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from digests.schedules import ScheduleError, ScheduleSpec, parse_when, split_zone

HELP_WORDS = frozenset({"help", "?", "-h", "--help"})


@dataclass(frozen=True, slots=True)
class Example:
    """A command that works, and what it does: one line of help."""

    command: str
    does: str


DIGEST_EXAMPLES = (
    Example("/digest now", "post this channel's digest now"),
    Example("/digest preview", "show the digest this channel would get now, only to you"),
    Example(
        "/digest schedule weekdays 09:00 Asia/Karachi",
        "post the digest on weekdays at 09:00 Karachi time",
    ),
    Example("/digest schedule daily 18:30", "every day at 18:30 (the schedule's time zone)"),
    Example("/digest schedule 0 9 * * mon-fri", "a cron expression works too"),
    Example("/digest pause", "stop the scheduled digests for now"),
    Example("/digest resume", "start them again from the next scheduled time"),
    Example("/digest watch TTP, BLA", "follow these groups (commas between names)"),
    Example("/digest unwatch BLA", "stop following a group"),
    Example("/digest status", "the schedule, the watched groups and the last digest"),
    Example("/digest help", "this help"),
)
GROUP_EXAMPLES = (
    Example("/group TTP", "a group's profile: names, latest claims, linked groups, sources"),
    Example("/group Baloch Liberation Army", "full names and aliases work too"),
    Example("/group help", "this help"),
)
CLAIM_EXAMPLES = (
    Example("/claim India backs BLA", "claims containing these words, with their sources"),
    Example("/claim 6,000 fighters", "numbers work too"),
    Example("/claim help", "this help"),
)
EXAMPLES = {"/digest": DIGEST_EXAMPLES, "/group": GROUP_EXAMPLES, "/claim": CLAIM_EXAMPLES}

DIGEST_ACTIONS = (
    "now",
    "preview",
    "schedule",
    "pause",
    "resume",
    "watch",
    "unwatch",
    "status",
    "help",
)
# The actions that change a channel's schedule, and so need permission.
CHANGING_ACTIONS = frozenset({"schedule", "pause", "resume", "watch", "unwatch"})
_TAKES_NOTHING = frozenset({"now", "preview", "pause", "resume", "status"})
_ACTION_ALIASES = {"post": "now", "show": "preview", "stop": "pause", "start": "resume"}


class CommandError(ValueError):
    """A command sitrep cannot read: `problem` says why, `example` is one that works."""

    def __init__(self, problem: str, example: str) -> None:
        super().__init__(f"{problem}; try `{example}`")
        self.problem = problem
        self.example = example


@dataclass(frozen=True, slots=True)
class DigestRequest:
    """What a `/digest` command asks for.

    `cron` is normalised (see digests.schedules.parse_when) and `zone` checked; `groups`
    holds the names as typed, to be resolved against the store.
    """

    action: str
    cron: str | None = None
    zone: str | None = None
    groups: tuple[str, ...] = ()

    @property
    def changes_schedule(self) -> bool:
        return self.action in CHANGING_ACTIONS


def parse_digest(text: str) -> DigestRequest:
    """The request in the text after `/digest`; an empty text asks for help."""
    words = text.split()
    if not words or words[0].lower() in HELP_WORDS:
        return DigestRequest("help")
    first = words[0].lower()
    action = _ACTION_ALIASES.get(first, first)
    rest = " ".join(words[1:])
    if action not in DIGEST_ACTIONS:
        raise CommandError(
            f"'{_shown(words[0])}' is not something /digest does{_did_you_mean(first)}",
            "/digest help",
        )
    if action in _TAKES_NOTHING:
        if rest:
            raise CommandError(
                f"/digest {action} takes nothing after it (got '{_shown(rest)}')",
                f"/digest {action}",
            )
        return DigestRequest(action)
    if action == "help":
        return DigestRequest("help")
    if action == "schedule":
        return _parse_schedule(rest)
    groups = split_group_names(rest)
    if not groups:
        raise CommandError(
            f"say which groups to {action}, with commas between them", f"/digest {action} TTP, BLA"
        )
    return DigestRequest(action, groups=groups)


def _parse_schedule(rest: str) -> DigestRequest:
    example = "/digest schedule weekdays 09:00 Asia/Karachi"
    if not rest:
        raise CommandError("say when the digest should be posted", example)
    try:
        when, zone = split_zone(rest)
        cron = parse_when(when)
    except ScheduleError as error:
        raise CommandError(str(error), example) from None
    return DigestRequest("schedule", cron=cron, zone=zone)


def split_group_names(text: str) -> tuple[str, ...]:
    """Group names as typed: separated by commas (or " and ", or ";")."""
    for separator in (";", " and ", " & "):
        text = text.replace(separator, ",")
    names = (" ".join(part.split()) for part in text.split(","))
    return tuple(dict.fromkeys(name for name in names if name))


def parse_lookup(command: str, text: str) -> str | None:
    """The words after `/group` or `/claim`; None asks for help."""
    words = " ".join(text.split())
    if not words or words.lower() in HELP_WORDS:
        return None
    if len(words) > 200:
        raise CommandError(
            f"that is {len(words)} characters; {command} looks for a few words",
            EXAMPLES[command][0].command,
        )
    return words


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why someone may not change a channel's schedule; `owner` set it up (a Slack user id)."""

    reason: str
    owner: str | None = None


def change_refusal(
    user_id: str,
    *,
    admin_user_ids: Sequence[str],
    is_workspace_admin: bool,
    schedule: ScheduleSpec | None,
) -> Refusal | None:
    """Why `user_id` may not change a channel's schedule, or None when they may.

    Allowed: sitrep's configured admins, the workspace's admins and owners, and whoever
    set up the channel's schedule.
    """
    if user_id in admin_user_ids or is_workspace_admin:
        return None
    if schedule is not None and schedule.created_by == user_id:
        return None
    if schedule is None:
        return Refusal(
            "only sitrep's admins and the workspace's admins and owners can set up a "
            "channel's digest; ask one of them to run `/digest schedule` here"
        )
    owner = schedule.created_by if is_slack_user_id(schedule.created_by) else None
    return Refusal(
        "this channel's digest can be changed only by whoever set it up, sitrep's admins "
        "and the workspace's admins and owners; `/digest status` shows the schedule",
        owner,
    )


def is_slack_user_id(value: str | None) -> bool:
    """A well-formed Slack user id (so it can be shown as a <@U…> mention, never user text)."""
    return (
        value is not None
        and 2 <= len(value) <= 40
        and value.isascii()
        and value.isalnum()
        and value[0] in "UW"
    )


def _did_you_mean(word: str) -> str:
    close = difflib.get_close_matches(word, DIGEST_ACTIONS, n=1, cutoff=0.6)
    return f" (did you mean `/digest {close[0]}`?)" if close else ""


def _shown(text: str, limit: int = 60) -> str:
    """User text as it is quoted back (short); replies escape it when they are rendered."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
