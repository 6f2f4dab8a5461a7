"""A real `policy-sdk serve` in a subprocess on a free loopback port, and a small HTTP
client (urllib). Every wait is bounded."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from policy_sdk.cli.main import main, use_language

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 90.0
"""Seconds a server may take to answer its first request (the machine is shared)."""
REQUEST_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Answer:
    def __init__(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        self.status = status
        self.headers = {k.lower(): v for k, v in headers.items()}
        self.body = body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)

    def codes(self) -> list[str]:
        return [e["code"] for e in self.json()["errors"]]


class Server:
    """``policy-sdk serve ARGS`` on 127.0.0.1 and a free port, until :meth:`stop`."""

    def __init__(self, *args: str, env: Mapping[str, str] | None = None,
                 cwd: Path = ROOT) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.stderr_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"serve-{self.port}.err"
        self._stderr = open(self.stderr_path, "wb")  # noqa: SIM115 - closed in stop()
        self.stdout_path = self.stderr_path.with_suffix(".out")
        self._stdout = open(self.stdout_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "policy_sdk.cli.main", "serve", "--port", str(self.port),
             *args],
            cwd=cwd, env={**os.environ, **(env or {})},
            stdout=self._stdout, stderr=self._stderr, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited {self.proc.returncode}:\n{self.log()}")
            try:
                if self.get("/v1/health", timeout=2).status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"no answer within {START_TIMEOUT} s:\n{self.log()}")
            time.sleep(0.2)

    def log(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def request(self, method: str, path: str, body: bytes | Iterable[bytes] | None = None,
                headers: Mapping[str, str] | None = None,
                timeout: float = REQUEST_TIMEOUT) -> Answer:
        req = urllib.request.Request(self.base + path, data=body, method=method,
                                     headers=dict(headers or {}))
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return Answer(resp.status, dict(resp.headers), resp.read())
        except urllib.error.HTTPError as err:
            with err:
                return Answer(err.code, dict(err.headers), err.read())

    def get(self, path: str, **kw: Any) -> Answer:
        return self.request("GET", path, **kw)

    def post(self, path: str, body: bytes, content_type: str = "application/json",
             headers: Mapping[str, str] | None = None, **kw: Any) -> Answer:
        return self.request("POST", path, body,
                            {"Content-Type": content_type, **(headers or {})}, **kw)

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):  # as a service manager stops it
                os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):  # a worker left behind, if any
            os.killpg(self.proc.pid, signal.SIGKILL)
        self._stderr.close()
        self._stdout.close()
        for path in (self.stderr_path, self.stdout_path):
            with contextlib.suppress(OSError):
                path.unlink()

    def output(self) -> str:
        """What the server wrote to standard output so far."""
        return self.stdout_path.read_text(encoding="utf-8", errors="replace")


@contextlib.contextmanager
def serving(*args: str, **kw: Any) -> Iterator[Server]:
    server = Server(*args, **kw)
    try:
        yield server
    finally:
        server.stop()


def run_cli(args: Sequence[str], cwd: Path = ROOT) -> tuple[int, str, str]:
    """``policy-sdk ARGS`` in this process: exit status, stdout, stderr."""
    runner = CliRunner()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        with runner.isolation(input="") as (out, err, *_):
            code = main(list(args))
    finally:
        os.chdir(old)
        use_language(None)  # `--lang` holds for the rest of the process: back to the default
    return code, out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8", "replace")
