"""Intake: progress recorded from the command line, the web form and spreadsheets
(``progress``), what a unit may report and how its figures are read (``forms``), and
corrections of recorded progress (``corrections``)."""
