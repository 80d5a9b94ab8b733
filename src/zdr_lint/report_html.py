"""The exposure report as one self-contained HTML page: inline CSS, an inline script for sorting the
tables, an inline SVG chart of uses per category; no network, no external fonts or scripts. Imported
only by `zdr-lint report --format html`.

Every table whose header has `data-sort` sorts by a column when its header is clicked (again: the
other way). The page's address can ask for an order when it opens, `#sort=TABLE:COLUMN[:desc]`
(`report.html#sort=uses:3:desc`), which is how tests/test_report.py checks the sorting in a browser.
"""

from __future__ import annotations

from html import escape

from zdr_lint.report import BASELINE, OPEN, SUPPRESSED
from zdr_lint.suppressions_report import hides_text, place_text

CSS = """
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --open: #cf222e; --base: #9a6700; --supp: #57606a; --bg: #ffffff; --band: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 48px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink); background: var(--bg); }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
p.meta, .muted { color: var(--muted); }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin: 16px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; min-width: 130px; background: var(--band); }
.card b { display: block; font-size: 22px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { border: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: var(--band); white-space: nowrap; }
th[data-sort] { cursor: pointer; user-select: none; }
th[data-sort]::after { content: " \\2195"; color: var(--muted); }
th[aria-sort="ascending"]::after { content: " \\2191"; color: var(--ink); }
th[aria-sort="descending"]::after { content: " \\2193"; color: var(--ink); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.status-open { color: var(--open); font-weight: 600; }
.status-baseline { color: var(--base); }
.status-suppressed { color: var(--supp); }
svg text { font: 12px system-ui, sans-serif; fill: var(--ink); }
.legend span { display: inline-block; margin-right: 16px; }
.swatch { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: middle; }
"""

SCRIPT = r"""
(function () {
  function key(cell) {
    var text = cell.getAttribute("data-value");
    if (text === null) { text = cell.textContent.trim(); }
    var number = Number(text);
    return text !== "" && !isNaN(number) ? [0, number] : [1, text.toLowerCase()];
  }
  function sortTable(table, column, descending) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[column]), y = key(b.cells[column]);
      var order = x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0);
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      if (i === column) { th.setAttribute("aria-sort", descending ? "descending" : "ascending"); } else { th.removeAttribute("aria-sort"); }
    });
  }
  document.querySelectorAll("table[data-sortable]").forEach(function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      if (!th.hasAttribute("data-sort")) { return; }
      th.addEventListener("click", function () { sortTable(table, i, th.getAttribute("aria-sort") === "ascending"); });
    });
  });
  var wanted = /#sort=([\w-]+):(\d+)(:desc)?/.exec(window.location.hash);
  if (wanted) {
    var table = document.getElementById(wanted[1]);
    if (table) { sortTable(table, Number(wanted[2]), Boolean(wanted[3])); }
  }
})();
"""

_COLOURS = {OPEN: "#cf222e", BASELINE: "#d4a72c", SUPPRESSED: "#8c959f"}


