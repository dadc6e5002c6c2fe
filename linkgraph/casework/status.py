"""What the store holds, so every page can say "no data yet" and what to do, instead of failing."""

from __future__ import annotations

from dataclasses import dataclass

from linkgraph.model import RunRecord
from linkgraph.signals.inputs import missing_text
from linkgraph.store.base import Store


@dataclass(frozen=True)
class StoreStatus:
    """What the store holds, so every page can say "no data yet" instead of failing."""

    location: str
    backend: str
    accounts: int
    runs: int
    latest_run: RunRecord | None

    @property
    def has_accounts(self) -> bool:
        return self.accounts > 0

    @property
    def has_run(self) -> bool:
        return self.latest_run is not None

    @property
    def guidance(self) -> str:
        """One sentence telling an analyst what to do next ("" when there is data to show)."""
        if not self.has_accounts:
            return (
                "No data yet: run `linkgraph load EXPORT_DIR` then `linkgraph detect` "
                "(or upload an export on the Load & export page)."
            )
        if not self.has_run:
            return (
                "Accounts are loaded but no campaigns were detected yet: run `linkgraph detect` "
                "(or press Detect on the Load & export page)."
            )
        return ""

    @property
    def missing_inputs(self) -> str:
        """Which inputs the latest run lacked, in words ("" when it had them all, or is unknown).

        A missing input makes its evidence unknown, not benign: the analyst should know that a
        campaign's score was computed without, say, usage or user agents.
        """
        if self.latest_run is None:
            return ""
        have = self.latest_run.stats.get("inputs")
        if not isinstance(have, dict):
            return ""
        text = missing_text({str(k): bool(v) for k, v in have.items()})
        if not text:
            return ""
        return (
            f"This run's export lacked some inputs, so their evidence is {text}. "
            "Scores use only what was there; load the missing tables and re-run to use them."
        )


def store_status(store: Store) -> StoreStatus:
    counts = store.counts()
    runs = store.runs()
    return StoreStatus(
        location=store.location,
        backend=store.backend,
        accounts=int(counts.get("Account", 0)),
        runs=len(runs),
        latest_run=runs[0] if runs else None,
    )
