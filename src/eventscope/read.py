"""Read articles: text and HTML files, stdin, JSONL (.jsonl, .jsonl.gz) batches, Parquet and directories.

`iter_inputs` never raises for a bad record: it yields a `ReadProblem` in its place, so a batch keeps
going and the caller reports every skipped record at the end.  `read_single` raises `InputError`
instead, for commands given one article.  Everything streams: a JSONL file a line at a time, Parquet a
few hundred rows at a time, a directory one file at a time, so memory does not grow with the corpus.

With `defer_html=True` an HTML page is yielded as an `HtmlPage` whose main text is extracted later,
by whichever process extracts its events: finding the text of a page costs more than reading it, and
a parallel run should not do it all in the process that reads.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
import logging
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from eventscope.errors import InputError
from eventscope.models import Article

log = logging.getLogger(__name__)

# One article larger than this is almost certainly not a news report (a dump, a binary, a book).
MAX_ARTICLE_BYTES = int(os.environ.get("EVENTSCOPE_MAX_ARTICLE_BYTES", 5_000_000))
TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
PARQUET_SUFFIXES = {".parquet"}


@dataclass(frozen=True, slots=True)
class ReadProblem:
    """A record that could not be read: where it was and what was wrong."""

    origin: str
    message: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.message}"


def parse_published(value: Any, origin: str = "") -> dt.date | None:
    """A publication date from 'YYYY-MM-DD', an ISO timestamp or a date object; None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    if match:
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    import dateparser  # imported here: it is slow to import and most inputs carry ISO dates

    parsed = dateparser.parse(text, languages=["en"], settings={"STRICT_PARSING": True})
    if parsed is None:
        raise InputError(f"{origin}: published date {text!r} is not a date (use YYYY-MM-DD)")
    return parsed.date()


def decode_bytes(data: bytes, origin: str) -> str:
    """Text from bytes: UTF-8 (with or without BOM), else a detected encoding; binary is refused."""
    if not data.strip():
        raise InputError(f"{origin}: the input is empty")
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{origin}: the input is binary, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError(f"{origin}: not UTF-8 text and its encoding could not be detected")
    log.info("%s: decoded as %s", origin, best.encoding)
    return str(best)


def _check_size(size: int, origin: str) -> None:
    if size > MAX_ARTICLE_BYTES:
        raise InputError(
            f"{origin}: {size:,} bytes is over the {MAX_ARTICLE_BYTES:,}-byte limit for one article "
            "(set EVENTSCOPE_MAX_ARTICLE_BYTES to raise it)"
        )


def article_id_for(text: str, hint: str | None = None) -> str:
    """A stable id: the given one, else a short hash of the text (same text, same id)."""
    if hint:
        return str(hint)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class HtmlPage:
    """An HTML page read but not yet parsed; `to_article` finds its main text and metadata."""

    html: str
    origin: str
    article_id: str | None = None
    title: str | None = None
    published: dt.date | None = None
    source: str | None = None
    url: str | None = None

    def to_article(self) -> Article:
        """The page as an Article; raises InputError when it holds no article text."""
        return article_from_html(
            self.html, self.origin, article_id=self.article_id, title=self.title, published=self.published,
            source=self.source, url=self.url,
        )


def materialize(item: Article | HtmlPage) -> Article | ReadProblem:
    """An Article for a read item: an HtmlPage's text is extracted now; a page without text is a problem."""
    if isinstance(item, Article):
        return item
    try:
        return item.to_article()
    except InputError as exc:
        return ReadProblem(item.origin, str(exc).removeprefix(f"{item.origin}: "))


def article_from_html(
    html: str,
    origin: str,
    *,
    article_id: str | None = None,
    title: str | None = None,
    published: dt.date | None = None,
    source: str | None = None,
    url: str | None = None,
) -> Article:
    """Main text, title, date and site name of an HTML page (trafilatura; no network)."""
    import trafilatura

    # trafilatura logs every page it finds too short; those are our error messages to give.
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False, favor_recall=True
    )
    text = (doc.text if doc is not None else None) or ""
    if not text.strip():
        raise InputError(f"{origin}: no article text found in the HTML page")
    page_date = None
    if published is None:
        page_date = _html_date(html, doc)
    return Article(
        id=article_id_for(text, article_id),
        text=text,
        title=title or (doc.title if doc is not None else None),
        published=published or page_date,
        source=source or (doc.sitename if doc is not None else None),
        url=url or (doc.url if doc is not None else None),
        origin=origin,
    )


