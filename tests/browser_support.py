"""Plumbing of the browser test (tests/test_browser.py): JupyterLab started from this environment
on 127.0.0.1, the system's Chromium driven by Playwright, and a learner's path through one
notebook: open it from the file browser, edit the parameters cell in the editor, Run -> Run All
Cells, look at what came out, save. Whatever a learner would see go wrong becomes an
AssertionError that carries the error text, a screenshot path and the page's console errors."""

from __future__ import annotations

import ast
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import unquote

import nbformat

# Debian's /usr/bin/chromium is a shell wrapper (it adds flags and prints shell noise on some
# machines); the browser itself sits behind it.
DEBIAN_CHROMIUM = "/usr/lib/chromium/chromium"
INSTALL_HINT = (
    "install Chromium from the system packages (Debian/Ubuntu, as root: "
    "apt-get install chromium; ./run_tests.sh does it when run as root) "
    "or set CHROMIUM_PATH=/path/to/chromium"
)


def find_chromium() -> str | None:
    """The system's Chromium: $CHROMIUM_PATH, Debian's binary, or chromium/chromium-browser on PATH."""
    given = os.environ.get("CHROMIUM_PATH")
    if given:
        return given if os.access(given, os.X_OK) else None
    if os.access(DEBIAN_CHROMIUM, os.X_OK):
        return DEBIAN_CHROMIUM
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


# ---------------------------------------------------------------------------------------------
# JupyterLab from this environment
# ---------------------------------------------------------------------------------------------


