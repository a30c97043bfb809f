"""An answer as a Slack message, rendered from `templates/answer.j2`."""

from __future__ import annotations

from jinja2 import Environment

from digests.messages import SlackMessage
from digests.qa.answer import MAX_QUESTION_CHARS, Answer
from digests.render import MAX_TEXT_CHARS, render_macro, sections, shorten

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
    limit = f"{MAX_QUESTION_CHARS:,}"
    text = render_macro(environment, TEMPLATE, macro, answer=answer, limit=limit)
    return SlackMessage(text=shorten(text, MAX_TEXT_CHARS), blocks=tuple(sections(text)))

