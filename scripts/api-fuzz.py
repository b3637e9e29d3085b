#!/usr/bin/env python3
"""Schemathesis against sansho's JSON API: no 5xx, no response that violates the schema.

Builds `sansho` (debug, `cargo build --locked -p sansho`) unless --no-build, starts
`sansho serve --demo` on 127.0.0.1 with a free port and a fresh database in a temporary folder,
creates the first admin over HTTP (setup token, TOTP enrolment), reads the session cookie and
the CSRF token (`GET /api/session`), then runs

    schemathesis run http://127.0.0.1:PORT/api/openapi.json

with the session cookie and the `x-csrf-token` header (the document's security schemes), a
bounded number of examples per operation, and the checks below. The ids in paths are the demo's
(its organization, system, assessment, an answered requirement and an evidence file), so the
fuzzer reaches the handlers and not only their 404s; unknown ids are covered by
crates/web/tests/api.rs. Logging out (`DELETE /api/session`) is left out: it would end the
session the rest of the run uses. `positive_data_acceptance` is not checked: data that fits the
schema can still be refused for what it says (a due date that is not a date, an unknown catalog:
422 with the reason).

Exit status: schemathesis's (0 when every check passed), 2 when the run could not start.
The server is stopped in every case. Python 3.11; schemathesis from PyPI (see
scripts/requirements-fuzz.txt).

    python3 scripts/api-fuzz.py                      # 25 examples per operation
    python3 scripts/api-fuzz.py --max-examples 100 --seed 1
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from sansho_serve import HTTP_TIMEOUT, Client, Server, SetupError, sign_in, totp_self_test  # noqa: E402

CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "missing_required_header",
    "unsupported_method",
    "ignored_auth",
]


def api(
    c: Client,
    method: str,
    path: str,
    body: object | None = None,
    csrf: str | None = None,
    raw: tuple[str, bytes] | None = None,
) -> object:
    """An API call with the client's cookies, a JSON body (or `raw`: content type and bytes); the
    decoded JSON answer (raises on non-2xx)."""
    content_type, data = raw if raw else ("application/json", json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(c.base + path, data=data, method=method)
    req.add_header("Cookie", c.cookie_header())
    if data is not None:
        req.add_header("Content-Type", content_type)
    if csrf:
        req.add_header("x-csrf-token", csrf)
    try:
        with urllib.request.urlopen(req, timeout=HTTP_TIMEOUT) as res:
            return json.loads(res.read() or b"null")
    except urllib.error.HTTPError as e:
        raise SetupError(f"{method} {path}: {e.code} {e.read()[:2000]!r}") from None


def toml_str(s: str) -> str:
    return json.dumps(s)  # a JSON string is a valid TOML basic string


def fixtures(c: Client) -> tuple[str, str, dict[str, dict[str, str]]]:
    """The session token, the CSRF token and the demo's ids by path prefix."""
    me = api(c, "GET", "/api/session")
    csrf = me["csrf_token"]
    org = me["organizations"][0]["id"]
    system = api(c, "GET", f"/api/organizations/{org}/systems")[0]["id"]
    assessment = api(c, "GET", f"/api/systems/{system}/assessments")[0]["id"]
    # A file kept as evidence on an answered requirement, so /api/evidence/{id} has something to show.
    rows = api(c, "GET", f"/api/assessments/{assessment}/answers")
    answered = next(r["local_id"] for r in rows if r["answer"] is not None)
    boundary = "sanshoFuzzBoundary"
    form = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n規程\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"kitei.txt\"\r\n"
        "Content-Type: text/plain\r\n\r\n第1条 運用責任者を置く。\r\n"
        f"--{boundary}--\r\n"
    ).encode()
    evidence = api(
        c,
        "POST",
        f"/api/assessments/{assessment}/requirements/{answered}/evidence",
        csrf=csrf,
        raw=(f"multipart/form-data; boundary={boundary}", form),
    )["id"]
    # A colleague for the administration endpoints to work on, so that they act on a real account
    # that is not the one the run is signed in with.
    target = api(
        c,
        "POST",
        "/api/admin/users",
        {
            "username": "fuzz-target",
            "display_name": "試験対象",
            "password": "fuzz target password 1",
            "role": "viewer",
            "organizations": [org],
        },
        csrf=csrf,
    )["id"]
    ids = {
        "admin/users": {"path.id": target},
        "assessments/{id}/requirements": {"path.id": assessment, "path.req": answered},
        "organizations": {"path.id": org},
        "systems": {"path.id": system},
        "assessments": {"path.id": assessment},
        "evidence": {"path.id": evidence},
    }
    return c.jar["sansho_session"], csrf, ids


