"""The exposure report, end to end through `zdr-lint report`: the JSON against its schema
(tests/data/report.schema.json), the markdown, and the HTML page opened in a real headless Chromium
(Debian's `chromium` package): its rendered text, its sorting, and a screenshot that is not blank."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import jsonschema
import pytest

from conftest import run_zdr

SCHEMA = json.loads((Path(__file__).parent / "data" / "report.schema.json").read_text(encoding="utf-8"))
APP = '''\
import anthropic

client = anthropic.Anthropic()
client.files.upload(file=open("a.pdf", "rb"))
client.files.list()  # noqa: ZDR001 -- ids only; the files are deleted nightly
client.messages.create(
    model="claude-sonnet-5-5",
    max_tokens=64,
    messages=[{"role": "user", "content": "hi"}],
    tools=[{"type": "code_execution_20250825", "name": "code_execution"}],
)
'''
NEW = 'client.messages.batches.create(requests=[])\nclient.skills.list()  # noqa: ZDR010\n'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "clinic-app"
    root.mkdir()
    (root / ".git").mkdir()
    (root / "app.py").write_text(APP, encoding="utf-8")
    assert run_zdr("check", "--no-cache", "--write-baseline", "zdr-baseline.json", ".", cwd=root).returncode == 0
    (root / "jobs.py").write_text("import anthropic\nclient = anthropic.Anthropic()\n" + NEW, encoding="utf-8")
    (root / "pyproject.toml").write_text('[tool.zdr-lint]\nbaseline = "zdr-baseline.json"\n', encoding="utf-8")
    return root


def report(project: Path, *flags: str):
    result = run_zdr("report", "--no-cache", *flags, ".", cwd=project, env={"SOURCE_DATE_EPOCH": "1796083200"})
    assert result.returncode == 0, result.stderr.decode()
    return result


def test_the_json_report_follows_its_schema_and_counts_every_use(project):
    data = json.loads(report(project, "--format", "json").stdout)
    jsonschema.validate(data, SCHEMA)
    assert data["generated_at"] == "2026-12-01T00:00:00Z" and data["profile"] == "zdr" and data["policy"]["caching"] == "scope"
    assert {k: data["summary"][k] for k in ("files_checked", "uses", "open", "baseline", "suppressed")} == {
        "files_checked": 2, "uses": 5, "open": 1, "baseline": 2, "suppressed": 2,
    }
    status = {(f["path"], f["line"], f["code"]): (f["status"], f["reason"]) for f in data["findings"]}
    assert status == {
        ("app.py", 4, "ZDR001"): ("baseline", None),
        ("app.py", 5, "ZDR001"): ("suppressed", "ids only; the files are deleted nightly"),
        ("app.py", 10, "ZDR006"): ("baseline", None),
        ("jobs.py", 3, "ZDR003"): ("open", None),
        ("jobs.py", 4, "ZDR010"): ("suppressed", None),
    }
    categories = {c["code"]: c for c in data["categories"]}
    files = categories["ZDR001"]["triggers"][0]
    assert (files["uses"], files["baseline"], files["suppressed"], files["holder"]) == (2, 1, 1, "Anthropic")
    assert categories["ZDR006"]["triggers"][0]["retention"] == "up to 30 days"
    assert categories["ZDR003"]["triggers"][0]["retention"] == "until processed; results retrievable for 29 days"
    assert "ZDR016" not in categories  # the zdr profile has no HIPAA-only code
    assert data["baseline"] == {"file": "zdr-baseline.json", "entries": 2, "matched": 2, "stale": 0}
    assert [(s["filename"], s["line"], s["reason"]) for s in data["suppressions"]] == [
        ("app.py", 5, "ids only; the files are deleted nightly"), ("jobs.py", 4, None),
    ]


def test_the_hipaa_report_says_what_happens_under_a_baa(project):
    data = json.loads(report(project, "--format", "json", "--profile", "hipaa", "--policy", "docs").stdout)
    jsonschema.validate(data, SCHEMA)
    assert data["profile"] == "hipaa" and set(data["policy"].values()) == {"docs"}
    categories = {c["code"]: c for c in data["categories"]}
    assert "ZDR016" in categories and "PDFs only sent inline" in categories["ZDR001"]["triggers"][0]["under_baa"]
    assert "HTTP 400" in categories["ZDR003"]["triggers"][0]["under_baa"]


def test_the_markdown_report(project):
    text = report(project).stdout.decode()
    assert text.startswith("# zdr-lint exposure report\n")
    assert "- Files checked: 2; uses found: 5 in 2 files (1 open, 2 in the baseline, 2 suppressed)" in text
    assert "| batch | ZDR003 | Message Batches API, /v1/messages/batches | 1 | 1 | batch requests and their results | Anthropic | until processed; results retrievable for 29 days | [scope], [docs] |" in text
    assert "| `app.py` | 5 | `# noqa: ZDR001` | ids only; the files are deleted nightly | ZDR001 ×1 |" in text
    assert "`zdr-baseline.json`: 2 entries, 2 matching a use today, 0 no longer matching." in text


def test_the_report_goes_to_a_file_through_the_safe_writer(project):
    out = project / "reports" / "zdr.html"
    result = report(project, "--format", "html", "--output-file", str(out))
    assert "Wrote the html report to" in result.stdout.decode() and "(5 uses in 2 files)" in result.stdout.decode() and out.is_file()
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html and "<script>" in html
    # one self-contained page: nothing to fetch
    for external in ("<link", "<script src", "@import", "url(", "<img", "<iframe", "http://", "https://"):
        assert external not in html, external


def test_one_use_in_one_file_is_counted_in_the_singular(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'one'\n")
    (tmp_path / "app.py").write_text("import anthropic\nanthropic.Anthropic().files.list()\n")
    text = report(tmp_path).stdout.decode()
    assert "- Files checked: 1; uses found: 1 in 1 file (1 open," in text


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("headless Chromium is not installed here (Debian: apt-get install chromium); the HTML report is checked in a real browser where it is")


def _browser(args: list, profile: Path) -> subprocess.CompletedProcess:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run", f"--user-data-dir={profile}"]
    return subprocess.run([_chromium(), *flags, *args], capture_output=True, timeout=180)


def _text(dom: str) -> str:
    import re

    return " ".join(re.sub(r"<[^>]+>", " ", dom).split())


def _png_pixels(data: bytes) -> tuple:
    """(width, height, rows of RGB(A) tuples) of an 8-bit RGB or RGBA PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos: pos + 8])
        chunk = data[pos + 8: pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    width, height, depth, colour, *_ = header
    assert depth == 8 and colour in (2, 6)
    channels = 3 if colour == 2 else 4
    raw, stride, rows, previous = zlib.decompress(idat), width * channels, [], bytearray(width * channels)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1: (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append([tuple(line[x: x + 3]) for x in range(0, stride, channels)])
        previous = line
    return width, height, rows


def test_the_html_report_in_a_real_browser(project, tmp_path):
    page = project / "report.html"
    report(project, "--format", "html", "--output-file", str(page))
    dom = _browser(["--dump-dom", page.as_uri()], tmp_path / "profile").stdout.decode()
    text = _text(dom)
    assert "zdr-lint exposure report" in text and "Profile: zdr (a Zero Data Retention arrangement)" in text
    assert "ZDR003 batch" in text and "until processed; results retrievable for 29 days" in text
    assert "ids only; the files are deleted nightly" in text
    assert "zdr-baseline.json : 2 entries, 2 matching a use today, 0 no longer matching." in text
    # the chart: a bar per category and status: ZDR001 (baseline, suppressed), ZDR003 (open), ZDR006 (baseline), ZDR010 (suppressed)
    assert dom.count("<rect") == 5

    # the table sorts, in the browser: by line, descending, as the address asks
    sorted_dom = _browser(["--dump-dom", page.as_uri() + "#sort=uses:1:desc"], tmp_path / "profile").stdout.decode()
    body = sorted_dom.split('<table id="uses"', 1)[1].split("</tbody>", 1)[0]
    import re

    lines = [int(v) for v in re.findall(r'<td data-value="(\d+)" class="num">', body)]
    assert lines == sorted(lines, reverse=True) and lines != [int(v) for v in re.findall(r'<td data-value="(\d+)" class="num">', dom.split('<table id="uses"', 1)[1].split("</tbody>", 1)[0])]
    assert 'aria-sort="descending"' in body.split("</thead>", 1)[0]

    shot = tmp_path / "report.png"
    _browser([f"--screenshot={shot}", "--window-size=1200,900", page.as_uri()], tmp_path / "profile")
    width, height, rows = _png_pixels(shot.read_bytes())
    assert (width, height) == (1200, 900)
    pixels = [p for row in rows[::4] for p in row[::4]]
    colours = set(pixels)
    inked = sum(1 for p in pixels if p != (255, 255, 255)) / len(pixels)
    assert len(colours) > 20 and 0.02 < inked < 0.9, (len(colours), inked)
    # the chart's bars are drawn: the open bar's red is on the page
    assert (207, 34, 46) in colours
