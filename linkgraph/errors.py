"""linkgraph's own exceptions.

Every error a user can cause (bad export, bad mapping, busy store, unknown query) is a
``LinkGraphError``; the CLI prints its message on one line and exits non-zero, without a
traceback. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class LinkGraphError(Exception):
    """Base class for errors caused by input, configuration or environment, not by a bug."""

    exit_code: int = 1


@dataclass(frozen=True)
class Problem:
    """One validation finding, located as precisely as the input allows.

    ``row`` is 1-based and counts data rows (the header of a CSV is not a row), so a user can
    open the file and find it; ``None`` means the problem is about the whole file or column.
    """

    file: str
    reason: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        return f"{where}: {self.reason}"


class ExportError(LinkGraphError):
    """An export (directory, file, row or value) cannot be loaded.

    Carries every problem found, so an analyst fixes them all in one pass; the message is the
    first problem, with a count of the rest.
    """

    exit_code = 2

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        if not self.problems:
            raise ValueError("ExportError needs at least one problem")
        first = str(self.problems[0])
        more = len(self.problems) - 1
        super().__init__(first + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""))

    @property
    def first(self) -> Problem:
        return self.problems[0]


class CardNumberError(ExportError):
    """A value looks like a full card number (PAN). It is refused and never stored or logged."""


class MappingError(LinkGraphError):
    """A ``--mapping`` file is unreadable or names files/columns that do not exist."""

    exit_code = 2


class StoreError(LinkGraphError):
    """The store failed to run a statement; the failing statement's name is attached."""

    def __init__(self, message: str, query: str | None = None):
        self.query = query
        super().__init__(message if query is None else f"{message} (query: {query})")


class StoreBusyError(StoreError):
    """Another process holds the store's write lock (a load or detect is already running)."""

    exit_code = 3


class StoreNotFoundError(StoreError):
    """The store file or server does not exist or cannot be reached."""


class QueryError(LinkGraphError):
    """An investigator query was unknown or given bad parameters."""

    exit_code = 2


class ConfigError(LinkGraphError):
    """Bad settings: unknown backend, missing credentials, out-of-range parameter."""

    exit_code = 2


class NoRunError(LinkGraphError):
    """There is no detection run to export or show (run ``linkgraph detect`` first)."""


class NothingToExportError(LinkGraphError):
    """The selection is empty once dismissed clusters are left out."""


class UnknownUserError(LinkGraphError):
    """No such user (or none given) where a known author is required."""

    exit_code = 2


class PermissionDeniedError(LinkGraphError):
    """The user's role does not allow this (a viewer cannot decide or write notes)."""

    exit_code = 4


class UnknownTargetError(LinkGraphError):
    """A decision names neither a campaign of the latest run nor a known account."""

    exit_code = 2


class ShareError(LinkGraphError):
    """A campaign cannot be shared, or a bundle cannot be read (the message says why)."""

    exit_code = 2
