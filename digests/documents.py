"""Loading documents: text, Markdown, HTML, JSON, JSON Lines and RSS/Atom feeds.

`load_sources(paths)` walks files and folders and yields, one at a time, either a
`LoadedDocument` or a `LoadFailure` that says where (file, line) and why. Nothing is
read whole that can be streamed, so memory stays flat however large the batch.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import re
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from time import struct_time
from typing import Any

import charset_normalizer
import feedparser
import frontmatter
import lxml.html
import trafilatura
import yaml
from markdown_it import MarkdownIt

TEXT_SUFFIXES = frozenset({".txt", ".text"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSON_SUFFIXES = frozenset({".json"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
FEED_SUFFIXES = frozenset({".rss", ".atom", ".xml"})
SUPPORTED_SUFFIXES = (
    TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES
) | FEED_SUFFIXES

_OPTIONAL_FIELDS = ("id", "title", "url", "outlet", "published")
_HEADLINE_MAX = 200  # a first line longer than this is a paragraph, not a headline
_DERIVED_TITLE_MAX = 100


@dataclass(frozen=True, slots=True)
class LoadedDocument:
    """A document ready for the store: normalised text and what is known about it."""

    text: str
    title: str
    source: str  # the file or URL it came from
    location: str = ""  # where in the source, e.g. "line 7" of a .jsonl file
    external_id: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: datetime | None = None
    content_hash: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "content_hash", content_hash(self.text))

    @property
    def where(self) -> str:
        return f"{self.source}, {self.location}" if self.location else self.source


@dataclass(frozen=True, slots=True)
class LoadFailure:
    """Something that could not be loaded, where it was, and why."""

    source: str
    reason: str
    location: str = ""

    @property
    def where(self) -> str:
        return f"{self.source}, {self.location}" if self.location else self.source


LoadResult = LoadedDocument | LoadFailure


class _Rejected(Exception):
    """Raised inside a loader; becomes a LoadFailure for that file or line."""


# --- Text ----------------------------------------------------------------------

# Invisible characters that only get in the way of matching and hashing. Zero-width
# joiners are kept: Arabic-script and Indic names need them.
_INVISIBLE = "\ufeff\u200b\u2060\u00ad"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[^\S\n]+")
_SPACE_AROUND_NEWLINE = re.compile(r" ?\n ?")
_BLANK_LINES = re.compile(r"\n{3,}")
# Private-use code points, C1 controls and replacement characters: what decoding a
# binary file as text leaves behind.
_NOISE = re.compile("[\x80-\x9f\ue000-\uf8ff\ufffd]")


def normalise_text(raw: str) -> str:
    """NFC, one space between words, paragraph breaks kept, quotation marks untouched."""
    text = unicodedata.normalize("NFC", raw)
    for invisible in _INVISIBLE:
        if invisible in text:  # str.translate would be far slower on long texts
            text = text.replace(invisible, "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2029", "\n\n").replace("\u2028", "\n")
    text = _SPACES.sub(" ", _CONTROL.sub("", text))
    text = _SPACE_AROUND_NEWLINE.sub("\n", text)
    return _BLANK_LINES.sub("\n\n", text).strip()


def content_hash(text: str) -> str:
    """The identity of a document's content: the same text is the same document."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def word_count(text: str) -> int:
    return len(text.split())


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_bytes(data: bytes) -> str:
    """Text from bytes: UTF-8 (or a byte-order mark's encoding), else the detected one."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    if b"\x00" in data[:8192]:
        raise _Rejected("binary file (it contains NUL bytes); sitrep reads text documents")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise _Rejected("not text in any encoding sitrep can detect (a binary file?)")
    return str(best)


def _readable(text: str) -> str:
    """Text checked to be readable prose rather than decoded noise."""
    if not text:
        raise _Rejected("empty: no text after removing markup and whitespace")
    sample = text[:4096]
    if len(_NOISE.findall(sample)) > len(sample) * 0.05:
        raise _Rejected("binary or garbled content: too many unprintable characters")
    return text


def _title_from_text(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    if len(first_line) <= _DERIVED_TITLE_MAX:
        return first_line
    cut = first_line[:_DERIVED_TITLE_MAX].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def _clean_field(value: object, name: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and name == "id":
        return str(value)
    if not isinstance(value, str):
        raise _Rejected(f"'{name}' must be a string, not {type(value).__name__}")
    cleaned = normalise_text(value).replace("\n", " ")
    return cleaned or None


def parse_published(value: object) -> datetime | None:
    """A publication date from ISO 8601, RFC 2822, a YAML date or a feed's time tuple."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, struct_time):
        return datetime(*value[:6], tzinfo=UTC)
    if isinstance(value, str):
        candidate = value.strip()
        try:
            parsed = datetime.fromisoformat(candidate.replace("Z", "+00:00"))
        except ValueError:
            try:
                parsed = parsedate_to_datetime(candidate)
            except (TypeError, ValueError, IndexError):
                parsed = None
        if parsed is not None:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise _Rejected(
        f"'published' is {value!r}, which is not a date; write it as 2026-11-01 "
        "or 2026-11-01T09:30:00+00:00"
    )


