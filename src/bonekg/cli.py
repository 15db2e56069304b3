"""The ``bonekg`` command line: a thin layer over the pipeline modules.

Exit codes: 0 ok; 1 the data does not conform / is inconsistent / a store refused; 2 usage or
unreadable input. Errors go to stderr, data to stdout; ``--debug`` shows tracebacks.
Heavy libraries are imported inside the commands so that ``bonekg --help`` stays instant.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .errors import BonekgError
from .stores import STORE_NAMES

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_REFDATA = Path("../shared/refdata")
DEFAULT_SOURCES = Path("../shared/sources")


def build_option(f: F) -> F:
    return click.option(
        "--build",
        "build_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=Path("build"),
        show_default=True,
        help="Build directory to read.",
    )(f)


def curation_option(f: F) -> F:
    return click.option(
        "--curation",
        "curation_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help="Curation directory (default: ./curation, else the packaged curation).",
    )(f)


def refdata_option(f: F) -> F:
    return click.option(
        "--refdata",
        type=click.Path(path_type=Path, file_okay=False),
        default=DEFAULT_REFDATA,
        show_default=True,
        help="Folder of upstream reference files (miRBase, HGNC, GO, CL …).",
    )(f)


def _curation(curation_dir: Path | None) -> Path:
    from . import paths

    return curation_dir if curation_dir is not None else paths.default_curation_dir()


def err(msg: str) -> None:
    click.echo(msg, err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="bonekg")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """bonekg: a curated knowledge graph of miRNA and exosome claims in bone remodelling."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


@cli.command()
@curation_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("build"),
    show_default=True,
    help="Output directory (replaced atomically).",
)
@click.option(
    "--reason",
    type=click.Choice(["auto", "required", "off"]),
    default="auto",
    show_default=True,
    help="HermiT consistency check: auto skips with a warning when Java is missing or "
    "HermiT runs out of heap ($BONEKG_JAVA_MEMORY, MB; default 2000).",
)
@click.option(
    "--no-validate", is_flag=True, help="Skip SHACL and QC validation (not for releases)."
)
@click.option(
    "--imports",
    "imports_dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="Import modules to use instead of ontology/imports (for your own claim sets).",
)
@click.option(
    "--stats",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write stage timings, CPU seconds per kind of job and counts as JSON to this file.",
)
def build(
    curation_dir: Path | None,
    out_dir: Path,
    reason: str,
    no_validate: bool,
    imports_dir: Path | None,
    stats: Path | None,
) -> None:
    """Build the graph from curation YAML into every RDF format (atomically)."""
    import json

    from .build import build as run_build
    from .reason import ReasonMode

    res = run_build(
        _curation(curation_dir),
        out_dir,
        ReasonMode(reason),
        validate=not no_validate,
        imports_dir=imports_dir,
    )
    if stats is not None:
        info = {
            "stages": res.stages,
            "cpu": res.cpu,
            "triples": res.triples,
            "claims": res.claims,
        }
        stats.write_text(json.dumps(info, indent=2) + "\n")
    for w in res.warnings:
        err(w)
    msg = res.reasoning.message if res.reasoning else ""
    click.echo(
        f"built {res.out_dir}: {res.reviews} reviews, {res.claims} claims, {res.triples} triples; "
        f"{msg}"
    )


@cli.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@build_option
@curation_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "ttl"]), default="text", show_default=True
)
@click.option(
    "--engine",
    type=click.Choice(["compiled", "pyshacl"]),
    default="compiled",
    show_default=True,
    help="compiled: the shapes compiled to SPARQL on pyoxigraph (fast); pyshacl: the reference.",
)
def validate(
    path: Path | None, build_dir: Path, curation_dir: Path | None, fmt: str, engine: str
) -> None:
    """Validate the build (default) or any RDF file against the SHACL shapes and QC rules.

    PATH may be .ttl .nt .jsonld .owl .trig; the TBox and import modules are added as the
    ontology. Exit 0 conforms, 1 violations, 2 unreadable input.
    """
    from .build import claim_locations
    from .errors import InputError, UsageError
    from .load import load_curation
    from .validate import format_json, format_text, format_ttl, load_store, read_rdf, validate_graph

    target = path or build_dir / "bonekg.nt"
    if path is None and not target.is_file():
        raise UsageError(f"no build at {build_dir} (run `bonekg build` first, or give a PATH)")
    store = load_store(target)
    data = read_rdf(target) if engine == "pyshacl" else None
    locations: dict[str, str] = {}
    with contextlib.suppress(InputError):  # locations are a convenience; the RDF is validated
        locations = claim_locations(load_curation(_curation(curation_dir), fast=False))
    report = validate_graph(store, locations, engine=engine, data=data)
    out = {"text": format_text, "json": format_json, "ttl": format_ttl}[fmt](report)
    click.echo(out, nl=False)
    if not report.conforms:
        sys.exit(1)