def _table(table_id: str, headers: list, rows: list) -> str:
    """A sortable table: `rows` hold (text, sort value or None, css class or "") cells, already escaped."""
    head = "".join(f'<th data-sort scope="col">{escape(h)}</th>' for h in headers)
    body = []
    for row in rows:
        cells = []
        for text, value, css in row:
            attrs = (f' data-value="{escape(str(value))}"' if value is not None else "") + (f' class="{css}"' if css else "")
            cells.append(f"<td{attrs}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table id="{table_id}" data-sortable><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _chart(categories: list) -> str:
    """A horizontal bar per category with uses, stacked by status, in inline SVG."""
    used = [c for c in categories if c["uses"]]
    if not used:
        return '<p class="muted">No use found: nothing to chart.</p>'
    most = max(c["uses"] for c in used)
    label_width, bar_width, row = 230, 520, 26
    height = row * len(used) + 10
    parts = [f'<svg id="chart" role="img" aria-label="Uses per category" width="{label_width + bar_width + 60}" height="{height}" viewBox="0 0 {label_width + bar_width + 60} {height}">']
    for i, c in enumerate(used):
        y = 5 + i * row
        parts.append(f'<text x="0" y="{y + 15}">{escape(c["code"])} {escape(c["category"])}</text>')
        x = label_width
        for status in (OPEN, BASELINE, SUPPRESSED):
            width = round(bar_width * c[status] / most) if c[status] else 0
            if width:
                parts.append(f'<rect x="{x}" y="{y + 2}" width="{width}" height="{row - 8}" fill="{_COLOURS[status]}"><title>{escape(c["category"])}: {c[status]} {status}</title></rect>')
                x += width
        parts.append(f'<text x="{x + 6}" y="{y + 15}">{c["uses"]}</text>')
    parts.append("</svg>")
    legend = "".join(f'<span><i class="swatch" style="background:{_COLOURS[s]}"></i>{s}</span>' for s in (OPEN, BASELINE, SUPPRESSED))
    return "".join(parts) + f'<p class="legend">{legend}</p>'


def html(report: dict) -> str:
    s = report["summary"]
    hipaa = report["profile"] == "hipaa"
    policy = ", ".join(f"<code>{escape(t)}</code> = {escape(p)}" for t, p in report["policy"].items())
    cards = "".join(
        f'<div class="card"><b>{value}</b>{escape(label)}</div>'
        for value, label in ((s["uses"], "uses found"), (s[OPEN], "open findings"), (s[BASELINE], "in the baseline"),
                             (s[SUPPRESSED], "suppressed"), (s["files_with_uses"], "files with uses"), (s["files_checked"], "files checked"))
    )
    exposure_rows = []
    for c in report["categories"]:
        for t in c["triggers"]:
            if not t["uses"]:
                continue
            row = [
                (escape(c["category"]), None, ""), (escape(c["code"]), None, ""), (escape(t["label"]), None, ""),
                (str(t["uses"]), t["uses"], "num"), (str(t[OPEN]), t[OPEN], "num"),
                (escape(t["kept"]), None, ""), (escape(t["holder"]), None, ""), (escape(t["retention"]), None, ""),
                (", ".join(f"[{escape(x)}]" for x in t["sources"]), None, ""),
            ]
            if hipaa:
                row.append((escape(t["under_baa"] or "-"), None, ""))
            exposure_rows.append(row)
    exposure_headers = ["category", "code", "trigger", "uses", "open", "what is kept", "kept by", "how long", "sources"] + (["under a HIPAA BAA"] if hipaa else [])
    quiet = [c["code"] for c in report["categories"] if not c["uses"]]
    where_rows = []
    for r in report["findings"]:
        line = f"cell {r['cell']}:{r['line']}" if r["cell"] is not None else str(r["line"])
        where_rows.append([
            (f"<code>{escape(r['path'])}</code>", None, ""), (escape(line), r["line"], "num"), (escape(r["code"]), None, ""),
            (escape(r["severity"]), None, ""), (escape(r["status"]), None, f"status-{r['status']}"),
            (escape(r["message"]), None, ""), (escape(r["reason"] or ""), None, ""),
        ])
    suppression_rows = []
    for item in report["suppressions"]:
        hides = escape(hides_text(item["suppressed"], item["unused"], item["suppresses_nothing"]))
        suppression_rows.append([
            (f"<code>{escape(item['filename'])}</code>", None, ""), (escape(place_text(item["cell"], item["line"])), item["line"], "num"),
            (f"<code>{escape(item['directive'])}</code>", None, ""), (escape(item["reason"]) if item["reason"] else "<b>none</b>", None, ""), (hides, None, ""),
        ])
    b = report["baseline"]
    baseline = (
        f"<p><code>{escape(b['file'])}</code>: {b['entries']} entries, {b['matched']} matching a use today, {b['stale']} no longer matching.</p>"
        if b else '<p class="muted">No baseline in use.</p>'
    )
    sources = "".join(f"<li>[{escape(k)}] {escape(v)}</li>" for k, v in report["sources"].items())
    topics = "".join(f"<li><code>{escape(t)}</code> = {escape(report['policy'][t])}: {escape(v)}</li>" for t, v in report["policy_topics"].items())
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>zdr-lint exposure report</title>
<style>{CSS}</style>
</head>
<body>
<h1>zdr-lint exposure report</h1>
<p class="meta">Project <code>{escape(report['root'])}</code>; generated {escape(report['generated_at'])} by zdr-lint {escape(report['tool']['version'])}.</p>
<p>Profile: <b id="profile">{escape(report['profile'])}</b> ({'a HIPAA BAA' if hipaa else 'a Zero Data Retention arrangement'}). Policy where Anthropic's sources disagree: {policy}.</p>
<div class="cards">{cards}</div>
<h2>Uses per category</h2>
{_chart(report['categories'])}
<h2>What leaves, where it goes, for how long</h2>
{_table('exposure', exposure_headers, exposure_rows) if exposure_rows else '<p class="muted">No use found.</p>'}
{f'<p class="muted">No use found of: {escape(", ".join(quiet))}.</p>' if quiet else ''}
<h2>Where</h2>
{_table('uses', ['file', 'line', 'code', 'severity', 'status', 'what', 'reason'], where_rows) if where_rows else '<p class="muted">No use found.</p>'}
<h2>Suppressions</h2>
{_table('suppressions', ['file', 'line', 'directive', 'reason', 'suppresses'], suppression_rows) if suppression_rows else '<p class="muted">No suppression of a zdr-lint finding.</p>'}
<h2>Baseline</h2>
{baseline}
<h2>Sources</h2>
<ul>{sources}</ul>
<h2>Policy topics</h2>
<ul>{topics}</ul>
<script>{SCRIPT}</script>
</body>
</html>
"""
