"""docs/instructors.md's nbval recipe runs as written (papermill -k lstm-agnews on tiny settings,
then pytest --nbval-lax on the executed copy), and the sample GitHub Actions workflow parses and
runs the same commands.

The recipe is read from the document itself, so the two cannot drift; only its ``OUT=`` line is
pointed at a temporary folder. The kernel "lstm-agnews" is registered in an isolated
JUPYTER_DATA_DIR, pointing at this interpreter (the user's registration may belong to another
checkout).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from conftest import child_env

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "instructors.md"
WORKFLOW = REPO / ".github" / "workflows" / "notebooks.yml"


def nbval_recipe() -> list[str]:
    """The lines of the first bash block of the doc's nbval section."""
    section = DOC.read_text().split("## Regression check with nbval", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.DOTALL)
    assert block, "docs/instructors.md: no bash block in the nbval section"
    return [l for l in block[1].splitlines() if l.strip()]


def test_the_workflow_parses_and_runs_the_documented_commands():
    wf = yaml.safe_load(WORKFLOW.read_text())
    triggers = wf.get("on", wf.get(True))  # YAML 1.1 reads the key `on` as True
    assert {"push", "pull_request"} <= set(triggers)
    steps = [s for job in wf["jobs"].values() for s in job["steps"]]
    runs = [s["run"] for s in steps if "run" in s]
    assert any(re.search(r"(^|\s)\./setup\.sh\b", r) for r in runs), "the workflow does not set up"
    script = "\n".join(runs)
    lines = [l.strip() for l in script.splitlines()]
    for line in nbval_recipe():
        if line.startswith("NB="):  # the workflow loops over every notebook instead
            assert re.search(r"for NB in .*notebooks.*\[0-9\]\[0-9\]_\*\.ipynb", script)
            continue
        assert line.strip() in lines, f"the workflow lacks the documented command: {line}"
    # the loop's notebook list is the series
    listing = subprocess.run(
        ["bash", "-c", "cd notebooks && ls [0-9][0-9]_*.ipynb | sed 's/\\.ipynb$//'"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert listing == sorted(p.stem for p in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")) and len(listing) == 8


@pytest.mark.slow
def test_the_documented_nbval_recipe_runs_as_written(tmp_path):
    lines = nbval_recipe()
    assert sum(l.startswith("OUT=") for l in lines) == 1
    out = tmp_path / "out"
    script = "\n".join(f"OUT={out}" if l.startswith("OUT=") else l for l in lines)
    kernel = tmp_path / "jupyter" / "kernels" / "lstm-agnews"
    kernel.mkdir(parents=True)
    starts = tmp_path / "kernel-starts"  # each start of the kernel adds a line
    (kernel / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [
                    "bash",
                    "-c",
                    f'echo started >> "{starts}"; exec "{sys.executable}" -m ipykernel_launcher -f "$0"',
                    "{connection_file}",
                ],
                "display_name": "LSTM AG News",
                "language": "python",
            }
        )
    )
    env = {**child_env(), "JUPYTER_DATA_DIR": str(tmp_path / "jupyter")}
    r = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=600
    )
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
    assert re.search(r"\b\d+ passed\b", r.stdout) and "failed" not in r.stdout, r.stdout[-2000:]
    nb_name = next(l.split("=", 1)[1] for l in lines if l.startswith("NB="))
    executed = nbformat.read(out / f"{nb_name}.ipynb", as_version=4)
    # papermill (-k) and nbval (--nbval-kernel-name) both ran the notebook in the kernel lstm-agnews
    assert starts.read_text().splitlines() == ["started", "started"]
    assert not [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert (out / "metrics").is_dir(), "the notebook did not write into OUT"
