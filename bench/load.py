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
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

# Starting the server and signing in are shared with scripts/api-fuzz.py.
from sansho_serve import Client, Server, SetupError, sign_in, totp_self_test  # noqa: E402
DEFAULT_BINARY = ROOT / "target" / "release" / "sansho"
DEFAULT_REQUIREMENT = "/guidelines/mic-cloud-2018/3.2.3-a-2"

TARGET_P99_MS = 20.0
TARGET_RSS_MB = 60.0

# The benchmark could not run (no binary, no load generator, setup refused...).
BenchError = SetupError


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

    totp_self_test()
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