def _document(
    text: str,
    source: str,
    *,
    location: str = "",
    fields: Mapping[str, Any] | None = None,
) -> LoadedDocument:
    fields = fields or {}
    body = _readable(normalise_text(text))
    title = _clean_field(fields.get("title"), "title") or _title_from_text(body)
    return LoadedDocument(
        text=body,
        title=title,
        source=source,
        location=location,
        external_id=_clean_field(fields.get("id"), "id"),
        url=_clean_field(fields.get("url"), "url"),
        outlet=_clean_field(fields.get("outlet"), "outlet"),
        published=parse_published(fields.get("published")),
    )


# --- Files ---------------------------------------------------------------------


def _read_file(path: Path, max_bytes: int) -> bytes:
    size = path.stat().st_size
    if size == 0:
        raise _Rejected("empty file")
    if size > max_bytes:
        raise _Rejected(
            f"{size:,} bytes is over the limit of {max_bytes:,}; split it or raise "
            "max_document_bytes"
        )
    return path.read_bytes()


def _load_text_file(path: Path, max_bytes: int) -> Iterator[LoadedDocument]:
    text = normalise_text(decode_bytes(_read_file(path, max_bytes)))
    # A short first line without closing punctuation is a headline, not a paragraph.
    first, _, rest = text.partition("\n")
    is_headline = len(first) <= _HEADLINE_MAX and not first.endswith((".", "!", "?", '"', "”"))
    if rest.strip() and is_headline:
        yield _document(rest, str(path), fields={"title": first})
    else:
        yield _document(text, str(path))


_MARKDOWN = MarkdownIt("commonmark")
_PARAGRAPH_CLOSE = frozenset({"paragraph_close", "heading_close", "list_item_close"})


def markdown_to_text(markdown: str) -> tuple[str, str | None]:
    """Plain paragraphs from Markdown, and the first heading (a title, if there is one)."""
    paragraphs: list[str] = []
    heading: str | None = None
    in_heading = False
    current: list[str] = []
    for token in _MARKDOWN.parse(markdown):
        if token.type == "heading_open":
            in_heading = True
        elif token.type == "inline":
            pieces = []
            for child in token.children or []:
                if child.type in ("text", "code_inline"):
                    pieces.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    pieces.append(" ")
            line = "".join(pieces)
            if in_heading and heading is None:
                heading = line
            else:
                current.append(line)
        elif token.type == "fence" or token.type == "code_block":
            current.append(token.content)
        elif token.type in _PARAGRAPH_CLOSE:
            in_heading = False
            if current:
                paragraphs.append(" ".join(current))
                current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs), heading


def _load_markdown_file(path: Path, max_bytes: int) -> Iterator[LoadedDocument]:
    raw = decode_bytes(_read_file(path, max_bytes))
    try:
        post = frontmatter.loads(raw)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise _Rejected(f"front matter is not valid YAML{where}") from None
    if not isinstance(post.metadata, dict):
        raise _Rejected("front matter must be a mapping of keys to values")
    body, heading = markdown_to_text(post.content)
    fields = {key: post.metadata.get(key) for key in _OPTIONAL_FIELDS}
    fields["title"] = fields["title"] or heading
    yield _document(body, str(path), fields=fields)


def html_to_document_fields(html: str) -> tuple[str, dict[str, Any]]:
    """The main text of a web page (no menus, scripts or footers) and its metadata."""
    extracted = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False, favor_recall=True
    )
    if extracted is None or not getattr(extracted, "text", None):
        # Short pages defeat main-text detection; fall back to all visible text.
        return trafilatura.html2txt(html), {}
    text = extracted.text
    if extracted.title and text.startswith(extracted.title + "\n"):
        text = text[len(extracted.title) + 1 :]  # the page's <h1> repeats its title
    fields = {
        "title": extracted.title,
        "url": extracted.url,
        "outlet": extracted.sitename,
        "published": extracted.date,
    }
    return text, fields


