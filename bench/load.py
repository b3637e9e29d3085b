#!/usr/bin/env python3
"""Load benchmark of `sansho serve` (issue 4, section 6).

Starts the release binary on a fresh database with the demo data, creates the first admin over
HTTP (setup token, password, TOTP enrolment), then puts 200 concurrent connections for 60 s on
the assessment dashboard and on a requirement page with wrk (or oha), sampling the server's
resident memory every 100 ms. Prints one table; exits 1 if any request failed (socket error,
timeout or an unexpected status), 2 if the benchmark could not run, 0 otherwise: missed latency
or memory targets are reported, not failed.

It builds nothing: run `cargo build --release` first (the binary is target/release/sansho).
Python 3.11, standard library only. Everything listens on and connects to 127.0.0.1.

    cargo build --release && python3 bench/load.py            # 60 s x 200 connections, twice
    python3 bench/load.py --quick                              # 10 s each
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import queue
import re
import resource
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BINARY = ROOT / "target" / "release" / "sansho"
DEFAULT_REQUIREMENT = "/guidelines/mic-cloud-2018/3.2.3-a-2"

TARGET_P99_MS = 20.0
TARGET_RSS_MB = 60.0

HTTP_TIMEOUT = 15.0  # seconds, any single request of the setup
STARTUP_TIMEOUT = 120.0  # seconds until the server prints its address
STOP_TIMEOUT = 10.0  # seconds between SIGINT and SIGKILL


class BenchError(Exception):
    """The benchmark could not run (no binary, no load generator, setup refused...)."""


# --------------------------------------------------------------------------------------------
# TOTP (RFC 6238: HMAC-SHA-1, 30-second steps, 6 digits) and base32 (RFC 4648)


def base32_key(text: str) -> bytes:
    clean = re.sub(r"[\s-]", "", text).upper()
    clean += "=" * (-len(clean) % 8)
    return base64.b32decode(clean)


def hotp(key: bytes, counter: int, digits: int = 6) -> str:
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    (value,) = struct.unpack(">I", mac[offset : offset + 4])
    return str((value & 0x7FFFFFFF) % 10**digits).zfill(digits)


def totp(key: bytes, at: float | None = None, step: int = 30) -> str:
    return hotp(key, int((time.time() if at is None else at) // step))


def _self_test() -> None:
    # RFC 6238 appendix B, SHA-1 key "12345678901234567890", 8 digits.
    key = b"12345678901234567890"
    for t, want in [(59, "94287082"), (1111111109, "07081804"), (2000000000, "69279037")]:
        got = hotp(key, t // 30, 8)
        assert got == want, f"TOTP self-test at {t}: {got} != {want}"


# --------------------------------------------------------------------------------------------
# HTTP with a cookie jar of our own, redirects not followed


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102
        return None  # the 3xx comes back as an HTTPError, with its Set-Cookie and Location


@dataclass
class Response:
    status: int
    location: str | None
    body: str


@dataclass
class Client:
    base: str
    jar: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._opener = urllib.request.build_opener(_NoRedirect)

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.jar.items())

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Response:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if self.jar:
            req.add_header("Cookie", self.cookie_header())
        if data is not None:
            req.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            res = self._opener.open(req, timeout=HTTP_TIMEOUT)
        except urllib.error.HTTPError as e:  # 3xx (not followed), 4xx, 5xx
            res = e
        with res:
            for header in res.headers.get_all("Set-Cookie") or []:
                pair, _, attrs = header.partition(";")
                name, _, value = pair.strip().partition("=")
                if not value or "max-age=0" in attrs.lower():
                    self.jar.pop(name, None)
                else:
                    self.jar[name] = value
            body = res.read().decode("utf-8", "replace")
            return Response(res.status, res.headers.get("Location"), body)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, form: dict[str, str]) -> Response:
        return self.request("POST", path, form)


def form_field(body: str, name: str) -> str:
    m = re.search(r'name="%s" value="([^"]*)"' % re.escape(name), body)
    if not m:
        raise BenchError(f"no form field {name!r} in the page:\n{body[:2000]}")
    return m.group(1)


# --------------------------------------------------------------------------------------------
# The server


class Server:
    """`sansho serve --demo` on 127.0.0.1:0 with its database in a fresh temporary folder."""

    def __init__(self, binary: Path, folder: Path):
        config = folder / "sansho.toml"
        config.write_text("# empty: no catalogs folder, no listen address from the user's config\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith("SANSHO_")}
        env.update(SANSHO_DB=str(folder / "sansho.db"), SANSHO_CONFIG=str(config), SANSHO_LANG="ja")
        env.setdefault("RUST_LOG", "warn")
        self.proc = subprocess.Popen(
            [str(binary), "serve", "--demo", "--listen", "127.0.0.1:0"],
            cwd=folder,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.pid = self.proc.pid
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []  # every stderr line, kept for the error report
        # Drained until the process ends: a full pipe would stall the server.
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        assert self.proc.stderr is not None
        for raw in self.proc.stderr:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if len(self.log) < 10_000:
                self.log.append(line)
            self.lines.put(line)

    def wait_ready(self) -> tuple[str, str | None]:
        """The base URL and the setup token, read from the console."""
        deadline = time.monotonic() + STARTUP_TIMEOUT
        url = token = None
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None:
                    raise BenchError(f"the server exited ({self.proc.returncode}):\n" + "\n".join(self.log[-20:]))
                if url is not None:
                    return url, token  # the token line follows the address at once, or never
                continue
            m = re.search(r"(?:起動しました:|listening at)\s*(http://\S+?)/?$", line)
            if m:
                url = m.group(1)
            m = re.search(r"(?:セットアップトークン:|setup token:)\s*(\S+)", line)
            if m:
                token = m.group(1)
            if url and token:
                return url, token
        raise BenchError(f"the server did not start within {STARTUP_TIMEOUT:.0f} s:\n" + "\n".join(self.log[-20:]))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # graceful shutdown (tokio ctrl_c)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=STOP_TIMEOUT)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process (all its threads) so far, from /proc/PID/stat."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU time the whole machine has spent busy (all CPUs, not idle nor waiting), /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:8]]
    return (sum(v) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")


def children_cpu_seconds() -> float:
    """User + system time of this script's finished children (the load generator runs)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def busy_cpus(seconds: float) -> float:
    """How many CPUs' worth of time the whole machine spent busy over `seconds`."""
    b0 = machine_busy_seconds()
    time.sleep(seconds)
    return (machine_busy_seconds() - b0) / seconds


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of /proc/PID/status, in kB."""
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    key, value = line.split(":", 1)
                    out[key] = int(value.split()[0])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return out


class RssSampler:
    """The server's VmRSS every `interval` seconds, in a thread; the peak per labelled phase."""

    def __init__(self, pid: int, interval: float = 0.1):
        self.pid, self.interval = pid, interval
        self.phase = "idle"
        self.peak_kb: dict[str, int] = {}
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            rss = proc_status(self.pid).get("VmRSS")
            if rss is not None:
                self.samples += 1
                self.peak_kb[self.phase] = max(self.peak_kb.get(self.phase, 0), rss)
            self._stop.wait(self.interval)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


