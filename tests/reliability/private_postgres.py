"""A throw-away PostgreSQL server a test may stop and start: ``initdb`` into a temporary folder,
``pg_ctl`` on a free port, trust authentication on 127.0.0.1 only.

The shared server on 127.0.0.1:5432 is never touched (other test runs use it). PostgreSQL
refuses to run as root, so as root the commands run as the ``postgres`` user (``runuser``).
"""

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from devtools.servers import free_port


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder with initdb and pg_ctl, if any."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb and shutil.which("pg_ctl") else None


def _version(path: str) -> int:
    part = Path(path).parents[1].name
    return int(part) if part.isdigit() else 0


@dataclass
class PrivatePostgres:
    bin_dir: Path
    folder: Path
    port: int

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    @classmethod
    def create(cls, bin_dir: Path) -> "PrivatePostgres":
        folder = Path(tempfile.mkdtemp(prefix="segmenta-private-pg-"))
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(folder, account.pw_uid, account.pw_gid)
        server = cls(bin_dir, folder, free_port())
        server._run("initdb", "-D", str(server.data_dir), "-A", "trust", "-U", "postgres",
                    "--no-sync", "--no-instructions")  # fmt: skip
        return server

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess:
        command = [str(self.bin_dir / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
        return done

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = self.folder / "postgres.log"
        self._run("pg_ctl", "-D", str(self.data_dir), "-o", options, "-l", str(log), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        command = [str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "status"]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, timeout=60).returncode == 0

    def remove(self) -> None:
        """Stop the server if it runs, and delete its folder."""
        if self.data_dir.exists() and self.running():
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)
