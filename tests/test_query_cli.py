"""`bonekg query list|run`: formats, exit codes, parameter binding that cannot change a query.

The CLI runs in-process through ``bonekg.cli.main`` (the same error-to-exit-code mapping as the
console script); its stdout/stderr are captured by ``capsys``.
"""

from __future__ import annotations

import csv
import io
import json
import shlex
import sys
import unicodedata
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import Literal, NamedNode, Store

from bonekg.cli import main
from bonekg.errors import UsageError
from bonekg.prefixes import expand
from bonekg.query import (
    TABLE_CELL_WIDTH,
    Results,
    _algebra,
    _same_except,
    bind,
    credentials,
    find_query,
    format_table,
    list_queries,
    load_store,
    results_json,
    run_embedded,
)

from .servers import OxigraphServer, VirtuosoServer, free_port, virtuoso_server  # noqa: F401
from .test_queries import (  # noqa: F401 (fixtures)
    RELEASE_GRAPH,
    VIRTUOSO_GRAPH,
    loaded_oxigraph,
    loaded_virtuoso,
    server_triples,
)

ATF4_QUOTE = "miR-214-3p抑制成骨的机制可能是通过靶向成骨转录因子ATF4来完成的"
HOSTILE = 'x" } } ; DROP ALL ; #'


