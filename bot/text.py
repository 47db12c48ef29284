"""Turn feed markup into clean text: a real HTML parser (lxml), entities decoded, scripts and
styles dropped, control characters and lone surrogates removed, whitespace folded.

Measured on this project's machines for a 1 KB summary: lxml's HTML parser called directly
~7 µs, lxml.html.fragment_fromstring ~22 µs, selectolax/lexbor ~42 µs; so lxml, directly.
"""

from __future__ import annotations

import html
import re
import threading
import unicodedata

import lxml.etree

# Characters that must never reach storage or a chat: C0/C1 controls (but tab and newline),
# lone surrogates (JSON allows them), and the noncharacters U+FFFE/U+FFFF.
_BAD_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_MARKUP_HINT = re.compile(r"[<&]")
_TAG = re.compile(r"<[^>]*>")

_BLOCK_TAGS = (
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "blockquote", "section", "article", "header", "footer", "pre", "figure", "figcaption", "hr",
)  # fmt: skip
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "svg", "head")


def clean_text(text: str) -> str:
    """NFC-normalise, drop control characters and surrogates, fold whitespace.

    Paragraph breaks survive as single newlines; everything else becomes one space.
    (str.split is used for folding: ~6x faster than a regular expression here.)
    """
    if not text:
        return ""
    if not text.isascii():
        text = unicodedata.normalize("NFC", _BAD_CHARS.sub("", text))
    text = _BAD_CHARS.sub("", text)
    if "\n" not in text:
        return " ".join(text.split())
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


_local = threading.local()


def _parser() -> lxml.etree.HTMLParser:
    # lxml parsers must not be shared between threads: one per thread.
    parser: lxml.etree.HTMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = lxml.etree.HTMLParser(
            remove_comments=True, remove_pis=True, no_network=True, recover=True
        )
        _local.parser = parser
    return parser


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment (or of plain text that may hold entities)."""
    if not markup:
        return ""
    if not _MARKUP_HINT.search(markup):
        return clean_text(markup)
    safe = _BAD_CHARS.sub("", markup)
    try:
        root = lxml.etree.fromstring(safe, _parser())
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError):
        root = None
    if root is None:
        # Unparseable junk: fall back to stripping anything tag-shaped.
        return clean_text(html.unescape(_TAG.sub(" ", safe)))
    lxml.etree.strip_elements(root, *_DROP_TAGS, with_tail=False)
    for element in root.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
    return clean_text("".join(str(text) for text in root.itertext()))
