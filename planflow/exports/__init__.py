"""Plans in the formats offices already use: spreadsheets (xlsx round trip) and calendars (.ics)."""