def bonekg(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[int, str, str]:
    """Run ``bonekg ARGS`` in-process: (exit code, stdout, stderr)."""
    capsys.readouterr()
    monkeypatch.setattr(sys, "argv", ["bonekg", *args])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def build(real_build_dir: Path) -> str:
    return str(real_build_dir)


@pytest.fixture(scope="module")
def store(real_build_dir: Path) -> Store:
    return load_store(real_build_dir)


# --------------------------------------------------------------------------------- list


def test_list_tsv_has_header_and_name_title_params_columns(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = bonekg(capsys, monkeypatch, "query", "list", "--format", "tsv")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "name\ttitle\tparams"
    rows = {line.split("\t")[0]: line.split("\t") for line in lines[1:]}
    assert set(rows) == {q.name for q in list_queries()}
    assert all(len(r) == 3 for r in rows.values())
    assert rows["targets-of-mirna"][2] == "mirna=miR-214-3p"
    assert rows["claims-under-go-process"][2] == "process=GO:0001503"
    assert rows["exosome-routes"][2] == ""


def test_list_json_gives_full_metadata_and_table_is_aligned(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = bonekg(capsys, monkeypatch, "query", "list", "--format", "json")
    assert code == 0
    data = {q["name"]: q for q in json.loads(out)}
    t = data["mirnas-targeting-gene"]
    assert t["params"] == [
        {"name": "gene", "default": "TNFSF11", "description": t["params"][0]["description"]}
    ]
    assert t["examples"] and t["description"]
    code, out, _ = bonekg(capsys, monkeypatch, "query", "list")
    header, rule = out.splitlines()[:2]
    assert header.split() == ["name", "title", "params"]
    assert set(rule.replace(" ", "")) == {"-"}


# ------------------------------------------------------------------------- run: output


def test_quick_start_command_prints_atf4_in_a_readable_table(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, build: str
) -> None:
    code, out, err = bonekg(
        capsys,
        monkeypatch,
        "query",
        "run",
        "targets-of-mirna",
        "--param",
        "mirna=miR-214-3p",
        "--build",
        build,
    )
    assert code == 0, err
    lines = out.splitlines()
    header = lines[0].split()
    assert header[:4] == ["about", "match", "symbol", "relation"]
    atf4 = [line for line in lines if " ATF4 " in line]
    assert atf4, out
    assert any("hgnc:786" in line and "RO:0002630" in line for line in atf4)  # CURIEs
    assert "https://" not in out  # every IRI of this result has a CURIE
    assert "…" in out  # long quotes are cut
    assert lines[-1].startswith("(") and lines[-1].endswith("rows)")


def test_table_aligns_columns_counting_wide_characters_and_cuts_long_values() -> None:
    def width(s: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)

    long_quote = "破骨细胞衍生的外泌体可以将miR-214-3p转移到成骨细胞中并抑制成骨" * 2
    res = Results(
        ["quote", "gene", "mark"],
        [
            (Literal(long_quote, language="zh"), NamedNode(expand("hgnc:786")), Literal("X")),
            (Literal("short"), None, Literal("X")),
            (Literal("成骨"), NamedNode("https://example.org/x"), Literal("X")),
        ],
    )
    lines = format_table(res).splitlines()
    assert lines[-1] == "(3 rows)"
    body = lines[2:-1]
    offsets = {width(line[: line.index("X")]) for line in body}
    assert len(offsets) == 1, lines  # every row's last column starts at the same display column
    assert "hgnc:786" in body[0]  # IRIs as CURIEs
    assert "https://example.org/x" in body[2]  # kept when no prefix fits
    cut = body[0].split("  ")[0]
    assert cut.endswith("…") and width(cut) <= TABLE_CELL_WIDTH
    assert long_quote.startswith(cut[:-1])


def test_csv_tsv_and_json_are_complete_with_full_iris(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, build: str, store: Store
) -> None:
    expected = run_embedded(bind(find_query("targets-of-mirna"), {}), store)
    base = ["query", "run", "targets-of-mirna", "--build", build, "--format"]

    code, out, _ = bonekg(capsys, monkeypatch, *base, "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == expected.variables
    assert any(r["quote"] == ATF4_QUOTE for r in rows)  # never cut
    assert any(
        r["gene"] == "https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/786"
        for r in rows
    )
    assert "…" not in out

    code, out, _ = bonekg(capsys, monkeypatch, *base, "tsv")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split("\t") == [f"?{v}" for v in expected.variables]
    assert any(f'"{ATF4_QUOTE}"@zh' in line for line in lines)  # N-Triples terms, language kept
    assert all(len(line.split("\t")) == len(expected.variables) for line in lines)

    code, out, _ = bonekg(capsys, monkeypatch, *base, "json")
    assert code == 0
    data = json.loads(out)
    assert data == results_json(expected)  # SPARQL 1.1 Query Results JSON
    assert data["head"]["vars"] == expected.variables
    b = data["results"]["bindings"][0]
    assert b["gene"]["type"] == "uri" and b["gene"]["value"].startswith("https://")
    assert b["quote"]["xml:lang"] == "zh"


EXAMPLES = [(q.name, ex) for q in list_queries() for ex in q.examples]


@pytest.mark.parametrize(("name", "example"), EXAMPLES, ids=[f"{n}:{e}" for n, e in EXAMPLES])
def test_every_documented_example_runs_and_returns_rows(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    build: str,
    name: str,
    example: str,
) -> None:
    args = shlex.split(example)
    assert args[:4] == ["bonekg", "query", "run", name]
    if "--format" in args:
        i = args.index("--format")
        del args[i : i + 2]
    code, out, err = bonekg(capsys, monkeypatch, *args[1:], "--build", build, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["results"]["bindings"], f"`{example}` returns no rows"


# ---------------------------------------------------------------------- run: errors


def test_run_without_a_build_exits_2_with_a_clear_message(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    code, out, err = bonekg(
        capsys, monkeypatch, "query", "run", "targets-of-mirna", "--build", str(tmp_path / "none")
    )
    assert code == 2
    assert out == ""
    assert "no build at" in err and "bonekg build" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-query"], "unknown query 'no-such-query'"),
        (["targets-of-mirna", "--param", "gene=ATF4"], "unknown parameter 'gene'"),
        (["exosome-routes", "--param", "mirna=miR-1"], "unknown parameter 'mirna'"),
        (["targets-of-mirna", "--param", "mirna"], "--param takes NAME=VALUE"),
        (["targets-of-mirna", "--param", "mirna=a", "--param", "mirna=b"], "given twice"),
        (["claims-under-go-process", "--param", "process=foo:bar"], "neither a CURIE"),
        (["claims-under-go-process", "--param", "process=osteoblast"], "neither a CURIE"),
        (
            ["claims-under-go-process", "--param", "process=http://x> } ; DROP ALL ; #"],
            "not a valid IRI",
        ),
        (["claims-under-go-process", "--param", "process=GO:0001 } ; DROP ALL"], "not a valid IRI"),
        (["targets-of-mirna", "--graph", "https://example.org/g"], "need --endpoint"),
        (["missing-file.rq"], "query file not found"),
    ],
)
def test_usage_errors_exit_2_and_name_the_problem(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    build: str,
    args: list[str],
    message: str,
) -> None:
    code, out, err = bonekg(capsys, monkeypatch, "query", "run", *args, "--build", build)
    assert code == 2, (out, err)
    assert message in err
    assert out == ""


def test_unreachable_endpoint_exits_1(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    code, _, err = bonekg(
        capsys, monkeypatch, "query", "run", "targets-of-mirna", "--endpoint", url
    )
    assert code == 1
    assert "cannot reach" in err or "refused" in err


# ------------------------------------------------------------------ binding is inert


def test_hostile_literal_value_is_bound_as_one_escaped_term_and_finds_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, build: str, store: Store
) -> None:
    before = len(store)
    q = find_query("targets-of-mirna")
    text = bind(q, {"mirna": HOSTILE})
    assert 'VALUES ?mirna { "x\\" } } ; DROP ALL ; #" }' in text
    assert text.replace('"x\\" } } ; DROP ALL ; #"', '"miR-214-3p"') == q.text
    assert run_embedded(text, store).rows == []
    assert len(store) == before
    code, out, err = bonekg(
        capsys,
        monkeypatch,
        "query",
        "run",
        "targets-of-mirna",
        "--param",
        f"mirna={HOSTILE}",
        "--build",
        build,
        "--format",
        "json",
    )
    assert code == 0, err
    assert json.loads(out)["results"]["bindings"] == []


@pytest.mark.parametrize(
    "value",
    [
        '"\n} } DROP ALL ; INSERT DATA { <urn:a> <urn:b> <urn:c> } #',
        'miR-214-3p" . ?claim ?p ?o } #',
        '\\" } } ; DELETE WHERE { ?s ?p ?o } #',
        "'} } ; DROP ALL",
        "\u0000",
    ],
)
def test_hostile_values_never_change_the_query(store: Store, value: str) -> None:
    q = find_query("mirnas-targeting-gene")
    try:
        text = bind(q, {"gene": value})
    except UsageError:
        return  # refused: exit 2
    changed = {rdflib.Variable("gene"): (rdflib.Literal("TNFSF11"), rdflib.Literal(value))}
    assert _same_except(_algebra(q.text, "a"), _algebra(text, "b"), changed)
    assert run_embedded(text, store).rows == []


def test_bound_iri_param_is_validated_and_expanded(store: Store) -> None:
    q = find_query("claims-under-go-process")
    for value in (
        "GO:0030316",
        "<http://purl.obolibrary.org/obo/GO_0030316>",
        "http://purl.obolibrary.org/obo/GO_0030316",
    ):
        text = bind(q, {"process": value})
        assert "VALUES ?process { <http://purl.obolibrary.org/obo/GO_0030316> }" in text


def test_algebra_comparison_detects_any_other_change() -> None:
    a = _algebra("SELECT ?s WHERE { VALUES ?x { 1 } ?s ?p ?x } ORDER BY ?s", "a")
    b = _algebra("SELECT ?s WHERE { VALUES ?x { 1 } ?s ?p ?x . ?s ?q ?r } ORDER BY ?s", "b")
    c = _algebra("SELECT ?s WHERE { VALUES ?x { 2 } ?s ?p ?x } ORDER BY ?s", "c")

    one, two = rdflib.Literal(1), rdflib.Literal(2)
    x = rdflib.Variable("x")
    assert not _same_except(a, b, {x: (one, one)})
    assert _same_except(a, c, {x: (one, two)})
    assert not _same_except(a, c, {})


def test_query_file_with_update_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, build: str
) -> None:
    f = tmp_path / "evil.rq"
    f.write_text("# title: evil\nDROP ALL\n", encoding="utf-8")
    code, _, err = bonekg(capsys, monkeypatch, "query", "run", str(f), "--build", build)
    assert code == 2
    assert "not a valid SPARQL 1.1 query" in err


def test_query_file_param_without_its_values_block_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, build: str
) -> None:
    f = tmp_path / "commented.rq"
    f.write_text(
        "# title: a VALUES block in a comment does not count\n"
        "# param: x = a — a value\n"
        '# VALUES ?x { "a" }\n'
        "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s\n",
        encoding="utf-8",
    )
    code, _, err = bonekg(
        capsys, monkeypatch, "query", "run", str(f), "--param", "x=b", "--build", build
    )
    assert code == 2
    assert "exactly one `VALUES ?x" in err


def test_any_select_file_runs_with_its_own_parameters(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, build: str
) -> None:
    f = tmp_path / "symbol.rq"
    f.write_text(
        "# title: gene by symbol\n"
        "# param: symbol = ATF4 — HGNC symbol\n"
        "# example: bonekg query run symbol.rq --param symbol=RUNX2\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        'SELECT ?gene WHERE { VALUES ?symbol { "ATF4" } ?gene rdfs:label ?symbol }\n'
        "ORDER BY ?gene\n",
        encoding="utf-8",
    )
    code, out, err = bonekg(
        capsys,
        monkeypatch,
        "query",
        "run",
        str(f),
        "--param",
        "symbol=RUNX2",
        "--build",
        build,
        "--format",
        "csv",
    )
    assert code == 0, err
    assert (
        out.splitlines()[1] == "https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/10472"
    )


def test_print_query_shows_the_bound_query_without_running_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    code, out, _ = bonekg(
        capsys,
        monkeypatch,
        "query",
        "run",
        "mirnas-targeting-gene",
        "--param",
        "gene=RUNX2",
        "--print-query",
        "--build",
        str(tmp_path / "none"),
    )
    assert code == 0
    assert 'VALUES ?gene { "RUNX2" }' in out


# ---------------------------------------------------------------------- credentials


def test_password_comes_from_the_environment_or_netrc_only(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("BONEKG_PASSWORD", raising=False)
    url = "http://127.0.0.1:8890/sparql"
    assert credentials(url, None) is None  # no user, no netrc: anonymous
    with pytest.raises(UsageError, match="BONEKG_PASSWORD"):
        credentials(url, "dba")
    monkeypatch.setenv("BONEKG_PASSWORD", "from-env")
    assert credentials(url, "dba") == ("dba", "from-env")
    monkeypatch.delenv("BONEKG_PASSWORD")
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine 127.0.0.1 login dba password from-netrc\n", encoding="utf-8")
    netrc.chmod(0o600)
    assert credentials(url, "dba") == ("dba", "from-netrc")
    assert credentials(url, None) == ("dba", "from-netrc")
    with pytest.raises(UsageError):
        credentials(url, "someone-else")


def test_there_is_no_password_option(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = bonekg(capsys, monkeypatch, "query", "run", "--help")
    assert code == 0
    assert "--password" not in out and "BONEKG_PASSWORD" in out


# ----------------------------------------------------------------- through an endpoint


@pytest.mark.server
def test_run_against_oxigraph_endpoint_prints_what_the_embedded_store_prints(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    build: str,
    loaded_oxigraph: OxigraphServer,  # noqa: F811 (the fixture)
) -> None:
    args = ["query", "run", "mirnas-targeting-gene", "--param", "gene=TNFSF11", "--format", "json"]
    code, local, _ = bonekg(capsys, monkeypatch, *args, "--build", build)
    assert code == 0
    code, remote, err = bonekg(capsys, monkeypatch, *args, "--endpoint", loaded_oxigraph.query_url)
    assert code == 0, err
    assert json.loads(remote) == json.loads(local)
    assert any(
        b["mirna"]["value"] == "miR-32-3p" for b in json.loads(remote)["results"]["bindings"]
    )
    code, in_graph, err = bonekg(
        capsys,
        monkeypatch,
        *args,
        "--endpoint",
        loaded_oxigraph.query_url,
        "--graph",
        RELEASE_GRAPH,
    )
    assert code == 0, err
    assert json.loads(in_graph) == json.loads(local)


@pytest.mark.server
def test_hostile_value_through_the_endpoint_leaves_every_triple(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    real_build_dir: Path,
    loaded_oxigraph: OxigraphServer,  # noqa: F811 (the fixture)
) -> None:
    lines = sum(1 for _ in (real_build_dir / "bonekg.nt").open(encoding="utf-8"))
    code, out, err = bonekg(
        capsys,
        monkeypatch,
        "query",
        "run",
        "targets-of-mirna",
        "--param",
        f"mirna={HOSTILE}",
        "--endpoint",
        loaded_oxigraph.query_url,
        "--format",
        "csv",
    )
    assert code == 0, err
    assert len(out.splitlines()) == 1  # the header only
    assert server_triples(loaded_oxigraph) == lines


@pytest.mark.server
def test_virtuoso_with_digest_auth_and_password_from_the_environment(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    build: str,
    loaded_virtuoso: VirtuosoServer,  # noqa: F811 (the fixture)
) -> None:
    args = ["query", "run", "mirnas-targeting-gene", "--format", "json"]
    code, local, _ = bonekg(capsys, monkeypatch, *args, "--build", build)
    assert code == 0
    monkeypatch.setenv("HOME", str(Path(build).parent))  # no ~/.netrc to fall back on
    monkeypatch.setenv("BONEKG_PASSWORD", loaded_virtuoso.password)
    authed = [
        *args,
        "--endpoint",
        f"{loaded_virtuoso.base}/sparql-auth",
        "--graph",
        VIRTUOSO_GRAPH,
        "--user",
        loaded_virtuoso.user,
        "--auth",
        "digest",
    ]
    code, remote, err = bonekg(capsys, monkeypatch, *authed)
    assert code == 0, err
    assert json.loads(remote) == json.loads(local)
    monkeypatch.setenv("BONEKG_PASSWORD", "wrong-password")
    code, _, err = bonekg(capsys, monkeypatch, *authed)
    assert code == 1, err


def test_results_keep_literal_datatypes_and_languages(store: Store) -> None:
    res = run_embedded(bind(find_query("review-summary"), {}), store)
    claims = res.rows[0][res.variables.index("claims")]
    assert isinstance(claims, Literal) and claims.datatype == NamedNode(
        "http://www.w3.org/2001/XMLSchema#integer"
    )
