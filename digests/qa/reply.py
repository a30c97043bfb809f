"""An answer as a Slack message, rendered from `templates/answer.j2`."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment

from digests.messages import SlackMessage
from digests.qa.answer import MAX_QUESTION_CHARS, Answer
from digests.render import MAX_TEXT_CHARS, sections, shorten

TEMPLATE = "answer.j2"


def render_answer(answer: Answer, environment: Environment) -> SlackMessage:
    """The answer with its quoted evidence; or "I can't answer" with the closest claims."""
    if answer.text is not None:
        macro = "answered"
    elif answer.too_long:
        macro = "too_long"
    elif answer.empty_question:
        macro = "empty"
    else:
        macro = "unsure"
    text = _macro(environment, macro, answer=answer, limit=f"{MAX_QUESTION_CHARS:,}")
    return SlackMessage(text=shorten(text, MAX_TEXT_CHARS), blocks=tuple(sections(text)))


def _macro(environment: Environment, macro: str, **values: Any) -> str:
    """One macro of the template, rendered (values escaped by the environment's finalize)."""
    return str(getattr(environment.get_template(TEMPLATE).module, macro)(**values)).strip()
