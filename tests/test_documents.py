"""Loaders, normalisation and bad input, one case each."""

from __future__ import annotations

import http.server
import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from digests.documents import (
    LoadedDocument,
    LoadFailure,
    LoadResult,
    content_hash,
    load_sources,
    markdown_to_text,
    normalise_text,
)

LIMIT = 5_000_000


def load(*paths: str | Path, max_bytes: int = LIMIT, timeout: float = 5.0) -> list[LoadResult]:
    return list(load_sources([str(p) for p in paths], max_bytes=max_bytes, feed_timeout=timeout))


def only_document(*paths: str | Path) -> LoadedDocument:
    results = load(*paths)
    assert len(results) == 1, results
    assert isinstance(results[0], LoadedDocument), results[0]
    return results[0]


def only_failure(*paths: str | Path, **options: object) -> LoadFailure:
    results = load(*paths, **options)  # type: ignore[arg-type]
    assert len(results) == 1, results
    assert isinstance(results[0], LoadFailure), results[0]
    return results[0]


# --- normalisation ---------------------------------------------------------------


def test_normalise_keeps_paragraphs_and_quotes_and_tidies_the_rest() -> None:
    raw = "  “Quoted,”\u00a0he\tsaid.  \r\n\r\n\r\n\r\nNext   paragraph\u200b.\rLast line "
    assert normalise_text(raw) == "“Quoted,” he said.\n\nNext paragraph.\nLast line"


def test_normalise_composes_unicode() -> None:
    decomposed = "Kandaha\u0301r"  # a + combining acute
    assert normalise_text(decomposed) == "Kandahár"


def test_same_content_in_other_whitespace_hashes_the_same() -> None:
    assert content_hash(normalise_text("a  b\r\n")) == content_hash(normalise_text("a b"))


# --- plain text --------------------------------------------------------------------


def test_text_file_with_headline(tmp_path: Path) -> None:
    path = tmp_path / "brief.txt"
    path.write_text("TTP attack in Bannu\nOfficials said the TTP attacked a post.\n")
    document = only_document(path)
    assert document.title == "TTP attack in Bannu"
    assert document.text == "Officials said the TTP attacked a post."
    assert document.source == str(path)


def test_text_file_without_headline_takes_its_first_sentence_as_title(tmp_path: Path) -> None:
    body = "Pakistan has once again called on the Taliban-led administration " * 4
    path = tmp_path / "long.txt"
    path.write_text(body.strip() + ".\nSecond paragraph.")
    document = only_document(path)
    assert document.text.startswith("Pakistan has once again")
    assert document.title.endswith("…")
    assert len(document.title) <= 101


