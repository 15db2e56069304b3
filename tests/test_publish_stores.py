"""`bonekg publish` against real triple stores started on 127.0.0.1 (no mocks).

Oxigraph (``oxigraph serve``) and Virtuoso 7 (``virtuoso-t``) are started once per session by
the fixtures in ``servers.py``. Failures are provoked with real misbehaviour: a wrong password,
a stopped server, a server answering 500, and a proxy that breaks chosen requests. After each
failure the test checks that the graph published before is exactly as it was and that no
staging or backup graph is left behind.
"""

from __future__ import annotations

import json
import traceback
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize
from pyoxigraph import parse as ox_parse
from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RLiteral
from rdflib.compare import isomorphic
from requests.auth import HTTPDigestAuth

from bonekg.errors import ServerError, UsageError
from bonekg.publish import BACKUP_PREFIX, PASSWORD_ENV, STAGING_PREFIX, PublishResult, publish

# servers.py is also the plugin named below: let pytest rewrite its asserts first
pytest.register_assert_rewrite("tests.servers")

from .servers import (  # noqa: E402
    ErrorServer,
    FaultProxy,
    OxigraphServer,
    Reply,
    Request,
    VirtuosoServer,
    oxigraph_binary,
)

pytestmark = pytest.mark.server
# the session-scoped server fixtures, shared by every module that names this plugin
pytest_plugins = ["tests.servers"]

ZH = "miR-214-3p 靶向转录因子 SATB2 和 RUNX2，抑制成骨细胞分化"
BKG = "https://w3id.org/bonekg/"
XSD = "http://www.w3.org/2001/XMLSchema#"  # a plain string: rdflib's XSD warns under pytest
XSD_INTEGER = NamedNode(XSD + "integer")


# ------------------------------------------------------------------------------ fixture builds


def make_build(directory: Path, graph: str, claims: int = 300, variant: str = "v1") -> Path:
    """A build directory: sorted bonekg.nt (``claims`` * 5 triples plus blank-node evidence
    and awkward literals, many of them Chinese @zh) and a manifest.json naming ``graph``."""
    n = NamedNode
    rdf_type = n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    label = n("http://www.w3.org/2000/01/rdf-schema#label")
    text = n(BKG + "supportingText")
    refno = n(BKG + "referenceNumber")
    ev = n(BKG + "evidence")
    triples: list[Triple] = []
    for i in range(claims):
        c = n(f"{BKG}claim/test-{i:04d}")
        triples += [
            Triple(c, rdf_type, n(BKG + "Claim")),
            Triple(c, label, Literal(f"claim {i} ({variant})", language="en")),
            Triple(c, text, Literal(f"{ZH}（{variant} 第{i}条）", language="zh")),
            Triple(c, refno, Literal(str(i + 1), datatype=XSD_INTEGER)),
            Triple(c, n(BKG + "review"), n(f"{BKG}review/r{i % 4}")),
        ]
    for i in range(12):  # blank-node evidence, three triples each plus the link
        b = BlankNode()
        c = n(f"{BKG}claim/test-{i:04d}")
        triples += [
            Triple(c, ev, b),
            Triple(b, rdf_type, n("http://purl.obolibrary.org/obo/ECO_0000304")),
            Triple(b, text, Literal(f"证据 {i} {variant}", language="zh")),
            Triple(b, refno, Literal(str(100 + i), datatype=XSD_INTEGER)),
        ]
    odd = n(BKG + "claim/odd")
    triples += [
        Triple(
            odd, text, Literal('quote " backslash \\ nl \n tab \t emoji 😀 é 骨', language="zh")
        ),
        Triple(odd, text, Literal("长" * 5000, language="zh")),
        Triple(odd, label, Literal(f"plain ascii {variant}")),
        Triple(odd, n(BKG + "hedged"), Literal("true", datatype=n(XSD + "boolean"))),
        Triple(odd, n(BKG + "published"), Literal("2025-09-01", datatype=n(XSD + "date"))),
        Triple(odd, n(BKG + "see"), n("https://doi.org/10.12677/acm.2025.1592585")),
    ]
    data = serialize(triples, format=RdfFormat.N_TRIPLES)
    assert data is not None
    lines = sorted(set(data.decode("utf-8").splitlines()))
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "bonekg.nt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    manifest = {
        "name": "bonekg",
        "version": f"0.0.0-{variant}",
        "graph": graph,
        "triples": len(lines),
    }
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return directory


