"""A real IMAP server for tests: Debian's Dovecot, started on a free loopback port with its own
throw-away configuration (passwd-file login, maildir under a temporary directory).

    server = DovecotServer(tmp_path); server.start()
    server.url            # imap://reponses:secret@127.0.0.1:<port>/INBOX
    server.append(raw)    # deliver a message as a mail server would (IMAP APPEND, unseen)
    server.stop()         # simulate the mailbox down; start() again brings it back

As root (CI), mail is stored as `nobody` (Dovecot refuses UID 0) and its own processes run as
the Debian package's users; as another user, everything runs as that user.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from imapclient import IMAPClient

from tests.support.smtp import free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "reponses", "secret"


def available() -> bool:
    return os.path.exists(DOVECOT) and os.access(DOVECOT, os.X_OK)


class DovecotServer:
    def __init__(self, root: Path, port: int | None = None):
        self.own_root = os.geteuid() == 0
        if self.own_root:
            # Dovecot's own users must reach the files: pytest's tmp_path is private to root.
            self.root = Path(tempfile.mkdtemp(prefix="rencontres-dovecot-"))
            self.root.chmod(0o755)
        else:
            self.root = Path(root)
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"imap://{USER}:{PASSWORD}@127.0.0.1:{self.port}/INBOX"

    def _config(self) -> Path:
        for name in ("run", "state", "mail"):
            (self.root / name).mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            uid = gid = 65534
            login_user, internal_user = "dovenull", "dovecot"
            os.chown(self.root / "mail", uid, gid)
        else:
            uid, gid = os.getuid(), os.getgid()
            login_user = internal_user = pwd.getpwuid(uid).pw_name
        (self.root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{self.root}/mail/{USER}\n")
        config = self.root / "dovecot.conf"
        config.write_text(f"""
protocols = imap
listen = 127.0.0.1
instance_name = rencontres-test-{self.port}
base_dir = {self.root}/run
state_dir = {self.root}/state
log_path = {self.root}/dovecot.log
default_login_user = {login_user}
default_internal_user = {internal_user}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{self.root}/mail/%u
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={self.root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
}}
""")
        return config

    def start(self) -> None:
        config = self._config()
        self.process = subprocess.Popen([DOVECOT, "-c", str(config), "-F"], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE)
        for _ in range(200):  # bounded by count: at most a few seconds
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot stopped: {self.process.stderr.read().decode()} {self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"dovecot did not listen on {self.port}: {self.log()}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def remove(self) -> None:
        """Stop, and delete the directory made for a root run."""
        self.stop()
        if self.own_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def client(self) -> IMAPClient:
        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10)
        client.login(USER, PASSWORD)
        return client

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        with self.client() as client:
            client.append(folder, raw)

    def flags(self, folder: str = "INBOX") -> list[tuple[bytes, ...]]:
        """The flags of every message of `folder`, in order."""
        with self.client() as client:
            client.select_folder(folder, readonly=True)
            uids = client.search(["ALL"])
            return [data[b"FLAGS"] for _, data in sorted(client.fetch(uids, ["FLAGS"]).items())] if uids else []
