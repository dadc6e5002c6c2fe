"""The ``linkgraph`` command: a thin layer over the library.

Each command builds the library objects, calls one library function and prints the result.
Errors a user can cause (``LinkGraphError``) become one line on stderr and a non-zero exit;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import functools
import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from linkgraph import __version__, csvsafe
from linkgraph.errors import ConfigError, LinkGraphError
from linkgraph.schema import DECISION_STATUSES
from linkgraph.store import default_location, open_store
from linkgraph.store.base import Store
from linkgraph.users import ROLES

console = Console(stderr=True)
out = Console()

EXIT_OK = 0


# ---------------------------------------------------------------------- shared options
def store_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``--db`` (file path or bolt:// URI) and ``--neo4j-uri``: where the graph lives."""

    @click.option(
        "--db",
        "db",
        default=None,
        metavar="PATH|URI",
        help="Store location: a DuckDB file (default ./linkgraph.duckdb, or $LINKGRAPH_DB) "
        "or a bolt:// / neo4j:// URI for a Neo4j server.",
    )
    @click.option(
        "--neo4j-uri",
        "neo4j_uri",
        default=None,
        envvar="NEO4J_URI",
        metavar="URI",
        help="Use the Neo4j backend at this URI ($NEO4J_URI); credentials from $NEO4J_USER, "
        "$NEO4J_PASSWORD, $NEO4J_DATABASE.",
    )
    @functools.wraps(fn)
    def wrapper(*args: Any, db: str | None, neo4j_uri: str | None, **kwargs: Any) -> Any:
        if db and neo4j_uri and "://" not in db:
            raise ConfigError("give either --db PATH or --neo4j-uri, not both")
        kwargs["location"] = neo4j_uri if (neo4j_uri and not db) else (db or default_location())
        return fn(*args, **kwargs)

    return wrapper


@contextmanager
def progress_bar(enabled: bool = True) -> Iterator[Callable[[int, int, str], None]]:
    """A rich progress bar driven by the library's ``progress(done, total, what)`` callbacks."""
    if not enabled or not console.is_terminal:
        last = [""]

        def quiet(done: int, total: int, what: str) -> None:
            if what != last[0]:
                logging.getLogger("linkgraph").info(what)
                last[0] = what

        yield quiet
        return
    with Progress(
        TextColumn("{task.description:<40}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("starting", total=1)

        def update(done: int, total: int, what: str) -> None:
            bar.update(task, completed=done, total=max(total, 1), description=what[:40])

        yield update


def _stages(progress: Callable[[int, int, str], None], total: int) -> Callable[[str], None]:
    """Adapt a stage-message callback (the generator's) to the progress bar."""
    done = [0]

    def stage(message: str) -> None:
        progress(min(done[0], total), total, message)
        done[0] += 1

    return stage


# ---------------------------------------------------------------------- the group
@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="linkgraph")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
def cli(verbose: int) -> None:
    """linkgraph: link fraudulent API accounts into campaigns.

    \b
    Typical session on the embedded store (a DuckDB file, no server):
      linkgraph generate demo-export --accounts 100000   # or use your own export
      linkgraph load demo-export                          # validate + build the graph
      linkgraph detect                                    # link, cluster, score
      linkgraph export --format csv --out banlist.csv     # the enforcement list
      linkgraph app                                       # explore in the browser
    Or all of it at once: linkgraph demo

    Every command takes --db PATH (a DuckDB file) or --neo4j-uri bolt://... to use a Neo4j 5
    server instead. The export format is described in docs/EXPORT_FORMAT.md.
    """
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(
        level=level,
        format="%(levelname)s: %(message)s" if verbose < 2 else "%(levelname)s %(name)s: %(message)s",
    )


@cli.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--accounts",
    "-n",
    default=10_000,
    show_default=True,
    type=click.IntRange(100, 20_000_000),
    help="How many accounts to generate.",
)
@click.option("--seed", default=1, show_default=True, type=int, help="Random seed (same seed, same files).")
@click.option(
    "--format",
    "fmt",
    default="csv",
    show_default=True,
    type=click.Choice(["csv", "csv.gz", "jsonl", "jsonl.gz", "parquet"]),
    help="File encoding.",
)
@click.option(
    "--scenario",
    default="classic",
    show_default=True,
    type=click.Choice(["classic", "evaluation", "holdout"]),
    help="classic: the demo; evaluation: randomised campaign patterns, look-alikes and vendor spellings; "
    "holdout: other patterns and spellings, for measuring only (never tune on it).",
)
@click.option(
    "--variant",
    default="full",
    show_default=True,
    type=click.Choice(["full", "no_ip_intel", "no_usage", "no_user_agents", "minimal"]),
    help="Write a partial export (minimal: accounts, payment_methods, ip_events without user agents/proxy names).",
)
def generate(out_dir: Path, accounts: int, seed: int, fmt: str, scenario: str, variant: str) -> None:
    """Write a realistic demo export with planted campaigns and benign look-alikes.

    Also writes OUT_DIR/truth.csv (account_id, campaign_id, kind; the evaluation scenario adds
    group_id and pattern) for measuring detection.

    Example: linkgraph generate /tmp/demo --accounts 100000 --seed 7 --scenario evaluation --variant minimal
    """
    from linkgraph.generator import GenerateSettings
    from linkgraph.generator import generate as run_generate

    settings = GenerateSettings(
        accounts=accounts,
        seed=seed,
        fmt=fmt,
        scenario=scenario,  # type: ignore[arg-type]  # click.Choice checked it
        variant=variant,  # type: ignore[arg-type]
    )
    with progress_bar() as progress:
        report = run_generate(out_dir, settings, progress=_stages(progress, 9))
    rows = ", ".join(f"{k} {v:,}" for k, v in report.counts.items())
    out.print(
        f"wrote {out_dir} in {report.seconds:.1f}s: {rows}; "
        f"{report.campaigns} planted campaigns ({report.campaign_accounts:,} accounts)"
    )


