"""Settings from the environment (``PLANFLOW_*``), built by :func:`load_settings` and passed in.

- ``PLANFLOW_HOME``: the one folder for all state (database, outbox, generated files,
  the local Prefect server's database). Default: ``~/.local/share/planflow``
  (``$XDG_DATA_HOME/planflow`` when that is set).
- ``PLANFLOW_DATABASE_URL``: SQLAlchemy URL; default a SQLite file ``planflow.db`` in
  the home folder. PostgreSQL: ``postgresql+psycopg://user@host:5432/dbname``.
- ``PLANFLOW_DEFINITIONS``: the definitions folder; default ``./definitions``.
- ``PLANFLOW_SMTP_URL``, ``PLANFLOW_MAIL_FROM``, ``PLANFLOW_MAIL_SUBJECT_PREFIX``: see
  ``planflow.notifications.config``.
- ``PLANFLOW_STRICT``: ``true`` for a production store: ``sync`` (and every command that
  syncs) refuses a plan that still has review marks ("# KIỂM TRA") or units, outside
  recipients or a signer with no e-mail, as ``planflow validate --strict`` lists them.
- ``PLANFLOW_SECRET``, ``PLANFLOW_PUBLIC_URL``, ``PLANFLOW_BOARD_USER``,
  ``PLANFLOW_BOARD_PASSWORD``, ``PLANFLOW_LINK_DAYS``, ``PLANFLOW_UPLOAD_MAX_MB``,
  ``PLANFLOW_TRUSTED_PROXIES``: the web app and the signed links in e-mails; see
  ``planflow.web.config``.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "planflow"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PLANFLOW_", extra="ignore")

    home: Path = Field(default_factory=_default_home)
    database_url: str | None = None
    definitions: Path = Path("definitions")
    smtp_url: SecretStr | None = Field(default=None, description="secret: never printed")
    mail_from: str | None = None
    mail_subject_prefix: str | None = Field(
        default=None, description="what every subject starts with; default [planflow]"
    )
    secret: SecretStr | None = Field(default=None, description="signs links and forms; never printed")
    public_url: str | None = Field(default=None, description="base URL of `planflow web` seen by users")
    board_user: str = "thuongtruc"
    board_password: SecretStr | None = Field(default=None, description="the standing unit's board login")
    link_days: int = Field(default=30, ge=1, le=366, description="how long an e-mailed link stays valid")
    upload_max_mb: int = Field(default=10, ge=1, le=100, description="largest evidence file")
    trusted_proxies: str | None = Field(
        default=None, description="reverse proxies whose X-Forwarded-For/-Proto are believed"
    )
    send_examples: bool = Field(
        default=False,
        description="queue notices for example plans ('example: true') too; off: they are checked, not sent",
    )
    strict: bool = Field(
        default=False, description="production store: only reviewed definitions, everyone with an e-mail"
    )

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'planflow.db'}"

    @property
    def prefect_home(self) -> Path:
        return self.home / "prefect"


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit values (e.g. CLI options) on top."""
    given = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**given)  # type: ignore[arg-type]
