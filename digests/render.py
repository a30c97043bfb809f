"""Rendering: Jinja2 templates with Slack mrkdwn escaping, assembled into Block Kit.

Every value a template prints is escaped for Slack (`&`, `<`, `>`), so text from a
document or a user can never ping `@channel` or disguise a link; markup a template
writes itself is either template text or marked safe on purpose (`|safe`, the
`source_link` filter). The blocks respect Slack's limits; what does not fit in the
message goes to thread replies.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined
from markupsafe import Markup

from digests.compose import (
    THREAD_CLAIMS_PER_GROUP,
    THREAD_GROUPS,
    ClaimView,
    Digest,
    SourceRef,
)
from digests.messages import RenderedDigest, SlackMessage

# Slack's Block Kit limits.
MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
MAX_HEADER_CHARS = 150
MAX_CONTEXT_CHARS = 2000
MAX_TEXT_CHARS = 4000  # the fallback `text` of a message with blocks

# Direction overrides and isolates can make text read differently from what it is
# (a spoofed link or name); zero-width characters can hide a mention keyword.
_DECEPTIVE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def escape_mrkdwn(text: str) -> str:
    """Text safe to place in Slack mrkdwn: no control sequences, no deceptive characters."""
    text = _DECEPTIVE.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _finalize(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, Markup):
        return str(value)
    return escape_mrkdwn(str(value))


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word, with an ellipsis when cut."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def safe_url(url: str | None) -> str | None:
    """An http(s) URL fit for a Slack link, or None: no spaces, pipes or angle brackets."""
    if not url:
        return None
    parsed = urllib.parse.urlsplit(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return None
    return urllib.parse.quote(url.strip(), safe=":/?#[]@!$&'()*+,;=%-._~")


def source_link(source: SourceRef) -> Markup:
    """`<url|title>` when the document has a usable URL, else its title in italics."""
    title = escape_mrkdwn(shorten(source.title, 80))
    url = safe_url(source.url)
    if url is None:
        return Markup(f"_{title}_")  # noqa: S704 (title escaped above)
    return Markup(f"<{escape_mrkdwn(url)}|{title}>")  # noqa: S704 (both parts escaped)


def source_name(claim: ClaimView) -> str:
    """Who makes a claim, as a reader would name them."""
    return claim.claimant or claim.claimant_org or "an unnamed source"


_PLURALS = {
    "responsibility": "responsibility claims",
    "accusation": "accusations",
    "denial": "denials",
    "report": "reports",
    "warning": "warnings",
    "demand": "demands",
    "statement": "statements",
}


def plural(stance: str, count: int) -> str:
    """ "accusation" for one, "accusations" for several ("responsibility claims")."""
    if count == 1:
        return "responsibility claim" if stance == "responsibility" else stance
    return _PLURALS.get(stance, stance + "s")


def make_environment(templates_dir: Path | None = None) -> Environment:
    """The Jinja2 environment: the given folder first, then sitrep's own templates."""
    loaders: list[Any] = [PackageLoader("digests", "templates")]
    if templates_dir is not None:
        loaders.insert(0, FileSystemLoader(str(templates_dir)))
    environment = Environment(
        loader=ChoiceLoader(loaders),
        # HTML escaping is wrong for Slack (it would show &#34;); _finalize escapes mrkdwn.
        autoescape=False,  # noqa: S701
        finalize=_finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        shorten=shorten, source_link=source_link, source_name=source_name, plural=plural
    )
    return environment


def render_macro(environment: Environment, template: str, macro: str, **values: Any) -> str:
    """One macro of a template, rendered (values escaped by the environment's finalize)."""
    return str(getattr(environment.get_template(template).module, macro)(**values)).strip()