def _html_date(html: str, doc: Any) -> dt.date | None:
    """The page's publication date: trafilatura's metadata, else htmldate's original date."""
    candidates = [getattr(doc, "date", None)]
    if not candidates[0]:
        from htmldate import find_date

        candidates.append(find_date(html, original_date=True, outputformat="%Y-%m-%d", extensive_search=False))
    for value in candidates:
        if value:
            try:
                return dt.date.fromisoformat(str(value)[:10])
            except ValueError:
                continue
    return None


def looks_like_html(text: str) -> bool:
    head = text[:2048].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or bool(re.search(r"<(body|article|div|p)[\s>]", head))


def article_from_text(
    text: str,
    origin: str,
    *,
    article_id: str | None = None,
    title: str | None = None,
    published: dt.date | None = None,
    source: str | None = None,
    url: str | None = None,
) -> Article:
    if not text.strip():
        raise InputError(f"{origin}: the article text is empty")
    return Article(
        id=article_id_for(text, article_id),
        text=text,
        title=title,
        published=published,
        source=source,
        url=url,
        origin=origin,
    )


def article_from_record(
    record: Any, origin: str, published: dt.date | None = None, defer_html: bool = False
) -> Article | HtmlPage:
    """One JSONL record {"id", "text" or "html", "title", "published", "source", "url"} as an Article."""
    if not isinstance(record, dict):
        raise InputError(f"{origin}: the line is JSON but not an object")
    text, html = record.get("text"), record.get("html")
    if text is not None and not isinstance(text, str) or html is not None and not isinstance(html, str):
        raise InputError(f"{origin}: 'text' and 'html' must be strings")
    if not (text and text.strip()) and not (html and html.strip()):
        raise InputError(f"{origin}: the record has no 'text' or 'html'")
    size = len((text or html or "").encode("utf-8", "surrogatepass"))
    _check_size(size, origin)
    fields = {
        "article_id": None if record.get("id") is None else str(record["id"]),
        "title": record.get("title") or None,
        "published": published or parse_published(record.get("published"), origin),
        "source": record.get("source") or None,
        "url": record.get("url") or None,
    }
    if text and text.strip():
        return article_from_text(text, origin, **fields)
    if defer_html:
        return HtmlPage(html or "", origin, **fields)
    return article_from_html(html or "", origin, **fields)


def _open_binary(path: Path) -> BinaryIO:
    if path.suffix == ".gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def _is_jsonl(path: Path) -> bool:
    suffixes = [s.lower() for s in path.suffixes]
    gzipped = suffixes[-2:] in ([".jsonl", ".gz"], [".ndjson", ".gz"])
    return bool(suffixes) and (suffixes[-1] in JSONL_SUFFIXES or gzipped)


def iter_jsonl(
    stream: Iterable[bytes], name: str, published: dt.date | None = None, defer_html: bool = False
) -> Iterator[Article | HtmlPage | ReadProblem]:
    """Articles from JSONL lines; a bad line becomes a ReadProblem naming its line number."""
    for number, raw in enumerate(stream, start=1):
        origin = f"{name}:{number}"
        if not raw.strip():
            continue
        try:
            if len(raw) > MAX_ARTICLE_BYTES * 2:
                raise InputError(f"{origin}: the line is over the size limit for one article")
            try:
                line = raw.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise InputError(f"{origin}: the line is not UTF-8 ({exc.reason})") from None
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{origin}: not valid JSON ({exc.msg} at column {exc.colno})") from None
            article = article_from_record(record, origin, published, defer_html)
            if record.get("id") is None:
                article = _with_id(article, f"{Path(name).name.split('.')[0]}-{number}")
            yield article
        except InputError as exc:
            yield ReadProblem(origin, str(exc).removeprefix(f"{origin}: "))


