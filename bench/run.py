"""HTTP benchmark of the customer archive at a million rows.

    python bench/run.py [--customers 1000000] [--contacts 1000000] [--requests 500] [--db sqlite|postgres]
    bash scripts/with-postgres.sh .venv/bin/python bench/run.py --db postgres

Makes a fresh SQLite data dir under /tmp (or uses DATABASE_URL), migrates, generates
N customers and N contacts with kehu/core/demo.py, starts the real server
(`kehu serve`, gunicorn) on a free loopback port, and times over HTTP with one
persistent connection:

    lookup      GET /api/customers/lookup?phone=…   (customer phones and contact mobiles)
    api list    GET /api/customers                  (first page)
    api search  GET /api/customers?q=…              (a 2–4 character piece of a name)
    phone tail  GET /api/customers?q=…              (the last 4 digits of a phone, 尾号)
    list page   GET /customers/                     (HTML, session cookie)
    360 page    GET /customers/<id>/                (HTML, session cookie)

Prints n, p50, p95, p99 in ms per endpoint (wall time on loopback, and the server's own
time when it sends a Server-Timing header) and the data-generation time.
Not part of the test suite; see docs/benchmarks.md for results.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS_MS = {  # p95 targets from the issue
    "lookup": 10, "api list": 50, "api search": 150, "phone tail": 150, "list page": 100, "360 page": 100,
}


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--customers", type=int, default=1_000_000)
    p.add_argument("--contacts", type=int, default=None, help="Default: as many as customers.")
    p.add_argument("--requests", type=int, default=500, help="Timed requests per endpoint.")
    p.add_argument("--warmup", type=int, default=20, help="Untimed requests per endpoint first.")
    p.add_argument("--max-seconds", type=float, default=120, help="Stop an endpoint after this long.")
    p.add_argument("--db", choices=["sqlite", "postgres"], default=None,
                   help="Default: postgres when DATABASE_URL is set, else sqlite.")
    p.add_argument("--data-dir", default=None,
                   help="Use this KEHU_DATA_DIR (kept afterwards); data already there is reused.")
    p.add_argument("--keep", action="store_true", help="Keep the temporary data dir.")
    p.add_argument("--user", default="rep1", help="Whose view is timed (a demo login). Default rep1.")
    p.add_argument("--extras", action="store_true",
                   help="Also generate follow-ups, ledger, equipment and tags (slower).")
    p.add_argument("--analyze", choices=["auto", "yes", "no"], default="auto",
                   help="Run ANALYZE after loading. auto: on PostgreSQL (autovacuum would), not on SQLite.")
    p.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: kehu serve's).")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", default=None, help="Also write the results to this file.")
    p.add_argument("--only", default="", help="Comma-separated endpoint names to time (default all).")
    return p.parse_args()


def setup_environment(args: argparse.Namespace) -> tuple[str, Path, bool]:
    """Point Django at the benchmark database before it is imported."""
    db = args.db or ("postgres" if os.environ.get("DATABASE_URL") else "sqlite")
    if db == "postgres" and not os.environ.get("DATABASE_URL"):
        sys.exit("--db postgres needs DATABASE_URL; run under scripts/with-postgres.sh")
    if db == "sqlite":
        os.environ.pop("DATABASE_URL", None)
    temporary = args.data_dir is None
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="kehu-bench-", dir="/tmp"))
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["KEHU_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "kehu.settings"
    os.environ.setdefault("KEHU_LOG_LEVEL", "ERROR")
    sys.path.insert(0, str(ROOT))
    return db, data_dir, temporary


# --- Data -------------------------------------------------------------------------


def load_data(args: argparse.Namespace, db: str) -> float | None:
    """Migrate and generate; None when the data was already there."""
    from django.core.management import call_command
    from django.db import connection

    from kehu.core import demo
    from kehu.customers.models import Customer

    call_command("migrate", interactive=False, verbosity=0)
    have = Customer.objects.count()
    if have >= args.customers:
        print(f"Reusing {have:,} customers already in the database.")
        demo.ensure_org()
        if args.analyze == "yes":
            analyze(connection)
        return None
    contacts = args.contacts if args.contacts is not None else args.customers
    print(f"Generating {args.customers:,} customers and {contacts:,} contacts on {db}…", flush=True)
    step = max(args.customers // 10, 5000)

    def progress(done: int, total: int) -> None:
        if done % step == 0 or done == total:
            print(f"  {done:>9,}/{total:,}  {time.monotonic() - started:6.1f} s", flush=True)

    started = time.monotonic()
    demo.generate(customers=args.customers - have, contacts=contacts, seed=args.seed,
                  extras=args.extras, audit=args.extras, batch=5000, progress=progress)
    seconds = time.monotonic() - started
    if args.analyze == "yes" or (args.analyze == "auto" and db == "postgres"):
        analyze(connection)
    connection.close()
    return seconds


def analyze(connection) -> None:
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"ANALYZE took {time.monotonic() - started:.1f} s", flush=True)


@dataclass
class Samples:
    phones: list[str]
    fragments: list[str]
    customer_ids: list[int]


def draw_samples(username: str, seed: int, n: int = 2000) -> Samples:
    """Existing phones (half customers', half contacts' mobiles), name pieces, visible ids."""
    from django.db.models import Max

    from kehu.accounts.models import User
    from kehu.customers.models import Contact, Customer

    rng = random.Random(seed)
    top_c = Customer.objects.aggregate(m=Max("pk"))["m"] or 0
    top_k = Contact.objects.aggregate(m=Max("pk"))["m"] or 0
    ids = [rng.randint(1, top_c) for _ in range(n)]
    rows = dict(Customer.objects.filter(pk__in=ids).values_list("pk", "phone_norm"))
    names = list(Customer.objects.filter(pk__in=ids).values_list("name", flat=True))
    mobiles = list(Contact.objects.filter(pk__in=[rng.randint(1, top_k) for _ in range(n)])
                   .values_list("mobile_norm", flat=True)) if top_k else []
    phones = [p for p in rows.values() if p][: n // 2] + mobiles[: n // 2]
    rng.shuffle(phones)
    fragments = []
    for name in names:
        length = rng.randint(2, 4)
        if len(name) > length:
            start = rng.randrange(len(name) - length + 1)
            fragments.append(name[start:start + length])
    user = User.objects.get(username=username)
    visible = list(Customer.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    return Samples(phones=phones, fragments=fragments, customer_ids=visible or ids)


# --- Server -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kehu(*argv: str) -> list[str]:
    return [sys.executable, "-m", "kehu.cli", *argv]


def start_server(port: int, workers: int | None, log: Path) -> subprocess.Popen:
    cmd = kehu("serve", "--host", "127.0.0.1", "--port", str(port), "--no-sweep")
    if workers:
        cmd += ["--workers", str(workers)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"The server exited ({proc.returncode}); see {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.2)
    stop_server(proc)
    sys.exit(f"The server did not start within 120 s; see {log}")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


class Http:
    """One persistent HTTP/1.1 connection, reopened if the server closes it."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, headers: dict[str, str] | None = None,
                body: str | None = None) -> tuple[int, dict[str, str], bytes, float]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            try:
                started = time.perf_counter()
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
                elapsed = (time.perf_counter() - started) * 1000
                break
            except (http.client.RemoteDisconnected, ConnectionError, http.client.CannotSendRequest):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt:
                    raise
        for value in resp.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return resp.status, {k.lower(): v for k, v in resp.headers.items()}, data, elapsed