@cli.command()
@click.argument("export_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="TOML file mapping your file and column names onto the export format.",
)
@click.option(
    "--pseudonymise",
    "keyfile",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Replace emails and IPs with keyed HMACs (key read from this file) for sharing.",
)
@store_options
def load(export_dir: Path, mapping: Path | None, keyfile: Path | None, location: str) -> None:
    """Validate an export directory and add it to the graph, all or nothing.

    A bad export is rejected with the file, row and column of the problem and the store is left
    exactly as it was. Loading the same export twice changes nothing.

    Example: linkgraph load ./export-2026-11 --mapping mapping.toml
    """
    from linkgraph.pipeline import load as run_load

    key = _read_key(keyfile) if keyfile else None
    started = time.perf_counter()
    with open_store(location) as store, progress_bar() as progress:
        report = run_load(store, export_dir, mapping, pseudonymise_key=key, progress=progress)
    # warnings were already logged by the loader as they were found
    if report.skipped:
        out.print(f"already loaded (load #{report.record.load_id}); nothing changed")
        return
    counts = report.counts
    out.print(
        f"loaded {export_dir} as load #{report.record.load_id} in {time.perf_counter() - started:.1f}s: "
        f"{counts.get('accounts', 0):,} accounts, {counts.get('paid_with', 0):,} payment links, "
        f"{counts.get('used_ip', 0):,} account-IP links, {counts.get('usage', 0):,} usage rows"
    )


def _read_key(path: Path) -> bytes:
    key = path.read_bytes().strip()
    if len(key) < 16:
        raise ConfigError(f"{path}: a pseudonymisation key must be at least 16 bytes")
    return key


@cli.command()
@click.option("--resolution", type=float, default=None, help="Leiden CPM resolution (default from settings).")
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="TOML/JSON file of detection settings.",
)
@store_options
def detect(resolution: float | None, config_path: Path | None, location: str) -> None:
    """Link accounts by shared identifiers, find campaigns (Leiden) and score them.

    Stores a run; clusters keep their ids across runs when their members mostly stay the same.

    Example: linkgraph detect --resolution 0.02
    """
    from linkgraph.pipeline import detect as run_detect
    from linkgraph.settings import DetectSettings

    settings = DetectSettings.from_path_or_dict(config_path) if config_path else DetectSettings()
    # No --engine: GDS Leiden optimises modularity (it has no CPM objective), so it does not
    # find the same campaigns as the default engine; Neo4jStore keeps the GDS capability.
    overrides: dict[str, Any] = {}
    if resolution is not None:
        overrides["resolution"] = resolution
    settings = _with(settings, overrides)
    started = time.perf_counter()
    with open_store(location) as store:
        with progress_bar() as progress:
            run = run_detect(store, settings, progress=progress)
        _print_top(store, 10)
    stats = run.stats
    out.print(
        f"run #{run.run_id} in {time.perf_counter() - started:.1f}s: "
        + ", ".join(f"{k} {v}" for k, v in stats.items() if isinstance(v, int | float | str))[:400]
    )


