"""``skillpulse export``: the store's postings and skills as Parquet partitioned by source and month."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console()


def register(app: typer.Typer) -> None:
    app.command("export")(export)


def export(
    out: Annotated[Path, typer.Option("--out", help="Folder to write postings/ and skills/ into.")],
    db: Annotated[
        Path | None,
        typer.Option("--db", help="DuckDB store to read (default: $SKILLPULSE_DB or the data dir)."),
    ] = None,
) -> None:
    """Write the stored postings (with their enrichment) and their skills as Parquet datasets,
    partitioned source=<name>/month=<YYYY-MM>/, for DuckDB, Dask, Spark or pandas to read as they are.

    Skills and enrichment are those of this version of skillpulse (run `skillpulse run` first). Each
    export replaces <out>/postings and <out>/skills whole.

    Example: skillpulse export --out postings-parquet; then in DuckDB:
    SELECT source, month, count(*) FROM read_parquet('postings-parquet/postings/**/*.parquet',
    hive_partitioning = true) GROUP BY ALL
    """
    from skillpulse.errors import InputFileError
    from skillpulse.extractors.skills import EXTRACTOR_CODE_VERSION
    from skillpulse.extractors.taxonomy import load_taxonomy
    from skillpulse.flows.io_files import check_output_dir
    from skillpulse.flows.settings import TAXONOMY_PATH, default_db_path
    from skillpulse.flows.steps.enrich import ENRICHER_VERSION
    from skillpulse.flows.store import Store

    db_path = db or default_db_path()
    if not db_path.exists():
        raise InputFileError(f"{db_path}: no store here", hint="Run `skillpulse run --offline` first.")
    check_output_dir(out)
    extractor_version = f"{EXTRACTOR_CODE_VERSION}-{load_taxonomy(TAXONOMY_PATH).version}"
    with Store(db_path) as store:
        counts = store.export_parquet(out, extractor_version, ENRICHER_VERSION)
    console.print(
        f"Wrote {counts['postings']:,} postings to {out / 'postings'} and {counts['skills']:,} skill rows "
        f"to {out / 'skills'} (partitioned by source and month).",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    if counts["postings"] and not counts["skills"]:
        console.print(
            "No skills for this version yet: run `skillpulse run` to extract them, then export again.",
            markup=False,
        )
