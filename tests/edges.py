"""Edges in front of a server, on loopback: a real nginx (with ModSecurity and the OWASP CRS where installed) and a
small Python proxy for what a config cannot make. Each starts on a free port and is stopped by the test that
started it (a context manager); none sends traffic anywhere but to the server behind it.

See /work/shared/EDGE_NOTES.md for the nginx facts these configs rest on.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import unquote, urlsplit

from fakes import serving
from reference.alternatives.http import Bucket

MODSECURITY_MODULE = Path("/usr/lib/nginx/modules/ngx_http_modsecurity_module.so")
MODSECURITY_CONF = Path("/etc/nginx/modsecurity.conf")
CRS_LOAD = Path("/usr/share/modsecurity-crs/owasp-crs.load")
# One page for every error, as a site's error_page is (the edge's, not the implementation's).
ERROR_PAGE = b"<!DOCTYPE html>\n<html><head><title>Error</title></head><body><h1>Sorry, something went wrong.</h1>" \
             b"<p>Please try again later.</p></body></html>\n"


def nginx_missing() -> str | None:
    """Why a real nginx cannot be run here, or None."""
    if shutil.which("nginx") is None:
        return "nginx is not installed (apt-get install nginx; .ci/run does as root)"
    return None


def modsecurity_missing() -> str | None:
    missing = [str(p) for p in (MODSECURITY_MODULE, MODSECURITY_CONF, CRS_LOAD) if not p.exists()]
    if missing:
        return ("ModSecurity or the OWASP CRS is not installed (apt-get install libnginx-mod-http-modsecurity "
                f"modsecurity-crs; .ci/run does as root): missing {', '.join(missing)}")
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class NginxEdge:
    """What the nginx in front does: each a few lines of its config."""

    html_errors: bool = False  # proxy_intercept_errors with one HTML page for every error
    rate: str | None = None  # limit_req at this rate ("10r/s"), burst 5, nodelay
    rate_status: int = 503  # the status of limit_req's refusal (nginx's default 503, or limit_req_status 429)
    waf: bool = False  # ModSecurity with the OWASP CRS, blocking


def _modsecurity_rules(directory: Path) -> Path:
    """Debian's recommended ModSecurity config with the engine on and its logs in `directory`, then the CRS, each
    file that exists (ModSecurity v3 has no IncludeOptional)."""
    conf = MODSECURITY_CONF.read_text()
    conf = re.sub(r"(?m)^SecRuleEngine .*$", "SecRuleEngine On", conf)
    conf = re.sub(r"(?m)^SecAuditLog .*$", f"SecAuditLog {directory / 'modsec_audit.log'}", conf)
    conf = re.sub(r"(?m)^SecAuditLogStorageDir .*$", f"SecAuditLogStorageDir {directory}", conf)
    conf = re.sub(r"(?m)^SecDebugLog .*$", f"SecDebugLog {directory / 'modsec_debug.log'}", conf)
    conf = re.sub(r"(?m)^SecTmpDir .*$", f"SecTmpDir {directory}", conf)
    conf = re.sub(r"(?m)^SecDataDir .*$", f"SecDataDir {directory}", conf)
    # A relative path is read from the rules file's directory (ours): Debian's map beside its config, absolute.
    unicode_map = MODSECURITY_CONF.parent / "unicode.mapping"
    conf = re.sub(r"(?m)^SecUnicodeMapFile unicode.mapping", f"SecUnicodeMapFile {unicode_map}", conf)
    lines = [conf]
    for line in CRS_LOAD.read_text().splitlines():
        match = re.match(r"\s*Include(?:Optional)?\s+(\S+)", line)
        if not match:
            continue
        pattern = match.group(1)
        paths = sorted(Path("/").glob(pattern.lstrip("/"))) if any(c in pattern for c in "*?[") else [Path(pattern)]
        lines += [f"Include {p}" for p in paths if p.exists()]
    rules = directory / "modsecurity.conf"
    rules.write_text("\n".join(lines) + "\n")
    return rules


def nginx_conf(directory: Path, port: int, upstream: str, edge: NginxEdge) -> str:
    up = urlsplit(upstream)
    user = "user root root;" if os.geteuid() == 0 else ""
    load = f"load_module {MODSECURITY_MODULE};" if edge.waf else ""
    temp = "\n".join(f"    {kind}_temp_path {directory / kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    zone = f"limit_req_zone $binary_remote_addr zone=api:1m rate={edge.rate};" if edge.rate else ""
    limit = (f"limit_req zone=api burst=5 nodelay; limit_req_status {edge.rate_status};" if edge.rate else "")
    errors = ("proxy_intercept_errors on; error_page 400 401 403 404 429 500 502 503 504 /err.html;"
              if edge.html_errors else "")
    waf = f"modsecurity on; modsecurity_rules_file {_modsecurity_rules(directory)};" if edge.waf else ""
    return f"""{load}
{user}
daemon off;
worker_processes 1;
pid {directory / 'nginx.pid'};
error_log {directory / 'error.log'};
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
{temp}
    {zone}
    server {{
        listen 127.0.0.1:{port};
        {waf}
        location = /err.html {{ internal; root {directory / 'html'}; }}
        location / {{
            {limit}
            {errors}
            proxy_pass http://{up.hostname}:{up.port};
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }}
    }}
}}
"""


@contextlib.contextmanager
def nginx(upstream: str, edge: NginxEdge) -> Iterator[str]:
    """A real nginx in front of `upstream`, in the foreground, with its own prefix; yields its base URL."""
    directory = Path(tempfile.mkdtemp(prefix="conformance-nginx-"))
    (directory / "html").mkdir()
    (directory / "html" / "err.html").write_bytes(ERROR_PAGE)
    port = free_port()
    conf = directory / "nginx.conf"
    conf.write_text(nginx_conf(directory, port, upstream, edge))
    proc = subprocess.Popen(["nginx", "-p", str(directory), "-c", str(conf)], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_listening(port, proc, directory)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.send_signal(signal.SIGQUIT)  # a graceful stop of the master, which stops its worker
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(directory, ignore_errors=True)


def _wait_listening(port: int, proc: subprocess.Popen, directory: Path, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log = (directory / "error.log").read_text(errors="replace") if (directory / "error.log").exists() else ""
            raise RuntimeError(f"nginx exited ({proc.returncode}): {proc.stderr.read().decode(errors='replace')}{log}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nginx did not listen on {port} within {timeout} s")


# ------------------------------------------------------------------ a Python proxy: what a config cannot make

# What a WAF refuses on sight (after the CRS at paranoia 1): SQL-looking text, a NUL, an integer overflow. Only in
# the query: the CRS let the chat ids a suite sends in the path through.
PROVOKING = re.compile(r"'|--|;|\bdrop\b|\bunion\b|\x00|(?<!\d)(?:2147483648|4294967296|\d+(?:\.\d+)?e\+?3\d\d)(?!\d)",
                       re.IGNORECASE)


@dataclass(frozen=True)
class ProxyEdge:
    html_errors: bool = False  # every upstream error's body replaced by ERROR_PAGE (status kept)
    rate_per_second: float | None = None  # a token bucket over every request; over it, `rate_status` as HTML
    burst: float = 5.0
    rate_status: int = 429
    waf: bool = False  # a 403 HTML page for a query PROVOKING matches; the upstream never sees it


class _Bucket:
    """The reference's token bucket (its rate-limited variation), shared by the proxy's threads."""

    def __init__(self, rate: float, burst: float) -> None:
        self.bucket = Bucket(rate, burst, burst, time.monotonic())
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            return self.bucket.take(time.monotonic())


HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "server", "date"}


@contextlib.contextmanager
def proxy(upstream: str, edge: ProxyEdge) -> Iterator[str]:
    """A reverse proxy (HTTP/1.1, GET only) that says it is one (Via), in front of `upstream`; yields its URL."""
    up = urlsplit(upstream)
    bucket = _Bucket(edge.rate_per_second, edge.burst) if edge.rate_per_second else None

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "edge-proxy/1"

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            if bucket is not None and not bucket.take():
                return self.page(edge.rate_status)
            if edge.waf and PROVOKING.search(unquote(urlsplit(self.path).query)):
                return self.page(403)
            conn = http.client.HTTPConnection(up.hostname, up.port, timeout=30)
            try:
                conn.request("GET", self.path, headers={k: v for k, v in self.headers.items()
                                                        if k.lower() not in HOP_BY_HOP | {"host"}})
                answer = conn.getresponse()
                body = answer.read()
                if edge.html_errors and answer.status >= 400:
                    return self.page(answer.status)
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in HOP_BY_HOP:
                        self.send_header(name, value)
                self.send_header("Via", "1.1 edge-proxy")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            finally:
                conn.close()

        def page(self, status: int) -> None:
            self.send_response(status)
            self.send_header("Via", "1.1 edge-proxy")
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(ERROR_PAGE)))
            self.end_headers()
            self.wfile.write(ERROR_PAGE)

        def log_message(self, *args: object) -> None:
            pass

    with serving(Handler) as url:
        yield url