def _with(settings: Any, overrides: dict[str, Any]) -> Any:
    import dataclasses

    known = {f.name for f in dataclasses.fields(settings)}
    return dataclasses.replace(settings, **{k: v for k, v in overrides.items() if k in known})


def _print_top(store: Store, n: int) -> None:
    from linkgraph.enforcement import top_campaigns

    df = top_campaigns(store, n)
    if df.empty:
        out.print("no clusters found")
        return
    table = Table(title=f"Top {len(df)} campaigns")
    for col in df.columns:
        table.add_column(str(col), overflow="fold")
    for row in df.itertuples(index=False):
        table.add_row(*[_fmt(v) for v in row])
    out.print(table)


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.3f}"
    return "" if v is None else str(v)


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json", "graphml", "stix"]),
    default="csv",
    show_default=True,
    help="csv/json: enforcement list; graphml: cluster graphs; stix: indicators.",
)
@click.option(
    "--min-score",
    type=click.FloatRange(0, 1),
    default=None,
    help="Export clusters at or above this score (default: the enforcement threshold).",
)
@click.option("--all", "include_all", is_flag=True, help="Export every cluster, whatever its score.")
@click.option(
    "--cluster", "cluster_ids", multiple=True, metavar="ID", help="Only these clusters (repeatable)."
)
@click.option("--run", "run_id", type=int, default=None, help="Detection run (default: the latest).")
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Output file (default: standard output).",
)
@click.option(
    "--key-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="stix only: sharing key; adds keyed hashes of member identifiers (see `linkgraph share`).",
)
@store_options
def export(
    fmt: str,
    min_score: float | None,
    include_all: bool,
    cluster_ids: tuple[str, ...],
    run_id: int | None,
    out_path: Path | None,
    key_file: Path | None,
    location: str,
) -> None:
    """Write the enforcement list (CSV/JSON), cluster graphs (GraphML) or STIX 2.1 indicators.

    Dismissed clusters never enter the enforcement list; confirmed ones always do. CSV cells
    that a spreadsheet would run as a formula are prefixed with a single quote. The STIX bundle
    holds no raw email, card, device, user agent or residential IP: with --key-file they are
    keyed hashes (as `linkgraph share` writes them), without it they are left out.

    Example: linkgraph export --format csv --min-score 0.8 --out banlist.csv
    """
    from linkgraph.enforcement import write_export
    from linkgraph.sharing.keys import SharingKey

    if key_file and fmt != "stix":
        raise ConfigError("--key-file only applies to --format stix")
    key = SharingKey.from_file(key_file) if key_file else None
    with open_store(location, read_only=True) as store:
        target: Any = out_path if out_path else sys.stdout
        report = write_export(
            store,
            fmt,
            target,
            min_score=min_score,
            include_all=include_all,
            run_id=run_id,
            cluster_ids=list(cluster_ids) or None,
            key=key,
        )
    if out_path:
        out.print(f"wrote {out_path}: {_summary(report)}")


def _summary(report: Any) -> str:
    fields = getattr(report, "__dataclass_fields__", {})
    return ", ".join(f"{k} {getattr(report, k)}" for k in fields if not k.startswith("_") and k != "path")


@cli.command()
@store_options
def stats(location: str) -> None:
    """Node and relationship counts, loads and detection runs in the store."""
    with open_store(location, read_only=True) as store:
        counts = store.counts()
        loads = store.load_runs()
        runs = store.runs()
    table = Table(title=f"{store.backend} store {store.location}")
    table.add_column("element")
    table.add_column("count", justify="right")
    for k, v in counts.items():
        table.add_row(k, f"{v:,}")
    out.print(table)
    out.print(
        f"{len(loads)} load(s); {len(runs)} detection run(s)"
        + (f"; latest run #{runs[0].run_id} at {runs[0].created_at:%Y-%m-%d %H:%M} UTC" if runs else "")
    )