# --------------------------------------------------------------------------------------------
# First start: the admin, with TOTP, in the demo organization


def sign_in(base: str, setup_token: str) -> tuple[Client, str]:
    """Creates the admin and enrols TOTP; returns the signed-in client and the demo assessment id."""
    c = Client(base)
    page = c.get("/setup")
    if page.status != 200:
        raise BenchError(f"GET /setup: {page.status} (is the database fresh?)")
    password = base64.urlsafe_b64encode(os.urandom(18)).decode()  # 24 characters
    made = c.post(
        "/setup",
        {
            "csrf_token": form_field(page.body, "csrf_token"),
            "token": setup_token,
            "username": "bench",
            "display_name": "負荷試験",
            "password": password,
        },
    )
    if made.status != 303 or made.location != "/account/totp":
        raise BenchError(f"POST /setup: {made.status} → {made.location}\n{made.body[:2000]}")
    enrol = c.get("/account/totp")
    m = re.search(r'<code class="secret">([^<]+)</code>', enrol.body)
    if enrol.status != 200 or not m:
        raise BenchError(f"GET /account/totp: {enrol.status}, no TOTP key shown")
    key = base32_key(m.group(1))
    csrf = form_field(enrol.body, "csrf_token")
    # A code a second before its step ends may be stale on arrival: wait for the next step.
    if 30 - time.time() % 30 < 2:
        time.sleep(30 - time.time() % 30 + 0.1)
    done = c.post("/account/totp", {"csrf_token": csrf, "code": totp(key)})
    if done.status != 200 or "回復コード" not in done.body:
        raise BenchError(f"POST /account/totp: {done.status} → {done.location}\n{done.body[:2000]}")
    listing = c.get("/assessments")
    if listing.status != 200:
        raise BenchError(f"GET /assessments: {listing.status} → {listing.location}")
    ids = re.findall(r'href="/assessments/([0-9a-fA-F-]{36})"', listing.body)
    if not ids:
        raise BenchError("the demo assessment is not listed on /assessments")
    return c, ids[0]


