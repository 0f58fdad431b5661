"""A real IMAP server for tests: Debian's dovecot, started on a free port with its own config and maildir."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import textwrap
from pathlib import Path

from tests.harness import free_port, wait_until

DOVECOT = "/usr/sbin/dovecot"
POP3 = "/usr/lib/dovecot/pop3"  # Debian's dovecot-pop3d: with it the server also speaks POP3
USER = "bounces"
PASSWORD = "s3cret/pass@word%"  # percent-encoded in the URL: the reader must decode it


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


class DovecotServer:
    """``dovecot -F`` on 127.0.0.1:<free port>; plaintext login for one user; everything under a tmp dir."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="sws-dovecot-"))
        self.port = free_port()
        self.has_pop3 = Path(POP3).exists()
        self.pop3_port = free_port() if self.has_pop3 else None
        self.proc: subprocess.Popen | None = None
        self.log_path = self.root / "dovecot.log"

    def _accounts(self) -> tuple[str, str, int, int]:
        """(login user, internal user, uid, gid): dovecot's own accounts when we are root, else ourselves."""
        if os.geteuid() == 0:
            internal = pwd.getpwnam("dovecot")
            login = pwd.getpwnam("dovenull")
            return login.pw_name, internal.pw_name, internal.pw_uid, internal.pw_gid
        me = pwd.getpwuid(os.geteuid())
        return me.pw_name, me.pw_name, me.pw_uid, me.pw_gid

    def _write_config(self) -> Path:
        login_user, internal_user, uid, gid = self._accounts()
        mail = self.root / "mail"
        for sub in (mail, self.root / "run", self.root / "state"):
            sub.mkdir(parents=True, exist_ok=True)
        os.chown(mail, uid, gid)
        self.root.chmod(0o755)  # dovecot's auth process (not root) must reach the passwd file
        (self.root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{mail}::\n")
        (self.root / "passwd").chmod(0o644)
        config = self.root / "dovecot.conf"
        config.write_text(
            textwrap.dedent(f"""\
            protocols = {"imap pop3" if self.has_pop3 else "imap"}
            listen = 127.0.0.1
            base_dir = {self.root}/run
            state_dir = {self.root}/state
            log_path = {self.log_path}
            info_log_path = {self.log_path}
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            default_login_user = {login_user}
            default_internal_user = {internal_user}
                        first_valid_uid = {min(uid, 1) if uid else 0}
            first_valid_gid = 0
            mail_location = maildir:{mail}/Maildir
            mail_uid = {uid}
            mail_gid = {gid}
            passdb {{
              driver = passwd-file
              args = scheme=PLAIN username_format=%u {self.root}/passwd
            }}
            userdb {{
              driver = passwd-file
              args = username_format=%u {self.root}/passwd
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
            {self._pop3_service()}
            service stats {{
              unix_listener stats-reader {{
                mode = 0666
              }}
              unix_listener stats-writer {{
                mode = 0666
              }}
            }}
            namespace inbox {{
              inbox = yes
              separator = /
            }}
            """)
        )
        return config

    def _pop3_service(self) -> str:
        if not self.has_pop3:
            return ""
        # Dovecot ignores leading blanks, so these lines need not match the config's indentation.
        return (
            "service pop3-login {\n  inet_listener pop3 {\n    address = 127.0.0.1\n"
            f"    port = {self.pop3_port}\n  }}\n  inet_listener pop3s {{\n    port = 0\n  }}\n}}"
        )

    def start(self) -> DovecotServer:
        config = self._write_config()
        with (self.root / "stderr").open("wb") as stderr:
            self.proc = subprocess.Popen([DOVECOT, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=stderr)
        wait_until(
            lambda: _port_open(self.port) or self.proc.poll() is not None, timeout=20, message="dovecot to listen"
        )
        if self.proc.poll() is not None:
            raise RuntimeError(f"dovecot exited at start:\n{self.log()}")
        return self

    def log(self) -> str:
        parts = [p.read_text(errors="replace") for p in (self.log_path, self.root / "stderr") if p.exists()]
        return "\n".join(parts)[-5000:]

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        shutil.rmtree(self.root, ignore_errors=True)

    # --- client side -----------------------------------------------------------------------------------

    def url(self, *, password: str | None = None, folder: str = "INBOX", port: int | None = None) -> str:
        from urllib.parse import quote

        pw = PASSWORD if password is None else password
        return f"imap://{quote(USER, safe='')}:{quote(pw, safe='')}@127.0.0.1:{port or self.port}/{folder}"

    def pop3_url(self) -> str:
        from urllib.parse import quote

        return f"pop3://{quote(USER, safe='')}:{quote(PASSWORD, safe='')}@127.0.0.1:{self.pop3_port}"

    def client(self):
        from imapclient import IMAPClient

        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10)
        client.login(USER, PASSWORD)
        return client

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        """Deliver one message into a folder (IMAP APPEND, as a mail server's delivery would)."""
        with self.client() as client:
            client.append(folder, raw)

    def count(self, folder: str = "INBOX") -> int:
        with self.client() as client:
            if not client.folder_exists(folder):
                return 0
            return client.folder_status(folder, ["MESSAGES"])[b"MESSAGES"]

    def clear(self) -> None:
        """Empty every folder (between tests)."""
        with self.client() as client:
            for _flags, _sep, name in client.list_folders():
                if name != "INBOX":
                    client.delete_folder(name)
            client.select_folder("INBOX")
            uids = client.search("ALL")
            if uids:
                client.delete_messages(uids)
                client.expunge()