@cli.command()
@click.argument("name", required=False)
@click.option(
    "--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="Query parameter (repeatable)."
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True
)
@store_options
def query(name: str | None, params: tuple[str, ...], fmt: str, location: str) -> None:
    """Run a named investigator query; without NAME, list them.

    Example: linkgraph query shortest_path -p a=acc_001 -p b=acc_207
    """
    from linkgraph.investigate import QUERIES

    if not name:
        for spec in QUERIES.values():
            ps = " ".join(
                f"{p.name}={p.type.__name__}" + ("" if p.required else f"[{p.default}]") for p in spec.params
            )
            out.print(f"[bold]{spec.name}[/] {ps}\n    {spec.doc}")
        return
    kv: dict[str, Any] = {}
    for item in params:
        if "=" not in item:
            raise ConfigError(f"--param must be KEY=VALUE, got {item!r}")
        k, v = item.split("=", 1)
        kv[k.strip()] = v
    with open_store(location, read_only=True) as store:
        df = store.query(name, kv)
    if fmt == "csv":
        click.echo(csvsafe.to_csv(df), nl=False)
    elif fmt == "json":
        click.echo(df.to_json(orient="records", date_format="iso"))
    else:
        table = Table(title=f"{name}: {len(df)} row(s)")
        for col in df.columns:
            table.add_column(str(col), overflow="fold")
        for row in df.itertuples(index=False):
            table.add_row(*[_fmt(v) for v in row])
        out.print(table)


KEY_FILE_HELP = "The sharing key the participating labs exchanged out of band (at least 16 bytes)."


@cli.command()
@click.argument("cluster_ids", nargs=-1, required=True, metavar="CAMPAIGN_ID...")
@click.option(
    "--key-file", type=click.Path(dir_okay=False, path_type=Path), required=True, help=KEY_FILE_HELP
)
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option(
    "--lab-name", envvar="LINKGRAPH_LAB_NAME", required=True, help="Your lab's name ($LINKGRAPH_LAB_NAME)."
)
@click.option(
    "--allow-residential-ips",
    is_flag=True,
    help="Write residential IPs and subnets raw (default: keyed hashes; they are people's lines).",
)
@click.option("--run", "run_id", type=int, default=None, help="Detection run (default: the latest).")
@store_options
def share(
    cluster_ids: tuple[str, ...],
    key_file: Path,
    out_path: Path,
    lab_name: str,
    allow_residential_ips: bool,
    run_id: int | None,
    location: str,
) -> None:
    """Write a STIX 2.1 bundle of confirmed campaigns for peer labs, without user data.

    Emails, email domains and templates, card BIN + last 4, device ids, user agents and
    residential IPs are HMAC-SHA256 hashes under the shared key; proxy providers and
    datacenter/VPN/Tor subnets and IPs are raw. Only confirmed campaigns can be shared.

    Example: linkgraph share C000012 --key-file fmf.key --lab-name "Lab A" --out c12.stix.json
    """
    from linkgraph.sharing.bundle import ShareOptions, write_bundle
    from linkgraph.sharing.keys import SharingKey

    key = SharingKey.from_file(key_file)
    options = ShareOptions(lab_name=lab_name, allow_residential_ips=allow_residential_ips, run_id=run_id)
    with open_store(location, read_only=True) as store:
        report = write_bundle(store, list(cluster_ids), key, out_path, options)
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(report.by_kind.items()))
    out.print(
        f"wrote {out_path}: {report.campaigns} campaign(s), {report.indicators} indicators "
        f"({report.hashed_values} hashed, {report.raw_values} raw values; key {report.key_fingerprint}): {kinds}"
    )