def config(session: str, csrf: str, ids: dict[str, dict[str, str]]) -> str:
    """schemathesis.toml: the session as the document's two security schemes (so schemathesis
    sends them where an operation asks for them, and leaves them out to check the refusals),
    and the demo's ids for `{id}` in each family of paths."""
    out = [
        "[auth.openapi.session_cookie]",
        f"api_key = {toml_str(session)}",
        "",
        "[auth.openapi.csrf_header]",
        f"api_key = {toml_str(csrf)}",
        "",
    ]
    for prefix, params in ids.items():
        regex = "^/api/" + prefix.replace("{", "[{]").replace("}", "[}]") + ("/" if "/" in prefix else "/[{]id[}]")
        out.append("[[operations]]")
        out.append(f"include-path-regex = {toml_str(regex)}")
        out.append("parameters = { " + ", ".join(f"{toml_str(k)} = {toml_str(v)}" for k, v in params.items()) + " }")
        out.append("")
    return "\n".join(out)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--binary", type=Path, default=ROOT / "target" / "debug" / "sansho")
    p.add_argument("--no-build", action="store_true", help="use --binary as it is")
    p.add_argument("--max-examples", type=int, default=25, help="per operation (default 25)")
    p.add_argument("--workers", default="2", help="schemathesis workers (default 2)")
    p.add_argument("--seed", type=int, default=None, help="for a reproducible run")
    args = p.parse_args()
    totp_self_test()
    started = time.monotonic()
    if shutil.which("schemathesis") is None:
        print("api-fuzz: schemathesis is not installed (pip install -r scripts/requirements-fuzz.txt)", file=sys.stderr)
        return 2
    if not args.no_build:
        subprocess.run(["cargo", "build", "--locked", "-p", "sansho"], cwd=ROOT, check=True)
    binary = args.binary.resolve()
    if not os.access(binary, os.X_OK):
        print(f"api-fuzz: {binary}: not found; build it first", file=sys.stderr)
        return 2
    server = None
    try:
        with tempfile.TemporaryDirectory(prefix="sansho-fuzz-") as tmp:
            folder = Path(tmp)
            server = Server(binary, folder)
            try:
                base, token = server.wait_ready()
                if not base.startswith("http://127.0.0.1:"):
                    raise SetupError(f"the server is not on 127.0.0.1: {base}")
                if not token:
                    raise SetupError("no setup token on the console (the database is not fresh?)")
                client, _ = sign_in(base, token, "fuzz", "API試験")
                session, csrf, ids = fixtures(client)
                cfg = folder / "schemathesis.toml"
                cfg.write_text(config(session, csrf, ids))
                print(cfg.read_text().replace(session, "…").replace(csrf, "…"), flush=True)
                cmd = [
                    "schemathesis",
                    "--no-color",
                    "--config-file",
                    str(cfg),
                    "run",
                    f"{base}/api/openapi.json",
                    "--checks",
                    ",".join(CHECKS),
                    # Operations that end or weaken the run's own session when they hit its own
                    # user or session (the stateful phase follows links to them): logout, ending a
                    # session, and an admin's reset of a user's sessions, TOTP or password. The
                    # Rust tests cover them (crates/web/tests/account.rs, admin.rs).
                    *[
                        arg
                        for op in ("logout", "end_session", "revoke_sessions", "reset_totp", "set_password")
                        for arg in ("--exclude-operation-id", op)
                    ],
                    "--max-examples",
                    str(args.max_examples),
                    "--workers",
                    str(args.workers),
                    "--request-timeout",
                    "30",
                    "--report",
                    "junit",
                    "--report-dir",
                    str(ROOT / "target" / "api-fuzz"),
                ]
                if args.seed is not None:
                    cmd += ["--seed", str(args.seed)]
                print(f"api-fuzz: sansho at {base} (pid {server.pid}), db in {folder}", flush=True)
                print("api-fuzz: " + " ".join(cmd), flush=True)
                rc = subprocess.run(cmd, cwd=folder).returncode
                # How far the generated writes got: the requirement they all name, afterwards.
                req = ids["assessments/{id}/requirements"]
                try:
                    after = api(client, "GET", f"/api/assessments/{req['path.id']}/requirements/{req['path.req']}")
                    print(
                        f"api-fuzz: {req['path.req']} of the demo assessment now has {len(after['history'])} history "
                        f"entries and {len(after['evidence'])} evidence items (1 before the run)",
                        flush=True,
                    )
                except (SetupError, urllib.error.URLError) as e:
                    print(f"api-fuzz: reading the demo assessment after the run failed: {e}", file=sys.stderr)
                    rc = rc or 1
                if server.proc.poll() is not None:
                    print(f"api-fuzz: the server died during the run ({server.proc.returncode}):", file=sys.stderr)
                    print("\n".join(server.log[-30:]), file=sys.stderr)
                    rc = rc or 1
                errors = [line for line in server.log if " ERROR " in line or "panicked" in line]
                if errors:
                    print(f"api-fuzz: the server logged {len(errors)} errors, e.g.:", file=sys.stderr)
                    print("\n".join(errors[:10]), file=sys.stderr)
                    rc = rc or 1
                verdict = "passed" if rc == 0 else "FAILED"
                print(f"api-fuzz: {verdict} in {time.monotonic() - started:.0f} s", flush=True)
                return rc
            finally:
                server.stop()
    except (SetupError, subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError, urllib.error.URLError) as e:
        print(f"api-fuzz: {e}", file=sys.stderr)
        if server is not None and server.log:
            print("\n".join(server.log[-20:]), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
