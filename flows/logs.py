"""planflow's library logs in a flow run's logs.

The library logs through the standard library under the ``planflow`` logger. Prefect
sends a logger's records to the run's logs when PREFECT_LOGGING_EXTRA_LOGGERS names it
(set to ``planflow`` for deployments in prefect.yaml's job variables and for local runs
by ``planflow.flows.env``), but leaves its level to the root logger's WARNING; each flow
calls :func:`library_logs_to_run` first, which sets the level and attaches Prefect's
API handler when the setting was not given (a worker started without it).
"""

from __future__ import annotations

import logging
import os

from prefect.logging.handlers import APILogHandler

from planflow.logs import ENV, LOGGER, level_named


def library_logs_to_run() -> None:
    """Let the ``planflow`` logger's INFO records (or PLANFLOW_LOG_LEVEL's) reach the run logs."""
    logger = logging.getLogger(LOGGER)
    logger.setLevel(level_named(os.environ.get(ENV), logging.INFO))
    if not any(isinstance(h, APILogHandler) for h in logger.handlers):
        logger.addHandler(APILogHandler())