def serial_timing(c: Client, path: str, n: int) -> tuple[int, float, float]:
    """One client, one request at a time: the body size, the first request's time and the median
    of the others (ms; the first of the dashboard renders it, the others may be served cached)."""
    times, size = [], 0
    for _ in range(n):
        t0 = time.perf_counter()
        r = c.get(path)
        times.append((time.perf_counter() - t0) * 1000)
        if r.status != 200:
            raise BenchError(f"GET {path}: {r.status} → {r.location} (expected 200)")
        size = len(r.body.encode())
    rest = sorted(times[1:])
    return size, times[0], rest[len(rest) // 2]


# --------------------------------------------------------------------------------------------
# Load generators


WRK_SCRIPT = r"""
-- Tallies the status of every response per thread (wrk itself only counts >= 400), and prints
-- one machine-readable line with wrk's own figures.
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) s2, s3, s4, s5, sx = 0, 0, 0, 0, 0 end
function response(status, headers, body)
  if status < 300 then s2 = s2 + 1
  elseif status < 400 then s3 = s3 + 1
  elseif status < 500 then s4 = s4 + 1
  elseif status < 600 then s5 = s5 + 1
  else sx = sx + 1 end
end
function done(summary, latency, requests)
  local t = {s2 = 0, s3 = 0, s4 = 0, s5 = 0, sx = 0}
  for _, th in ipairs(threads) do
    for k, _ in pairs(t) do t[k] = t[k] + (th:get(k) or 0) end
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d bytes=%d connect=%d read=%d write=%d status=%d timeout=%d " ..
    "p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d mean_us=%.1f " ..
    "s2=%d s3=%d s4=%d s5=%d sx=%d\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean, t.s2, t.s3, t.s4, t.s5, t.sx))
end
"""


@dataclass
class Result:
    name: str
    path: str
    requests: int = 0
    seconds: float = 0.0
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    status_2xx: int = 0
    status_other: int = 0  # 3xx (a lost session redirects to /login), 4xx, 5xx
    socket_errors: int = 0  # connect, read, write, timeout
    error_detail: str = ""
    peak_rss_kb: int = 0
    server_cpu_s: float = 0.0
    tool_cpu_s: float = 0.0  # the load generator's
    machine_cpu_s: float = 0.0  # every process's, these two included
    raw: str = ""

    @property
    def errors(self) -> int:
        return self.status_other + self.socket_errors


def which_tool(wanted: str) -> str:
    found = [t for t in (("wrk", "oha") if wanted == "auto" else (wanted,)) if shutil.which(t)]
    if not found:
        raise BenchError(
            "no load generator: install wrk (Debian/Ubuntu: `apt-get install -y wrk`) "
            "or oha (`cargo install oha`), then run again"
        )
    return found[0]


def run_wrk(url: str, cookie: str, args, folder: Path, r: Result) -> None:
    script = folder / "status.lua"
    script.write_text(WRK_SCRIPT)
    cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--latency",
           f"--timeout={args.timeout}s", "-s", str(script), "-H", f"Cookie: {cookie}", url]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=args.duration + 60)
    r.raw = out.stdout + out.stderr
    m = re.search(r"^BENCH (.*)$", out.stdout, re.M)
    if out.returncode != 0 or not m:
        raise BenchError(f"wrk failed ({out.returncode}):\n{r.raw}")
    v = {k: float(x) for k, x in (kv.split("=") for kv in m.group(1).split())}
    r.requests = int(v["requests"])
    r.seconds = v["duration_us"] / 1e6
    r.rps = r.requests / r.seconds if r.seconds else 0.0
    r.p50_ms, r.p99_ms, r.max_ms = v["p50_us"] / 1000, v["p99_us"] / 1000, v["max_us"] / 1000
    r.status_2xx = int(v["s2"])
    # wrk's own "Non-2xx or 3xx responses" (errors.status) is a subset of the tally's 4xx + 5xx.
    r.status_other = int(max(v["s3"] + v["s4"] + v["s5"] + v["sx"], v["status"]))
    r.socket_errors = int(v["connect"] + v["read"] + v["write"] + v["timeout"])
    r.error_detail = ", ".join(
        f"{k} {int(v[k])}"
        for k in ("connect", "read", "write", "timeout")
        if v[k]
    ) + "".join(f" {n} {int(v[k])}" for k, n in (("s3", "3xx"), ("s4", "4xx"), ("s5", "5xx")) if v[k])


