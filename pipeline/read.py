"""Stage 1, read: find article files and decode them into `RawDoc`s.

A path is a file or a folder (searched recursively). `.txt` and `.html`/`.htm` files are
one article each; `.jsonl` files hold one article per line (`id` and `text` or `html`,
optional `url`, `published`; `content`/`body`, `title` and `publish_time`/`pub_date`/`date` as
exports often name them are read too). Encodings (UTF-8 with or without BOM, GB18030/GBK,
Big5, UTF-16/32 with a BOM) are detected with charset-normalizer. Problems come back as `ReadError`s naming the
file and line, never as exceptions, so one bad file never stops a batch.
"""
from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator, Optional, Union

from .models import RawDoc, ReadError

SUFFIXES = {".txt", ".html", ".htm", ".jsonl"}
MAX_BYTES = 20 * 1024 * 1024
# Tried in order before falling back to detection: most Chinese pages are one of these.
LIKELY_ENCODINGS = ("utf-8", "gb18030", "big5")


# documents an office saves next to its articles that this reader does not read: said so, not
# passed over in silence (a page's images, scripts and styles are passed over)
DOCUMENTS = {".doc", ".docx", ".wps", ".pdf", ".rtf", ".odt", ".xls", ".xlsx", ".et"}


def find_files(paths: list[Union[str, Path]]) -> tuple[list[str], list[ReadError]]:
    """Expand files and folders into a sorted list of article files (paths as `str(Path(…))`
    writes them: a folder's files in the order `sorted(folder.rglob("*"))` gives)."""
    files: list[str] = []
    errors: list[ReadError] = []
    for p in map(Path, paths):
        if p.is_dir():
            for f in _files_under(str(p)):
                suffix = _name_parts(f)[1].lower()
                if suffix in SUFFIXES:
                    files.append(f)
                elif suffix in DOCUMENTS:
                    errors.append(_not_read(f))
        elif p.is_file() and p.suffix.lower() in DOCUMENTS:
            errors.append(_not_read(str(p)))
        elif p.is_file():
            files.append(str(p))
        else:
            errors.append(ReadError(path=str(p), reason="no such file or folder"))
    return files, errors


def _files_under(folder: str) -> list[str]:
    """The files in `folder` and its subfolders, as `Path.rglob` finds them (not into a linked
    folder; a link to a file counts), sorted by their path's parts as `Path`s sort. With
    `os.scandir`, no `Path` for each entry: a tenth of the time for a folder of 5,000 articles,
    time an ingest's workers wait before their first article."""
    found: list[tuple[tuple[str, ...], str]] = []

    def walk(where: str, prefix: str, parts: tuple[str, ...]) -> None:
        try:
            with os.scandir(where) as it:
                entries = list(it)
        except PermissionError:  # (as rglob: a folder it may not read is passed over)
            return
        for e in entries:
            try:
                folder_here = e.is_dir() and not e.is_symlink()
                is_file = not folder_here and e.is_file()
            except OSError:
                continue
            if folder_here:
                walk(prefix + e.name, prefix + e.name + "/", parts + (e.name,))
            elif is_file:
                found.append((parts + (e.name,), prefix + e.name))

    walk(folder, "" if folder == "." else folder if folder.endswith("/") else folder + "/", ())
    found.sort(key=lambda f: f[0])
    return [path for _, path in found]


def _name_parts(path: str) -> tuple[str, str]:
    """The stem and suffix of a file's name, as `Path.stem` and `Path.suffix` read them."""
    name = os.path.basename(path)
    i = name.rfind(".")
    return (name[:i], name[i:]) if 0 < i < len(name) - 1 else (name, "")


def _not_read(path: str) -> ReadError:
    return ReadError(path=path, reason=f"a {_name_parts(path)[1].lower()} document is not read: save the article as .txt or .html (or paste it into a .jsonl file)")


