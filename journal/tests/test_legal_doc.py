"""docs/legal.md names, for every rule, the test that checks it: a name there that is no test is an error.

A test is written `path/to/test_file.py::test_name`; `::test_name` and a bare `test_name` after it in the same
cell are in the same file; a bare name before any path in its cell must be a test somewhere in the project.
"""

import ast
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LEGAL = ROOT / "docs" / "legal.md"
TOKEN = re.compile(r"`([^`]+)`")


@cache
def _tests_in(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_")
    }


@cache
def _every_test():
    names = set()
    for path in ROOT.glob("*/tests/**/test_*.py"):
        names |= _tests_in(path)
    return names


def named_tests(text):
    """(path or None, test name) for every test the rule tables name."""
    out = []
    for line in text.splitlines():
        if not line.startswith("|") or line.startswith("|---"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] == "Rule":
            continue
        path = None
        for token in TOKEN.findall(cells[-1]):
            file, _sep, name = token.partition("::")
            if file.endswith(".py"):
                path = file
            if name:
                out.append((path, name.split("[")[0]))
            elif not file.endswith(".py") and file.startswith("test_"):
                out.append((path, file))
    return out


def missing_tests(text):
    missing = []
    for path, name in named_tests(text):
        if path is None:
            if name not in _every_test():
                missing.append(name)
        elif not (ROOT / path).is_file() or name not in _tests_in(ROOT / path):
            missing.append(f"{path}::{name}")
    return missing


def test_every_test_docs_legal_md_names_exists():
    text = LEGAL.read_text(encoding="utf-8")
    assert len(named_tests(text)) > 50
    assert missing_tests(text) == []


def test_a_test_name_that_does_not_exist_is_found():
    row = (
        "| Rule | Source | What | Where | Test |\n|---|---|---|---|---|\n"
        "| a | b | c | d | `journal/tests/test_chain.py::test_each_entry_links_to_the_previous_one`, "
        "`::test_no_such_test`, `test_payloads_are_hashed_in_canonical_json` |\n"
        "| a | b | c | d | `test_nowhere_at_all`, `journal/tests/test_gone.py::test_x` |\n"
    )
    assert missing_tests(row) == [
        "journal/tests/test_chain.py::test_no_such_test",
        "test_nowhere_at_all",
        "journal/tests/test_gone.py::test_x",
    ]
