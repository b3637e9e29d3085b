#!/usr/bin/env python3
"""Starting `sansho serve --demo` on a fresh database and signing in to it over HTTP, for the
scripts that drive a real server (bench/load.py, scripts/api-fuzz.py).

The server listens on 127.0.0.1:0 (a free port) with its database in a folder the caller gives;
the first admin is created with the setup token read from its console and enrols TOTP, whose
codes are computed here (RFC 6238). Python 3.11, standard library only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import queue
import re
import signal
import struct
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

HTTP_TIMEOUT = 15.0  # seconds, any single request of the setup
STARTUP_TIMEOUT = 120.0  # seconds until the server prints its address
STOP_TIMEOUT = 10.0  # seconds between SIGINT and SIGKILL


class SetupError(Exception):
    """The server could not be started or signed in to."""


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


def totp_self_test() -> None:
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
        raise SetupError(f"no form field {name!r} in the page:\n{body[:2000]}")
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
                    raise SetupError(f"the server exited ({self.proc.returncode}):\n" + "\n".join(self.log[-20:]))
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
        raise SetupError(f"the server did not start within {STARTUP_TIMEOUT:.0f} s:\n" + "\n".join(self.log[-20:]))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # graceful shutdown (tokio ctrl_c)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=STOP_TIMEOUT)


# --------------------------------------------------------------------------------------------
# First start: the admin, with TOTP, in the demo organization


def sign_in(
    base: str, setup_token: str, username: str = "bench", display_name: str = "負荷試験"
) -> tuple[Client, str]:
    """Creates the admin and enrols TOTP; returns the signed-in client and the demo assessment id."""
    c = Client(base)
    page = c.get("/setup")
    if page.status != 200:
        raise SetupError(f"GET /setup: {page.status} (is the database fresh?)")
    password = base64.urlsafe_b64encode(os.urandom(18)).decode()  # 24 characters
    made = c.post(
        "/setup",
        {
            "csrf_token": form_field(page.body, "csrf_token"),
            "token": setup_token,
            "username": username,
            "display_name": display_name,
            "password": password,
        },
    )
    if made.status != 303 or made.location != "/account/totp":
        raise SetupError(f"POST /setup: {made.status} → {made.location}\n{made.body[:2000]}")
    enrol = c.get("/account/totp")
    m = re.search(r'<code class="secret">([^<]+)</code>', enrol.body)
    if enrol.status != 200 or not m:
        raise SetupError(f"GET /account/totp: {enrol.status}, no TOTP key shown")
    key = base32_key(m.group(1))
    csrf = form_field(enrol.body, "csrf_token")
    # A code a second before its step ends may be stale on arrival: wait for the next step.
    if 30 - time.time() % 30 < 2:
        time.sleep(30 - time.time() % 30 + 0.1)
    done = c.post("/account/totp", {"csrf_token": csrf, "code": totp(key)})
    if done.status != 200 or "回復コード" not in done.body:
        raise SetupError(f"POST /account/totp: {done.status} → {done.location}\n{done.body[:2000]}")
    listing = c.get("/assessments")
    if listing.status != 200:
        raise SetupError(f"GET /assessments: {listing.status} → {listing.location}")
    ids = re.findall(r'href="/assessments/([0-9a-fA-F-]{36})"', listing.body)
    if not ids:
        raise SetupError("the demo assessment is not listed on /assessments")
    return c, ids[0]
