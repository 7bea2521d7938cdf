"""Import a signed plan (Kế hoạch) from its text, DOCX or PDF into a definition draft.

    document = read_document(Path("ke-hoach.pdf"))          # lines and tables
    draft = extract(document, directory, year=None)         # what the plan says (pure)
    written = write_draft(draft, directory)                 # YAML with "# KIỂM TRA" comments

The draft passes ``planflow validate``; what the importer could not read or had to
assume is marked in the YAML and listed by :func:`summary`.
"""

from planflow.importer.emit import Draft, directory_yaml, new_directory_yaml, write_draft
from planflow.importer.extract import extract
from planflow.importer.readers import SUFFIXES, read_document
from planflow.importer.summary import summary, summary_lines

__all__ = [
    "SUFFIXES",
    "Draft",
    "directory_yaml",
    "extract",
    "new_directory_yaml",
    "read_document",
    "summary",
    "summary_lines",
    "write_draft",
]
