"""Persistence: rows, migrations, and the repository functions over them."""
