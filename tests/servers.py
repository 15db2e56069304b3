"""Real triple stores (and misbehaving HTTP servers) on 127.0.0.1 for the integration tests.

Use the fixtures from a test module by naming this module as a plugin (importing the fixture
functions instead would give each module its own "session" server)::

    pytest_plugins = ["tests.servers"]

- ``oxigraph_server``: ``oxigraph serve`` (PyPI package ``oxigraph``), session-scoped.
- ``virtuoso_server``: Virtuoso 7 (Debian ``virtuoso-opensource-7-bin``) with a private
  ``virtuoso.ini`` (ports, database and logs in a temp dir) and a random dba password
  (set by a first ``virtuoso-t +pwdold dba +pwddba …`` run, which exits), session-scoped.
- ``OxigraphServer`` can be stopped and restarted on the same port and data directory.
- ``ErrorServer`` answers every request with 500 and a message; ``FaultProxy`` forwards to a
  real store and lets a test fail, swallow or tamper with chosen requests.

A missing server binary skips the tests with a message saying how to install it, except when
the environment variable ``CI`` is set: there a missing binary fails (never skip in CI).
"""

from __future__ import annotations

import http.client
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

START_TIMEOUT = 90.0
VIRTUOSO_INSTALL = "apt-get install -y virtuoso-opensource-7-bin"
OXIGRAPH_INSTALL = "pip install oxigraph  (or: pip install -e '.[test]')"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def need_binary(names: list[str], how: str) -> str:
    """The path of the first binary found; else skip (locally) or fail (in CI)."""
    for name in names:
        found = shutil.which(name)
        if found is None and os.path.sep in name and os.access(name, os.X_OK):
            found = name
        if found:
            return found
    msg = f"{names[0]} not found; install it with: {how}"
    if in_ci():
        pytest.fail(f"{msg} (CI is set: a missing server is a failure, not a skip)")
    pytest.skip(msg)


def free_ports(n: int) -> list[int]:
    """``n`` distinct free ports on 127.0.0.1 (all sockets held open until all are chosen)."""
    socks = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [int(s.getsockname()[1]) for s in socks]
    finally:
        for s in socks:
            s.close()


def free_port() -> int:
    return free_ports(1)[0]


def _tail(path: Path, n: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return ""


def wait_http(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{_tail(log)}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server did not answer {url} within {timeout:.0f} s:\n{_tail(log)}")


def stop_process(proc: subprocess.Popen[bytes] | None, grace: float = 20.0) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


# ------------------------------------------------------------------------------------ Oxigraph


def oxigraph_binary() -> str:
    venv_bin = str(Path(sys.executable).parent / "oxigraph")
    return need_binary(["oxigraph", venv_bin], OXIGRAPH_INSTALL)


@dataclass
class OxigraphServer:
    """``oxigraph serve`` on 127.0.0.1; data persists in ``location`` across restarts."""

    binary: str
    location: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.base}/query"

    @property
    def update_url(self) -> str:
        return f"{self.base}/update"

    def start(self) -> OxigraphServer:
        self.location.mkdir(parents=True, exist_ok=True)
        log = self.location.parent / f"{self.location.name}.log"
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                [self.binary, "serve", "--location", str(self.location), "--bind",
                 f"127.0.0.1:{self.port}"],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )  # fmt: skip
        try:
            wait_http(f"{self.base}/query?query=ASK%7B%7D", self.proc, log, START_TIMEOUT)
        except RuntimeError as exc:
            self.stop()
            pytest.fail(f"oxigraph did not start: {exc}")
        return self

    def stop(self) -> None:
        stop_process(self.proc)
        self.proc = None


@pytest.fixture(scope="session")
def oxigraph_server() -> Iterator[OxigraphServer]:
    binary = oxigraph_binary()
    tmp = Path(tempfile.mkdtemp(prefix="bonekg-oxigraph-"))
    server = OxigraphServer(binary, tmp / "db").start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


# ------------------------------------------------------------------------------------ Virtuoso

VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
LiteMode = 0
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 10
CheckpointInterval = 60
O_DIRECT = 0
CaseMode = 2
MaxStaticCursorRows = 5000
CheckpointAuditTrail = 0
AllowOSCalls = 0
SchedulerInterval = 10
DirsAllowed = ., {d}
ThreadCleanupInterval = 0
ThreadThreshold = 10
ResourcesCleanupInterval = 0
FreeTextBatchSize = 100000
SingleCPU = 0
PrefixResultNames = 0
RdfFreeTextRulesSize = 100
IndexTreeMaps = 64
MaxMemPoolSize = 200000000
MaxQueryMem = 1G
VectorSize = 1000
MaxVectorSize = 1000000
AdjustVectorSize = 0
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 10
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}/vsp
MaxClientConnections = 10
DavRoot = DAV
EnabledDavVSP = 0
HTTPProxyEnabled = 0
TempASPXDir = 0
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
HTTPThreadSize = 280000
HttpPrintWarningsInOutput = 0
Charset = UTF-8
EnabledGzipContent = 0

