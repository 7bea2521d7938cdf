"""One reader per kind of file, each giving a :class:`SourceDocument` (lines and tables
in document order); :mod:`planflow.importer.readers` picks the reader by suffix."""