def test_non_utf8_file_is_decoded_by_detection(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    text = "Le porte-parole a déclaré que l'armée était prête à répondre à toute menace."
    path.write_bytes((text + "\n" + text).encode("cp1252"))
    document = only_document(path)
    assert "déclaré" in document.text
    assert "prête" in document.text


def test_utf16_with_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "wide.txt"
    path.write_bytes("Headline\nThe spokesman said “no”.".encode("utf-16"))
    document = only_document(path)
    assert document.title == "Headline"
    assert document.text == "The spokesman said “no”."


# --- Markdown --------------------------------------------------------------------


def test_markdown_with_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "brief.md"
    path.write_text(
        "---\ntitle: BLA claims attack\nurl: https://example.org/bla\noutlet: Desk notes\n"
        "published: 2025-03-15\nauthor: ignored\n---\n"
        "# Heading that is not the title\n\nThe **BLA** said it [attacked](https://x.y) a train.\n"
        "It gave no\nfigures.\n\n- first point\n- second point\n"
    )
    document = only_document(path)
    assert document.title == "BLA claims attack"
    assert document.url == "https://example.org/bla"
    assert document.outlet == "Desk notes"
    assert document.published == datetime(2025, 3, 15, tzinfo=UTC)
    assert document.text == (
        "The BLA said it attacked a train. It gave no figures.\n\nfirst point\n\nsecond point"
    )


def test_markdown_without_front_matter_takes_the_first_heading() -> None:
    text, heading = markdown_to_text("# The title\n\nBody *text*.")
    assert heading == "The title"
    assert text == "Body text."


def test_markdown_with_broken_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "broken.md"
    path.write_text("---\ntitle: [unclosed\n---\nBody.\n")
    failure = only_failure(path)
    assert "front matter is not valid YAML" in failure.reason


def test_markdown_with_a_bad_date_says_how_to_write_one(tmp_path: Path) -> None:
    path = tmp_path / "date.md"
    path.write_text("---\npublished: last tuesday\n---\nBody text.\n")
    failure = only_failure(path)
    assert "'published' is 'last tuesday'" in failure.reason
    assert "2026-11-01" in failure.reason


# --- HTML --------------------------------------------------------------------------

PAGE = """<!doctype html><html><head><title>Desk | ISKP claims attack</title>
<script>var tracking = "SCRIPT-TEXT";</script><style>.x{color:red}</style></head>
<body><nav><a href="/">Home</a> <a href="/world">MENU-WORLD</a></nav>
<article><h1>ISKP claims attack</h1>
<p>Islamic State Khorasan Province claimed responsibility for the attack on Friday, the
group's news agency said in a statement carried on its channels.</p>
<p>Officials said at least 40 people were killed and more than 100 were wounded in the
attack, which police described as the deadliest this year in the province.</p>
<p>A spokesman for the interior ministry said investigators had identified the attackers
and that arrests had been made in two cities overnight.</p></article>
<footer>FOOTER-COPYRIGHT 2026</footer><script>console.log("SCRIPT-TWO")</script>
</body></html>"""


def test_html_keeps_the_article_not_menus_scripts_or_footer(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(PAGE)
    document = only_document(path)
    assert "claimed responsibility for the attack" in document.text
    assert "arrests had been made" in document.text
    for junk in ("SCRIPT-TEXT", "SCRIPT-TWO", "MENU-WORLD", "FOOTER-COPYRIGHT", "color:red"):
        assert junk not in document.text
    assert "ISKP claims attack" in document.title
    assert not document.text.startswith("ISKP claims attack")


def test_html_without_any_text_is_reported_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<html><head><script>x()</script></head><body><nav></nav></body></html>")
    assert "empty" in only_failure(path).reason


# --- JSON and JSON Lines ---------------------------------------------------------


def test_json_object_keeps_its_id_and_fields(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(
        json.dumps(
            {
                "id": 42,
                "title": "A title",
                "url": "https://example.org/a",
                "outlet": "Wire",
                "published": "2024-07-31T10:00:00Z",
                "text": "Body of the document.",
            }
        )
    )
    document = only_document(path)
    assert document.external_id == "42"
    assert document.published == datetime(2024, 7, 31, 10, tzinfo=UTC)
    assert (document.title, document.url, document.outlet) == (
        "A title",
        "https://example.org/a",
        "Wire",
    )


def test_json_array_reports_each_bad_item(tmp_path: Path) -> None:
    path = tmp_path / "many.json"
    path.write_text(json.dumps([{"text": "First."}, {"title": "no text"}, "a string"]))
    results = load(path)
    assert isinstance(results[0], LoadedDocument)
    assert isinstance(results[1], LoadFailure)
    assert results[1].where == f"{path}, item 2"
    assert "no 'text'" in results[1].reason
    assert isinstance(results[2], LoadFailure)
    assert "expected a JSON object" in results[2].reason


def test_json_that_does_not_parse(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"text": "a",\n "title": }')
    failure = only_failure(path)
    assert "not valid JSON at line 2" in failure.reason


def test_jsonl_reports_the_bad_lines_and_loads_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_text(
        '{"id": "a1", "text": "First document."}\n'
        "\n"
        '{"id": "a2", "text": "Second"\n'
        '{"id": "a3", "title": "no text"}\n'
        '{"id": "a4", "text": 17}\n'
        '{"id": "a5", "text": "Fifth document.", "published": "nope"}\n'
        '{"id": "a6", "text": "Sixth document."}\n'
    )
    results = load(path)
    documents = [r for r in results if isinstance(r, LoadedDocument)]
    failures = {r.location: r.reason for r in results if isinstance(r, LoadFailure)}
    assert [d.external_id for d in documents] == ["a1", "a6"]
    assert set(failures) == {"line 3", "line 4", "line 5", "line 6"}
    assert "not valid JSON" in failures["line 3"]
    assert "no 'text'" in failures["line 4"]
    assert "'text' must be a string" in failures["line 5"]
    assert "not a date" in failures["line 6"]


def test_jsonl_line_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    path.write_text(json.dumps({"text": "x " * 200}) + "\n" + json.dumps({"text": "ok"}) + "\n")
    results = load(path, max_bytes=100)
    assert isinstance(results[0], LoadFailure)
    assert "over the limit of 100" in results[0].reason
    assert isinstance(results[1], LoadedDocument)


# --- Feeds ---------------------------------------------------------------------------

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Regional Desk</title><link>https://example.org</link>
<item><title>TTP attack</title><link>https://example.org/1</link><guid>item-1</guid>
<pubDate>Tue, 03 Jun 2025 08:00:00 GMT</pubDate>
<description>&lt;p&gt;Police said the &lt;b&gt;TTP&lt;/b&gt; attacked a checkpost.&lt;/p&gt;
</description></item>
<item><title>Empty item</title><link>https://example.org/2</link><description></description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Desk</title><id>urn:desk</id>
<updated>2025-06-03T08:00:00Z</updated>
<entry><title>BLA statement</title><id>urn:entry:1</id><link href="https://example.org/bla"/>
<updated>2025-06-03T08:00:00Z</updated>
<content type="html">&lt;p&gt;The BLA said it carried out the attack.&lt;/p&gt;</content></entry>
</feed>"""


def test_rss_file_entries_become_documents(tmp_path: Path) -> None:
    path = tmp_path / "desk.rss"
    path.write_text(RSS)
    results = load(path)
    first = results[0]
    assert isinstance(first, LoadedDocument)
    assert first.text == "Police said the TTP attacked a checkpost."
    assert (first.title, first.url, first.outlet, first.external_id) == (
        "TTP attack",
        "https://example.org/1",
        "Regional Desk",
        "item-1",
    )
    assert first.published == datetime(2025, 6, 3, 8, tzinfo=UTC)
    assert isinstance(results[1], LoadFailure)
    assert results[1].location == "entry 2"


def test_atom_file(tmp_path: Path) -> None:
    path = tmp_path / "desk.atom"
    path.write_text(ATOM)
    document = only_document(path)
    assert document.text == "The BLA said it carried out the attack."
    assert document.outlet == "Atom Desk"


def test_xml_that_is_not_a_feed(tmp_path: Path) -> None:
    path = tmp_path / "data.xml"
    path.write_text("<?xml version='1.0'?><inventory><item>bolts</item></inventory>")
    assert "not an RSS or Atom feed" in only_failure(path).reason


@pytest.fixture
def feed_server() -> Iterator[str]:
    """A local HTTP server on 127.0.0.1 serving /feed.rss, /missing (404) and /slow."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/feed.rss":
                body = RSS.encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            elif self.path == "/slow":
                stop.wait(3)
            else:
                self.send_error(404, "Not Found")

        def log_message(self, *args: object) -> None:
            pass

    stop = threading.Event()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    stop.set()
    server.shutdown()
    server.server_close()


def test_feed_url(feed_server: str) -> None:
    results = load(f"{feed_server}/feed.rss")
    assert isinstance(results[0], LoadedDocument)
    assert results[0].source == f"{feed_server}/feed.rss"
    assert results[0].text == "Police said the TTP attacked a checkpost."


def test_feed_url_answering_404(feed_server: str) -> None:
    failure = only_failure(f"{feed_server}/missing")
    assert failure.reason == "feed unreachable: the server answered 404 Not Found"


def test_feed_url_that_times_out(feed_server: str) -> None:
    failure = only_failure(f"{feed_server}/slow", timeout=0.3)
    assert "feed unreachable" in failure.reason


def test_feed_url_with_nobody_listening() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    failure = only_failure(f"http://127.0.0.1:{port}/feed.rss")
    assert failure.reason.startswith("feed unreachable:")
    assert "refused" in failure.reason.lower()


# --- bad files --------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert only_failure(path).reason == "empty file"


def test_a_json_lines_file_of_blank_lines_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "blank.jsonl"
    path.write_bytes(b"\t\n  \n")
    assert only_failure(path).reason.startswith("only blank lines")


def test_whitespace_only_file(tmp_path: Path) -> None:
    path = tmp_path / "blank.md"
    path.write_text("   \n\n\t\n")
    assert "empty" in only_failure(path).reason


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    assert "binary file" in only_failure(path).reason


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_text("word " * 100)
    failure = only_failure(path, max_bytes=100)
    assert failure.reason.startswith("500 bytes is over the limit of 100")
    assert "max_document_bytes" in failure.reason


def test_missing_path_and_unsupported_type(tmp_path: Path) -> None:
    odd = tmp_path / "notes.docx"
    odd.write_bytes(b"PK\x03\x04")
    results = load(tmp_path / "absent.txt", odd)
    assert [r.reason for r in results if isinstance(r, LoadFailure)] == [
        "no such file or folder",
        "unsupported file type '.docx'; sitrep reads .atom, .htm, .html, .json, .jsonl, .markdown, "
        ".md, .ndjson, .rss, .text, .txt, .xml",
    ]


def test_folders_are_walked_recursively_in_name_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "deep").mkdir()
    (tmp_path / "a.txt").write_text("A document.")
    (tmp_path / "b" / "deep" / "c.md").write_text("C document.")
    (tmp_path / "b" / "skip.png").write_bytes(b"\x89PNG")
    results = load(tmp_path)
    assert [Path(r.source).name for r in results] == ["a.txt", "c.md"]
