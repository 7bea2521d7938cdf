"""Definitions and sync: read, validate and compile plan definitions, and write them to
the store (``definitions``), on every core for many new plans (``prepare``), refusing
drafts that still carry review marks where the store is strict (``readiness``)."""
