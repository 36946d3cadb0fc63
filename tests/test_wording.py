"""The project speaks of what it does, never of its tracker's numbers: no tracked file (git
ls-files) mentions a numbered issue; history belongs to git."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
NUMBERED_ISSUE = re.compile(r"\b[Ii]ssues? #?[0-9]+\b")


def mentions(text: str) -> list[str]:
    return [m.group(0) for m in NUMBERED_ISSUE.finditer(text)]


def test_the_pattern_finds_a_numbered_issue_and_nothing_else():
    assert mentions("as in " + "Iss" + "ue 7, and " + "iss" + "ues 12") == ["Iss" + "ue 7", "iss" + "ues 12"]
    assert mentions("an issue with 3 parts; issues, 2026-12-04") == []


def test_no_tracked_file_mentions_a_numbered_issue():
    r = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True)
    if r.returncode != 0:
        pytest.skip("not a git checkout: no list of tracked files")
    found = []
    for name in filter(None, r.stdout.decode().split("\0")):
        path = REPO / name
        if not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" in data:  # a picture or another binary file
            continue
        text = data.decode("utf-8", errors="replace")
        found += [f"{name}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}" for m in NUMBERED_ISSUE.finditer(text)]
    assert not found, "numbered issues mentioned (say what the code does instead):\n" + "\n".join(found)
