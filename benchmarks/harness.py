"""What the server benchmarks share: a throwaway hub (its own state folder and database), real
`sunrelay serve` and `sunrelay worker` processes, wrk as the load, and /proc for CPU and memory.

Nothing here reaches beyond this machine: servers listen on 127.0.0.1 and every load stops by
itself (a fixed count or a fixed duration).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def _comm(pid: str) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/comm").read_text().strip()
    return ""


def machine_ticks() -> tuple[int, int]:
    """(busy, idle) clock ticks of the whole machine since boot, from /proc/stat."""
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, idle


class CpuLedger:
    """Where the machine's CPU went during a phase: each named process, PostgreSQL's server
    processes together, and the machine's idle share.

        with CpuLedger({"web": [pid1, pid2], "workers": [pid3]}) as ledger: ...
        ledger.seconds["web"], ledger.seconds["postgresql"], ledger.idle_share
    """

    def __init__(self, roles: dict[str, list[int]]) -> None:
        self.roles = roles
        self.seconds: dict[str, float] = {}
        self.idle_share = 0.0

    def _sample(self) -> tuple[dict[str, float], tuple[int, int]]:
        taken = {role: sum(cpu_seconds(p) for p in pids) for role, pids in self.roles.items()}
        postgres = 0.0
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and _comm(entry.name) == "postgres":
                with contextlib.suppress(OSError, IndexError, ValueError):
                    postgres += cpu_seconds(int(entry.name))
        taken["postgresql"] = postgres
        return taken, machine_ticks()

    def __enter__(self) -> CpuLedger:
        self._start = self._sample()
        return self

    def __exit__(self, *exc: object) -> None:
        (end, (busy, idle)), (start, (busy0, idle0)) = self._sample(), self._start
        self.seconds = {role: end[role] - start.get(role, 0.0) for role in end}
        self.idle_share = (idle - idle0) / max((busy - busy0) + (idle - idle0), 1)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class Hub:
    """A hub of its own: state folder, database (SQLite in the folder, or a PostgreSQL
    database made for the run), demo organisation, one Alertmanager integration."""

    var: Path
    env: dict[str, str]
    intake_path: str = ""

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "sunrelay", *args],
            env=self.env, cwd=self.var, capture_output=True, text=True, timeout=600, check=True,
        )  # fmt: skip
        return done.stdout

    def serve(self, port: int, threads: int = 8) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "-m", "sunrelay", "serve", "--no-worker", "--port", str(port),
             "--threads", str(threads)],
            env=self.env, cwd=self.var, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(port)
        return process

    def worker(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "sunrelay", "worker"],
            env=self.env, cwd=self.var, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def django(self) -> None:
        """Use this hub's database from this process too."""
        os.environ.update(self.env)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunrelay.settings")
        import django

        django.setup()


@contextlib.contextmanager
def hub(database_url: str = "", redis_url: str = "", *, demo: bool = True) -> Iterator[Hub]:
    var = Path(tempfile.mkdtemp(prefix="sunrelay-bench-"))
    env = {**os.environ, "SUNRELAY_VAR": str(var), "LOG_LEVEL": "WARNING"}
    for name, value in (("DATABASE_URL", database_url), ("REDIS_URL", redis_url)):
        if value:
            env[name] = value
        else:
            env.pop(name, None)
    if database_url.startswith("postgres"):
        _fresh_postgres(database_url)
    made = Hub(var, env)
    try:
        made.run("migrate")
        if demo:  # left out where a benchmark brings its own generated organisation
            made.run("demo", "load", "--if-empty")
        url = made.run("oncall", "integration", "bench", "--kind", "alertmanager").strip()
        made.intake_path = "/api/v1/" + url.split("/api/v1/", 1)[1].split()[0]
        yield made
    finally:
        shutil.rmtree(var, ignore_errors=True)


