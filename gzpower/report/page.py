"""Shared HTML pieces of the report pages: number formatting, tables, the page frame, embedded PNG figures."""

from __future__ import annotations

import base64
import html
import math
import os
from pathlib import Path

CSS = """
body { font-family: "DejaVu Sans", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
  Helvetica, Arial, sans-serif; margin: 24px auto; max-width: 1240px;
       color: #212121; line-height: 1.4; }
h1 { font-size: 24px; margin-bottom: 4px; } h2 { font-size: 19px; margin-top: 32px;
     border-bottom: 2px solid #e0e0e0; padding-bottom: 4px; }
.sub { color: #555; margin-top: 0; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
th, td { border: 1px solid #e0e0e0; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f5f5f5; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.pass td.status { background: #c8e6c9; color: #1b5e20; font-weight: bold; }
tr.fail td.status { background: #ffcdd2; color: #b71c1c; font-weight: bold; }
tr.fail td.margin { color: #b71c1c; font-weight: bold; }
tr.pass td.margin { color: #1b5e20; }
tr.reported td.status { background: #eceff1; color: #37474f; }
tr.not-modelled td { color: #9e9e9e; font-style: italic; }
.verdict { font-size: 16px; padding: 8px 12px; display: inline-block; border-radius: 4px; }
.verdict.pass { background: #c8e6c9; color: #1b5e20; } .verdict.fail { background: #ffcdd2; color: #b71c1c; }
dl.facts { display: grid; grid-template-columns: max-content auto max-content auto; gap: 2px 14px;
           font-size: 13px; }
dl.facts dt { color: #555; } dl.facts dd { margin: 0; }
figure { margin: 18px 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eeeeee; }
figcaption { font-size: 12px; color: #555; }
footer { margin-top: 36px; font-size: 11px; color: #777; }
"""


def esc(value) -> str:
    return html.escape(str(value))


def fmt(value, unit: str = "") -> str:
    """A number as a reader wants it: shares with three decimals, large values with thousands separators."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, str):
        return value
    value = float(value)
    if "share" in unit or (unit in ("-", "") and abs(value) < 1.5 and value != int(value)):
        return f"{value:.3f}"
    if abs(value) >= 1e9:
        return f"{value / 1e9:,.3f} bn"
    if abs(value) >= 1e6:
        return f"{value / 1e6:,.3f} M"
    if abs(value) >= 100 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def table(
    header: list[str], rows: list[list[tuple[str, str]]], row_classes: list[str] | None = None, css_class: str = ""
) -> str:
    """rows: cells as (html content, css class of the cell)."""
    out = [
        f'<table class="{css_class}">',
        "<thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in header) + "</tr></thead>",
        "<tbody>",
    ]
    for i, row in enumerate(rows):
        cls = f' class="{row_classes[i]}"' if row_classes else ""
        out.append(f"<tr{cls}>" + "".join(f'<td class="{c}">{content}</td>' for content, c in row) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def facts(pairs: list[tuple[str, str]]) -> str:
    return '<dl class="facts">' + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in pairs) + "</dl>"


def figure_html(png: bytes, caption: str, stem: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure id="fig-{esc(stem)}"><img src="data:image/png;base64,{data}" alt="{esc(caption)}">'
        f"<figcaption>{esc(caption)} Also written as figures/{esc(stem)}.png.</figcaption></figure>"
    )


def document(title: str, body: list[str]) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write beside the target and rename, so a reader never sees half a page (nor, on a full disk, half a PNG)."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        if isinstance(content, bytes):
            tmp.write_bytes(content)
        else:
            tmp.write_text(content, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
