"""A methodology from any file a province may hold: YAML, JSON, the Excel methodology workbook, or the
decision's appendix as Word or PDF (planner.files.appendix, with its review list).

One entry for the app's uploader, the CLI's `methodology import` and every `--methodology-file` option, so a
format is added in one place and every door accepts it.
"""

from __future__ import annotations

from pathlib import Path

from planner.core.errors import ImportFileError
from planner.core.i18n import Lang
from planner.files.appendix import MethodologyImport, methodology_from_document
from planner.methodology.files import methodology_from_json, methodology_from_yaml, with_id
from planner.tables.reading import MAX_UPLOAD_BYTES, check_upload_size

SUFFIXES = (".yaml", ".yml", ".json", ".xlsx", ".docx", ".pdf")


def import_methodology(
    name: str, payload: bytes, *, methodology_id: str | None = None, lang: Lang = "vi"
) -> MethodologyImport:
    """The methodology in `payload` (a file named `name`), validated; `methodology_id` renames it."""
    check_upload_size(len(payload), MAX_UPLOAD_BYTES)
    lowered = name.lower()
    if lowered.endswith((".docx", ".pdf")):
        return methodology_from_document(name, payload, methodology_id=methodology_id, lang=lang)
    if lowered.endswith((".yaml", ".yml")):
        m = methodology_from_yaml(payload)
    elif lowered.endswith(".json"):
        m = methodology_from_json(payload)
    elif lowered.endswith(".xlsx"):
        from planner.files.excel.methodology import read_methodology_workbook

        m = read_methodology_workbook(payload)
    else:
        raise ImportFileError(
            "cli.unsupported_file_type", suffix=Path(name).suffix or name, allowed=", ".join(SUFFIXES)
        )
    if methodology_id is not None:
        m = with_id(m, methodology_id)
    return MethodologyImport(m, (), 0)


def load_methodology_file(
    path: str | Path, *, methodology_id: str | None = None, lang: Lang = "vi"
) -> MethodologyImport:
    """`import_methodology` on a file on disk (the CLI): the size is checked before the file is read."""
    source = Path(path)
    check_upload_size(source.stat().st_size, MAX_UPLOAD_BYTES)
    return import_methodology(source.name, source.read_bytes(), methodology_id=methodology_id, lang=lang)
