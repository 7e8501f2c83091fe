"""A small IMAP4rev1 server on loopback for the poll tests: just the commands `kehu mail poll` uses.

imaplib talks to it over a real socket, so fetching, flagging and expunging are exercised
as on a real mailbox; the mailbox itself is a dict in memory.
"""

from __future__ import annotations

import re
import socketserver
import threading
from dataclasses import dataclass, field


@dataclass
class Mailbox:
    user: str = "service"
    password: str = "secret"
    messages: dict[int, bytes] = field(default_factory=dict)
    flags: dict[int, set[str]] = field(default_factory=dict)
    expunged: list[int] = field(default_factory=list)

    def add(self, raw: bytes) -> int:
        uid = max(self.messages, default=0) + 1
        self.messages[uid], self.flags[uid] = raw, set()
        return uid


class _Handler(socketserver.StreamRequestHandler):
    mailbox: Mailbox

    def send(self, text: str | bytes) -> None:
        self.wfile.write(text.encode() if isinstance(text, str) else text)

    def handle(self) -> None:
        self.send("* OK IMAP4rev1 test server ready\r\n")
        while line := self.rfile.readline():
            tag, _sp, rest = line.decode().rstrip("\r\n").partition(" ")
            command, _sp, args = rest.partition(" ")
            if not self.dispatch(tag, command.upper(), args):
                return

    def dispatch(self, tag: str, command: str, args: str) -> bool:
        box = self.mailbox
        if command == "CAPABILITY":
            self.send(f"* CAPABILITY IMAP4rev1\r\n{tag} OK done\r\n")
        elif command == "LOGIN":
            user, password = (a.strip('"') for a in args.split(" ", 1))
            ok = (user, password) == (box.user, box.password)
            self.send(f"{tag} OK logged in\r\n" if ok else f"{tag} NO bad login\r\n")
        elif command == "SELECT":
            self.send(f"* {len(box.messages)} EXISTS\r\n{tag} OK [READ-WRITE] selected\r\n")
        elif command == "UID":
            self.uid(tag, args)
        elif command == "EXPUNGE":
            for uid in [u for u, f in box.flags.items() if "\\Deleted" in f]:
                box.messages.pop(uid)
                box.flags.pop(uid)
                box.expunged.append(uid)
            self.send(f"{tag} OK expunged\r\n")
        elif command == "LOGOUT":
            self.send(f"* BYE\r\n{tag} OK bye\r\n")
            return False
        else:
            self.send(f"{tag} BAD unknown command\r\n")
        return True

    def uid(self, tag: str, args: str) -> None:
        box = self.mailbox
        sub, _sp, rest = args.partition(" ")
        if sub.upper() == "SEARCH":
            unseen = [str(u) for u, f in sorted(box.flags.items()) if "\\Seen" not in f]
            self.send(f"* SEARCH {' '.join(unseen)}\r\n{tag} OK searched\r\n")
        elif sub.upper() == "FETCH":
            uid = int(rest.split(" ", 1)[0])
            raw = box.messages[uid]
            self.send(f"* {uid} FETCH (UID {uid} BODY[] {{{len(raw)}}}\r\n".encode() + raw + b")\r\n")
            self.send(f"{tag} OK fetched\r\n")
        elif sub.upper() == "STORE":
            uid_text, _op, flags = rest.split(" ", 2)
            box.flags[int(uid_text)].update(re.findall(r"\\\w+", flags))
            self.send(f"{tag} OK stored\r\n")


def serve(mailbox: Mailbox) -> socketserver.ThreadingTCPServer:
    handler = type("Handler", (_Handler,), {"mailbox": mailbox})
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