def decode(data: bytes) -> tuple[str, str]:
    """Bytes to text: BOM, then strict UTF-8/GB18030/Big5, then charset-normalizer."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    for bom, enc in _WIDE_BOMS:  # Windows Notepad's "Unicode" and "Unicode big endian"
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(enc)
            except UnicodeDecodeError:
                text = None
            if text is None or _looks_wrong(text):
                raise ValueError(f"cannot decode: starts with a {enc} byte-order mark but is not {enc} text")
            return text, enc
    if b"\x00" in data[:4096]:
        raise ValueError("binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and exc.start > 0:
            return data[:exc.start].decode("utf-8"), "utf-8 (truncated last character dropped)"
    for enc in LIKELY_ENCODINGS[1:]:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _looks_wrong(text):
            continue
        return text, enc
    from charset_normalizer import from_bytes  # (imported here: most articles never need it, 0.01 s of start-up)

    best = from_bytes(data).best()
    if best is None or _looks_wrong(str(best)):
        raise ValueError("cannot decode: not UTF-8, GBK/GB18030 or Big5 text (undecodable bytes)")
    return str(best), best.encoding


_WIDE_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
               (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def _looks_wrong(text: str) -> bool:
    """A strict decode can still succeed on the wrong codec or on noise: reject text with private-use
    characters, or a long text with no punctuation and no line break at all (random bytes)."""
    if not text:
        return False
    odd = sum(1 for ch in text if "\ue000" <= ch <= "\uf8ff" or ch == "\ufffd")
    if odd > max(2, len(text) // 200):
        return True
    return len(text) >= 200 and not any(ch in text for ch in "。,,、;;::!?\n")


_CHINA = timezone(timedelta(hours=8))


# what content-system and crawler exports call the fields (the documented names first)
_TEXT_KEYS = ("text", "content", "body")
_DATE_KEYS = ("published", "publish_time", "pub_date", "date")


def _published(value) -> Optional[str]:
    """A JSONL `published`: text as given (the metadata stage reads its date), or a Unix
    timestamp in seconds or milliseconds, the day it was in China."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        seconds = value / 1000 if value > 1e11 else value
        try:
            return datetime.fromtimestamp(seconds, _CHINA).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    return None


class _TooBig(Exception):
    def __init__(self, size: int):
        self.size = size


def _file_bytes(where: str) -> bytes:
    """A file's bytes, read with the OS's calls (half the time of `open(…).read()`, which makes
    two file objects: 0.03 s of the 0.06 s that opening and reading 5,000 articles takes)."""
    fd = os.open(where, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        size = os.fstat(fd).st_size
        if size > MAX_BYTES:
            raise _TooBig(size)
        data = os.read(fd, size + 1)  # (a byte more than its size: a file that grew since is read to its end)
        if len(data) > size:
            parts = [data]
            while chunk := os.read(fd, 1 << 20):
                parts.append(chunk)
            data = b"".join(parts)
        return data
    finally:
        os.close(fd)


def read_path(path: Union[str, Path]) -> Iterator[Union[RawDoc, ReadError]]:
    """Yield the articles of one file, or errors for what could not be read."""
    where = os.fspath(path)
    try:
        data = _file_bytes(where)
    except _TooBig as big:
        yield ReadError(path=where, reason=f"file is {big.size // (1024 * 1024)} MB, over the 20 MB limit")
        return
    except OSError as exc:
        yield ReadError(path=where, reason=f"cannot read: {exc.strerror or exc}")
        return
    if not data.strip():
        yield ReadError(path=where, reason="empty file")
        return
    try:
        text, enc = decode(data)
    except ValueError as exc:
        yield ReadError(path=where, reason=str(exc))
        return
    stem, suffix = _name_parts(where)
    suffix = suffix.lower()
    if suffix == ".jsonl":
        yield from _read_jsonl(where, stem, text)
        return
    yield RawDoc(doc_id=stem, path=where, text=text, is_html=suffix in {".html", ".htm"}, encoding=enc)


def _read_jsonl(where: str, stem: str, text: str) -> Iterator[Union[RawDoc, ReadError]]:
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ReadError(path=where, line=n, reason=f"not a JSON object: {exc.msg}")
            continue
        if not isinstance(obj, dict):
            yield ReadError(path=where, line=n, reason="line is JSON but not an object")
            continue
        text_key = next((k for k in _TEXT_KEYS if isinstance(obj.get(k), str) and obj[k].strip()), None)
        body = obj[text_key] if text_key else obj.get("html")
        if not isinstance(body, str) or not body.strip():
            yield ReadError(path=where, line=n, reason="needs a non-empty 'text' (or 'content') or 'html'")
            continue
        # an export without ids (a crawler's): the file and the line name the article, the same on every run
        doc_id = next((obj[k] for k in ("id", "doc_id") if obj.get(k) not in (None, "")), f"{stem}-{n}")
        is_html = text_key is None
        headline = obj.get("title")
        if not is_html and isinstance(headline, str) and headline.strip() and not body.lstrip().startswith(headline.strip()):
            body = headline.strip() + "\n" + body  # an export that keeps the headline apart from the text
        published = _published(next((obj[k] for k in _DATE_KEYS if obj.get(k) not in (None, "")), None))
        yield RawDoc(doc_id=str(doc_id), path=where, line=n, text=body, is_html=is_html,
                     url=obj.get("url") if isinstance(obj.get("url"), str) else None, published=published, encoding="utf-8")


def read_all(paths: list[Union[str, Path]]) -> Iterator[Union[RawDoc, ReadError]]:
    yield from read_found(*find_files(paths))


def read_found(files: list[str], errors: list[ReadError]) -> Iterator[Union[RawDoc, ReadError]]:
    """What find_files found, read: its errors first, then each file's articles."""
    yield from errors
    for f in files:
        yield from read_path(f)