[Client]
SQL_PREFETCH_ROWS = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT = 0
SQL_TXN_TIMEOUT = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime = 120
DefaultQuery = select distinct ?Concept where {{[] a ?Concept}} LIMIT 100
DeferInferenceRulesInit = 0
"""


@dataclass
class VirtuosoServer:
    """Virtuoso 7 on 127.0.0.1 with a private database in ``directory``; user dba."""

    binary: str
    directory: Path
    # Virtuoso 7.2 keeps only the first 20 characters of a password set with +pwddba
    # (digest auth then refuses the full one): 19 characters here
    password: str = field(default_factory=lambda: "pw-" + secrets.token_hex(8))
    http_port: int = 0
    sql_port: int = 0
    user: str = "dba"
    proc: subprocess.Popen[bytes] | None = None

    def __post_init__(self) -> None:
        if not (self.http_port and self.sql_port):
            self.http_port, self.sql_port = free_ports(2)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def query_url(self) -> str:
        return f"{self.base}/sparql"

    @property
    def update_url(self) -> str:
        return f"{self.base}/sparql-auth"

    @property
    def ini(self) -> Path:
        return self.directory / "virtuoso.ini"

    def start(self) -> VirtuosoServer:
        d = self.directory
        (d / "vsp").mkdir(parents=True, exist_ok=True)
        self.ini.write_text(
            VIRTUOSO_INI.format(d=d, sql_port=self.sql_port, http_port=self.http_port)
        )
        log = d / "server.out"
        # first start creates the database and sets the dba password, then exits by itself
        # (a few seconds; once seen to hang while creating the database: then retry afresh)
        for attempt in (1, 2):
            with log.open("ab") as out:
                try:
                    first = subprocess.run(
                        [self.binary, "+foreground", "+configfile", str(self.ini),
                         "+pwdold", "dba", "+pwddba", self.password],
                        stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                        timeout=START_TIMEOUT / 2, check=False, cwd=d,
                    )  # fmt: skip
                except subprocess.TimeoutExpired:
                    if attempt == 2:
                        pytest.fail(f"virtuoso-t hung while creating its database:\n{_tail(log)}")
                    for f in d.glob("virtuoso*"):
                        if f.name != "virtuoso.ini":
                            f.unlink()
                    continue
            if first.returncode != 0:
                pytest.fail(f"virtuoso-t could not set the dba password:\n{_tail(log)}")
            break
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                [self.binary, "+foreground", "+configfile", str(self.ini)],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=d,
            )  # fmt: skip
        try:
            wait_http(f"{self.base}/sparql?query=ASK%7B%7D", self.proc, log, START_TIMEOUT)
        except RuntimeError as exc:
            self.stop()
            pytest.fail(f"virtuoso did not start: {exc}")
        return self

    def stop(self) -> None:
        stop_process(self.proc, grace=30)
        self.proc = None


@pytest.fixture(scope="session")
def virtuoso_server() -> Iterator[VirtuosoServer]:
    binary = need_binary(["virtuoso-t", "/usr/bin/virtuoso-t"], VIRTUOSO_INSTALL)
    tmp = Path(tempfile.mkdtemp(prefix="bonekg-virtuoso-"))
    server = VirtuosoServer(binary, tmp).start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


# ------------------------------------------------------------------------ misbehaving servers


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def form_value(self, key: str) -> str:
        from urllib.parse import parse_qs

        values = parse_qs(self.body.decode("utf-8", errors="replace")).get(key, [""])
        return values[0]


@dataclass
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"


#: a hook: None = forward the request; a Reply = answer it instead; "drop" = close the socket
Hook = Callable[[Request], "Reply | str | None"]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        req = Request(self.command, self.path, dict(self.headers.items()), body)
        self.server.seen.append(req)
        action = self.server.hook(req)
        if action == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if isinstance(action, Reply):
            self._send(action.status, [("Content-Type", action.content_type)], action.body)
            return
        status, headers, data = self.server.forward(req)
        self._send(status, headers, data)

    def _send(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _handle


_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "upgrade"}


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, hook: Hook, target: str | None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.hook = hook
        self.target = target
        self.seen: list[Request] = []

    def forward(self, req: Request) -> tuple[int, list[tuple[str, str]], bytes]:
        assert self.target is not None, "no target to forward to"
        t = urlsplit(self.target)
        conn = http.client.HTTPConnection(t.hostname or "127.0.0.1", t.port or 80, timeout=300)
        try:
            headers = {k: v for k, v in req.headers.items() if k.lower() not in _HOP}
            headers["Host"] = t.netloc
            conn.request(req.method, req.path, body=req.body or None, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            out = [(k, v) for k, v in resp.getheaders() if k.lower() not in _HOP]
            return resp.status, out, data
        finally:
            conn.close()


class _Running:
    def __init__(self, hook: Hook, target: str | None) -> None:
        self.server = _Server(hook, target)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def seen(self) -> list[Request]:
        return self.server.seen

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)

    def __enter__(self) -> _Running:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class ErrorServer(_Running):
    """Answers every request (after reading its body) with ``status`` and ``message``."""

    def __init__(self, message: str, status: int = 500) -> None:
        self.message = message
        super().__init__(lambda _req: Reply(status, message.encode("utf-8")), None)


class FaultProxy(_Running):
    """Forwards to ``target`` (a store's base URL) unless ``hook`` decides otherwise."""

    def __init__(self, target: str, hook: Hook) -> None:
        super().__init__(hook, target)
