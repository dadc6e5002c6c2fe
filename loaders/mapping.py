"""Column mapping files: a lab's own file and column names onto the export format.

```toml
[accounts]
file = "users.csv"

[accounts.columns]
account_id = "user_uuid"    # format column = the lab's column
created_at = "signup_ts"
```

Every name is checked: an unknown table or format column, a file that is not in the export
directory, or a source column the file does not have is a ``MappingError`` naming it, so a typo
never turns into silently missing data. Source column names match case-insensitively, like
the format's own columns.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from linkgraph.loaders.validate import COLUMN_SYNONYMS, FORMAT, TABLE_FILES

from linkgraph.errors import MappingError


@dataclass(frozen=True)
class TableMapping:
    file: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # format column -> source column (lower-case)


@dataclass(frozen=True)
class Mapping:
    tables: dict[str, TableMapping] = field(default_factory=dict)
    origin: str = "<mapping>"
    sha256: str = ""

    @classmethod
    def from_path(cls, path: str | os.PathLike[str]) -> Mapping:
        p = Path(path)
        try:
            raw = p.read_bytes()
        except OSError as e:
            raise MappingError(f"cannot read mapping file {p}: {e.strerror or e}") from e
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise MappingError(f"{p.name}: not valid TOML: {e}") from e
        return cls.from_dict(data, origin=p.name, sha256=hashlib.sha256(raw).hexdigest())

    @classmethod
    def from_dict(cls, data: dict[str, Any], origin: str = "<mapping>", sha256: str = "") -> Mapping:
        tables: dict[str, TableMapping] = {}
        for table, section in data.items():
            if table not in FORMAT:
                raise MappingError(f"{origin}: unknown table [{table}]; tables are: {', '.join(TABLE_FILES)}")
            if not isinstance(section, dict):
                raise MappingError(f"{origin}: [{table}] must be a table with 'file' and/or 'columns'")
            unknown_keys = set(section) - {"file", "columns"}
            if unknown_keys:
                raise MappingError(
                    f"{origin}: [{table}] has unknown key(s) {', '.join(sorted(unknown_keys))}"
                )
            file = section.get("file")
            if file is not None and (not isinstance(file, str) or not file.strip()):
                raise MappingError(f"{origin}: [{table}] file must be a file name")
            if file is not None and (Path(file).name != file):
                raise MappingError(
                    f"{origin}: [{table}] file {file!r} must be a name inside the export directory"
                )
            cols = section.get("columns", {})
            if not isinstance(cols, dict):
                raise MappingError(f"{origin}: [{table}.columns] must map format columns to source columns")
            known = {c.name for c in FORMAT[table]}
            columns: dict[str, str] = {}
            for target, source in cols.items():
                if target.lower() not in known:
                    raise MappingError(
                        f"{origin}: [{table}.columns] {target!r} is not a column of {table}; "
                        f"columns are: {', '.join(c.name for c in FORMAT[table])}"
                    )
                if not isinstance(source, str) or not source.strip():
                    raise MappingError(f"{origin}: [{table}.columns] {target} must name a source column")
                columns[target.lower()] = source.strip().lower()
            sources = list(columns.values())
            if len(set(sources)) != len(sources):
                raise MappingError(
                    f"{origin}: [{table}.columns] maps one source column to two format columns"
                )
            tables[table] = TableMapping(file=file, columns=columns)
        return cls(tables=tables, origin=origin, sha256=sha256)

    def file_for(self, table: str) -> str | None:
        tm = self.tables.get(table)
        return tm.file if tm else None

    def rename(self, table: str, names: list[str], display: str, complete: bool = True) -> list[str]:
        """Target names for a file's columns (lower-cased, mapped).

        ``complete`` means ``names`` is the whole header (CSV, Parquet); then a mapped source
        column that is absent is an error. JSONL chunks pass ``complete=False``.
        """
        low = [n.strip().lstrip("\ufeff").lower() for n in names]
        tm = self.tables.get(table)
        if tm is None or not tm.columns:
            return _synonyms(table, low)
        source_to_target = {s: t for t, s in tm.columns.items()}
        if complete:
            missing = [s for s in source_to_target if s not in low]
            if missing:
                raise MappingError(
                    f"{self.origin}: [{table}.columns] names column(s) {', '.join(repr(m) for m in missing)} "
                    f"that {display} does not have"
                )
        out = _synonyms(table, [source_to_target.get(n, n) for n in low])
        clash = sorted({n for n in out if out.count(n) > 1})
        if clash:
            raise MappingError(
                f"{self.origin}: after mapping, {display} has column(s) {', '.join(clash)} twice "
                "(a mapped column and an original column with the same name)"
            )
        return out


def _synonyms(table: str, names: list[str]) -> list[str]:
    """Read a column under its format name when a processor spelled it otherwise.

    Only when the file has no column of the format name already, and only the first synonym
    present, so no name appears twice.
    """
    synonyms = COLUMN_SYNONYMS.get(table, {})
    taken = set(names)
    out = []
    for n in names:
        target = synonyms.get(n)
        if target is not None and target not in taken:
            taken.add(target)
            out.append(target)
        else:
            out.append(n)
    return out


EMPTY = Mapping()


def load_mapping(mapping: str | os.PathLike[str] | Mapping | None) -> Mapping:
    if mapping is None:
        return EMPTY
    if isinstance(mapping, Mapping):
        return mapping
    return Mapping.from_path(mapping)