@cli.command("check-quotes")
@curation_option
@click.option(
    "--sources",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_SOURCES,
    show_default=True,
)
def check_quotes_cmd(curation_dir: Path | None, sources: Path) -> None:
    """Check every quote is an exact substring of its source file (whitespace aside)."""
    from .load import load_curation
    from .quotes import check_quotes

    cur = load_curation(_curation(curation_dir))
    problems = check_quotes(cur, sources)
    for p in problems:
        click.echo(str(p))
    click.echo(f"{len(cur.claims)} claims checked, {len(problems)} problem(s)", err=True)
    if problems:
        sys.exit(1)


@cli.command("check-ids")
@build_option
@refdata_option
@click.option(
    "--sources",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_SOURCES,
    show_default=True,
    help="Source review texts, to check that each DOI appears in the review that cites it.",
)
def check_ids_cmd(build_dir: Path, refdata: Path, sources: Path) -> None:
    """Check every external identifier of the build against the upstream reference files."""
    from .checkids import check_ids
    from .errors import UsageError

    if not (build_dir / "bonekg.nt").is_file():
        raise UsageError(f"no build at {build_dir} (run `bonekg build` first)")
    if not refdata.is_dir():
        raise UsageError(f"reference data folder not found: {refdata}")
    problems = check_ids(build_dir, refdata, sources if sources.is_dir() else None)
    for p in problems:
        click.echo(str(p))
    if problems:
        err(f"check-ids: {len(problems)} problem(s)")
        sys.exit(1)
    click.echo("check-ids: every identifier exists upstream, is live and carries its label")


@cli.group()
def imports() -> None:
    """Import modules extracted from the upstream ontologies and databases."""


@imports.command("refresh")
@refdata_option
@curation_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Where to write the modules (default: ontology/imports).",
)
def imports_refresh(refdata: Path, curation_dir: Path | None, out_dir: Path | None) -> None:
    """Extract one module per source holding every used term with its ancestors."""
    from . import paths
    from .errors import UsageError
    from .imports import refresh
    from .load import load_curation

    if not refdata.is_dir():
        raise UsageError(f"reference data folder not found: {refdata}")
    written = refresh(
        refdata, load_curation(_curation(curation_dir)), out_dir or paths.imports_dir()
    )
    for p in written:
        click.echo(str(p))


@imports.command("check")
@curation_option
def imports_check(curation_dir: Path | None) -> None:
    """Fail when the curation uses a term the import modules lack (a stale module)."""
    from . import paths
    from .imports import check
    from .load import load_curation

    problems = check(load_curation(_curation(curation_dir)), paths.imports_dir())
    for p in problems:
        click.echo(p)
    if problems:
        err(f"imports check: {len(problems)} problem(s); run `bonekg imports refresh`")
        sys.exit(1)
    click.echo("imports check: every used term is in the import modules")


@cli.command()
@curation_option
@click.option(
    "--sources",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_SOURCES,
    show_default=True,
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the Markdown report here (e.g. docs/coverage.md) instead of stdout.",
)
@click.option(
    "--strict", is_flag=True, help="Exit 1 when a miRNA sentence has no claim and no reason."
)
def coverage(curation_dir: Path | None, sources: Path, out_file: Path | None, strict: bool) -> None:
    """Report claims per review and kind, and every miRNA sentence that yields no claim."""
    from .coverage import coverage as run_coverage
    from .coverage import markdown, unexplained
    from .errors import UsageError
    from .load import load_curation

    if not sources.is_dir():
        raise UsageError(f"source texts folder not found: {sources}")
    reports = run_coverage(load_curation(_curation(curation_dir)), sources)
    text = markdown(reports)
    if out_file is None:
        click.echo(text, nl=False)
    else:
        out_file.write_text(text, encoding="utf-8")
        click.echo(f"wrote {out_file}")
    gaps = unexplained(reports)
    if gaps:
        err(f"coverage: {len(gaps)} miRNA sentence(s) without a claim or a recorded reason")
        if strict:
            sys.exit(1)


