"""One document, two renderings: Markdown (diffable, hashable) and Word (what staff use).

Documents are built as a short list of blocks, so both renderings say the same thing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from docx import Document
from docx.document import Document as WordDocument
from docx.oxml import OxmlElement
from docx.shared import Inches, Pt

from glossary.languages import RIGHT_TO_LEFT


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Facts:
    """Label-value pairs: a two-column table in Word, bold labels in Markdown."""

    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Block = Heading | Paragraph | Bullets | Facts | Table


@dataclass(frozen=True)
class Content:
    title: str
    reference: str
    blocks: tuple[Block, ...]
    language: str = "en"  # the reader's (glossary/languages.py): Word's proofing language


def to_markdown(content: Content) -> str:
    lines = [f"# {_md(content.title)}", ""]
    for block in content.blocks:
        lines += _markdown_block(block)
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def to_docx(content: Content) -> bytes:
    document = Document()
    properties = document.core_properties
    properties.title = content.title
    properties.subject = f"MIEUX {content.reference}"
    properties.keywords = content.reference
    properties.author = "mieux-flow"
    properties.language = content.language
    document.styles["Normal"].font.size = Pt(11)
    for section in document.sections:  # room for the tables of a programme's documents
        section.left_margin = section.right_margin = Inches(0.8)
    document.add_heading(content.title, level=1)
    for block in content.blocks:
        _docx_block(document, block)
    if content.language in RIGHT_TO_LEFT:
        _right_to_left(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _right_to_left(document: WordDocument) -> None:
    """Arabic reads from the right: every paragraph bidirectional (so it starts at the
    right margin), every run right to left, every table laid out from the right
    (WordprocessingML's w:bidi, w:rtl, w:bidiVisual; python-docx has no API for them)."""
    paragraphs = list(document.paragraphs)
    for table in document.tables:
        properties = table._tbl.tblPr
        properties.append(OxmlElement("w:bidiVisual"))
        paragraphs += [p for row in table.rows for cell in row.cells for p in cell.paragraphs]
    for paragraph in paragraphs:
        paragraph._p.get_or_add_pPr().insert(0, OxmlElement("w:bidi"))
        for run in paragraph.runs:
            run._r.get_or_add_rPr().append(OxmlElement("w:rtl"))


def _markdown_block(block: Block) -> list[str]:
    match block:
        case Heading(text, level):
            return [f"{'#' * max(2, min(level, 6))} {_md(text)}"]
        case Paragraph(text):
            return "\n\n".join(_md(p) for p in _paragraphs(text)).split("\n")
        case Bullets(items):
            return [f"- {_md(item)}" for item in items] or ["- (none)"]
        case Facts(pairs):
            return [f"**{_md(label)}:** {_md(value)}  " for label, value in pairs]
        case Table(header, rows):
            return [
                _md_row(header),
                _md_row(tuple("---" for _ in header)),
                *(_md_row(row) for row in rows),
            ]
    raise TypeError(f"unknown block {block!r}")


def _docx_block(document: WordDocument, block: Block) -> None:
    match block:
        case Heading(text, level):
            document.add_heading(text, level=max(2, min(level, 6)))
        case Paragraph(text):
            for paragraph in _paragraphs(text):
                document.add_paragraph(paragraph)
        case Bullets(items):
            for item in items or ("(none)",):
                document.add_paragraph(_inline(item), style="List Bullet")
        case Facts(pairs):
            _docx_table(document, None, pairs)
        case Table(header, rows):
            _docx_table(document, header, rows)


def _docx_table(
    document: WordDocument, header: tuple[str, ...] | None, rows: tuple[tuple[str, ...], ...]
) -> None:
    width = len(header) if header else 2
    table = document.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    table.autofit = False
    columns = _column_widths(document, list(rows), width, header)
    small = width > 4  # wide tables in 9 pt, so their words fit their columns whole
    if header:
        cells = table.add_row().cells
        for cell, text in zip(cells, header, strict=True):
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, row, strict=True)):
            cell.text = text
            if header is None and index == 0:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
    for column, column_width in zip(table.columns, columns, strict=True):
        column.width = column_width  # the table's grid, which LibreOffice reads
    for row_cells in table.rows:
        for cell, column_width in zip(row_cells.cells, columns, strict=True):
            cell.width = column_width  # Word reads a column's width from its cells
            if small:
                for run in cell.paragraphs[0].runs:
                    run.font.size = Pt(9)
    document.add_paragraph()