def run_oha(url: str, cookie: str, args, folder: Path, r: Result) -> None:
    helptext = subprocess.run(["oha", "--help"], capture_output=True, text=True, timeout=30).stdout
    json_flag = ["--output-format", "json"] if "--output-format" in helptext else ["--json"]
    cmd = ["oha", "-z", f"{args.duration}s", "-c", str(args.connections), "--no-tui", *json_flag,
           "-t", f"{args.timeout}s", "-H", f"Cookie: {cookie}", url]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=args.duration + 60)
    r.raw = out.stdout + out.stderr
    try:
        d = json.loads(out.stdout)
    except json.JSONDecodeError:
        raise BenchError(f"oha failed ({out.returncode}):\n{r.raw}") from None
    codes = {int(k): n for k, n in d.get("statusCodeDistribution", {}).items()}
    errs = d.get("errorDistribution", {})
    r.status_2xx = sum(n for k, n in codes.items() if 200 <= k < 300)
    r.status_other = sum(n for k, n in codes.items() if not 200 <= k < 300)
    r.socket_errors = sum(errs.values())
    r.requests = r.status_2xx + r.status_other + r.socket_errors
    r.seconds = d["summary"]["total"]
    r.rps = d["summary"]["requestsPerSec"]
    pct = d["latencyPercentiles"]
    r.p50_ms, r.p99_ms = pct["p50"] * 1000, pct["p99"] * 1000
    r.max_ms = d["summary"]["slowest"] * 1000
    r.error_detail = ", ".join(f"{k}: {n}" for k, n in errs.items()) + "".join(
        f" HTTP {k} {n}" for k, n in sorted(codes.items()) if not 200 <= k < 300
    )


# --------------------------------------------------------------------------------------------


