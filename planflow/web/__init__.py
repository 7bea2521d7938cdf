"""The web app: progress through signed links, units' parts of reports, the read-only board
and calendar feeds (``planflow web``). Only ``app`` imports FastAPI."""