def _column_widths(
    document: WordDocument,
    rows: list[tuple[str, ...]],
    count: int,
    header: tuple[str, ...] | None = None,
) -> list[int]:
    """Each column as wide as its longest word at least (no "Mappin g"), the rest of the
    page shared by how much text each column holds (issue 21)."""
    section = document.sections[-1]
    usable = int(section.page_width - section.left_margin - section.right_margin)
    per_char = int(Pt(9 if count > 4 else 11) * 0.62)  # a character's width, on average
    padding = int(Pt(12))  # the cell's own margins, left and right
    longest = [max((len(w) for r in rows for w in r[c].split()), default=1) for c in range(count)]
    if header:  # bold: a fifth wider
        longest = [
            max(word, *(len(w) * 6 // 5 + 1 for w in header[c].split()))
            for c, word in enumerate(longest)
        ]
    amount = [max(1.0, sum(len(r[c]) for r in rows) / max(1, len(rows))) for c in range(count)]
    floors = [word * per_char + padding for word in longest]
    if sum(floors) > usable:  # no room for every word whole: share the page by the floors
        return [usable * floor // sum(floors) for floor in floors]
    spare = usable - sum(floors)
    total = sum(amount)
    return [floor + int(spare * share / total) for floor, share in zip(floors, amount, strict=True)]


def _inline(text: str) -> str:
    # One line per block keeps the Markdown well-formed whatever staff typed.
    return " ".join(text.split())


def _md(text: str) -> str:
    """Text as Markdown shows it, never as HTML it would pass through (issue 22.14): a
    `<script>` someone typed into a request stays visible text on the public pages."""
    return _inline(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _md_row(cells: tuple[str, ...]) -> str:
    return "| " + " | ".join(_md(cell).replace("|", "\\|") for cell in cells) + " |"


def _paragraphs(text: str) -> list[str]:
    """Blank lines separate paragraphs; other line breaks are just wrapping."""
    found = [_inline(part) for part in text.replace("\r\n", "\n").split("\n\n")]
    return [part for part in found if part] or [""]


def to_html(
    content: Content, *, home: str = "", home_label: str = "All MIEUX Actions", other: str = ""
) -> str:
    """A web page of its own (no script, no external file); `home` links back to an index,
    `other` is a ready-made link to the same page in another language."""
    from html import escape

    direction = "rtl" if content.language in RIGHT_TO_LEFT else "ltr"
    parts = [
        f'<!doctype html><html lang="{escape(content.language)}" dir="{direction}">'
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(content.title)}</title><style>{PAGE_STYLE}</style></head><body>",
    ]
    if home or other:
        links = [f'<a href="{escape(home)}">{escape(home_label)}</a>'] if home else []
        parts.append(f"<p>{' · '.join([*links, *([other] if other else [])])}</p>")
    parts.append(f"<h1>{escape(_inline(content.title))}</h1>")
    for block in content.blocks:
        parts.append(_html_block(block))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


PAGE_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:56rem;margin:2rem auto;padding:0 1rem;"
    "color:#222}table{border-collapse:collapse;margin:.5rem 0}th,td{padding:.3rem .6rem;"
    "border-bottom:1px solid #ddd;text-align:start;vertical-align:top}th{background:#f3f3f3}"
    "dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}"
)


def _html_block(block: Block) -> str:
    from html import escape

    def cell(text: str, tag: str = "td") -> str:
        return f"<{tag}>{escape(_inline(text))}</{tag}>"

    match block:
        case Heading(text, level):
            n = max(2, min(level, 6))
            return f"<h{n}>{escape(_inline(text))}</h{n}>"
        case Paragraph(text):
            return "".join(f"<p>{escape(p)}</p>" for p in _paragraphs(text))
        case Bullets(items):
            return "<ul>" + "".join(cell(i, "li") for i in items or ("(none)",)) + "</ul>"
        case Facts(pairs):
            return "<dl>" + "".join(cell(k, "dt") + cell(v, "dd") for k, v in pairs) + "</dl>"
        case Table(header, rows):
            head = "<tr>" + "".join(cell(h, "th") for h in header) + "</tr>"
            body = "".join("<tr>" + "".join(cell(c) for c in row) + "</tr>" for row in rows)
            return f"<table><thead>{head}</thead><tbody>{body}</tbody></table>"
    raise TypeError(f"unknown block {block!r}")