def nt_count(build: Path) -> int:
    return sum(1 for line in (build / "bonekg.nt").read_text().splitlines() if line.strip())


# ------------------------------------------------------------------------------ store access


@dataclass
class Target:
    """One running store as publish() sees it."""

    name: str
    base: str
    query_url: str
    update_url: str
    user: str | None = None
    password: str | None = None
    env: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def vt(request: pytest.FixtureRequest) -> VirtuosoServer:
    server: VirtuosoServer = request.getfixturevalue("virtuoso_server")
    return server


@pytest.fixture(params=["oxigraph", "virtuoso"])
def target(request: pytest.FixtureRequest) -> Target:
    if request.param == "oxigraph":
        ox: OxigraphServer = request.getfixturevalue("oxigraph_server")
        return Target("oxigraph", ox.base, ox.query_url, ox.update_url)
    vt = request.getfixturevalue("virtuoso_server")
    return Target(
        "virtuoso", vt.base, vt.query_url, vt.update_url, vt.user, vt.password,
        {PASSWORD_ENV: vt.password},
    )  # fmt: skip


def new_graph() -> str:
    return f"https://w3id.org/bonekg/test/{uuid.uuid4().hex}/graph"


def select(query_url: str, query: str) -> list[dict[str, dict[str, str]]]:
    r = requests.post(
        query_url,
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    r.raise_for_status()
    bindings: list[dict[str, dict[str, str]]] = r.json()["results"]["bindings"]
    return bindings


def ask(query_url: str, query: str) -> bool:
    r = requests.post(
        query_url,
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    r.raise_for_status()
    return bool(r.json()["boolean"])


def count(query_url: str, graph: str) -> int:
    rows = select(query_url, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return int(rows[0]["n"]["value"])


def _term(b: dict[str, str]) -> URIRef | BNode | RLiteral:
    if b["type"] == "uri":
        return URIRef(b["value"])
    if b["type"] == "bnode":
        return BNode(b["value"])
    return _norm(RLiteral(b["value"], lang=b.get("xml:lang"), datatype=b.get("datatype")))


def _norm(lit: RLiteral) -> RLiteral:
    """Virtuoso lower-cases language tags; RDF 1.1 makes "x" and "x"^^xsd:string the same."""
    if lit.language:
        return RLiteral(str(lit), lang=lit.language.lower())
    if lit.datatype == URIRef(XSD + "string"):
        return RLiteral(str(lit))
    return lit


def _rows(query_url: str, graph: str) -> list[dict[str, dict[str, str]]]:
    return select(query_url, f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")


def store_graph(rows: list[dict[str, dict[str, str]]]) -> Graph:
    g = Graph()
    for row in rows:
        g.add((_term(row["s"]), _term(row["p"]), _term(row["o"])))
    return g


def local_graph(build: Path) -> Graph:
    raw = Graph().parse(build / "bonekg.nt", format="nt")
    g = Graph()
    for s, p, o in raw:
        g.add((s, p, _norm(o) if isinstance(o, RLiteral) else o))
    return g


def _ox(b: dict[str, str]) -> NamedNode | Literal:
    if b["type"] == "uri":
        return NamedNode(b["value"])
    lang = b.get("xml:lang")
    if lang:
        return Literal(b["value"], language=lang.lower())
    datatype = b.get("datatype", XSD + "string")
    value = b["value"]
    if datatype == XSD + "boolean":  # Virtuoso answers "1"/"0" for "true"/"false"
        value = {"1": "true", "0": "false"}.get(value, value)
    return Literal(value, datatype=NamedNode(datatype))


def _ox_norm(t: Triple) -> Triple:
    o = t.object
    if isinstance(o, Literal) and o.language:
        o = Literal(o.value, language=o.language.lower())
    return Triple(t.subject, t.predicate, o)


def same_triples(rows: list[dict[str, dict[str, str]]], build: Path) -> bool:
    """The rows of ``SELECT ?s ?p ?o`` are exactly the build's triples, up to blank-node names
    and Virtuoso's normalisations (it lower-cases language tags, answers booleans as 1/0)."""
    local = list(ox_parse(path=str(build / "bonekg.nt"), format=RdfFormat.N_TRIPLES))
    has_bnodes = any(r["s"]["type"] == "bnode" or r["o"]["type"] == "bnode" for r in rows) or any(
        isinstance(x, BlankNode) for t in local for x in (t.subject, t.object)
    )
    if has_bnodes:  # canonicalise blank nodes (small graphs only)
        return bool(isomorphic(store_graph(rows), local_graph(build)))
    got = {Triple(_ox(r["s"]), _ox(r["p"]), _ox(r["o"])) for r in rows}  # type: ignore[arg-type]
    return got == {_ox_norm(t) for t in local} and len(rows) == len(local)


def leftovers(query_url: str) -> list[str]:
    """Staging or backup graphs that a publication left behind."""
    rows = select(
        query_url,
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?g), "{STAGING_PREFIX}") '
        f'|| STRSTARTS(STR(?g), "{BACKUP_PREFIX}")) }}',
    )
    return [r["g"]["value"] for r in rows]


def assert_graph_is(t: Target, graph: str, build: Path) -> None:
    """The store's graph holds exactly the build's triples (and no staging graph remains)."""
    n = nt_count(build)
    assert count(t.query_url, graph) == n
    assert same_triples(_rows(t.query_url, graph), build)
    zh = [ln for ln in (build / "bonekg.nt").read_text().splitlines() if "@zh" in ln]
    assert zh, "the build has no @zh literal"
    for line in zh[:: max(1, len(zh) // 15)] + zh[-3:]:
        if line.startswith("_:") or " _:" in line.split('"')[0]:
            continue
        pattern = line.rstrip().removesuffix(".").rstrip()
        assert ask(t.query_url, f"ASK {{ GRAPH <{graph}> {{ {pattern} }} }}"), line
    assert leftovers(t.query_url) == []


def run(
    t: Target,
    build: Path,
    *,
    log: list[str] | None = None,
    graph: str | None = None,
    dry_run: bool = False,
    gsp_url: str | None = None,
    update_url: str | None = None,
    query_url: str | None = None,
    base: str | None = None,
    env: dict[str, str] | None = None,
    **kw: object,
) -> PublishResult:
    logs = log if log is not None else []
    return publish(
        build,
        base or t.base,
        t.name,
        graph,
        t.user,
        gsp_url,
        update_url,
        query_url,
        dry_run,
        logs.append,
        env=t.env if env is None else env,
        **kw,  # type: ignore[arg-type]
    )


def all_text(exc: BaseException, logs: list[str]) -> str:
    """Everything a user could see: the message, a --debug traceback with its chain, the log."""
    return "\n".join([str(exc), *traceback.format_exception(exc), *logs])


# ------------------------------------------------------------------------------ the tests


@pytest.fixture
def graph() -> str:
    return new_graph()


@pytest.fixture
def builds(tmp_path: Path, graph: str) -> tuple[Path, Path]:
    return (
        make_build(tmp_path / "v1", graph, claims=300, variant="v1"),
        make_build(tmp_path / "v2", graph, claims=200, variant="v2"),
    )


def test_publish_replace_and_republish(
    target: Target, graph: str, builds: tuple[Path, Path]
) -> None:
    v1, v2 = builds
    logs: list[str] = []
    res = run(target, v1, log=logs)
    assert (res.store, res.graph, res.triples, res.method, res.previous) == (
        target.name, graph, nt_count(v1), "gsp", 0,
    )  # fmt: skip
    assert res.seconds >= 0 and "triples:" in res.summary()
    assert_graph_is(target, graph, v1)

    again = run(target, v1)  # idempotent
    assert again.previous == nt_count(v1) and again.triples == nt_count(v1)
    assert_graph_is(target, graph, v1)

    res2 = run(target, v2)  # a new release replaces the graph, nothing of v1 remains
    assert res2.previous == nt_count(v1)
    assert_graph_is(target, graph, v2)
    if target.password:
        assert target.password not in "\n".join(logs) + res.summary()


def test_publish_in_chunks_keeps_blank_nodes_whole(
    target: Target, builds: tuple[Path, Path]
) -> None:
    v1, _ = builds
    logs: list[str] = []
    run(target, v1, log=logs, chunk_size=97)
    assert sum(1 for m in logs if m.startswith("POST ")) >= 10
    assert any(m.startswith("PUT ") for m in logs)
    assert_graph_is(target, v1_graph(v1), v1)


def v1_graph(build: Path) -> str:
    graph: str = json.loads((build / "manifest.json").read_text())["graph"]
    return graph


def test_publish_with_sparql_update(target: Target, builds: tuple[Path, Path]) -> None:
    """INSERT DATA in chunks within the store's limit (Virtuoso: 1000 triples a request)."""
    v1, v2 = builds
    logs: list[str] = []
    res = run(target, v1, log=logs, method="update")
    assert res.method == "update"
    inserts = [m for m in logs if m.startswith("INSERT")]
    assert len(inserts) >= (2 if target.name == "virtuoso" else 1)
    assert_graph_is(target, v1_graph(v1), v1)
    run(target, v2, method="update", chunk_size=250)
    assert_graph_is(target, v1_graph(v1), v2)


def test_dry_run_writes_nothing(target: Target, graph: str, builds: tuple[Path, Path]) -> None:
    v1, v2 = builds
    run(target, v1)
    logs: list[str] = []
    res = run(target, v2, log=logs, dry_run=True)
    assert res.dry_run and res.method == "dry-run"
    assert res.previous == nt_count(v1) and res.triples == nt_count(v2)
    assert any("would replace" in m for m in logs)
    assert_graph_is(target, graph, v1)

    fresh = new_graph()
    res = run(target, v1, graph=fresh, dry_run=True)
    assert res.previous == 0
    assert count(target.query_url, fresh) == 0


def test_explicit_graph_overrides_manifest(target: Target, builds: tuple[Path, Path]) -> None:
    v1, _ = builds
    other = new_graph()
    res = run(target, v1, graph=other)
    assert res.graph == other
    assert_graph_is(target, other, v1)
    assert count(target.query_url, v1_graph(v1)) == 0


def test_server_answering_500_shows_its_message(target: Target, builds: tuple[Path, Path]) -> None:
    v1, v2 = builds
    graph = v1_graph(v1)
    run(target, v1)
    # the whole store answers 500
    failing = ErrorServer("simulated failure: disk quota exceeded on /var/lib/store")
    with failing as bad, pytest.raises(ServerError) as info:
        run(target, v2, base=bad.base)
    assert info.value.exit_code == 1
    assert "500" in str(info.value) and "disk quota exceeded" in str(info.value)
    # only the Graph Store service fails; queries and updates reach the real store
    with ErrorServer("GSP is down for maintenance (code 42)") as bad:
        logs: list[str] = []
        with pytest.raises(ServerError) as info:
            run(target, v2, gsp_url=bad.base + "/gsp", log=logs)
    assert "GSP is down for maintenance (code 42)" in str(info.value)
    assert "unchanged" in str(info.value)
    assert_graph_is(target, graph, v1)
    if target.password:
        assert target.password not in all_text(info.value, logs)


def test_stopped_server_leaves_graph_intact(tmp_path: Path) -> None:
    ox = OxigraphServer(oxigraph_binary(), tmp_path / "db").start()
    try:
        t = Target("oxigraph", ox.base, ox.query_url, ox.update_url)
        graph = new_graph()
        v1 = make_build(tmp_path / "v1", graph, claims=120, variant="v1")
        v2 = make_build(tmp_path / "v2", graph, claims=80, variant="v2")
        run(t, v1)
        ox.stop()
        with pytest.raises(ServerError) as info:
            run(t, v2)
        assert "cannot reach" in str(info.value) and "connection refused" in str(info.value)
        ox.start()  # same data directory and port
        assert_graph_is(t, graph, v1)
    finally:
        ox.stop()


def test_connection_lost_while_loading(target: Target, builds: tuple[Path, Path]) -> None:
    """The store vanishes mid-load (the connection drops on the 3rd chunk)."""
    v1, v2 = builds
    graph = v1_graph(v1)
    run(target, v1)
    posts: list[Request] = []

    def hook(req: Request) -> Reply | str | None:
        if req.method == "POST" and "graph" in req.path:
            posts.append(req)
            if len(posts) == 3:
                return "drop"
        return None

    with FaultProxy(target.base, hook) as proxy:
        logs: list[str] = []
        with pytest.raises(ServerError) as info:
            run(target, v2, base=proxy.base, chunk_size=100, log=logs)
    assert "cannot reach" in str(info.value)
    assert any("dropped the staging graph" in m for m in logs)
    assert_graph_is(target, graph, v1)


def test_lost_chunk_is_a_count_mismatch(target: Target, builds: tuple[Path, Path]) -> None:
    """A store that acknowledges a chunk but does not keep it: the staging count catches it."""
    v1, v2 = builds
    graph = v1_graph(v1)
    run(target, v1)
    swallowed: list[Request] = []

    def hook(req: Request) -> Reply | str | None:
        if req.method == "POST" and "graph" in req.path and not swallowed:
            swallowed.append(req)
            return Reply(204)
        return None

    with FaultProxy(target.base, hook) as proxy, pytest.raises(ServerError) as info:
        run(target, v2, base=proxy.base, chunk_size=150)
    msg = str(info.value)
    assert "staging graph" in msg and f"the build has {nt_count(v2)}" in msg
    assert "unchanged" in msg
    assert_graph_is(target, graph, v1)


def test_failed_swap_leaves_graph_intact(target: Target, builds: tuple[Path, Path]) -> None:
    v1, v2 = builds
    graph = v1_graph(v1)
    run(target, v1)

    def hook(req: Request) -> Reply | str | None:
        update = req.form_value("update")
        if req.method == "POST" and "MOVE" in update and STAGING_PREFIX in update:
            return Reply(503, b"store is read-only for a backup")
        return None

    with FaultProxy(target.base, hook) as proxy, pytest.raises(ServerError) as info:
        run(target, v2, base=proxy.base)
    assert "503" in str(info.value) and "read-only for a backup" in str(info.value)
    assert_graph_is(target, graph, v1)


def test_concurrent_writer_after_swap_restores_previous(
    target: Target, builds: tuple[Path, Path]
) -> None:
    """Another writer adds a triple right after the swap: the final count differs, the previous
    graph is moved back, and the error says so."""
    v1, v2 = builds
    graph = v1_graph(v1)
    run(target, v1)
    auth = (target.user or "", target.password) if target.password else None

    def hook(req: Request) -> Reply | str | None:
        return None

    proxy = FaultProxy(target.base, hook)

    def after_move(req: Request) -> Reply | str | None:
        update = req.form_value("update")
        if req.method == "POST" and "MOVE" in update and STAGING_PREFIX in update:
            status, headers, body = proxy.server.forward(req)
            if 200 <= status < 300:
                intruder = f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:x:intruder> <urn:x:p> 1 }} }}"
                r = requests.post(
                    target.update_url,
                    data={"update": intruder},
                    auth=HTTPDigestAuth(*auth) if auth else None,
                    timeout=30,
                )
                r.raise_for_status()
            ctype = dict(headers).get("Content-Type", "text/plain")
            return Reply(status, body, ctype)
        return None

    proxy.server.hook = after_move
    with proxy, pytest.raises(ServerError) as info:
        run(target, v2, base=proxy.base)
    assert "after the swap" in str(info.value) and "unchanged" in str(info.value)
    assert_graph_is(target, graph, v1)


