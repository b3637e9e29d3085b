#!/usr/bin/env python3
"""OSCAL import benchmark (issue 5, section 4).

On the 3.9 MB NIST SP 800-53 rev5 MODERATE resolved catalog, in one run: sansho's import
(parse, validate, convert to a sansho catalog: `sansho_oscal::import_catalog`) against
compliance-trestle loading the same file into its pydantic models (`Catalog.oscal_read`, which
checks every field) and loading plus running its validators as `trestle validate` does
(duplicates, references, links: the counterpart of sansho's id and reference checks),
and against a bare `serde_json` parse of the same bytes into a `Value` (the practical limit).
Each measurement is one load in a fresh process, timed inside it (reading the file included,
process start and Python's imports not); the three are interleaved, run after run, so a busy
machine slows them alike. Peak resident memory of each process comes from wait4; for trestle the
interpreter with trestle imported and nothing loaded is measured too.

Targets: sansho >= 10x faster than trestle; sansho within 3x of the bare parse. Missed targets are
reported, not failed; exit 2 if the benchmark cannot run.

    cargo build --release -p sansho-oscal --example oscal_bench
    python3 bench/oscal.py [--runs 11] [--python target/oscal-venv/bin/python]
"""

from __future__ import annotations

import argparse
import os
import pathlib
import statistics
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
FILE = ROOT / "crates/oscal/tests/data/NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_catalog.json"
BENCH = ROOT / "target/release/examples/oscal_bench"

# argv: FILE LOADS MODE; MODE "load" reads the file into trestle's pydantic models (which check
# every field), "validate" also runs all of trestle's validators as `trestle validate` does
# (AllValidator: catalog, duplicates, refs, links, rule parameters).
TRESTLE = """
import pathlib, sys, time
import trestle.core.validator_factory as vfact
from trestle.core.all_validator import AllValidator
from trestle.oscal.catalog import Catalog
path = pathlib.Path(sys.argv[1])
every = [v for v in vfact.validator_factory.get_all() if isinstance(v, AllValidator)][0]
for _ in range(int(sys.argv[2])):
    t = time.perf_counter()
    c = Catalog.oscal_read(path)
    if sys.argv[3] == "validate" and not every.model_is_valid(c, True, None):
        sys.exit("trestle finds the catalog invalid")
    ms = (time.perf_counter() - t) * 1e3
    print(f"ms {ms:.3f}")
    del c
"""


def measure(argv: list[str]) -> tuple[list[float], float]:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.dup2(w, 1)
        os.close(r)
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    os.close(w)
    chunks = []
    while True:
        b = os.read(r, 65536)
        if not b:
            break
        chunks.append(b)
    os.close(r)
    _, status, ru = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(argv)} failed")
    out = b"".join(chunks).decode()
    ms = [float(line.split()[1]) for line in out.splitlines() if line.startswith("ms ")]
    return ms, ru.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--loads", type=int, default=4, help="loads per process: the first is cold, the rest warm")
    ap.add_argument("--python", default=str(ROOT / "target/oscal-venv/bin/python"))
    args = ap.parse_args()
    if not BENCH.exists():
        print(f"{BENCH} is missing: cargo build --release -p sansho-oscal --example oscal_bench", file=sys.stderr)
        return 2
    try:
        subprocess.run([args.python, "-c", "import trestle"], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        print(f"{args.python} has no compliance-trestle (pip install compliance-trestle)", file=sys.stderr)
        return 2
    version = subprocess.run(
        [args.python, "-c", "import trestle; print(trestle.__version__)"], capture_output=True, text=True
    ).stdout.strip()

    kinds = {
        "sansho import+validate": [str(BENCH), "sansho", str(FILE), str(args.loads)],
        "serde_json bare parse": [str(BENCH), "bare", str(FILE), str(args.loads)],
        f"trestle {version} load (models)": [args.python, "-c", TRESTLE, str(FILE), str(args.loads), "load"],
        f"trestle {version} load+validate": [args.python, "-c", TRESTLE, str(FILE), str(args.loads), "validate"],
    }
    cold: dict[str, list[float]] = {k: [] for k in kinds}
    warm: dict[str, list[float]] = {k: [] for k in kinds}
    rss: dict[str, list[float]] = {k: [] for k in kinds}
    for i in range(args.runs):
        for k, argv in kinds.items():
            ms, mib = measure(argv)
            cold[k].append(ms[0])
            warm[k].extend(ms[1:])
            rss[k].append(mib)
    _, py_base = measure([args.python, "-c", TRESTLE, str(FILE), "0", "load"])

    size = FILE.stat().st_size / 1e6
    print(
        f"OSCAL import benchmark: {FILE.name} ({size:.1f} MB), {args.runs} processes each, "
        f"{args.loads} loads per process (the first cold, the others warm)"
    )
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end")
    print(f"{'':36} {'cold median':>12} {'cold min':>9} {'warm median':>12} {'warm min':>9} {'peak RSS MiB':>13}")
    mc, mw = {}, {}
    for k in kinds:
        mc[k], mw[k] = statistics.median(cold[k]), statistics.median(warm[k] or cold[k])
        print(
            f"{k:36} {mc[k]:>9.1f} ms {min(cold[k]):>6.1f} ms {mw[k]:>9.1f} ms "
            f"{min(warm[k] or cold[k]):>6.1f} ms {max(rss[k]):>13.1f}"
        )
    print(f"{'(python + trestle imported, no load)':36} {'':>12} {'':>9} {'':>12} {'':>9} {py_base:>13.1f}")
    ok = lambda c: "met" if c else "MISSED"  # noqa: E731
    for name, m in (("cold", mc), ("warm", mw)):
        s, b, tl, tv = (m[k] for k in kinds)
        print(
            f"{name}: trestle load+validate / sansho {tv / s:.1f}x (target >= 10x: {ok(tv / s >= 10)}); "
            f"trestle load alone / sansho {tl / s:.1f}x; "
            f"sansho / bare parse {s / b:.2f}x (target <= 3x: {ok(s / b <= 3)})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