def render_text(environment: Environment, template: str, **context: Any) -> str:
    return environment.get_template(template).render(**context).strip()


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _fit(text: str, limit: int) -> list[str]:
    """`text` in pieces of at most `limit` characters, cut between lines where possible."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:  # a single overlong line: cut it at a space
            head = line[:limit].rsplit(" ", 1)[0] or line[:limit]
            pieces.append(head)
            line = line[len(head) :].lstrip()
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current:
        pieces.append(current)
    return pieces


def sections(text: str) -> list[dict[str, Any]]:
    """Section blocks for mrkdwn text of any length."""
    return [_section(piece) for piece in _fit(text, MAX_SECTION_CHARS) if piece.strip()]


def render_digest(
    digest: Digest,
    *,
    environment: Environment | None = None,
    when: datetime | None = None,
    metadata: dict[str, Any] | None = None,
) -> RenderedDigest | None:
    """The digest as Slack messages; None for an empty window (see `render_nothing_new`)."""
    if digest.is_empty:
        return None
    environment = environment or make_environment()
    when = when or digest.window.end
    thread = _thread_messages(digest, environment, show_sources=len(digest.sources) > 1)
    header = render_text(environment, "digest_header.j2", digest=digest, when=when)
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": shorten(header, MAX_HEADER_CHARS)},
        },
        _context(shorten(render_text(environment, "digest_summary.j2", digest=digest), 300)),
    ]
    several_sources = len(digest.sources) > 1  # with one, the sources line says it all
    for group in digest.groups:
        blocks += sections(
            render_text(environment, "group_line.j2", group=group, show_sources=several_sources)
        )
    if digest.contested:
        text = render_text(environment, "contested.j2", claims=digest.contested[:3])
        blocks += sections(text)
    shown_sources = digest.sources[:6]
    sources = render_text(
        environment,
        "sources.j2",
        sources=shown_sources,
        more=len(digest.sources) - len(shown_sources),
    )
    footer = render_text(environment, "digest_footer.j2", digest=digest, has_thread=bool(thread))
    tail = [_context(_fit(sources, MAX_CONTEXT_CHARS)[0]), _context(footer)]
    # Keep the tail; groups beyond the block budget already have their lines in the thread.
    blocks = blocks[: MAX_BLOCKS - len(tail)] + tail
    fallback = shorten(render_text(environment, "digest_text.j2", digest=digest), MAX_TEXT_CHARS)
    main = SlackMessage(text=fallback, blocks=tuple(blocks), metadata=metadata)
    return RenderedDigest(main=main, thread=tuple(thread))


def render_nothing_new(digest: Digest, *, environment: Environment | None = None) -> RenderedDigest:
    """The short notice a channel gets for an empty window when it asked for one."""
    environment = environment or make_environment()
    text = render_text(environment, "nothing_new.j2", digest=digest)
    return RenderedDigest(main=SlackMessage(text=text, blocks=(_section(text),)))


def _thread_messages(
    digest: Digest, environment: Environment, *, show_sources: bool
) -> list[SlackMessage]:
    """Everything beyond the message: each group's other claims, then claims about none.

    A claim about several groups is shown once, under the first of them in the digest.
    """
    shown = {group.lead.id for group in digest.groups if group.lead}
    by_group: dict[str, list[ClaimView]] = {}
    for claim in (*digest.claims, *digest.more_claims):
        for name in claim.groups or ("",):
            by_group.setdefault(name, []).append(claim)
    blocks: list[dict[str, Any]] = []
    titled = [
        (f"{g.name} ({g.short})" if g.short != g.name else g.name, g.name)
        for g in (*digest.groups, *digest.more_groups)[:THREAD_GROUPS]
    ]
    for title, name in [*titled, ("Other claims", "")]:
        claims = [c for c in by_group.get(name, []) if c.id not in shown][:THREAD_CLAIMS_PER_GROUP]
        if not claims:
            continue
        shown.update(c.id for c in claims)
        text = render_text(
            environment, "thread_group.j2", title=title, claims=claims, show_sources=show_sources
        )
        blocks += sections(text)
    return [
        SlackMessage(text=_plain_fallback(chunk), blocks=tuple(chunk))
        for chunk in _chunks(blocks, MAX_BLOCKS)
    ]


def _chunks(blocks: Sequence[dict[str, Any]], size: int) -> Iterable[list[dict[str, Any]]]:
    for start in range(0, len(blocks), size):
        yield list(blocks[start : start + size])


def _plain_fallback(blocks: Sequence[dict[str, Any]]) -> str:
    first = blocks[0]["text"]["text"] if blocks else ""
    return shorten(first.split("\n", 1)[0].strip("*"), 200) or "sitrep digest details"