def _with_id(article: Article | HtmlPage, article_id: str) -> Article | HtmlPage:
    from dataclasses import replace

    if isinstance(article, HtmlPage):
        return replace(article, article_id=article_id)
    return replace(article, id=article_id)


# The columns a Parquet input may carry (others are never read); rows come this many at a time.
PARQUET_COLUMNS = ("id", "text", "html", "title", "published", "source", "url")
PARQUET_BATCH_ROWS = 256


def iter_parquet(
    path: Path, published: dt.date | None = None, defer_html: bool = False
) -> Iterator[Article | HtmlPage | ReadProblem]:
    """Articles from a Parquet file with the JSONL columns, streamed a few hundred rows at a time."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        yield ReadProblem(str(path), "reading Parquet needs pyarrow: pip install 'eventscope[parquet]'")
        return
    try:
        parquet = pq.ParquetFile(path)
        columns = [name for name in PARQUET_COLUMNS if name in parquet.schema_arrow.names]
    except Exception as exc:  # pyarrow raises several unrelated types for a bad file
        yield ReadProblem(str(path), f"not a readable Parquet file ({exc})")
        return
    if "text" not in columns and "html" not in columns:
        yield ReadProblem(str(path), "the Parquet file has no 'text' or 'html' column")
        return
    row_number = 0
    try:
        batches = parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS, columns=columns)
        for batch in batches:
            for record in batch.to_pylist():
                row_number += 1
                origin = f"{path}:row {row_number}"
                try:
                    article = article_from_record(record, origin, published, defer_html)
                    if record.get("id") is None:
                        article = _with_id(article, f"{path.stem}-{row_number}")
                    yield article
                except InputError as exc:
                    yield ReadProblem(origin, str(exc).removeprefix(f"{origin}: "))
    except OSError as exc:  # a truncated or corrupt row group: the rows before it were read
        yield ReadProblem(f"{path}:row {row_number + 1}", f"cannot be read ({exc})")


def read_file(
    path: Path, published: dt.date | None = None, article_id: str | None = None, defer_html: bool = False
) -> Article | HtmlPage:
    """One text or HTML file as an Article (an HtmlPage if deferred); raises InputError naming the file."""
    origin = str(path)
    if not path.exists():
        raise InputError(f"{origin}: no such file")
    if path.is_dir():
        raise InputError(f"{origin}: is a directory, not an article file")
    try:
        size = path.stat().st_size
        _check_size(size, origin)
        with _open_binary(path) as fh:
            data = fh.read(MAX_ARTICLE_BYTES + 1)
    except OSError as exc:
        raise InputError(f"{origin}: cannot be read ({exc.strerror or exc})") from None
    _check_size(len(data), origin)
    text = decode_bytes(data, origin)
    article_id = article_id or path.name.split(".")[0]
    if path.suffix.lower() in HTML_SUFFIXES or looks_like_html(text):
        if defer_html:
            return HtmlPage(text, origin, article_id=article_id, published=published)
        return article_from_html(text, origin, article_id=article_id, published=published)
    return article_from_text(text, origin, article_id=article_id, published=published)


def read_stream(
    stream: BinaryIO, name: str, published: dt.date | None = None, defer_html: bool = False
) -> Iterator[Article | HtmlPage | ReadProblem]:
    """stdin: JSONL (streamed a line at a time) when the first non-blank character opens an object,
    else one article."""
    head = b""
    while not head.strip():
        chunk = stream.read(65536)
        if not chunk:
            break
        head += chunk
    if head.lstrip()[:1] == b"{":
        yield from iter_jsonl(_lines(head, stream), name, published, defer_html)
        return
    data = head + stream.read(MAX_ARTICLE_BYTES + 1 - len(head)) if len(head) <= MAX_ARTICLE_BYTES else head
    try:
        _check_size(len(data), name)
        text = decode_bytes(data, name)
        if looks_like_html(text):
            yield article_from_html(text, name, published=published)
        else:
            yield article_from_text(text, name, published=published)
    except InputError as exc:
        yield ReadProblem(name, str(exc).removeprefix(f"{name}: "))


def _lines(head: bytes, stream: BinaryIO) -> Iterator[bytes]:
    """The lines of `head` followed by the rest of `stream`, read as they come."""
    yield from io.BytesIO(head + stream.readline())
    yield from stream


def _wanted(child: Path) -> bool:
    suffix = child.suffix.lower()
    return (
        suffix in TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | PARQUET_SUFFIXES
        or _is_jsonl(child)
        or child.name.endswith((".txt.gz", ".html.gz"))
    )


def _iter_directory(path: Path) -> Iterator[Path]:
    """The article files under a directory in path order, one directory listed at a time."""
    try:
        entries = sorted(os.scandir(path), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        child = Path(entry.path)
        if entry.is_dir() and not entry.is_symlink():  # as Path.rglob: linked directories are not walked
            yield from _iter_directory(child)
        elif entry.is_file() and _wanted(child):
            yield child


def iter_inputs(
    paths: Iterable[str], published: dt.date | None = None, *, defer_html: bool = False
) -> Iterator[Article | HtmlPage | ReadProblem]:
    """Every article in the given paths ('-' is stdin), in order, streaming; problems in place of bad ones.

    With `defer_html`, HTML pages come as HtmlPage (see the module docstring); stdin is read at once.
    """
    for name in paths:
        if name == "-":
            yield from read_stream(sys.stdin.buffer, "<stdin>", published, defer_html)
            continue
        path = Path(name)
        if path.is_dir():
            found = False
            for file in _iter_directory(path):
                found = True
                yield from _iter_file(file, published, defer_html)
            if not found:
                yield ReadProblem(name, "the directory holds no .txt, .html, .jsonl or .parquet files")
            continue
        yield from _iter_file(path, published, defer_html)


def _iter_file(
    path: Path, published: dt.date | None, defer_html: bool = False
) -> Iterator[Article | HtmlPage | ReadProblem]:
    origin = str(path)
    if not path.exists():
        yield ReadProblem(origin, "no such file")
        return
    if path.suffix.lower() in PARQUET_SUFFIXES:
        yield from iter_parquet(path, published, defer_html)
        return
    if _is_jsonl(path):
        try:
            with _open_binary(path) as fh:
                if not path.stat().st_size:
                    yield ReadProblem(origin, "the input is empty")
                    return
                yield from iter_jsonl(fh, origin, published, defer_html)
        except (OSError, EOFError) as exc:
            yield ReadProblem(origin, f"cannot be read ({getattr(exc, 'strerror', None) or exc})")
        return
    try:
        yield read_file(path, published, defer_html=defer_html)
    except InputError as exc:
        yield ReadProblem(origin, str(exc).removeprefix(f"{origin}: "))


def count_items(paths: Iterable[str]) -> int | None:
    """About how many items `iter_inputs` will yield (for a progress bar's total); None for stdin.

    JSONL lines are counted without being parsed (a blank line counts too), Parquet rows from the file's
    footer, other files one each; an unreadable input counts as one.
    """
    total = 0
    for name in paths:
        if name == "-":
            return None
        path = Path(name)
        files = _iter_directory(path) if path.is_dir() else [path]
        for file in files:
            total += _count_file(file)
    return total


def _count_file(path: Path) -> int:
    try:
        if path.suffix.lower() in PARQUET_SUFFIXES:
            import pyarrow.parquet as pq

            return pq.ParquetFile(path).metadata.num_rows or 1
        if _is_jsonl(path):
            lines, last = 0, b"\n"
            with _open_binary(path) as fh:
                while chunk := fh.read(1 << 20):
                    lines += chunk.count(b"\n")
                    last = chunk[-1:]
            return max(1, lines + (last != b"\n"))
    except Exception:  # counting is a guess for the progress bar; reading reports the real problem
        return 1
    return 1


def read_single(name: str, published: dt.date | None = None) -> list[Article]:
    """The articles of one input for single-article commands: any problem raises InputError."""
    articles: list[Article] = []
    for item in iter_inputs([name], published):
        if isinstance(item, ReadProblem):
            raise InputError(str(item))
        articles.append(item)
    return articles