@cli.command()
@click.argument("bundle_path", metavar="BUNDLE", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--key-file", type=click.Path(dir_okay=False, path_type=Path), required=True, help=KEY_FILE_HELP
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write matches as CSV.",
)
@click.option(
    "--min-strength",
    type=click.FloatRange(0, 1),
    default=None,
    help="Report matches at or above this strength (default 0.5: medium and strong).",
)
@click.option("--no-save", is_flag=True, help="Only report; do not store the matches in the graph store.")
@store_options
def match(
    bundle_path: Path,
    key_file: Path,
    out_path: Path | None,
    min_strength: float | None,
    no_save: bool,
    location: str,
) -> None:
    """Match a peer lab's STIX bundle against your accounts.

    Your own values are hashed with the same key and compared with the bundle's indicators;
    each matching account gets per-indicator evidence and a strength (a shared proxy provider
    alone is never more than weak). Matches are stored (the app shows them on the campaigns
    they fall in; detection can read them as known-bad seeds) unless --no-save.

    Example: linkgraph match peer.stix.json --key-file fmf.key --out matches.csv
    """
    from linkgraph.sharing.bundle import read_bundle
    from linkgraph.sharing.keys import SharingKey
    from linkgraph.sharing.matching import DEFAULT_MIN_STRENGTH, match_bundle, save_matches, write_matches_csv

    key = SharingKey.from_file(key_file)
    intel = read_bundle(bundle_path, key)
    floor = DEFAULT_MIN_STRENGTH if min_strength is None else min_strength
    with open_store(location, read_only=no_save) as store:
        result = match_bundle(store, intel, key, min_strength=floor)
        if not no_save:
            save_matches(store, result)
    if out_path:
        write_matches_csv(result.matches, out_path)
    levels = result.matches["level"].value_counts().to_dict() if len(result.matches) else {}
    out.print(
        f"{intel.source}: {len(result.matches)} matching account(s) of {result.accounts_compared:,} "
        f"({levels.get('strong', 0)} strong, {levels.get('medium', 0)} medium) over {result.campaigns} campaign(s); "
        f"{result.below_floor} weaker left out" + (f"; wrote {out_path}" if out_path else "")
    )


@cli.command()
@click.argument("target")
@click.option("--status", type=click.Choice(DECISION_STATUSES), required=True)
@click.option(
    "--user",
    "user",
    envvar="LINKGRAPH_USER",
    help="Who decides ($LINKGRAPH_USER); checked against the users file.",
)
@click.option("--analyst", "analyst", envvar="LINKGRAPH_ANALYST", hidden=True, help="Old name of --user.")
@click.option(
    "--campaign", default=None, help="For an account: the campaign (default: its campaign in the latest run)."
)
@click.option("--note", default="", help="Why (kept in the audit trail).")
@store_options
def decide(
    target: str,
    status: str,
    user: str | None,
    analyst: str | None,
    campaign: str | None,
    note: str,
    location: str,
) -> None:
    """Record a decision on a campaign or on one account (append-only audit trail).

    TARGET is a campaign id of the latest run or an account id. On an account, --status
    dismissed excludes it from its campaign as a false positive, and confirmed confirms it (with
    --campaign naming another campaign, adds it there). An id that names neither is refused.

    Example: linkgraph decide C000012 --status confirmed --user ana --note "one card, one proxy"
    """
    from linkgraph.casework.cases import decide as decide_on
    from linkgraph.users import cli_actor

    actor = cli_actor(user or analyst)
    with open_store(location) as store:
        done = decide_on(store, actor, target, status, note, campaign)
    out.print(done.summary)


@cli.group()
def users() -> None:
    """Who may sign in to the app and decide: the users file ($LINKGRAPH_USERS).

    Example: linkgraph users add ana --role analyst
    """


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), default="analyst", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts).")
@click.option(
    "--file", "path", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Users file."
)
def users_add(name: str, role: str, password_stdin: bool, path: Path | None) -> None:
    """Add a user (or reset their password and role); the password is stored as a salted scrypt hash.

    Example: linkgraph users add bo --role viewer
    """
    from linkgraph.users import add_user, users_path

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = add_user(name, role, password, path)
    out.print(f"{user.name} ({user.role}) saved in {users_path(path)}")


@users.command("list")
@click.option(
    "--file", "path", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Users file."
)
def users_list(path: Path | None) -> None:
    """List the users and their roles (never their hashes).

    Example: linkgraph users list
    """
    from linkgraph.users import read_users, users_path

    found = read_users(path)
    if not found:
        out.print(f"no users in {users_path(path)}")
    for u in found.values():
        click.echo(f"{u.name}\t{u.role}\t{u.created_at}")


@users.command("remove")
@click.argument("name")
@click.option(
    "--file", "path", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Users file."
)
def users_remove(name: str, path: Path | None) -> None:
    """Remove a user (their past decisions keep their name).

    Example: linkgraph users remove bo
    """
    from linkgraph.users import remove_user

    remove_user(name, path)
    out.print(f"{name} removed")