# ------------------------------------------------------------------------------ credentials


def test_virtuoso_wrong_password_leaves_graph_and_never_shows_it(
    vt: VirtuosoServer, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    t = Target(
        "virtuoso", vt.base, vt.query_url, vt.update_url, vt.user, vt.password,
        {PASSWORD_ENV: vt.password},
    )  # fmt: skip
    graph = new_graph()
    v1 = make_build(tmp_path / "v1", graph, claims=100, variant="v1")
    v2 = make_build(tmp_path / "v2", graph, claims=60, variant="v2")
    run(t, v1)
    wrong = "wrong-" + uuid.uuid4().hex
    for dry in (False, True):
        logs: list[str] = []
        with pytest.raises(ServerError) as info:
            run(t, v2, env={PASSWORD_ENV: wrong}, log=logs, dry_run=dry)
        msg = str(info.value)
        assert info.value.exit_code == 1
        assert "refused the credentials of user 'dba'" in msg and "401" in msg
        text = all_text(info.value, logs) + "".join(capfd.readouterr())
        assert wrong not in text and vt.password not in text
    assert_graph_is(t, graph, v1)


def test_virtuoso_without_credentials_is_a_usage_error(
    vt: VirtuosoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.netrc
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    monkeypatch.delenv("NETRC", raising=False)
    build = make_build(tmp_path / "b", new_graph(), claims=5)
    with pytest.raises(UsageError) as info:
        publish(build, vt.base, "virtuoso", None, None, None, None, None, False, print)
    assert "--user" in str(info.value) and PASSWORD_ENV in str(info.value)


def test_virtuoso_password_from_environment_and_netrc(
    vt: VirtuosoServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    password = vt.password
    graph = new_graph()
    build = make_build(tmp_path / "b", graph, claims=40)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("NETRC", raising=False)
    # 1. from the environment (os.environ, as the CLI does)
    monkeypatch.setenv(PASSWORD_ENV, password)
    logs: list[str] = []
    res = publish(build, vt.base, "virtuoso", None, "dba", None, None, None, False, logs.append)
    assert res.triples == nt_count(build)
    # 2. from ~/.netrc (machine = the endpoint's host), user from its login
    monkeypatch.delenv(PASSWORD_ENV)
    netrc = home / ".netrc"
    netrc.write_text(f"machine 127.0.0.1\n  login dba\n  password {password}\n")
    netrc.chmod(0o600)
    res = publish(build, vt.base, "virtuoso", None, None, None, None, None, False, logs.append)
    assert res.previous == nt_count(build) and res.triples == nt_count(build)
    out = "".join(capfd.readouterr()) + "\n".join(logs) + res.summary()
    assert password not in out
    # 3. a world-readable ~/.netrc is refused without showing its content
    netrc.chmod(0o644)
    with pytest.raises(UsageError) as info:
        publish(build, vt.base, "virtuoso", None, None, None, None, None, False, logs.append)
    assert password not in all_text(info.value, logs)
    assert "chmod 600" in str(info.value)


def test_credentials_in_url_are_refused(vt: VirtuosoServer, tmp_path: Path) -> None:
    password = vt.password
    build = make_build(tmp_path / "b", new_graph(), claims=5)
    url = vt.base.replace("http://", f"http://dba:{password}@")
    for args in ((url, None), (vt.base, url + "/sparql-graph-crud-auth")):
        with pytest.raises(UsageError) as info:
            publish(build, args[0], "virtuoso", None, "dba", args[1], None, None, False, print,
                    env={PASSWORD_ENV: password})  # fmt: skip
        assert password not in all_text(info.value, [])
        assert "must not carry credentials" in str(info.value)


# ------------------------------------------------------------------------------ the real build


def test_publish_real_build(target: Target, real_build_dir: Path) -> None:
    """The release built from curation/ (conftest's session fixture) round-trips exactly."""
    real_build = real_build_dir
    graph = new_graph()  # never touch a graph someone may use
    logs: list[str] = []
    res = run(target, real_build, graph=graph, log=logs)
    assert res.triples == nt_count(real_build)
    # Oxigraph takes the build in one streamed request through its bulk loader
    assert any("bulk loader" in m for m in logs) == (target.name == "oxigraph")
    manifest = json.loads((real_build / "manifest.json").read_text())
    assert res.triples == manifest["triples"]
    assert_graph_is(target, graph, real_build)
    res2 = run(target, real_build, graph=graph)
    assert res2.previous == res.triples
    assert_graph_is(target, graph, real_build)
