"""The run report: the dispatch stack's bookkeeping, the page's content, and the page as a real browser shows it.

The browser test drives headless Chromium through the DevTools protocol over ``--remote-debugging-pipe``
(JSON messages separated by NUL on file descriptors 3 and 4): no extra Python package, no TCP port.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest

from gzpower.cli import main
from gzpower.report import write_comparison_report, write_report
from gzpower.report.run_data import load_run
from gzpower.report.series import Window, dispatch_stack, week_windows

CHROMIUM = Path("/usr/bin/chromium")
START_HOUR = 4800  # a hot July week


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Path, Path]:
    """A plan check (with counterfactuals) and a 5 % heavier-load check of the same July week, without their
    reports: the ``report`` fixture writes the first one's, ``test_report_cli`` the second one's."""
    runs_dir = tmp_path_factory.mktemp("runs")
    base = [
        "check",
        "--year",
        "2030",
        "--hours",
        "168",
        "--start-hour",
        str(START_HOUR),
        "--runs-dir",
        str(runs_dir),
        "--quiet",
        "--no-report",
    ]
    assert main(base) == 0
    assert main(base + ["--no-counterfactuals", "--load-scale", "1.05"]) == 0
    folders = sorted(p for p in runs_dir.iterdir() if not p.name.startswith("."))
    folders.sort(key=lambda p: json.loads((p / "manifest.json").read_text())["scenario"]["load_scale"])
    return folders[0], folders[1]


@pytest.fixture(scope="module")
def report(runs) -> Path:
    return write_report(runs[0])


# --- the dispatch stack -------------------------------------------------------------------------------------------


def test_stack_sums_to_load_every_hour(runs):
    for folder in runs:
        run = load_run(folder)
        stack = dispatch_stack(run.tables)
        assert len(stack.load) == 168
        # the peak week (here the whole horizon) is what the page draws
        (window,) = week_windows(stack.load)
        part = stack.window(window)
        assert len(part.load) == 168
        assert part.residual().abs().max() < 1e-6
        # the load drawn is the run's: summing the districts gives the manifest's KPIs back
        kpis = run.manifest["kpis"]
        assert stack.load.sum() == pytest.approx(kpis["load_mwh"], rel=1e-12)
        assert stack.load.max() == pytest.approx(kpis["peak_load_mw"], rel=1e-12)
        assert stack.components["unserved"].sum() == pytest.approx(kpis["unserved_mwh"], abs=1e-6)
        imports = stack.components[[c for c in stack.components if c.startswith("import: ")]].sum().sum()
        # the city's imports, net of what it exports to the province (drawn below zero)
        assert imports == pytest.approx(kpis["imports_mwh"] - kpis.get("exports_mwh", 0.0), rel=1e-9)
        # storage charging is drawn below zero, and the city's lines net to zero (what the stack leaves out)
        assert (stack.components["storage charge"] <= 1e-9).all()
        net_lines = run.tables["balance"].groupby("hour")["line_net_in_mw"].sum()
        assert net_lines.abs().max() < 1e-6


def test_week_windows_by_hand():
    # 21 days; load 1 everywhere, 5 on day 10 (hours 240-263), 0.5 in days 0-6 -> typical = days 14-20
    load = pd.Series([0.5] * 168 + [1.0] * 336)
    load.iloc[240:264] = 5.0
    windows = week_windows(load)
    assert windows[0] == Window("peak-load week", 7 * 24, 14 * 24)  # starts three days before the peak's day
    mean = load.mean()
    assert abs(load.iloc[336:504].mean() - mean) < abs(load.iloc[0:168].mean() - mean)
    assert (windows[1].start, windows[1].stop) == (336, 504)
    # shorter than two weeks: only the peak week; at most one week: the whole horizon
    assert [(w.start, w.stop) for w in week_windows(load.iloc[:300])] == [(132, 300)]
    assert [(w.start, w.stop) for w in week_windows(load.iloc[:100])] == [(0, 100)]


# --- the page -----------------------------------------------------------------------------------------------------


def test_report_page_content(runs, report):
    folder = runs[0]
    assert report == folder / "report.html"
    text = report.read_text()
    tc = pd.read_parquet(folder / "target_check.parquet")
    # every target row, with its status, is in the table
    table = text[text.index('<table class="targets">') :]
    table = table[: table.index("</table>")]
    assert table.count("<tr class=") == len(tc)
    for r in tc.itertuples():
        assert f">{r.id}<" in table
        assert f">{str(r.status).upper()}<" in table
    n_pass = int((tc["status"] == "pass").sum())
    n_checked = int(tc["status"].isin(["pass", "fail"]).sum())
    assert f"{n_pass} of {n_checked} checked targets pass" in text
    # the header states the run
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["run"] in text and f"{manifest['objective_mcny']:,.1f} million CNY" in text
    # every figure embedded and also written as a PNG; no outside resources, no script
    pngs = sorted(p.name for p in (folder / "figures").glob("*.png"))
    expected = {
        "capacity.png",
        "dispatch_1.png",
        "storage_soc.png",
        "prices.png",
        "curtailment_co2.png",
        "network.png",
        "counterfactuals.png",
    }
    assert set(pngs) == expected
    assert text.count('src="data:image/png;base64,') == len(expected)
    for name in pngs:
        assert (folder / "figures" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<script" not in text and "http://" not in text and "https://" not in text


def test_comparison_report(runs, tmp_path):
    out = write_comparison_report(list(runs), tmp_path / "sweep.html", x_param="load_scale", chosen=1.0)
    text = out.read_text()
    assert (tmp_path / "figures" / "sweep-kpis.png").is_file()
    assert text.count('src="data:image/png;base64,') == 1
    assert text.count('<tr class="') == 2  # one row per run
    for folder in runs:
        assert json.loads((folder / "manifest.json").read_text())["run"] in text
    assert "chosen load_scale = 1" in text


# --- the page in a real browser -----------------------------------------------------------------------------------


def _above_ten(fd: int) -> int:
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


@dataclass
class DevTools:
    """Chrome DevTools protocol over a pipe: commands out on the browser's fd 3, replies and events in on fd 4."""

    proc: subprocess.Popen
    to_browser: int
    from_browser: int
    next_id: int = 0
    buffer: bytes = b""
    events: list = field(default_factory=list)

    @classmethod
    def launch(cls, profile: Path) -> DevTools:
        # the child's ends are first moved above 10, so that placing them on 3 and 4 can neither clobber one
        # another nor be a no-op dup2 that would leave close-on-exec set
        cmd_read, cmd_write = map(_above_ten, os.pipe())
        out_read, out_write = map(_above_ten, os.pipe())

        def map_fds():  # in the child: the protocol's fixed descriptors
            os.dup2(cmd_read, 3)
            os.dup2(out_write, 4)

        args = [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            f"--user-data-dir={profile}",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        proc = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=map_fds,
            close_fds=False,
        )
        os.close(cmd_read)
        os.close(out_write)
        return cls(proc, cmd_write, out_read)

    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self.from_browser], [], [], remaining)[0]:
                raise TimeoutError("no answer from Chromium")
            chunk = os.read(self.from_browser, 1 << 20)
            if not chunk:
                raise ConnectionError("Chromium closed the DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 30.0) -> dict:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 30.0) -> dict:
        deadline = time.monotonic() + timeout
        for event in self.events:
            if event.get("method") == method:
                return event
        while True:
            event = self._read_message(deadline)
            self.events.append(event)
            if event.get("method") == method:
                return event

    def console_errors(self) -> list[str]:
        errors = []
        for e in self.events:
            p = e.get("params", {})
            if e.get("method") == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                errors.append(" ".join(str(a.get("value", a.get("description"))) for a in p.get("args", [])))
            elif e.get("method") == "Runtime.exceptionThrown":
                errors.append(str(p.get("exceptionDetails", {}).get("text")))
            elif e.get("method") == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                errors.append(str(p["entry"].get("text")))
        return errors

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=10)
        except (OSError, TimeoutError, ConnectionError, RuntimeError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.to_browser)
        os.close(self.from_browser)


