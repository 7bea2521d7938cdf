"""Reports: cycles and windows (``cycle``), duties and versions in the store (``duties``),
what a report says (``content``, ``model``, ``targets``), rendering to Markdown, HTML,
DOCX and PDF (``render``, ``docx_render``, ``docx_template``, ``pdf``) and the daily
assembly of the reports that are due (``assembly``)."""
