#!/usr/bin/env python3
"""Asterisk AMI → Kehu telephone events (POST /api/cti/events).

Reads AMI events (blocks of "Key: Value" lines separated by a blank line) from stdin, a file
or a live AMI connection, turns the ones that matter into Kehu events and posts them in
batches with an API token. Standard library only, so it runs on the PBX host as it is.

    kehu token create pbx      # a supervisor's or administrator's token
    python3 asterisk_cti_adapter.py --url https://kehu.example.com --token TOKEN < capture.txt
    python3 asterisk_cti_adapter.py --url ... --token ... --ami 127.0.0.1:5038 --ami-user kehu --ami-secret S

Event ids are derived from the AMI fields (call, type, extension, timestamp), so replaying a
capture, or a reconnect that repeats events, is harmless: Kehu drops the repeats. Turn on
`timestampevents = yes` in manager.conf so every event carries its own time. The mapping is
described in docs/cti.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import socket
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator

INTERFACE = re.compile(r"^[A-Za-z0-9]+/([^-@;/]+)")


def blocks(lines: Iterable[str]) -> Iterator[dict[str, str]]:
    """AMI messages as dicts; a blank line ends each one."""
    current: dict[str, str] = {}
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line.strip():
            if current:
                yield current
            current = {}
            continue
        key, sep, value = line.partition(":")
        if sep:
            current[key.strip()] = value.strip()
    if current:
        yield current


def extension(interface: str) -> str:
    """PJSIP/8001-0000002a → 8001; Agent/8001 → 8001; '' when it is not a phone channel."""
    found = INTERFACE.match(interface or "")
    return found.group(1) if found else ""


class Translator:
    """Keeps what earlier AMI events told (caller number, queue per call) for later ones."""

    def __init__(self) -> None:
        self.callers: dict[str, str] = {}
        self.queues: dict[str, str] = {}

    def translate(self, ami: dict[str, str]) -> list[dict[str, object]]:
        name = ami.get("Event", "")
        handler = getattr(self, "on_" + name.lower(), None)
        return handler(ami) if handler else []

    # -- helpers --
    @staticmethod
    def _at(ami: dict[str, str]) -> str:
        stamp = ami.get("Timestamp")
        seconds = float(stamp) if stamp else time.time()
        return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).isoformat()

    def _call(self, ami: dict[str, str], kind: str, agent: str = "", **extra: object) -> dict[str, object]:
        call = ami.get("Linkedid") or ami.get("Uniqueid", "")
        event: dict[str, object] = {
            "id": f"ami:{call}:{kind}:{agent}:{ami.get('Timestamp', '')}" if kind != "ringing"
            else f"ami:{call}:ringing:{agent}",  # DialBegin and Newstate(Ringing) are one ring
            "type": kind, "call_id": call, "at": self._at(ami),
            "caller": self.callers.get(call, ""), "queue": self.queues.get(call, ""),
        }
        if agent:
            event["agent"] = agent
        event.update(extra)
        return event

    def _agent(self, ami: dict[str, str], kind: str, agent: str, **extra: object) -> dict[str, object]:
        return {"id": f"ami:{kind}:{agent}:{ami.get('Timestamp', '')}", "type": kind, "agent": agent,
                "at": self._at(ami), **extra}

    @staticmethod
    def _is_caller_leg(ami: dict[str, str]) -> bool:
        return bool(ami.get("Uniqueid")) and ami.get("Uniqueid") == ami.get("Linkedid", ami.get("Uniqueid"))

    # -- calls --
    def on_newchannel(self, ami: dict[str, str]) -> list[dict[str, object]]:
        if self._is_caller_leg(ami) and ami.get("CallerIDNum"):
            self.callers[ami["Uniqueid"]] = ami["CallerIDNum"]
        return []

    def on_queuecallerjoin(self, ami: dict[str, str]) -> list[dict[str, object]]:
        call = ami.get("Linkedid") or ami.get("Uniqueid", "")
        self.queues[call] = ami.get("Queue", "")
        self.callers.setdefault(call, ami.get("CallerIDNum", ""))
        return [self._call(ami, "ringing")]  # offered to the queue: the wait starts here

    def on_dialbegin(self, ami: dict[str, str]) -> list[dict[str, object]]:
        agent = extension(ami.get("DestChannel", ""))
        return [self._call({**ami, "Linkedid": ami.get("DestLinkedid") or ami.get("Linkedid", "")},
                           "ringing", agent)] if agent else []

    def on_newstate(self, ami: dict[str, str]) -> list[dict[str, object]]:
        agent = extension(ami.get("Channel", ""))
        if ami.get("ChannelStateDesc") == "Ringing" and agent and not self._is_caller_leg(ami):
            return [self._call(ami, "ringing", agent)]
        return []

    def on_bridgeenter(self, ami: dict[str, str]) -> list[dict[str, object]]:
        agent = extension(ami.get("Channel", ""))
        if self._is_caller_leg(ami) or not agent:
            return []
        return [self._call(ami, "answered", agent)]

    def on_musiconholdstart(self, ami: dict[str, str]) -> list[dict[str, object]]:
        return [self._call(ami, "held")] if self._is_caller_leg(ami) else []

    def on_musiconholdstop(self, ami: dict[str, str]) -> list[dict[str, object]]:
        return [self._call(ami, "unheld")] if self._is_caller_leg(ami) else []

    def on_blindtransfer(self, ami: dict[str, str]) -> list[dict[str, object]]:
        call = ami.get("TransfereeLinkedid") or ami.get("TransfererLinkedid", "")
        return [self._call({**ami, "Linkedid": call}, "transferred", target=ami.get("Extension", ""))]

    def on_hangup(self, ami: dict[str, str]) -> list[dict[str, object]]:
        if not self._is_caller_leg(ami):
            return []
        event = self._call(ami, "hangup", cause=ami.get("Cause-txt", ""))
        self.callers.pop(ami["Uniqueid"], None)
        self.queues.pop(ami["Uniqueid"], None)
        return [event]

    # -- agents --
    def on_agentlogin(self, ami: dict[str, str]) -> list[dict[str, object]]:
        return [self._agent(ami, "login", ami.get("Agent", ""))]

    def on_agentlogoff(self, ami: dict[str, str]) -> list[dict[str, object]]:
        return [self._agent(ami, "logout", ami.get("Agent", ""))]

    def on_queuememberpause(self, ami: dict[str, str]) -> list[dict[str, object]]:
        agent = extension(ami.get("Interface", "")) or ami.get("MemberName", "")
        if ami.get("Paused") == "1":
            return [self._agent(ami, "not_ready", agent, reason=ami.get("PausedReason") or ami.get("Reason", ""))]
        return [self._agent(ami, "ready", agent)]

    def on_agentcomplete(self, ami: dict[str, str]) -> list[dict[str, object]]:
        agent = extension(ami.get("Interface", "")) or ami.get("MemberName", "")
        call = ami.get("Linkedid") or ami.get("Uniqueid", "")
        return [self._agent(ami, "wrap_up", agent, call_id=call)] if agent else []


class Poster:
    """Posts events in batches; retries a failed batch a few times before giving up on it."""

    def __init__(self, url: str, token: str, batch: int) -> None:
        self.url, self.token, self.batch = url.rstrip("/") + "/api/cti/events", token, batch
        self.pending: list[dict[str, object]] = []
        self.totals = {"accepted": 0, "duplicates": 0, "problems": 0, "failed": 0}

    def add(self, events: list[dict[str, object]]) -> None:
        self.pending.extend(events)
        if len(self.pending) >= self.batch:
            self.flush()

    def flush(self) -> None:
        while self.pending:
            chunk, self.pending = self.pending[: self.batch], self.pending[self.batch:]
            self._post(chunk)

    def _post(self, chunk: list[dict[str, object]]) -> None:
        data = json.dumps(chunk, ensure_ascii=False).encode()
        request = urllib.request.Request(self.url, data=data, method="POST", headers={
            "Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
        for attempt in range(4):
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:
                    report = json.load(answer)
                break
            except urllib.error.HTTPError as exc:
                if exc.code < 500:  # our fault (token, body): retrying will not help
                    print(f"refused ({exc.code}): {exc.read()[:300]!r}", file=sys.stderr)
                    self.totals["failed"] += len(chunk)
                    return
            except (urllib.error.URLError, OSError) as exc:
                print(f"post failed ({exc}); retrying", file=sys.stderr)
            time.sleep(0.5 * 2 ** attempt)
        else:
            self.totals["failed"] += len(chunk)
            return
        self.totals["accepted"] += report["accepted"]
        self.totals["duplicates"] += report["duplicates"]
        self.totals["problems"] += len(report["problems"])
        for problem in report["problems"]:
            print(f"problem {problem['id']}: {problem['message']}", file=sys.stderr)


def ami_lines(address: str, user: str, secret: str) -> Iterator[str]:
    """Log in to AMI and yield its lines for as long as the connection lasts."""
    host, _, port = address.rpartition(":")
    sock = socket.create_connection((host or "127.0.0.1", int(port or 5038)))
    sock.sendall(f"Action: Login\r\nUsername: {user}\r\nSecret: {secret}\r\nEvents: on\r\n\r\n".encode())
    yield from sock.makefile("r", encoding="utf-8", errors="replace", newline="\r\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="Kehu's address, e.g. https://kehu.example.com")
    parser.add_argument("--token", required=True, help="An API token (kehu token create USER).")
    parser.add_argument("--batch", type=int, default=100, help="Events per request (default 100).")
    parser.add_argument("--input", help="An AMI capture file (default: stdin).")
    parser.add_argument("--ami", help="host:port of a live AMI connection instead of a capture.")
    parser.add_argument("--ami-user", default="kehu")
    parser.add_argument("--ami-secret", default="")
    args = parser.parse_args(argv)
    if args.ami:
        lines: Iterable[str] = ami_lines(args.ami, args.ami_user, args.ami_secret)
    else:
        lines = open(args.input, encoding="utf-8") if args.input else sys.stdin
    translator, poster = Translator(), Poster(args.url, args.token, max(1, min(args.batch, 1000)))
    try:
        for ami in blocks(lines):
            poster.add(translator.translate(ami))
            if args.ami:  # live: do not sit on events waiting for a full batch
                poster.flush()
    finally:
        poster.flush()
    print(json.dumps(poster.totals), file=sys.stderr)
    return 1 if poster.totals["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
