"""Running one worker process and reading its JSON lines, each within a time limit."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent  # the checkout: `-m benchmarks.worker` runs here


def run_worker(
    args: list[str], timeout: float, startup_timeout: float, extra_path: Path | None
) -> Iterator[dict[str, Any]]:
    """Start `python -m benchmarks.worker ARGS` and yield its records as they come.

    The first record (the worker saying it is ready) may take `startup_timeout` seconds;
    each later one `timeout`. A late record ends the worker, and the last record yielded is
    {"timeout": seconds}. A worker that dies yields {"error": ...} with its last words.
    """
    env = dict(os.environ)
    if extra_path is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(extra_path), env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "benchmarks.worker", *args]
    with tempfile.TemporaryFile("w+") as stderr:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True
        )
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=_pump, args=(process.stdout, lines), daemon=True).start()
        wait = startup_timeout
        try:
            while (line := _next_line(lines, wait)) is not None:
                if line == "":
                    yield {"timeout": wait}
                    return
                yield json.loads(line)
                wait = timeout
        finally:
            if process.poll() is None:
                process.kill()  # only our own child, by its handle
            process.wait()
        if process.returncode:
            stderr.seek(0)
            last_words = (stderr.read().strip().splitlines() or ["no message"])[-1]
            yield {"error": f"worker exited with {process.returncode}: {last_words[:100]}"}


def _next_line(lines: queue.Queue[str | None], wait: float) -> str | None:
    """The next line; None at the end of output; "" when none came in time."""
    try:
        return lines.get(timeout=wait)
    except queue.Empty:
        return ""


def _pump(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    for line in stream:
        if line.strip():
            lines.put(line)
    lines.put(None)
