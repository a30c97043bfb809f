"""The answer as Slack shows it: escaped document and user text, within Block Kit's limits."""

from __future__ import annotations

from digests.compose import ClaimView, SourceRef
from digests.qa.answer import Answer, Citation
from digests.qa.reply import render_answer
from digests.render import MAX_SECTION_CHARS, MAX_TEXT_CHARS, make_environment

HOSTILE = "<!channel> pay at <https://evil.example|bank.com> & \u202eevil\u200b now"


def citation(sentence: str) -> Citation:
    return Citation(1, "Brief <!here>", "https://example.org/a", "Outlet & Co", sentence, "UN")


def test_document_and_question_text_never_ping_or_disguise_a_link() -> None:
    answer = Answer(HOSTILE, "what", f"{HOSTILE}.", 0.9, (citation(HOSTILE),))
    message = render_answer(answer, make_environment())
    shown = message.text + "".join(block["text"]["text"] for block in message.blocks)
    assert "<!channel>" not in shown and "<!here>" not in shown
    assert "<https://evil.example" not in shown
    assert "&lt;!channel&gt;" in shown and "&amp;" in shown
    assert "\u202e" not in shown and "\u200b" not in shown
    assert "<https://example.org/a|Brief &lt;!here&gt;>" in shown  # sitrep's own link


def test_an_unsure_answer_escapes_the_question_and_the_closest_claims() -> None:
    claim = ClaimView(
        id=1, claimant="<!everyone>", claimant_role="", claimant_org="", cue="said",
        stance="statement", text=HOSTILE, sentence=HOSTILE, about=(), hedges=(), evidence=(),
        numbers=(), places=(), quote=False, source=SourceRef(1, "T", None, None),
    )
    answer = Answer(HOSTILE, "what", None, 0.0, closest=(claim,))
    message = render_answer(answer, make_environment())
    shown = "".join(block["text"]["text"] for block in message.blocks)
    assert shown.startswith(":thinking_face: I can't answer")
    assert "<!everyone>" not in shown and "<!channel>" not in shown
    assert "The closest claims I have:" in shown


def test_a_huge_sentence_stays_within_slack_s_limits() -> None:
    sentence = "word " * 5000
    answer = Answer("q", "what", sentence, 0.9, (citation(sentence),) * 3)
    message = render_answer(answer, make_environment())
    assert len(message.text) <= MAX_TEXT_CHARS
    assert all(len(block["text"]["text"]) <= MAX_SECTION_CHARS for block in message.blocks)
    assert len(message.blocks) <= 50


def test_an_oversized_question_is_refused_with_the_limit() -> None:
    from digests.qa.answer import answer_question
    from digests.qa.vocabulary import load_vocabulary
    from digests.resources import config_dir

    # Refused before the store is read: no store is needed to say so.
    answer = answer_question(
        None,  # type: ignore[arg-type]
        "who said it? " * 200,
        vocabulary=load_vocabulary(config_dir()),
        actors=None,  # type: ignore[arg-type]
    )
    assert answer.too_long and answer.text is None
    shown = render_answer(answer, make_environment()).text
    assert "too long for a question (over 1,000 characters)" in shown
