"""`mieux report --docx FILE`: the same figures as a Word document (python-docx)."""

from __future__ import annotations

from pathlib import Path

from reads.errors import BadInput
from reads.reports import lines as report_text
from reads.reports.figures import Figures


def write_docx(figures: Figures, path: Path) -> None:
    from docx import Document

    document = Document()
    document.add_heading(f"MIEUX figures, {figures.scope}", level=1)
    for line in report_text.report_lines(figures)[1:]:
        document.add_paragraph(line, style="List Bullet")
    for title, counts in report_text.report_tables(figures):
        document.add_heading(title, level=2)
        if not counts:
            document.add_paragraph("none")
            continue
        table = document.add_table(rows=1, cols=3)
        table.style = "Light List Accent 1"
        for cell, text in zip(table.rows[0].cells, ("", "Count", "Share"), strict=True):
            cell.text = text
        whole = sum(counts.values())
        for name, count in counts.items():
            cells = table.add_row().cells
            cells[0].text = name
            cells[1].text = str(count)
            cells[2].text = f"{100 * count / whole:.0f}%" if whole else "-"
    from reads.reports.tables import breakdown_tables

    for listed in breakdown_tables(figures):
        if not listed.rows:
            continue
        document.add_heading(listed.title, level=2)
        table = document.add_table(rows=1, cols=len(listed.headers))
        table.style = "Light List Accent 1"
        for cell, text in zip(table.rows[0].cells, listed.headers, strict=True):
            cell.text = text
        for cells in listed.rows:
            for cell, text in zip(table.add_row().cells, cells, strict=True):
                cell.text = text
    try:
        document.save(str(path))
    except OSError as error:
        raise BadInput(f"cannot write {path}: {error.strerror or error}") from None