@cli.command("prefixes")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "jsonld", "turtle", "shacl"]),
    default="json",
    show_default=True,
)
def prefixes_cmd(fmt: str) -> None:
    """Print the project's prefix map."""
    import json

    from .prefixes import prefix_map
    from .serialize import context_text

    pm = prefix_map()
    if fmt == "json":
        click.echo(json.dumps(pm, indent=2))
    elif fmt == "jsonld":
        click.echo(context_text(), nl=False)
    elif fmt == "turtle":
        for p, ns in pm.items():
            click.echo(f"@prefix {p}: <{ns}> .")
    else:
        click.echo("@prefix sh: <http://www.w3.org/ns/shacl#> .")
        click.echo("@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .")
        click.echo("<https://w3id.org/bonekg/prefixes> sh:declare")
        decls = [f'  [ sh:prefix "{p}" ; sh:namespace "{ns}"^^xsd:anyURI ]' for p, ns in pm.items()]
        click.echo(" ,\n".join(decls) + " .")


from .query import query_group  # noqa: E402

cli.add_command(query_group, "query")


#: the measurements that docs/performance.md is rendered from (shared by `bench run` and `report`)
record_option = click.option(
    "--record",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("bench/record"),
    show_default=True,
    help="The measurements (results.json, everyday.json), kept in the repository.",
)
performance_out_option = click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("docs/performance.md"),
    show_default=True,
)


@cli.group()
def bench() -> None:
    """Benchmarks at scale: synthetic curation, timed builds, queries and publishing."""