def mb(kb: int) -> float:
    return kb / 1024


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--binary", type=Path, default=DEFAULT_BINARY, help="default: target/release/sansho")
    p.add_argument("--duration", type=int, default=60, help="seconds per page (default 60)")
    p.add_argument("--connections", type=int, default=200, help="concurrent connections (default 200)")
    p.add_argument("--threads", type=int, default=2, help="load generator threads, wrk only (default 2)")
    p.add_argument("--timeout", type=int, default=2, help="a response later than this many s is an error")
    p.add_argument("--quick", action="store_true", help="10 s per page")
    p.add_argument("--tool", choices=("auto", "wrk", "oha"), default="auto", help="default: wrk, else oha")
    p.add_argument("--requirement", default=DEFAULT_REQUIREMENT, help=f"default: {DEFAULT_REQUIREMENT}")
    args = p.parse_args()
    if args.quick:
        args.duration = 10
    if args.connections < args.threads:
        args.threads = args.connections

    _self_test()
    try:
        tool = which_tool(args.tool)
        binary = args.binary.resolve()
        if not os.access(binary, os.X_OK):
            raise BenchError(f"{binary}: not found; build it first: cargo build --release")
    except BenchError as e:
        print(f"load.py: {e}", file=sys.stderr)
        return 2

    server = None
    sampler = None
    results: list[Result] = []
    hwm_kb = idle_kb = idle_hwm_kb = 0
    try:
        with tempfile.TemporaryDirectory(prefix="sansho-bench-") as tmp:
            folder = Path(tmp)
            server = Server(binary, folder)
            try:
                base, token = server.wait_ready()
                if not base.startswith("http://127.0.0.1:"):
                    raise BenchError(f"the server is not on 127.0.0.1: {base}")
                if not token:
                    raise BenchError("no setup token on the console (the database is not fresh?)")
                sampler = RssSampler(server.pid)
                sampler.start()
                client, assessment = sign_in(base, token)
                targets = [("dashboard", f"/assessments/{assessment}"), ("requirement", args.requirement)]
                print(f"sansho {binary} pid {server.pid} at {base}/ (db in {folder})")
                print(f"load: {tool}, {args.connections} connections, {args.duration} s per page, "
                      f"{os.cpu_count()} CPUs shared by server and load generator")
                busy = busy_cpus(1.0)
                if busy > 0.25:
                    print(f"  note: {busy:.1f} of {os.cpu_count()} CPUs were busy with other work just before the "
                          "runs: the figures are worse than on an idle machine")
                for name, path in targets:
                    size, first, median = serial_timing(client, path, 21)
                    print(f"  {name:<12} {path}  {size / 1024:.0f} KiB; one at a time: "
                          f"first {first:.2f} ms, then median {median:.2f} ms")
                idle = proc_status(server.pid)
                idle_kb, idle_hwm_kb = idle.get("VmRSS", 0), idle.get("VmHWM", 0)
                cookie = client.cookie_header()
                for name, path in targets:
                    r = Result(name, path)
                    sampler.phase = name
                    print(f"  running {name} for {args.duration} s ...", flush=True)
                    run = run_wrk if tool == "wrk" else run_oha
                    cpu0, tool0, all0 = cpu_seconds(server.pid), children_cpu_seconds(), machine_busy_seconds()
                    run(base + path, cookie, args, folder, r)
                    r.server_cpu_s = cpu_seconds(server.pid) - cpu0
                    r.tool_cpu_s = children_cpu_seconds() - tool0
                    r.machine_cpu_s = machine_busy_seconds() - all0
                    sampler.phase = "after"
                    r.peak_rss_kb = sampler.peak_kb.get(name, 0)
                    results.append(r)
                    # The session must still be good: a redirect to /login would be a silent failure.
                    after = client.get(path)
                    if after.status != 200:
                        r.status_other += 1
                        r.error_detail += f" after the run: {after.status} → {after.location}"
                    time.sleep(1)  # the connections close
                hwm_kb = proc_status(server.pid).get("VmHWM", 0)
            finally:
                if sampler:
                    sampler.stop()
                server.stop()
    except (BenchError, subprocess.TimeoutExpired, OSError, urllib.error.URLError) as e:
        print(f"load.py: {e}", file=sys.stderr)
        if server and server.log:
            print("server console (last lines):\n  " + "\n  ".join(server.log[-10:]), file=sys.stderr)
        return 2

    peak_kb = max(sampler.peak_kb.values()) if sampler and sampler.peak_kb else 0
    print()
    print("| page | requests | req/s | p50 ms | p99 ms | max ms | errors | peak RSS MB | server CPU µs/req |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        per_req = r.server_cpu_s / r.requests * 1e6 if r.requests else 0.0
        print(f"| {r.name} | {r.requests} | {r.rps:.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | {r.max_ms:.1f} | "
              f"{r.errors} | {mb(r.peak_rss_kb):.1f} | {per_req:.0f} |")
    print()
    print(f"RSS: {mb(idle_kb):.1f} MB before the load, peak sampled {mb(peak_kb):.1f} MB "
          f"({sampler.samples if sampler else 0} samples every 100 ms), VmHWM {mb(hwm_kb):.1f} MB at the end "
          f"({mb(idle_hwm_kb):.1f} MB before the load: the setup's argon2id password hash)")
    total_errors = sum(r.errors for r in results)
    for r in results:
        if r.errors:
            print(f"errors on {r.name}: {r.error_detail.strip()}")
    worst_rss = max(peak_kb, hwm_kb)
    for r in results:
        if r.seconds:
            other = max(r.machine_cpu_s - r.server_cpu_s - r.tool_cpu_s, 0.0)
            print(f"CPUs used during the {r.name} run: server {r.server_cpu_s / r.seconds:.2f}, "
                  f"{tool} {r.tool_cpu_s / r.seconds:.2f}, everything else {other / r.seconds:.2f} "
                  f"(of {os.cpu_count()})")
    print("(server CPU µs/req: the server's user + system time during the run over its requests; with N")
    print(" connections in a closed loop, latency ≈ N / (requests per second), so p99 follows that cost)")
    print()
    print("targets:")
    verdict = lambda ok: "met" if ok else "MISSED"  # noqa: E731
    for r in results:
        print(f"  p99 < {TARGET_P99_MS:.0f} ms on {r.name}: {r.p99_ms:.2f} ms — {verdict(r.p99_ms < TARGET_P99_MS)}")
    print(f"  RSS < {TARGET_RSS_MB:.0f} MB: {mb(worst_rss):.1f} MB (VmHWM) — {verdict(mb(worst_rss) < TARGET_RSS_MB)}")
    print(f"  0 errors: {total_errors} — {verdict(total_errors == 0)}")
    return 1 if total_errors else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