def _load_html_file(path: Path, max_bytes: int) -> Iterator[LoadedDocument]:
    text, fields = html_to_document_fields(decode_bytes(_read_file(path, max_bytes)))
    try:
        parse_published(fields.get("published"))
    except _Rejected:
        fields["published"] = None  # a page's guessed date is a hint, not the user's word
    yield _document(text, str(path), fields=fields)


def _object_document(item: object, source: str, location: str) -> LoadedDocument:
    if not isinstance(item, dict):
        raise _Rejected(f"expected a JSON object with 'text', found {type(item).__name__}")
    text = item.get("text")
    if text is None:
        raise _Rejected("object has no 'text'; each document needs its text in 'text'")
    if not isinstance(text, str):
        raise _Rejected(f"'text' must be a string, not {type(text).__name__}")
    return _document(text, source, location=location, fields=item)


def _load_json_file(path: Path, max_bytes: int) -> Iterator[LoadResult]:
    try:
        data = json.loads(decode_bytes(_read_file(path, max_bytes)))
    except json.JSONDecodeError as error:
        raise _Rejected(
            f"not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    items = data if isinstance(data, list) else [data]
    for number, item in enumerate(items, start=1):
        location = f"item {number}" if isinstance(data, list) else ""
        yield _attempt(str(path), location, _object_document, item, str(path), location)


def _load_jsonl_file(path: Path, max_bytes: int) -> Iterator[LoadResult]:
    source = str(path)
    if path.stat().st_size == 0:
        raise _Rejected("empty file")
    blank = True
    with path.open("rb") as handle:
        for number, raw_line in enumerate(handle, start=1):
            location = f"line {number}"
            if not raw_line.strip():
                continue
            blank = False
            if len(raw_line) > max_bytes:
                yield LoadFailure(
                    source,
                    f"{len(raw_line):,} bytes is over the limit of {max_bytes:,}",
                    location,
                )
                continue
            yield _attempt(source, location, _jsonl_document, raw_line, source, location)
    if blank:
        raise _Rejected("only blank lines; put one JSON object a line, with its 'text'")


def _jsonl_document(raw_line: bytes, source: str, location: str) -> LoadedDocument:
    try:
        item = json.loads(decode_bytes(raw_line))
    except json.JSONDecodeError as error:
        raise _Rejected(f"not valid JSON (column {error.colno}: {error.msg})") from None
    return _object_document(item, source, location)


# --- Feeds ---------------------------------------------------------------------


_BLOCK_TAGS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "pre")


def html_fragment_to_text(fragment: str) -> str:
    """The text of an HTML fragment (a feed entry's body), one paragraph per block."""
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for unwanted in list(root.iter("script", "style")):
        unwanted.drop_tree()
    for block in root.iter(*_BLOCK_TAGS):
        block.tail = "\n\n" + (block.tail or "")
    for line_break in root.iter("br"):
        line_break.tail = "\n" + (line_break.tail or "")
    return root.text_content()


def _entry_text(entry: Any) -> str:
    contents = entry.get("content") or []
    body = contents[0].get("value", "") if contents else entry.get("summary", "")
    return html_fragment_to_text(body) if "<" in body else body


def _feed_documents(parsed: Any, source: str) -> Iterator[LoadResult]:
    if not parsed.get("version"):
        reason = "not an RSS or Atom feed"
        if parsed.get("bozo_exception") is not None:
            reason += f" ({parsed.bozo_exception})"
        raise _Rejected(reason)
    outlet = parsed.feed.get("title")
    for number, entry in enumerate(parsed.entries, start=1):
        location = f"entry {number}"
        fields = {
            "id": entry.get("id") or entry.get("link"),
            "title": entry.get("title"),
            "url": entry.get("link"),
            "outlet": outlet,
            "published": entry.get("published_parsed") or entry.get("updated_parsed"),
        }
        yield _attempt(source, location, _entry_document, entry, source, location, fields)


def _entry_document(
    entry: Any, source: str, location: str, fields: Mapping[str, Any]
) -> LoadedDocument:
    return _document(_entry_text(entry), source, location=location, fields=fields)


