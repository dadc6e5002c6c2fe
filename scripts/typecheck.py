"""Run mypy over the installed ``linkgraph`` namespace as it is laid out in the source tree.

The design card keeps ``loaders/``, ``app/`` and ``queries/`` as top-level folders that install as
``linkgraph.loaders``, ``linkgraph.app`` and ``linkgraph.queries``. mypy cannot follow the
package-dir mapping of an editable install, so this builds the same package tree from symlinks
in ``build/typecheck/`` and checks that, which covers ``app/`` and ``loaders/`` with their real
module names.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MAPPED = {"loaders": "loaders", "app": "app", "queries": "queries"}


def build_tree() -> Path:
    tree = REPO / "build" / "typecheck"
    shutil.rmtree(tree, ignore_errors=True)
    package = tree / "linkgraph"
    package.mkdir(parents=True)
    for entry in (REPO / "linkgraph").iterdir():
        if entry.name != "__pycache__":
            (package / entry.name).symlink_to(entry)
    for name, folder in MAPPED.items():
        (package / name).symlink_to(REPO / folder)
    return tree


def main() -> int:
    tree = build_tree()
    cmd = [sys.executable, "-m", "mypy", "--config-file", str(REPO / "pyproject.toml"), "-p", "linkgraph"]
    return subprocess.call(cmd, cwd=tree)


if __name__ == "__main__":
    raise SystemExit(main())
