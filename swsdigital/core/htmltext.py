"""Plain text from the sanitised HTML of the rich-text editor, for the text part of emails."""

import re
from html.parser import HTMLParser

_BLOCKS = {
    "blockquote", "div", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p", "pre", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
_VOID = {"br", "hr", "img", "col", "wbr"}
_SPACE = re.compile(r"[ \t\r\n\f]+")


class _Node:
    __slots__ = ("attrs", "children", "tag")

    def __init__(self, tag: str, attrs: dict):
        self.tag, self.attrs, self.children = tag, attrs, []


class _TreeBuilder(HTMLParser):
    """A forgiving tree of the HTML: an end tag closes the nearest open element of its name."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Node("", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = _Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(_Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def _inline(children, *, pre: bool = False) -> str:
    parts = []
    for child in children:
        if isinstance(child, str):
            parts.append(child if pre else _SPACE.sub(" ", child))
        elif child.tag == "br":
            parts.append("\n")
        elif child.tag == "img":
            parts.append(child.attrs.get("alt", ""))
        elif child.tag == "a":
            parts.append(_link(child))
        else:
            parts.append(_inline(child.children, pre=pre or child.tag == "pre"))
    return "".join(parts)


def _link(node: _Node) -> str:
    text = _clean_lines(_inline(node.children))
    href = node.attrs.get("href", "").strip()
    if not href:
        return text
    bare = href.split(":", 1)[1] if href.startswith(("mailto:", "tel:")) else href
    if not text or text in (href, bare) or text.rstrip("/") == href.rstrip("/"):
        return text or bare
    return f"{text} ({bare})"


def _clean_lines(text: str) -> str:
    lines = [re.sub(" {2,}", " ", line).strip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n")


def _blocks(children) -> list[str]:
    """Return the text blocks of a sequence of nodes; loose inline content becomes a paragraph."""
    blocks, inline = [], []

    def flush():
        text = _clean_lines(_inline(inline))
        if text:
            blocks.append(text)
        inline.clear()

    for child in children:
        if isinstance(child, str) or child.tag not in _BLOCKS:
            inline.append(child)
            continue
        flush()
        text = _block(child)
        if text:
            blocks.append(text)
    flush()
    return blocks


def _indent(text: str, first: str, rest: str) -> str:
    lines = text.split("\n")
    return "\n".join([first + lines[0], *[(rest + line) if line else "" for line in lines[1:]]])


def _block(node: _Node) -> str:
    tag = node.tag
    if tag == "hr":
        return "----"
    if tag == "pre":
        return _inline(node.children, pre=True).strip("\n")
    if tag in ("ul", "ol"):
        items = [child for child in node.children if isinstance(child, _Node) and child.tag == "li"]
        try:
            number = int(node.attrs.get("start") or 1)
        except ValueError:
            number = 1
        lines = []
        for item in items:
            marker = f"{number}. " if tag == "ol" else "- "
            number += 1
            text = "\n".join(_blocks(item.children))
            lines.append(_indent(text, marker, " " * len(marker)))
        return "\n".join(lines)
    if tag == "blockquote":
        text = "\n\n".join(_blocks(node.children))
        return "\n".join(f"> {line}" if line else ">" for line in text.split("\n")) if text else ""
    if tag == "table":
        return "\n".join(_rows(node))
    if tag in ("thead", "tbody", "tfoot", "tr"):
        return "\n".join(_rows(node))
    if tag == "li":
        return "\n".join(_blocks(node.children))
    # p, div, headings, a stray cell: its content, itself perhaps several blocks (a div of paragraphs).
    return "\n\n".join(_blocks(node.children))


def _rows(node: _Node) -> list[str]:
    rows = []
    for child in node.children:
        if not isinstance(child, _Node):
            continue
        if child.tag == "tr":
            cells = [c for c in child.children if isinstance(c, _Node) and c.tag in ("td", "th")]
            line = " | ".join(" ".join("\n".join(_blocks(cell.children)).split("\n")) for cell in cells)
            if line.strip(" |"):
                rows.append(line)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(_rows(child))
    return rows


def html_to_text(html: str) -> str:
    """Return readable text: paragraphs apart, list items as "- " or "1. ", links as "text (URL)", rows as lines."""
    builder = _TreeBuilder()
    builder.feed(html or "")
    builder.close()
    return "\n\n".join(_blocks(builder.root.children))
