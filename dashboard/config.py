"""Settings, read from the environment with defaults that work on a laptop.

``create_app(Config.from_env())`` in production; tests build their own ``Config`` (a temporary
instance folder, a test database) so no two apps in one process can disagree.
"""

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from algorithms.errors import SegmentaError
from algorithms.loading import TableLimits
from dashboard.shell.access import parse_users

REPO_ROOT = Path(__file__).resolve().parents[1]


def _int(name: str, default: int) -> int:
    """A positive whole number from the environment; a typo stops the start with its name,
    rather than a bare ``int()`` error or a limit of 0 that refuses every file."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdecimal() or int(value) == 0:
        raise SegmentaError(
            f"{name} must be a whole number above 0, not {value!r}: fix it in the environment "
            "(or .env), or remove it for the default."
        )
    return int(value)


def _users_from_env() -> dict[str, str]:
    users_file = os.environ.get("SEGMENTA_USERS_FILE", "").strip()
    text = Path(users_file).read_text() if users_file else ""
    return parse_users(text + "," + os.environ.get("SEGMENTA_USERS", ""))


def instance_path_from_env() -> Path:
    """``SEGMENTA_INSTANCE``, else ``instance`` in the repository: the app's and the CLI's."""
    return Path(os.environ.get("SEGMENTA_INSTANCE", REPO_ROOT / "instance"))


@dataclass(frozen=True)
class Config:
    instance_path: Path = REPO_ROOT / "instance"
    database_url: str = ""
    cache_redis_url: str = ""
    celery_broker_url: str = ""
    cache_timeout_seconds: int = 7 * 24 * 3600
    upload_max_mb: int = 100
    max_rows: int = 2_000_000
    max_columns: int = 500
    max_cells: int = 50_000_000
    max_table_mb: int = 1024
    max_packing_ratio: int = 100
    display_points: int = 20_000
    # empty: the instance folder's own random key (dashboard/shell/secret_key.py)
    secret_key: str = ""
    auth_users: dict[str, str] = field(default_factory=dict)
    trusted_user_header: str = ""
    # who may send trusted_user_header: the reverse proxy's addresses (IPs or networks)
    trusted_proxies: str = "127.0.0.0/8,::1"
    testing: bool = False

    @classmethod
    def from_env(cls, **overrides) -> "Config":
        instance = instance_path_from_env()
        config = cls(
            instance_path=instance,
            database_url=os.environ.get("DATABASE_URL", ""),
            cache_redis_url=os.environ.get("CACHE_REDIS_URL", ""),
            celery_broker_url=os.environ.get("CELERY_BROKER_URL", ""),
            upload_max_mb=_int("SEGMENTA_UPLOAD_MAX_MB", cls.upload_max_mb),
            max_rows=_int("SEGMENTA_MAX_ROWS", cls.max_rows),
            max_columns=_int("SEGMENTA_MAX_COLUMNS", cls.max_columns),
            max_cells=_int("SEGMENTA_MAX_CELLS", cls.max_cells),
            max_table_mb=_int("SEGMENTA_MAX_TABLE_MB", cls.max_table_mb),
            max_packing_ratio=_int("SEGMENTA_MAX_PACKING_RATIO", cls.max_packing_ratio),
            display_points=_int("SEGMENTA_DISPLAY_POINTS", cls.display_points),
            secret_key=os.environ.get("SECRET_KEY", ""),
            auth_users=_users_from_env(),
            trusted_user_header=os.environ.get("SEGMENTA_USER_HEADER", "").strip(),
            trusted_proxies=os.environ.get("SEGMENTA_TRUSTED_PROXIES", "").strip()
            or cls.trusted_proxies,
        )
        return replace(config, **overrides)

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{self.instance_path / 'segmenta.db'}"

    @property
    def datasets_folder(self) -> Path:
        return self.instance_path / "datasets"

    @property
    def cache_folder(self) -> Path:
        return self.instance_path / "cache"

    @property
    def table_limits(self) -> TableLimits:
        return TableLimits(
            max_bytes=self.upload_max_mb * 1024 * 1024,
            max_rows=self.max_rows,
            max_columns=self.max_columns,
            max_cells=self.max_cells,
            max_table_bytes=self.max_table_mb * 1024 * 1024,
            max_packing_ratio=self.max_packing_ratio,
        )
