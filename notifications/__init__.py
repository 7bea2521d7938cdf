"""E-mail: configuration, rendering, the outbox and its delivery (aiosmtplib or .eml files)."""