PAGE_FACTS = """
Promise.all(Array.from(document.images).map(i => i.decode().catch(() => null))).then(() => ({
  images: Array.from(document.images).map(i => [i.naturalWidth, i.naturalHeight, i.getBoundingClientRect().width]),
  targetRows: document.querySelectorAll('table.targets tbody tr').length,
  statuses: Array.from(document.querySelectorAll('table.targets td.status')).map(td => td.textContent),
  passColour: (() => { const c = document.querySelector('table.targets tr.pass td.status');
                       return c ? getComputedStyle(c).backgroundColor : null; })(),
  title: document.title,
  height: document.documentElement.scrollHeight,
}))
"""


@pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Chromium not installed at /usr/bin/chromium (apt-get install chromium; .ci/run does it)",
)
def test_report_in_headless_chromium(runs, report, tmp_path):
    folder = runs[0]
    tc = pd.read_parquet(folder / "target_check.parquet")
    browser = DevTools.launch(tmp_path / "profile")
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            browser.send(f"{domain}.enable", session=session)
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1400, "height": 1000, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        nav = browser.send("Page.navigate", {"url": report.resolve().as_uri()}, session=session)
        assert "errorText" not in nav, nav
        browser.wait_for("Page.loadEventFired")
        facts = browser.send(
            "Runtime.evaluate", {"expression": PAGE_FACTS, "awaitPromise": True, "returnByValue": True}, session=session
        )["result"]["value"]
        # the full page in one screenshot
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1400, "height": int(facts["height"]), "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        shot = browser.send(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session=session, timeout=60
        )
        errors = browser.console_errors()
    finally:
        browser.close()
    screenshot = folder / "report-screenshot.png"
    screenshot.write_bytes(base64.b64decode(shot["data"]))
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert errors == []
    assert facts["title"] == f"gzpower {folder.name}"
    assert facts["targetRows"] == len(tc)
    assert facts["statuses"] == [str(s).upper() for s in tc["status"]]
    assert facts["passColour"] == "rgb(200, 230, 201)"  # the pass cell is green (#c8e6c9)
    assert len(facts["images"]) == len(list((folder / "figures").glob("*.png"))) == 7
    for width, height, shown in facts["images"]:
        assert width > 0 and height > 0 and shown > 600  # decoded, and laid out at a readable size
    # the screenshot covers the whole page: the PNG's height (bytes 20-24 of the IHDR chunk) is the page's
    assert int.from_bytes(screenshot.read_bytes()[20:24], "big") == facts["height"] > 3000


def test_report_cli(runs, capsys):
    folder = runs[1]
    assert main(["report", folder.name, "--runs-dir", str(folder.parent)]) == 0
    assert capsys.readouterr().out.strip() == str(folder / "report.html")
    # a check run without counterfactuals: every figure but "what each target buys"
    assert not (folder / "figures" / "counterfactuals.png").exists()
    assert len(list((folder / "figures").glob("*.png"))) == 6
    # a folder that is not a run: one line naming it, exit status 2
    assert main(["report", "no-such-run", "--runs-dir", str(folder.parent)]) == 2
    assert "no-such-run" in capsys.readouterr().err