def _load_feed_file(path: Path, max_bytes: int) -> Iterator[LoadResult]:
    yield from _feed_documents(feedparser.parse(_read_file(path, max_bytes)), str(path))


def fetch_feed(url: str, *, timeout: float, max_bytes: int) -> bytes:
    """A feed's bytes from an http(s) URL, refusing more than `max_bytes`."""
    request = urllib.request.Request(url, headers={"User-Agent": "sitrep feed reader"})  # noqa: S310 (scheme checked by the caller)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            data = response.read(max_bytes + 1)
    except urllib.error.HTTPError as error:
        raise _Rejected(
            f"feed unreachable: the server answered {error.code} {error.reason}"
        ) from None
    except urllib.error.URLError as error:
        raise _Rejected(f"feed unreachable: {error.reason}") from None
    except TimeoutError:
        raise _Rejected(f"feed unreachable: no answer within {timeout:g} seconds") from None
    except OSError as error:
        raise _Rejected(f"feed unreachable: {error}") from None
    if len(data) > max_bytes:
        raise _Rejected(f"feed is over the limit of {max_bytes:,} bytes")
    if not data:
        raise _Rejected("feed is empty")
    return data


def _load_feed_url(url: str, max_bytes: int, timeout: float) -> Iterator[LoadResult]:
    yield from _feed_documents(
        feedparser.parse(fetch_feed(url, timeout=timeout, max_bytes=max_bytes)), url
    )


# --- Walking sources ------------------------------------------------------------

_LOADERS = {
    **dict.fromkeys(TEXT_SUFFIXES, _load_text_file),
    **dict.fromkeys(MARKDOWN_SUFFIXES, _load_markdown_file),
    **dict.fromkeys(HTML_SUFFIXES, _load_html_file),
    **dict.fromkeys(JSON_SUFFIXES, _load_json_file),
    **dict.fromkeys(JSONL_SUFFIXES, _load_jsonl_file),
    **dict.fromkeys(FEED_SUFFIXES, _load_feed_file),
}


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def _attempt(
    source: str, location: str, make: Callable[..., LoadedDocument], *args: Any
) -> LoadResult:
    """`make(*args)`, or the failure it was rejected with, for one document of a source."""
    try:
        return make(*args)
    except _Rejected as rejected:
        return LoadFailure(source, str(rejected), location)


def _guarded_stream(stream: Iterable[LoadResult], source: str) -> Iterator[LoadResult]:
    """A loader's results; an error that stops the whole source becomes one failure."""
    try:
        yield from stream
    except _Rejected as rejected:
        yield LoadFailure(source, str(rejected))
    except PermissionError:
        yield LoadFailure(source, "permission denied: sitrep cannot read this file")
    except OSError as error:
        yield LoadFailure(source, f"cannot be read: {error.strerror or error}")


def expand_sources(paths: Iterable[str]) -> Iterator[str | LoadFailure]:
    """Files (folders walked recursively, in name order) and URLs to load."""
    for given in paths:
        if is_url(given):
            yield given
            continue
        path = Path(given)
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                if found.is_file() and found.suffix.lower() in SUPPORTED_SUFFIXES:
                    yield str(found)
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                yield str(path)
            else:
                yield LoadFailure(
                    str(path),
                    f"unsupported file type {path.suffix or '(none)'!r}; sitrep reads "
                    + ", ".join(sorted(SUPPORTED_SUFFIXES)),
                )
        elif path.exists():
            yield LoadFailure(str(path), "not a regular file or folder")
        else:
            yield LoadFailure(str(path), "no such file or folder")


def load_source(source: str, *, max_bytes: int, feed_timeout: float) -> Iterator[LoadResult]:
    """Every document in one file or feed URL, or the reasons they could not be loaded."""
    if is_url(source):
        yield from _guarded_stream(_load_feed_url(source, max_bytes, feed_timeout), source)
        return
    path = Path(source)
    loader = _LOADERS[path.suffix.lower()]
    yield from _guarded_stream(loader(path, max_bytes), source)


def load_sources(
    paths: Iterable[str], *, max_bytes: int, feed_timeout: float = 10.0
) -> Iterator[LoadResult]:
    """Every document under `paths`, streamed, with a failure for each that cannot be loaded."""
    for source in expand_sources(paths):
        if isinstance(source, LoadFailure):
            yield source
        else:
            yield from load_source(source, max_bytes=max_bytes, feed_timeout=feed_timeout)
