"""Real mail servers on loopback for the tests and the mail bench: Debian's dovecot (IMAP) run
from a throwaway configuration, and an aiosmtpd receiver. No mocks of imaplib or smtplib."""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DOVECOT_CANDIDATES = ("dovecot", "/usr/sbin/dovecot")
PASSWORD = "intake-secret"


def dovecot_binary() -> str | None:
    for candidate in DOVECOT_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _users() -> tuple[str, str, str, str]:
    """(internal user, login user, mail uid, mail gid): dovecot refuses mail as root, so as
    root the package's own users and nobody serve; otherwise the current user serves all."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid()).pw_name
        return me, me, str(os.geteuid()), str(os.getegid())
    internal = "dovecot" if _has_user("dovecot") else "nobody"
    login = "dovenull" if _has_user("dovenull") else internal
    return internal, login, "nobody", grp.getgrgid(pwd.getpwnam("nobody").pw_gid).gr_name


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@dataclass
class Dovecot:
    """A running dovecot: any user name logs in with ``PASSWORD`` and gets its own empty
    maildir, so a new user name is a throwaway mailbox."""

    root: Path
    port: int
    process: subprocess.Popen[bytes] | None = None
    owns_root: bool = False

    def start(self, binary: str) -> Dovecot:
        internal, login, uid, gid = _users()
        for name in ("run", "state", "home"):
            (self.root / name).mkdir(parents=True, exist_ok=True)
        (self.root / "home").chmod(0o777)  # the mail user writes its maildir there
        conf = self.root / "dovecot.conf"
        conf.write_text(
            f"""base_dir = {self.root}/run
state_dir = {self.root}/state
log_path = {self.root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_login_user = {login}
mail_max_userip_connections = 100
passdb {{
  driver = static
  args = password={PASSWORD}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={self.root}/home/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
""",
            encoding="utf-8",
        )
        # -F: in the foreground, a child of this process (the distro's service is not used).
        self.process = subprocess.Popen(
            [binary, "-F", "-c", str(conf)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                out = self.process.stdout.read().decode() if self.process.stdout else ""
                raise RuntimeError(f"dovecot did not start: {out}")
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.5).close()
                return self
            except OSError:
                time.sleep(0.1)
        self._stop()
        raise RuntimeError("dovecot did not answer within 15 s")

    @classmethod
    def throwaway(cls) -> Dovecot:
        """A dovecot in a new folder of the system's temporary folder (not pytest's, which
        only root may enter: as root the mail is written as nobody)."""
        root = Path(tempfile.mkdtemp(prefix="kw-dovecot-"))
        root.chmod(0o755)
        return cls(root=root, port=free_port(), owns_root=True)

    def stop(self) -> None:
        self._stop()
        if self.owns_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def _stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    def mailbox(self, user: str, **extra: Any) -> dict[str, Any]:
        """A mailbox setting (as config.env.envmailboxes makes it) for ``user``."""
        return {
            "name": extra.pop("name", user),
            "host": "127.0.0.1",
            "port": self.port,
            "tls": "none",
            "user": user,
            "password": PASSWORD,
            "password_file": "",
            "folder": "INBOX",
            "team": "",
            "owner": "",
            "language": "nl",
            **extra,
        }

    def append(self, user: str, *messages: bytes, folder: str = "INBOX") -> None:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=30)
        try:
            client.login(user, PASSWORD)
            for raw in messages:
                answer = client.append(folder, "", "", raw)  # no flags, no date
                if answer[0] != "OK":
                    raise RuntimeError(f"APPEND failed: {answer[1]!r}")
        finally:
            client.logout()

    def unseen(self, user: str) -> int:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=30)
        try:
            client.login(user, PASSWORD)
            client.select("INBOX")
            _status, data = client.uid("SEARCH", "UNSEEN")
            return len((data[0] or b"").split())
        finally:
            client.logout()


@dataclass
class SmtpReceiver:
    """aiosmtpd on loopback, keeping what it received (envelope and raw bytes)."""

    port: int
    received: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    controller: Any = None

    def start(self) -> SmtpReceiver:
        from aiosmtpd.controller import Controller

        receiver = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                with receiver.lock:
                    receiver.received.append(
                        (envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
                    )
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
