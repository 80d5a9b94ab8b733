"""`junit`: JUnit XML, one test suite per file and one failing test case per finding."""

from __future__ import annotations

from itertools import groupby
from xml.etree import ElementTree as ET

from zdr_lint.formats._common import text_path


def format_junit(findings: list, context) -> str:
    suites = ET.Element("testsuites", name="zdr-lint", tests=str(len(findings) or 1), failures=str(len(findings)), errors="0")
    if not findings:
        suite = ET.SubElement(suites, "testsuite", name="zdr-lint", tests="1", failures="0", errors="0")
        ET.SubElement(suite, "testcase", name="No findings", classname="zdr-lint")
    for path, group in groupby(findings, key=lambda f: text_path(f.path)):
        items = list(group)
        suite = ET.SubElement(suites, "testsuite", name=path, tests=str(len(items)), failures=str(len(items)), errors="0")
        for f in items:
            case = ET.SubElement(
                suite, "testcase", name=f"org.zdr-lint.{f.code}", classname=path,
                line=str(f.start.line), column=str(f.start.column + 1),
            )
            cell = f"cell {f.cell}, " if f.cell is not None else ""
            failure = ET.SubElement(case, "failure", message=f"{f.code} {f.message}", type=f.code)
            failure.text = f"{cell}line {f.start.line}, col {f.start.column + 1}, {f.message}"
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