class JupyterLab:
    """``python -m jupyterlab`` from this environment, serving ``root`` on 127.0.0.1 (a port the
    system picks, a random token), its settings, workspaces and runtime files in ``state``.
    The user's kernels (``setup.sh`` registers "LSTM AG News" there) stay visible."""

    def __init__(self, root: Path, state: Path, *extra_args: str):
        self.root, self.state, self.extra_args = Path(root), Path(state), list(extra_args)
        self.token = secrets.token_hex(16)
        self.proc: subprocess.Popen | None = None
        self.port: int | None = None
        self.log_path = self.state / "jupyterlab.log"

    def start(self, timeout: float = 120) -> "JupyterLab":
        for d in ("config", "runtime", "settings", "workspaces"):
            (self.state / d).mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env.pop("TF_CPP_MIN_LOG_LEVEL", None)  # what a learner's kernel gets (the tests set it)
        env.update(
            JUPYTER_CONFIG_DIR=str(self.state / "config"),  # no user config
            JUPYTER_RUNTIME_DIR=str(self.state / "runtime"),
            PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        )
        cmd = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",
            "--ip=127.0.0.1",
            "--port=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            f"--LabApp.user_settings_dir={self.state / 'settings'}",
            f"--LabApp.workspaces_dir={self.state / 'workspaces'}",
            *self.extra_args,
        ]
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                cmd,
                cwd=self.root,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        info = self.state / "runtime" / f"jpserver-{self.proc.pid}.json"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with status {self.proc.returncode}:\n{self.log_tail()}")
            if info.is_file():
                try:
                    self.port = json.loads(info.read_text())["port"]
                    self.api("GET", "api/status")
                    return self
                except (ValueError, KeyError, OSError):
                    pass
            time.sleep(0.5)
        raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def url(self, path: str = "lab") -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def api(self, method: str, path: str, timeout: float = 30):
        req = urllib.request.Request(self.url(path), method=method, headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            body = r.read()
        return json.loads(body) if body else None

    def session_for(self, notebook: Path) -> dict | None:
        rel = notebook.relative_to(self.root).as_posix()
        return next((s for s in self.api("GET", "api/sessions") if s.get("path") == rel), None)

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> None:
        """Shut every kernel down through the server, then stop the server; whatever it started
        and is still running afterwards is killed."""
        if self.proc is None:
            return
        import psutil

        try:
            children = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.Error:
            children = []
        if self.proc.poll() is None and self.port:
            try:
                for k in self.api("GET", "api/kernels", timeout=5):
                    self.api("DELETE", f"api/kernels/{k['id']}", timeout=20)
            except OSError:
                pass
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        for child in children:
            try:
                child.kill()
            except psutil.Error:
                pass
        psutil.wait_procs(children, timeout=10)
        self.proc = None


# ---------------------------------------------------------------------------------------------
# The learner
# ---------------------------------------------------------------------------------------------


_PROMPTS_JS = """panel => Array.from(panel.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt'))
                                .map(e => e.textContent.trim())"""

_OUTPUTS_JS = """async panel => {
  const outs = Array.from(panel.querySelectorAll('.jp-OutputArea-output'));
  const stderr = outs.filter(e => e.getAttribute('data-mime-type') === 'application/vnd.jupyter.stderr')
                     .map(e => e.textContent);
  const images = [];
  for (const img of panel.querySelectorAll('.jp-RenderedImage img')) {
    img.scrollIntoView();
    try { await img.decode(); } catch (e) {}
    const r = img.getBoundingClientRect();
    images.push({naturalWidth: img.naturalWidth, width: r.width, height: r.height});
  }
  const lime = [];
  for (const div of panel.querySelectorAll('.jp-OutputArea-output .lime.top_div')) {
    div.scrollIntoView();
    const r = div.getBoundingClientRect();
    lime.push({height: r.height, width: r.width, text: div.innerText.trim(),
               svgs: div.querySelectorAll('svg').length, bars: div.querySelectorAll('svg rect').length});
  }
  return {stderr, images, lime, text: outs.map(e => e.textContent).join('\\n')};
}"""


_REPORT_JS = """async () => {
  const images = [];
  for (const img of Array.from(document.images)) {
    img.scrollIntoView();
    try { await img.decode(); } catch (e) {}
    images.push({src: img.getAttribute('src') || '', naturalWidth: img.naturalWidth});
  }
  const links = Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'));
  return {images, links};
}"""


def _source_of(cell) -> str:
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


def parameters_cell(nb) -> int:
    """Index of the cell tagged ``parameters`` (there must be exactly one)."""
    tagged = [i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(tagged) != 1:
        raise AssertionError(f"{len(tagged)} cells tagged 'parameters'")
    return tagged[0]


def edited_parameters(source: str, values: dict) -> tuple[str, dict]:
    """``source`` with the assignments of ``values`` that it has replaced (comments and the other
    assignments kept): the new text, and the values applied."""
    names = {
        n.targets[0].id
        for n in ast.parse(source).body
        if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)
    }
    applied, lines = {}, []
    for line in source.splitlines():
        m = re.match(r"([A-Za-z_]\w*)\s*=", line)
        if m and m.group(1) in values and m.group(1) in names and m.group(1) not in applied:
            name = m.group(1)
            comment = re.search(r"\s+#.*$", line)
            line = f"{name} = {values[name]!r}" + (comment.group(0) if comment else "")
            applied[name] = values[name]
        lines.append(line)
    return "\n".join(lines), applied


class Learner:
    """One browser page on a :class:`JupyterLab`, doing what a learner does."""

    def __init__(self, page, lab: JupyterLab, artifacts: Path):
        self.page, self.lab, self.artifacts = page, lab, Path(artifacts)
        self.console: list[str] = []
        self.seconds: dict[str, float] = {}  # per notebook: open, edit, Run All, check, save
        page.on("console", lambda m: self.console.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.console.append(f"page error: {e}"))
        page.set_default_timeout(60_000)

    # --- what a learner does --------------------------------------------------------------

    def open_lab(self) -> None:
        self.page.goto(self.lab.url(f"lab?token={self.lab.token}"))
        self.page.locator(".jp-FileBrowser .jp-DirListing-content").wait_for(timeout=120_000)

    def _open_from_file_browser(self, rel: str) -> str:
        """Double-click the folders and the notebook, as a learner does; the id of its panel."""
        page = self.page
        page.locator(".jp-FileBrowser .jp-BreadCrumbs-home").click()
        for part in rel.split("/"):
            name = page.locator(".jp-DirListing-itemText", has_text=re.compile(f"^{re.escape(part)}$"))
            page.locator(".jp-DirListing-item").filter(has=name).dblclick()
        tab = page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current", has_text=rel.rsplit("/", 1)[-1])
        tab.wait_for()
        return tab.get_attribute("data-id")

    def _wait_for_kernel(self, path: Path, timeout: float = 120) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            s = self.lab.session_for(path)
            if s and s["kernel"]["execution_state"] == "idle":
                return s
            time.sleep(0.5)
        raise AssertionError(f"no idle kernel for {path.name} after {timeout:.0f} s")

    def _change_kernel(self, display_name: str) -> None:
        page = self.page
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Kernel$")).click()
        page.get_by_role("menuitem", name=re.compile(r"^Change Kernel")).click()
        dialog = page.locator(".jp-Dialog")
        dialog.locator("select").select_option(label=display_name)
        dialog.locator(".jp-Dialog-button.jp-mod-accept").click()
        dialog.wait_for(state="detached")

    def run_notebook(
        self,
        rel: str,
        parameters: dict,
        *,
        expect_text=(),
        min_images: int = 0,
        lime: bool = False,
        kernel: str | None = None,
        timeout: float = 600,
    ) -> Path:
        """Open ``rel`` (relative to the server's root), set ``parameters`` by editing the cell
        tagged ``parameters``, Run All Cells, check what the learner sees, save; the saved file.

        Always checked: every code cell ran, no error and no stderr output, every rendered image
        loaded, the saved file has the outputs and the edited parameters. Also: ``expect_text``
        in the outputs, at least ``min_images`` images, LIME's interactive view (``lime``), the
        kernel picked by its display name (``kernel``)."""
        path = self.lab.root / rel
        name = path.stem
        page = self.page
        nb = nbformat.read(path, as_version=4)
        index = parameters_cell(nb)
        original = _source_of(nb.cells[index])
        new_source, applied = edited_parameters(original, parameters)
        problems: list[str] = []
        details = ""
        panel_id = None
        started = time.monotonic()
        try:
            panel_id = self._open_from_file_browser(rel)
            panel = page.locator(f"[id='{panel_id}']")
            panel.locator(".jp-Cell").nth(len(nb.cells) - 1).wait_for(state="attached")
            self._wait_for_kernel(path)
            if kernel:
                self._change_kernel(kernel)
                shown = panel.locator(".jp-KernelName, .jp-Toolbar-kernelName").first
                shown.filter(has_text=kernel).wait_for()
                self._wait_for_kernel(path)

            # The parameters cell, edited in its editor: select all, type the new values.
            editor = panel.locator(".jp-Cell").nth(index).locator(".cm-content")
            shown_source = editor.evaluate(
                "e => Array.from(e.querySelectorAll('.cm-line')).map(l => l.textContent).join('\\n')"
            )
            if shown_source.strip() != original.strip():
                raise AssertionError(
                    f"cell {index} in the browser is not the cell tagged 'parameters':\n{shown_source[:300]}"
                )
            editor.click()
            page.keyboard.press("Control+a")
            page.keyboard.type(new_source)
            typed = editor.evaluate(
                "e => Array.from(e.querySelectorAll('.cm-line')).map(l => l.textContent).join('\\n')"
            )
            if typed != new_source:
                raise AssertionError(f"the parameters cell reads {typed!r} after typing {new_source!r}")

            # Run -> Run All Cells, then wait until nothing is queued and the kernel is idle.
            page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Run$")).click()
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
            prompts = self._wait_for_run(panel, path, timeout)

            not_run = [i for i, p in enumerate(prompts) if not re.fullmatch(r"\[\d+\]:", p)]
            seen = panel.evaluate(_OUTPUTS_JS)
            if seen["stderr"]:
                details = "\n".join(seen["stderr"])[-4000:]
                problems.append("error or stderr output in the notebook")
            if not_run:
                problems.append(f"{len(not_run)} of {len(prompts)} code cells did not run")
            broken = [i for i, im in enumerate(seen["images"]) if im["naturalWidth"] <= 0 or im["width"] <= 0]
            if broken:
                problems.append(f"image(s) {broken} of {len(seen['images'])} did not load")
            if len(seen["images"]) < min_images:
                problems.append(f"{len(seen['images'])} rendered image(s), expected at least {min_images}")
            for text in expect_text:
                if text not in seen["text"]:
                    problems.append(f"{text!r} not in the outputs")
            if lime:
                good = [v for v in seen["lime"] if v["height"] > 50 and v["svgs"] and v["bars"] and len(v["text"]) > 20]
                if not good:
                    problems.append(f"LIME's interactive view is not rendered (found {seen['lime']})")

            # Save (Ctrl+S) and read the file back.
            page.keyboard.press("Control+s")
            page.locator(f"#jp-main-dock-panel .lm-TabBar-tab[data-id='{panel_id}']:not(.jp-mod-dirty)").wait_for()
            saved = nbformat.read(path, as_version=4)
            code = [c for c in saved.cells if c.cell_type == "code"]
            if kernel and saved.metadata.get("kernelspec", {}).get("display_name") != kernel:
                problems.append(f"the saved notebook's kernel is {saved.metadata.get('kernelspec')}, not {kernel!r}")
            if _source_of(saved.cells[index]).strip() != new_source.strip():
                problems.append("the saved parameters cell is not the edited one")
            if not any(c.outputs for c in code) or any(c.execution_count is None for c in code):
                problems.append("the saved notebook lacks outputs or execution counts")
            errors = [o for c in code for o in c.outputs if o.output_type == "error"]
            if errors and not details:
                details = "\n".join(f"{o.ename}: {o.evalue}" for o in errors)
            pngs = sum("image/png" in o.get("data", {}) for c in code for o in c.outputs)
            if pngs != len(seen["images"]):
                problems.append(f"{pngs} images saved, {len(seen['images'])} rendered")
        except AssertionError as e:
            problems.append(str(e))
        except Exception as e:  # noqa: BLE001 - a timeout or a vanished element: what the page showed matters
            problems.append(f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")
        if problems:
            raise self.failure(f"{rel} (parameters {applied})", problems, details, name)
        self._close(panel_id, path)
        self.seconds[name] = round(time.monotonic() - started, 1)
        return path

    def _wait_for_run(self, panel, path: Path, timeout: float) -> list:
        deadline = time.monotonic() + timeout
        started = quiet = False
        while time.monotonic() < deadline:
            prompts = panel.evaluate(_PROMPTS_JS)
            started = started or any(p != "[ ]:" for p in prompts)
            s = self.lab.session_for(path)
            idle = s is not None and s["kernel"]["execution_state"] == "idle"
            if started and idle and "[*]:" not in prompts:
                if quiet:
                    return prompts
                quiet = True
            else:
                quiet = False
            time.sleep(1)
        raise AssertionError(f"Run All Cells did not finish within {timeout:.0f} s")

    def _close(self, panel_id: str | None, path: Path) -> None:
        """Close the notebook's tab and shut its kernel down."""
        if panel_id:
            tab = self.page.locator(f"#jp-main-dock-panel .lm-TabBar-tab[data-id='{panel_id}']")
            tab.locator(".lm-TabBar-tabCloseIcon").click()
            tab.wait_for(state="detached")
        s = self.lab.session_for(path)
        if s:
            self.lab.api("DELETE", f"api/sessions/{s['id']}")

    # --- a run folder's report, DIR/index.html ---------------------------------------------

    def check_report(self, index: Path) -> dict:
        """Open ``index`` (file://) like an instructor: every image loads, every link is relative
        and resolves to a file of the run folder, every figure of ``figures/`` is shown, and the
        linked web pages load their images too. Counts of what was checked."""
        run_dir = index.parent.resolve()
        problems, checked = [], {"images": 0, "links": 0, "pages": 0}
        try:
            self.page.goto(index.as_uri())
            got = self.page.evaluate(_REPORT_JS)
            problems += [f"image {i['src']} does not load" for i in got["images"] if i["naturalWidth"] <= 0]
            checked["images"] = len(got["images"])
            pages = []
            for href in got["links"]:
                checked["links"] += 1
                if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", href) or href.startswith("/"):
                    problems.append(f"link {href} is not relative")
                    continue
                if href.startswith("#"):
                    continue
                target = (run_dir / unquote(href.split("#")[0])).resolve()
                if not target.is_file() or not target.is_relative_to(run_dir):
                    problems.append(f"link {href} does not resolve to a file of the run folder")
                elif target.suffix == ".html" and target not in pages:
                    pages.append(target)
            shown = {unquote(i["src"]).rsplit("/", 1)[-1] for i in got["images"]}
            problems += [
                f"figure {p.name} is not shown"
                for p in sorted((run_dir / "figures").glob("*.png"))
                if p.name not in shown
            ]
            for target in pages:
                self.page.goto(target.as_uri())
                sub = self.page.evaluate(_REPORT_JS)
                problems += [
                    f"{target.name}: image {i['src'][:60]} does not load"
                    for i in sub["images"]
                    if i["naturalWidth"] <= 0
                ]
                checked["pages"] += 1
        except Exception as e:  # noqa: BLE001 - any failure of a page is one problem of the report
            problems.append(f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")
        if problems:
            raise self.failure(str(index), problems, "", "index")
        return checked

    # --- what a learner is shown besides the notebooks --------------------------------------

    def notifications(self) -> list[str]:
        """Texts of the notifications JupyterLab shows (toasts) or keeps (the notification centre)."""
        page = self.page
        texts = [t.strip() for t in page.locator(".jp-Notification-Toast, .Toastify__toast").all_inner_texts()]
        count = page.locator(".jp-Notification-Status").first.inner_text().strip()
        if count not in ("", "0"):
            texts.append(f"{count} notification(s) in the notification centre")
        return texts

    # --- failure ------------------------------------------------------------------------------

    def failure(self, what: str, problems: list, details: str, name: str) -> AssertionError:
        """An AssertionError naming the problems, the error text, a screenshot and the console
        errors, both kept in ``self.artifacts``."""
        self.artifacts.mkdir(parents=True, exist_ok=True)
        shot = self.artifacts / f"{name}.png"
        console = self.artifacts / f"{name}-console.txt"
        try:
            first = self.page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").first
            if first.count():
                first.scroll_into_view_if_needed(timeout=5_000)
            self.page.screenshot(path=str(shot), timeout=30_000)
        except Exception as e:  # noqa: BLE001 - the page itself may be gone
            shot = Path(f"(no screenshot: {type(e).__name__})")
        console.write_text("\n".join(self.console) + "\n\n--- JupyterLab log (end) ---\n" + self.lab.log_tail())
        lines = [f"{what}: " + "; ".join(problems)]
        if details:
            lines.append(details.rstrip())
        lines.append(f"screenshot: {shot}")
        lines.append(f"console errors: {console} ({len(self.console)})")
        return AssertionError("\n".join(lines))