class LeanHttp:
    """HTTP/1.1 keep-alive on a plain socket: a request is one send, an answer is read by its
    Content-Length. A load generator on the server's own two cores takes CPU from the server:
    http.client parses every answer's headers through the email package (0.28-0.38 ms of CPU
    a POST with 8 clients); this client spends 0.13-0.18 ms."""

    def __init__(self, port: int):
        self.port = port
        self.sock: socket.socket | None = None
        self.buffer = b""

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock, self.buffer = None, b""

    def request(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        message = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}Content-Length: {len(body)}\r\n\r\n"
                   .encode() + body)
        for attempt in range(2):  # a keep-alive connection the server has closed: open a new one once
            try:
                if self.sock is None:
                    self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=120)
                    self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self.sock.sendall(message)
                return self._answer()
            except (ConnectionError, EOFError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def _receive(self) -> None:
        assert self.sock is not None
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError("the server closed the connection")
        self.buffer += chunk

    def _answer(self) -> tuple[int, bytes]:
        while b"\r\n\r\n" not in self.buffer:
            self._receive()
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split()[1])
        length, closing = None, False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection":
                closing = value.strip().lower() == b"close"
            elif name == b"transfer-encoding":
                raise ValueError("chunked answers are not read by this client")
        if length is None:
            raise ValueError(f"an answer without Content-Length: {head[:200]!r}")
        while len(self.buffer) < length:
            self._receive()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        if closing:
            self.close()
        return status, body