@cli.command()
@click.option(
    "--port", type=int, default=None, help="Port (default: Streamlit's, or $STREAMLIT_SERVER_PORT)."
)
@click.option("--host", default=None, help="Address to listen on (default: Streamlit's).")
@click.option("--headless/--browser", default=None, help="Do not open a browser window.")
@store_options
def app(port: int | None, host: str | None, headless: bool | None, location: str) -> None:
    """Start the investigator app (Streamlit) on the store.

    Ships its own Streamlit settings (no usage statistics, no tracebacks in the browser);
    flags here and STREAMLIT_* environment variables override them.

    Example: linkgraph app --db cases.duckdb --port 8502
    """
    _run_app(location, port, host, headless)


def _run_app(location: str, port: int | None, host: str | None, headless: bool | None) -> None:
    from linkgraph.app.launch import run_streamlit

    overrides: dict[str, str] = {}
    if port is not None:
        overrides["server.port"] = str(port)
    if host is not None:
        overrides["server.address"] = host
    if headless is not None:
        overrides["server.headless"] = "true" if headless else "false"
    console.print(f"starting the app on {location} (Ctrl-C to stop)")
    raise SystemExit(run_streamlit(location, overrides))


@cli.command()
@click.option("--accounts", "-n", default=20_000, show_default=True, type=click.IntRange(100, 20_000_000))
@click.option("--seed", default=1, show_default=True, type=int)
@click.option(
    "--dir",
    "work_dir",
    default="demo",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the demo export and store.",
)
@click.option(
    "--app/--no-app", "start_app", default=True, show_default=True, help="Start the app at the end."
)
@click.option("--port", type=int, default=None)
def demo(accounts: int, seed: int, work_dir: Path, start_app: bool, port: int | None) -> None:
    """Generate demo data, load it, detect campaigns, print the top ones, open the app.

    Uses an embedded store in DIR/linkgraph.duckdb; nothing else is touched.
    """
    from linkgraph.generator import GenerateSettings
    from linkgraph.generator import generate as run_generate
    from linkgraph.pipeline import detect as run_detect
    from linkgraph.pipeline import load as run_load

    work_dir.mkdir(parents=True, exist_ok=True)
    export_dir = work_dir / "export"
    db = work_dir / "linkgraph.duckdb"
    with progress_bar() as progress:
        gen = run_generate(
            export_dir, GenerateSettings(accounts=accounts, seed=seed), progress=_stages(progress, 8)
        )
    out.print(f"1/3 generated {accounts:,} accounts with {gen.campaigns} planted campaigns in {export_dir}")
    with open_store(str(db)) as store:
        with progress_bar() as progress:
            report = run_load(store, export_dir, progress=progress)
        out.print(f"2/3 loaded into {db}" + (" (already loaded)" if report.skipped else ""))
        with progress_bar() as progress:
            run = run_detect(store, progress=progress)
        out.print(f"3/3 detection run #{run.run_id}")
        _print_top(store, 10)
    out.print(f"truth for checking: {export_dir / 'truth.csv'}")
    if start_app:
        _run_app(str(db), port, None, None)


@cli.command(name="queries")
def list_queries() -> None:
    """List the investigator queries (same as `linkgraph query` with no name)."""
    from linkgraph.investigate import QUERIES

    for spec in QUERIES.values():
        out.print(f"[bold]{spec.name}[/]: {spec.doc}")


def main(argv: list[str] | None = None) -> None:
    """Entry point: one-line errors for user mistakes, tracebacks only for bugs."""
    try:
        cli.main(args=argv, prog_name="linkgraph", standalone_mode=False)
    except click.exceptions.Abort:
        console.print("aborted")
        raise SystemExit(130) from None
    except click.ClickException as e:
        e.show()
        raise SystemExit(e.exit_code) from None
    except LinkGraphError as e:
        console.print(f"error: {e}", markup=False, highlight=False, soft_wrap=True)
        raise SystemExit(e.exit_code) from None
    except KeyboardInterrupt:
        console.print("interrupted")
        raise SystemExit(130) from None
    except BrokenPipeError:
        raise SystemExit(0) from None


if __name__ == "__main__":
    main()
