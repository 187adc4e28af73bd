"""`mieux report --html FILE`: one self-contained page (no script, no font, no image file) with
inline SVG charts of time in stage against targets and of outcomes, then every table.

Every value from an Action goes through `html.escape`: titles and themes are partners' text.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from glossary.names import stage_words
from reads.reports import lines as report_text
from reads.reports.figures import OUTCOMES, Figures
from reads.reports.tables import ReportTable, breakdown_tables

# One colour per outcome, in OUTCOMES order; readable on white and by colour-blind readers
# (Okabe-Ito palette).
OUTCOME_COLOURS = ("#E69F00", "#56B4E9", "#009E73", "#D55E00", "#CC79A7", "#999999")
BAR = 18  # px, one bar's height
LABEL = 270  # px, the label column (stage names run to 36 characters)
WIDTH = 800  # px, the whole chart


def _time_chart(figures: Figures) -> str:
    rows = figures.time_in_stage
    if not rows:
        return "<p>No stay in a stage has ended yet.</p>"
    longest = max(max(r.p90_days, r.target_days or 0) for r in rows) or 1.0
    scale = (WIDTH - LABEL - 60) / longest
    height = len(rows) * (BAR * 2 + 10) + 30
    parts = [
        f'<svg role="img" aria-label="Time in stage" width="{WIDTH}" height="{height}"'
        f' viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    y = 10
    for row in rows:
        name = escape(stage_words(row.stage))
        parts.append(f'<text x="0" y="{y + BAR}" class="label">{name}</text>')
        for offset, days, colour, what in (
            (0, row.median_days, "#0072B2", "median"),
            (BAR, row.p90_days, "#56B4E9", "90th percentile"),
        ):
            w = max(1.0, days * scale)
            parts.append(
                f'<rect x="{LABEL}" y="{y + offset}" width="{w:.1f}" height="{BAR - 2}"'
                f' fill="{colour}"><title>{name}: {what} {days:.1f} d</title></rect>'
                f'<text x="{LABEL + w + 4:.1f}" y="{y + offset + BAR - 5}" class="value">'
                f"{days:.1f} d</text>"
            )
        if row.target_days is not None:
            x = LABEL + row.target_days * scale
            parts.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y - 3}" y2="{y + 2 * BAR + 1}"'
                f' stroke="#D55E00" stroke-width="2" stroke-dasharray="4 2">'
                f"<title>target {row.target_days:g} d</title></line>"
            )
        y += BAR * 2 + 10
    parts.append(
        f'<text x="{LABEL}" y="{y + 10}" class="value">dark: median; light: 90th percentile;'
        " dashed: the policy's target</text></svg>"
    )
    return "".join(parts)


def _outcome_chart(figures: Figures, dimension: str) -> str:
    groups = figures.by(dimension)
    if not groups:
        return ""
    most = max(g.actions for g in groups) or 1
    scale = (WIDTH - LABEL - 40) / most
    height = len(groups) * (BAR + 6) + 40
    parts = [
        f'<svg role="img" aria-label="Outcomes by {escape(dimension)}" width="{WIDTH}"'
        f' height="{height}" viewBox="0 0 {WIDTH} {height}"'
        ' xmlns="http://www.w3.org/2000/svg">'
    ]
    y = 4
    for g in groups:
        parts.append(f'<text x="0" y="{y + BAR - 4}" class="label">{escape(g.group)}</text>')
        x = float(LABEL)
        for outcome, colour in zip(OUTCOMES, OUTCOME_COLOURS, strict=True):
            count = g.outcomes.get(outcome, 0)
            if count:
                w = count * scale
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{BAR}" fill="{colour}">'
                    f"<title>{escape(g.group)}: {count} {outcome}</title></rect>"
                )
                x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + BAR - 4}" class="value">{g.actions}</text>')
        y += BAR + 6
    x = 0
    for outcome, colour in zip(OUTCOMES, OUTCOME_COLOURS, strict=True):
        parts.append(
            f'<rect x="{x}" y="{y + 8}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16}" y="{y + 18}" class="value">{outcome}</text>'
        )
        x += 120
    parts.append("</svg>")
    return "".join(parts)


def _table(listed: ReportTable) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in listed.headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in cells) + "</tr>"
        for cells in listed.rows
    )
    return f"<h2>{escape(listed.title)}</h2><table><thead><tr>{head}</tr></thead>{body}</table>"


def _counts(title: str, counts: dict[str, int]) -> str:
    whole = sum(counts.values())
    rows = [
        (name, str(n), f"{100 * n / whole:.0f}%" if whole else "") for name, n in counts.items()
    ]
    return _table(ReportTable(name="", title=title, headers=("", "Count", "Share"), rows=rows))


STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; color: #222; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .5rem 0; font-size: .9rem; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid #ddd; text-align: left; }
th { background: #f3f3f3; }
svg .label { font-size: 13px; } svg .value { font-size: 11px; fill: #444; }
"""


def page(figures: Figures) -> str:
    lines = report_text.report_lines(figures)
    parts = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(lines[0])}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(lines[0])}</h1><ul>",
        *(f"<li>{escape(line)}</li>" for line in lines[1:]),
        "</ul><h2>Time in stage against targets</h2>",
        _time_chart(figures),
    ]
    for dimension in ("year", "region", "theme"):
        parts.append(f"<h2>Outcomes by {escape(dimension)}</h2>")
        parts.append(_outcome_chart(figures, dimension))
    for title, counts in report_text.report_tables(figures):
        if counts:
            parts.append(_counts(title, dict(counts)))
    parts.extend(_table(t) for t in breakdown_tables(figures) if t.rows)
    parts.append("</body></html>")
    return "".join(parts)


def write_html(figures: Figures, path: Path) -> None:
    path.write_text(page(figures), encoding="utf-8")