def api_token(username: str) -> str:
    out = subprocess.run(kehu("token", "create", username, "--name", "bench"), cwd=ROOT, check=True,
                         capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def login(http_: Http, username: str, password: str) -> str:
    """Log in through the form like a browser; else make the session directly (and say so)."""
    status, _h, body, _t = http_.request("GET", "/login/")
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status == 200 and match:
        form = urllib.parse.urlencode({"username": username, "password": password,
                                       "csrfmiddlewaretoken": match.group(1).decode()})
        status, _h, _b, _t = http_.request("POST", "/login/", {
            "Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{http_.port}/login/",
        }, form)
        if status in (302, 303) and "sessionid" in http_.cookies:
            return "login form"
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from kehu.accounts.models import User

    user = User.objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    http_.cookies["sessionid"] = session.session_key
    return f"session made directly (GET /login/ answered {status})"


# --- Timing -----------------------------------------------------------------------


_SERVER_TIMING = re.compile(r"dur=([0-9.]+)")


@dataclass
class Result:
    name: str
    path: str
    wall: list[float] = field(default_factory=list)
    server: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    stopped_early: bool = False


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def time_endpoint(http_: Http, name: str, paths: list[str], headers: dict[str, str],
                  n: int, warmup: int, max_seconds: float) -> Result:
    result = Result(name=name, path=paths[0])
    for i in range(warmup):
        http_.request("GET", paths[i % len(paths)], headers)
    started = time.monotonic()
    for i in range(n):
        status, resp_headers, _body, ms = http_.request("GET", paths[(i + warmup) % len(paths)], headers)
        result.wall.append(ms)
        result.statuses[status] = result.statuses.get(status, 0) + 1
        timing = resp_headers.get("server-timing", "")
        durations = [float(d) for d in _SERVER_TIMING.findall(timing)]
        if durations:
            result.server.append(max(durations))
        if time.monotonic() - started > max_seconds:
            result.stopped_early = True
            break
    return result


def report(results: list[Result], gen_seconds: float | None, meta: dict[str, object]) -> str:
    lines = [f"{k}: {v}" for k, v in meta.items()]
    if gen_seconds is not None:
        lines.append(f"data generation: {gen_seconds:.1f} s")
    lines.append("")
    header = f"{'endpoint':<11} {'n':>5} {'p50':>8} {'p95':>8} {'p99':>8} {'srv p95':>8}  {'target p95':>10}  status"
    lines += [header, "-" * len(header)]
    for r in results:
        if not r.wall:
            continue
        target = TARGETS_MS.get(r.name)
        p95 = percentile(r.server or r.wall, 0.95)  # the server's own time when it tells
        # A lookup may rightly answer 404 (the number belongs to someone outside the scope).
        good = r.statuses.get(200, 0) + (r.statuses.get(404, 0) if r.name == "lookup" else 0)
        all_ok = good == len(r.wall)
        verdict = "" if not target else (f"≤{target} " + ("met" if p95 <= target else "NOT met") if all_ok
                                          else f"≤{target} n/a")
        srv = f"{percentile(r.server, 0.95):8.1f}" if r.server else f"{'-':>8}"
        codes = ",".join(f"{k}×{v}" for k, v in sorted(r.statuses.items()))
        lines.append(
            f"{r.name:<11} {len(r.wall):>5} {percentile(r.wall, 0.5):8.1f} {percentile(r.wall, 0.95):8.1f} "
            f"{percentile(r.wall, 0.99):8.1f} {srv}  {verdict:>10}  {codes}"
            + ("  (time limit)" if r.stopped_early else "")
        )
    lines.append("ms; wall time on loopback with one persistent connection; srv = Server-Timing when sent.")
    return "\n".join(lines)


def main() -> None:
    args = parse_args()
    db, data_dir, temporary = setup_environment(args)
    import django

    django.setup()
    from django.db import connection

    proc = None
    try:
        gen_seconds = load_data(args, db)
        from kehu.customers.models import Contact, Customer

        counts = {"customers": Customer.objects.count(), "contacts": Contact.objects.count()}
        samples = draw_samples(args.user, args.seed)
        token = api_token(args.user)
        connection.close()
        port = free_port()
        proc = start_server(port, args.workers, data_dir / "server.log")
        client = Http(port)
        how = login(client, args.user, "kehu-demo")
        auth = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        q = urllib.parse.quote
        plan = [
            ("lookup", [f"/api/customers/lookup?phone={p}" for p in samples.phones], auth),
            ("api list", ["/api/customers"], auth),
            ("api search", [f"/api/customers?q={q(f)}" for f in samples.fragments], auth),
            # Searching by a phone's last digits is a keyword search too (the 150 ms).
            ("phone tail", [f"/api/customers?q={p[-4:]}" for p in samples.phones], auth),
            ("list page", ["/customers/"], {}),
            ("360 page", [f"/customers/{i}/" for i in samples.customer_ids], {}),
        ]
        only = {s.strip() for s in args.only.split(",") if s.strip()}
        session = dict(client.cookies)
        load_before = _loadavg()
        results = []
        for name, paths, headers in plan:
            if only and name not in only:
                continue
            # API calls carry the token and no cookie; pages carry the session cookie.
            client.cookies = {} if headers else dict(session)
            print(f"timing {name} …", flush=True)
            results.append(time_endpoint(client, name, paths, headers, args.requests, args.warmup, args.max_seconds))
        meta = {
            "date": time.strftime("%Y-%m-%d %H:%M %Z"),
            "database": f"{db} ({connection.vendor} {_db_version(connection)})",
            "rows": f"{counts['customers']:,} customers, {counts['contacts']:,} contacts",
            "user": f"{args.user} (pages: {how})",
            "machine": f"{os.cpu_count()} CPUs, {platform.python_implementation()} {platform.python_version()}",
            "load average": f"{load_before} before, {_loadavg()} after timing",
        }
        text = report(results, gen_seconds, meta)
        print()
        print(text)
        if args.json:
            Path(args.json).write_text(json.dumps({
                "meta": meta, "generation_seconds": gen_seconds,
                "results": [{"endpoint": r.name, "n": len(r.wall), "statuses": r.statuses,
                             "p50": percentile(r.wall, 0.5), "p95": percentile(r.wall, 0.95),
                             "p99": percentile(r.wall, 0.99), "mean": statistics.fmean(r.wall),
                             "server_p95": percentile(r.server, 0.95) if r.server else None}
                            for r in results if r.wall],
            }, ensure_ascii=False, indent=2))
    finally:
        if proc is not None:
            stop_server(proc)
        if temporary and not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
        elif temporary:
            print(f"data kept in {data_dir}")


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def _db_version(connection) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
        else:
            cursor.execute("show server_version")
        return str(cursor.fetchone()[0])


if __name__ == "__main__":
    main()