@bench.command("generate")
@click.option("--claims", type=click.IntRange(min=1), required=True, help="Number of claims.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), required=True)
@refdata_option
@click.option("--seed", type=int, default=0, show_default=True)
def bench_generate(claims: int, out_dir: Path, refdata: Path, seed: int) -> None:
    """Write synthetic curation (OUT/curation) and its import modules (OUT/imports)."""
    from .bench import generate
    from .errors import UsageError

    if not refdata.is_dir():
        raise UsageError(f"reference data folder not found: {refdata}")
    cur = generate(claims, out_dir, refdata, seed)
    click.echo(
        f"wrote {claims} claims to {cur}; build them with `bonekg build --curation {cur} "
        f"--imports {out_dir / 'imports'}`"
    )


@bench.command("run")
@click.option(
    "--sizes", default="1000,10000,100000,1000000", show_default=True, help="Claim counts."
)
@click.option(
    "--baseline-sizes", default="10000,100000", show_default=True, help="Sizes for the baseline."
)
@click.option("--baseline-timeout", type=float, default=1800.0, show_default=True)
@click.option(
    "--work",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("bench/out"),
    show_default=True,
    help="The generated claim sets and their builds (git-ignored).",
)
@performance_out_option
@click.option(
    "--steps",
    default="build,queries,publish,everyday",
    show_default=True,
    help="At each size: build (always), queries, publish; once: everyday (the everyday "
    "commands on the curated graph).",
)
@record_option
@refdata_option
def bench_run(
    sizes: str,
    baseline_sizes: str,
    baseline_timeout: float,
    work: Path,
    out_file: Path,
    record: Path,
    refdata: Path,
    steps: str,
) -> None:
    """Measure build, queries and publishing at each size; regenerate docs/performance.md."""
    from .bench import run
    from .errors import UsageError

    def ints(text: str) -> list[int]:
        try:
            return [int(x) for x in text.split(",") if x.strip()]
        except ValueError:
            raise UsageError(f"expected comma-separated integers, got {text!r}") from None

    work.mkdir(parents=True, exist_ok=True)
    chosen = frozenset(s.strip() for s in steps.split(",") if s.strip())
    run(
        ints(sizes),
        work,
        refdata,
        out_file,
        ints(baseline_sizes),
        baseline_timeout,
        err,
        chosen,
        record,
    )
    click.echo(f"wrote {out_file}")


@bench.command("report")
@record_option
@performance_out_option
def bench_report(record: Path, out_file: Path) -> None:
    """Regenerate docs/performance.md from the stored measurements (RECORD/results.json)."""
    from .bench import write_report

    write_report(record, out_file)
    click.echo(f"wrote {out_file}")


@cli.command("publish")
@build_option
@click.option(
    "--endpoint",
    required=True,
    metavar="BASE_URL",
    help="The store's base URL (Fuseki: …/DATASET; GraphDB: …/repositories/ID).",
)
@click.option(
    "--store",
    type=click.Choice(STORE_NAMES),
    required=True,
    help="Kind of store: decides the conventional paths, the auth scheme and request limits.",
)
@click.option(
    "--graph", default=None, metavar="IRI", help="Named graph to replace [default: the release's]."
)
@click.option(
    "--user",
    default=None,
    help="User name. The password is read only from BONEKG_PASSWORD or ~/.netrc (machine = host).",
)
@click.option("--gsp-url", default=None, metavar="URL", help="Graph Store Protocol service URL.")
@click.option("--update-url", default=None, metavar="URL", help="SPARQL Update endpoint URL.")
@click.option("--query-url", default=None, metavar="URL", help="SPARQL query endpoint URL.")
@click.option(
    "--method",
    type=click.Choice(["auto", "gsp", "update"]),
    default="auto",
    show_default=True,
    help="Load with the Graph Store Protocol, or with chunked SPARQL INSERT DATA.",
)
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=None,
    help="Triples per request [default: the store's limit].",
)
@click.option("--dry-run", is_flag=True, help="Check the store and report; write nothing.")
def publish_cmd(
    build_dir: Path,
    endpoint: str,
    store: str,
    graph: str | None,
    user: str | None,
    gsp_url: str | None,
    update_url: str | None,
    query_url: str | None,
    method: str,
    chunk_size: int | None,
    dry_run: bool,
) -> None:
    """Replace a named graph on a triple store with the build (staged, verified, swapped).

    Exit 0 published, 1 the store failed (the graph is left as it was), 2 usage error.
    """
    from typing import cast

    from .publish import Method, publish

    res = publish(
        build_dir, endpoint, store, graph, user, gsp_url, update_url, query_url, dry_run, err,
        method=cast(Method, method), chunk_size=chunk_size,
    )  # fmt: skip
    click.echo(res.summary())


def cli_reference() -> str:
    """docs/cli.md: the help text of every command, generated from the click definitions."""
    lines = [
        "# CLI reference",
        "",
        "Generated from the click definitions by `bonekg docs-cli > docs/cli.md`; do not edit.",
        "",
        "Exit codes: `0` ok; `1` the data does not conform (SHACL, QC rules), is inconsistent",
        "(HermiT) or a store refused; `2` usage error or unreadable input. Errors go to stderr",
        "(with `curation/FILE.yaml:LINE [claim id]` where it applies), data to stdout; `--debug`",
        "shows tracebacks.",
    ]

    def walk(cmd: click.Command, path: list[str]) -> None:
        ctx = click.Context(
            cmd,
            info_name=" ".join(path),
            terminal_width=88,
            max_content_width=88,
            help_option_names=["-h", "--help"],
        )
        lines.extend(["", f"## `{' '.join(path)}`", "", "```", cmd.get_help(ctx).rstrip(), "```"])
        if isinstance(cmd, click.Group):
            for name in sorted(cmd.commands):
                walk(cmd.commands[name], [*path, name])

    walk(cli, ["bonekg"])
    return "\n".join(lines) + "\n"


@cli.command("docs-cli", hidden=True)
def docs_cli() -> None:
    """Print docs/cli.md."""
    click.echo(cli_reference(), nl=False)


def main() -> None:
    debug = "--debug" in sys.argv[1:]
    try:
        cli.main(prog_name="bonekg", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        err("aborted")
        sys.exit(1)
    except BonekgError as exc:
        if debug:
            raise
        err(f"error: {exc}")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
