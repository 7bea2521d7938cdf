"""Where planflow's log records go. The library logs through the standard library
(``logging.getLogger(__name__)``, all under the ``planflow`` logger) and never configures
logging itself; the entry points do, once:

- the CLI (``planflow.cli``): ``-v`` shows INFO, ``-vv`` DEBUG; PLANFLOW_LOG_LEVEL
  (``DEBUG``, ``INFO``, ``WARNING``, ``ERROR``) sets the level without the flag. Default
  WARNING, so a command's normal output is unchanged. Records go to stderr.
- a flow (``planflow.flows.logs.library_logs_to_run``): the ``planflow`` logger at INFO
  (or PLANFLOW_LOG_LEVEL) into the flow run's logs, beside Prefect's run logger.

Messages for operators are English; what users read stays in the commands' output.
"""

from __future__ import annotations

import logging
import os
import sys

from planflow.errors import PlanflowError

LOGGER = "planflow"
ENV = "PLANFLOW_LOG_LEVEL"
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

EXTRA_LOGGERS = {"PREFECT_LOGGING_EXTRA_LOGGERS": LOGGER}
"""The environment that has Prefect send these records to a flow run's logs (prefect.yaml's
job variables, local runs); ``planflow.flows.logs`` sets their level."""


def level_named(name: str | None, default: int) -> int:
    """The level a setting names ("info", "DEBUG"…); ``default`` when unset."""
    if not name or not name.strip():
        return default
    wanted = name.strip().upper()
    if wanted not in LEVELS:
        raise PlanflowError(f"{ENV}='{name}' không hợp lệ; chọn một trong: {', '.join(LEVELS)}")
    return int(logging.getLevelName(wanted))


def cli_level(verbose: int, setting: str | None = None) -> int:
    """The CLI's level: each ``-v`` one step below WARNING; without it, PLANFLOW_LOG_LEVEL."""
    if verbose:
        return logging.DEBUG if verbose > 1 else logging.INFO
    return level_named(setting if setting is not None else os.environ.get(ENV), logging.WARNING)


class _StderrHandler(logging.Handler):
    """The CLI's handler: writes to the stderr of the moment (a test runner swaps it), and
    is its own class, so configuring again replaces it."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
        except Exception:  # a closed or broken stderr must not stop the command
            self.handleError(record)


def configure_cli(level: int) -> None:
    """Send planflow's records at ``level`` and above to stderr (one handler, however often
    this is called: tests run many commands in one process)."""
    logger = logging.getLogger(LOGGER)
    for handler in [h for h in logger.handlers if isinstance(h, _StderrHandler)]:
        logger.removeHandler(handler)
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.setLevel(level)  # a flow in this process may lower the logger's level for its run logs
    logger.addHandler(handler)
    logger.setLevel(level)
