"""Which kind of document some bytes are, decided by their content rather than a file extension."""

from __future__ import annotations

import re

from bot.errors import InputError

MAX_INPUT_BYTES = 20 * 1024 * 1024

# Formats, named as in Story.source_format.
CONTENT_API = "content_api"
FEED = "feed"
HTML = "html"
TEXT = "text"

_MAGIC = (
    (b"%PDF-", "a PDF"),
    (b"PK\x03\x04", "a ZIP archive (or Word/Excel file)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"\x7fELF", "a program"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# Byte order marks of the encodings other than UTF-8 that sniff() reads.
_WIDE_BOMS = tuple(bom for bom, name in _BOMS if name != "utf-8")
# C0 controls other than tab, newline, form feed and carriage return: text has almost none.
_CONTROL_BYTES = bytes(range(0x00, 0x09)) + b"\x0b" + bytes(range(0x0E, 0x20)) + b"\x7f"
_WHITESPACE = b" \t\r\n\x0c"
_SAY_WHAT = "newsbot reads plain-text stories, Content API JSON, Atom/RSS feeds and saved GOV.UK pages."


def check_size(data: bytes) -> None:
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(
            f"too large: {len(data) / 1_048_576:.1f} MB (the limit is {MAX_INPUT_BYTES // 1_048_576} MB)."
        )


def sniff(data: bytes) -> tuple[str, bytes, str | None]:
    """(format, bytes without BOM, text) for `data`; text is None for XML, whose parser decodes it.

    Raises InputError for empty, binary and non-UTF-8 input.
    """
    check_size(data)
    encoding = "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding, data = name, data[len(bom) :]
            break
    if encoding == "utf-8":
        for magic, what in _MAGIC:
            if data.startswith(magic):
                raise InputError(f"binary file ({what}). {_SAY_WHAT}")
        if b"\x00" in data:
            raise InputError(f"binary file (it contains NUL bytes). {_SAY_WHAT}")
    text = _decode(data, encoding)
    head = text.lstrip()[:2048]
    if not head:
        raise InputError("empty: there is nothing in it to read (only whitespace, or no bytes at all).")
    sample = data[:8192] if encoding == "utf-8" else text[:8192].encode("utf-8")
    # Text rarely has any control byte: a memchr-speed `in` for each rules them out in half the time
    # that counting them with translate() takes.
    if any(byte in sample for byte in _CONTROL_BYTES):
        controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
        if controls > max(8, len(sample) // 100):
            raise InputError(f"binary file (it is full of control characters). {_SAY_WHAT}")
    kind = _kind(head)
    if kind == FEED:
        # The XML parser reads the encoding declaration itself; hand it UTF-8 when we decoded.
        # Whitespace before "<?xml" is a fatal error to expat, and harmless to drop.
        return kind, data.lstrip(_WHITESPACE) if encoding == "utf-8" else _reencode(text), None
    return kind, data, text


def read_as_utf8(data: bytes) -> bool:
    """Whether sniff() decodes `data` (JSON or plain text, not XML) as UTF-8: it has no UTF-16/32 BOM."""
    return not data.startswith(_WIDE_BOMS)


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        declared = _declared_encoding(data) if encoding == "utf-8" else None
        if declared:
            # XML in ISO-8859-1 or similar is legal: it says so in its declaration.
            try:
                return data.decode(declared)
            except (LookupError, UnicodeDecodeError):
                pass
        bad = data[err.start]
        raise InputError(
            f"not UTF-8 text (byte 0x{bad:02X} at offset {err.start} is not valid UTF-8); "
            "save the file as UTF-8 and try again."
        ) from None


def _declared_encoding(data: bytes) -> str | None:
    head = data[:200].lstrip(_WHITESPACE).lower()
    if not head.startswith(b"<?xml"):
        return None
    declaration = head.split(b"?>", 1)[0]
    match = re.search(rb"encoding\s*=\s*[\"']([a-z0-9._-]+)", declaration)
    return match.group(1).decode("ascii") if match else None


def _reencode(text: str) -> bytes:
    # Decoded from UTF-16/32: drop any declaration naming that encoding, then give expat UTF-8.
    stripped = text.lstrip()
    if stripped.startswith("<?xml"):
        stripped = stripped.split("?>", 1)[-1]
    return stripped.encode("utf-8")


def _kind(head: str) -> str:
    """The format of a text starting with `head` (its first 2,048 characters, left-stripped)."""
    # "[build-system]" opens a TOML or INI file, not a JSON array
    if head.startswith("{") or head.startswith("[") and not head[1:2].isalpha():
        return CONTENT_API
    if not head.startswith("<"):
        return TEXT
    # Lowercased a few characters at a time: lowering all 2,048 costs as much as decoding them.
    start = head[:16].lower()
    if start.startswith(("<!doctype html", "<html")):
        return HTML
    if start.startswith(("<feed", "<rss", "<rdf:rdf")):
        return FEED
    if start.startswith(("<?xml", "<!--", "<!doctype")):
        # Look past the prologue at the first element: XHTML pages start with <?xml too.
        root = re.search(r"<(?![?!])([a-z][a-z0-9:._-]*)", head.lower())
        if root and root.group(1) in ("html", "head", "body"):
            return HTML
        return FEED
    return HTML