def _fresh_postgres(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def postgres_available() -> bool:
    with contextlib.suppress(Exception):
        import psycopg

        with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", connect_timeout=3):
            return True
    return False


def redis_available() -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", 6379), 1) as s:
        s.sendall(b"PING\r\n")
        return s.recv(16).startswith(b"+PONG")
    return False


FIRING = ROOT / "tests" / "fixtures" / "alertmanager" / "firing.json"  # a real v4 delivery
ALERTMANAGER = json.loads(FIRING.read_text())


def delivery(key: str, alerts: int = 10) -> dict:
    """A real Alertmanager v4 delivery of ``alerts`` alerts in the group ``key``."""
    body = json.loads(json.dumps(ALERTMANAGER))
    first = body["alerts"][0]
    body["groupKey"] = key
    body["alerts"] = [
        {**first, "fingerprint": f"{abs(hash((key, i))):016x}"[:16],
         "labels": {**first["labels"], "instance": f"db-{i}"}}
        for i in range(alerts)
    ]  # fmt: skip
    return body


@dataclass
class Load:
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p99_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


WRK_SCRIPT = r"""
local counter, id = 0, 0
local template = [==[TEMPLATE]==]
local repeats = REPEATS
function setup(thread) thread:set("id", ID_BASE + (math.floor(os.clock() * 1e6) % 1000000)) end
function init(args) id = wrk.thread:get("id") end
request = function()
  counter = counter + 1
  local n = counter
  if repeats > 1 then n = math.floor((counter - 1) / repeats) end
  local key = string.format('{}:{shard=%d-%d}', id, n)
  local body = template:gsub("GROUPKEY", key)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end
"""


def wrk(url: str, *, connections: int, seconds: int, alerts: int = 10, repeats: int = 1) -> Load:
    """POST Alertmanager deliveries of ``alerts`` alerts for ``seconds``; each group key is
    new (``repeats`` = 1) or sent ``repeats`` times in a row. Latency from wrk's own figures."""
    template = json.dumps(delivery("GROUPKEY", alerts))
    script = (
        WRK_SCRIPT.replace("TEMPLATE", template)
        .replace("REPEATS", str(repeats))
        .replace("ID_BASE", str(free_port()))
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    threads = max(1, min(2, connections))
    done = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency",
         "-s", f.name, url],
        capture_output=True, text=True, timeout=seconds + 60, check=True,
    )  # fmt: skip
    os.unlink(f.name)
    return parse_wrk(done.stdout)


def _ms(text: str) -> float:
    found = re.match(r"([\d.]+)([a-z]+)", text)
    if found is None:
        raise ValueError(f"not a wrk duration: {text!r}")
    number, unit = found.groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(out: str) -> Load:
    requests = int(re.search(r"(\d+) requests in ([\d.]+)(\w+)", out).group(1))  # type: ignore[union-attr]
    span = re.search(r"requests in ([\d.]+\w+)", out).group(1)  # type: ignore[union-attr]
    errors = sum(int(x) for x in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors += sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    return Load(requests, _ms(span) / 1000, errors, p50, p99)


def verdict(value: float, target: float, *, higher_is_better: bool = True) -> str:
    met = value >= target if higher_is_better else value <= target
    return "[green]meets[/green]" if met else "[red]misses[/red]"


COUNTING_RECEIVER = """
import json, sys, threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
seen, lock = Counter(), threading.Lock()
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    def _answer(self, body):
        self.send_response(200); self.send_header("Content-Length", str(len(body)))
        self.end_headers(); self.wfile.write(body)
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with lock:
            seen[self.headers.get("X-Sunrelay-Delivery", "")] += 1
        self._answer(b"ok")
    def do_GET(self):
        with lock:
            stats = {"deliveries": sum(seen.values()), "distinct": len(seen),
                     "repeated": sum(1 for n in seen.values() if n > 1)}
        self._answer(json.dumps(stats).encode())
    def log_message(self, *a): pass
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"""


@contextlib.contextmanager
def counting_receiver() -> Iterator[str]:
    """An HTTP receiver on 127.0.0.1 that counts deliveries by X-Sunrelay-Delivery; GET
    answers {"deliveries", "distinct", "repeated"}. Yields its URL."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", COUNTING_RECEIVER, str(port)])
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}/hook"
    finally:
        process.terminate()
        process.wait(10)


def measure(argv: list[str], cache: str) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one process. Its bytecode is cached in
    ``cache`` as an installed package's is (so the first of several runs compiles it)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = cache
    t = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - t
    if status != 0:
        raise SystemExit(
            f"{argv[:4]} failed: {child.stderr.read().decode() if child.stderr else ''}"
        )
    return seconds, usage.ru_maxrss / 1024
