"""The registry of statements: every statement a store runs is a file in ``queries/``.

``queries/<category>/<name>.cypher`` (Neo4j) and ``queries/<category>/<name>.sql`` (DuckDB) sit
side by side, each one statement with a header of comment lines (``//`` in Cypher, ``--`` in
SQL)::

    // name: search
    // description: what the statement answers
    // params: $term: string, $run_id: int (latest run), $limit: int
    // backends: portable          (Cypher: portable or neo4j-only; SQL: duckdb)

The header is where everything particular to a statement lives, so no backend code names a
single query: the declared ``$params`` and their types are all a store binds (a ``timestamp``
parameter is converted to the backend's own representation, a ``$run_id`` the caller does not
give is the latest run's id; see ``linkgraph.store.base``), and a test checks that every
investigator statement has its LIMIT. Statement names are looked up in the registry, never
turned into paths, so a name from a user cannot reach another file.
"""

from __future__ import annotations

import functools
import re
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal, get_args

from linkgraph.errors import QueryError

Language = Literal["cypher", "sql"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
SUFFIX: dict[Language, str] = {"cypher": ".cypher", "sql": ".sql"}
COMMENT: dict[Language, str] = {"cypher": "//", "sql": "--"}
BACKENDS: dict[Language, tuple[str, ...]] = {"cypher": ("portable", "neo4j-only"), "sql": ("duckdb",)}
PARAM_TYPES = (
    "string",
    "int",
    "float",
    "bool",
    "map",
    "timestamp",
    "date",
    "list<map>",
    "list<string>",
    "list<int>",
)
HEADER_KEYS = ("name", "description", "params", "backends")

_PARAM_RE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_DECL_RE = re.compile(r"^\$([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(\S+)")
_STRING_RE = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
# Cypher labels: `(n:Label`, `(:Label`, `:A:B` chains; relationship types: `[r:TYPE`, `[:A|B`.
_NODE_LABEL_RE = re.compile(r"\(\s*[A-Za-z_]\w*\s*((?::\s*\w+\s*)+)|\(\s*((?::\s*\w+\s*)+)")
_WHERE_LABEL_RE = re.compile(r"(?<!\[)\b[a-z_]\w*((?::[A-Z]\w*)+)\b")
_REL_TYPE_RE = re.compile(r"\[\s*\w*\s*:\s*(\w+(?:\s*\|\s*\w+)*)")


@dataclass(frozen=True)
class Statement:
    """One statement file: its header and its body."""

    name: str
    category: str
    description: str
    params: dict[str, str]  # declared $param -> type
    backends: str
    text: str  # the whole file, header included (both languages ignore the comments)
    path: str  # "<category>/<name>.<suffix>", relative to queries/
    language: Language = "cypher"

    @property
    def portable(self) -> bool:
        return self.backends == "portable"

    @property
    def body(self) -> str:
        """The statement without its comment lines."""
        mark = COMMENT[self.language]
        return "\n".join(
            line for line in self.text.splitlines() if not line.lstrip().startswith(mark)
        ).strip()

    def used_params(self) -> set[str]:
        return set(_PARAM_RE.findall(_STRING_RE.sub("''", self.body)))

    def used_labels(self) -> set[str]:
        """Node labels a Cypher statement names (checked against ``linkgraph.schema``)."""
        body = _STRING_RE.sub("''", self.body)
        out: set[str] = set()
        for m in _NODE_LABEL_RE.finditer(body):
            chain = m.group(1) or m.group(2) or ""
            out.update(x.strip() for x in chain.split(":") if x.strip())
        for m in _WHERE_LABEL_RE.finditer(body):
            out.update(x for x in m.group(1).split(":") if x)
        return out

    def used_rel_types(self) -> set[str]:
        """Relationship types a Cypher statement names."""
        body = _STRING_RE.sub("''", self.body)
        out: set[str] = set()
        for m in _REL_TYPE_RE.finditer(body):
            out.update(x.strip() for x in m.group(1).split("|") if x.strip())
        return out


def language_of(path: str) -> Language:
    for language, suffix in SUFFIX.items():
        if path.endswith(suffix):
            return language
    raise ValueError(f"{path}: not a statement file (want {' or '.join(SUFFIX.values())})")


def _header(text: str, mark: str) -> dict[str, str]:
    header: dict[str, str] = {}
    for line in text.splitlines():
        s = line.strip()
        if not s:
            continue
        if not s.startswith(mark):
            break
        m = re.match(rf"{re.escape(mark)}\s*(\w+):\s*(.*)$", s)
        if m and m.group(1) in HEADER_KEYS:
            header[m.group(1)] = m.group(2).strip()
    return header


def _params(decl: str, path: str) -> dict[str, str]:
    params: dict[str, str] = {}
    if decl in ("", "none"):
        return params
    for part in re.split(r",\s*(?=\$)", decl):  # commas that start a new $param
        if not part.strip():
            continue
        m = _DECL_RE.match(part.strip())
        if not m:
            raise ValueError(
                f"{path}: cannot read parameter declaration {part.strip()!r} (want '$name: type')"
            )
        if m.group(2) not in PARAM_TYPES:
            raise ValueError(f"{path}: parameter ${m.group(1)} has unknown type {m.group(2)!r}")
        params[m.group(1)] = m.group(2)
    return params


def parse(text: str, path: str) -> Statement:
    """Parse a statement file; raise ValueError naming the file when its header is malformed."""
    language = language_of(path)
    mark = COMMENT[language]
    header = _header(text, mark)
    missing = [k for k in HEADER_KEYS if k not in header]
    if missing:
        raise ValueError(f"{path}: header lacks '{mark} {missing[0]}:'")
    category, _, fname = path.rpartition("/")
    if fname != f"{header['name']}{SUFFIX[language]}":
        raise ValueError(f"{path}: '{mark} name: {header['name']}' does not match the file name")
    if header["backends"] not in BACKENDS[language]:
        raise ValueError(f"{path}: backends must be one of {BACKENDS[language]}, not {header['backends']!r}")
    if not header["description"]:
        raise ValueError(f"{path}: empty description")
    return Statement(
        name=header["name"],
        category=category,
        description=header["description"],
        params=_params(header["params"], path),
        backends=header["backends"],
        text=text,
        path=path,
        language=language,
    )


@functools.cache
def load_all(language: Language) -> dict[str, Statement]:
    """Every statement file of one language shipped in ``linkgraph.queries``, by (unique) name."""
    root = resources.files("linkgraph.queries")
    out: dict[str, Statement] = {}
    for cat in sorted(root.iterdir(), key=lambda p: p.name):
        if not cat.is_dir() or cat.name.startswith(("_", ".")):
            continue
        for f in sorted(cat.iterdir(), key=lambda p: p.name):
            if not f.name.endswith(SUFFIX[language]):
                continue
            q = parse(f.read_text(encoding="utf-8"), f"{cat.name}/{f.name}")
            if q.name in out:
                raise ValueError(f"duplicate statement name {q.name!r}: {out[q.name].path} and {q.path}")
            out[q.name] = q
    return out


def get(name: str, language: Language) -> Statement:
    """The statement called ``name``; QueryError for any other name (names never become paths)."""
    q = load_all(language).get(name)
    if q is None:
        raise QueryError(f"no {language} statement named {name!r}")
    return q


def in_category(category: str, language: Language) -> list[Statement]:
    return [q for q in load_all(language).values() if q.category == category]


def write_files(rendered: dict[str, str], root: Path | None = None) -> list[Path]:
    """Write generated statement files (path relative to ``queries/`` -> text) under ``root``
    (default: the source tree's ``queries/``); returns the files that changed."""
    base = root or Path(str(resources.files("linkgraph.queries")))
    written = []
    for rel, text in rendered.items():
        path = base / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    load_all.cache_clear()
    return written


def write_command(rendered: dict[str, str], argv: list[str]) -> None:
    """``python -m linkgraph.store.cypher|sql [ROOT]``: write the generated files, name the changed ones."""
    for path in write_files(rendered, Path(argv[0]) if argv else None):
        sys.stderr.write(f"wrote {path}\n")
