"""`bonekg publish` without a store: options, store profiles, credentials, chunking, the build.

The behaviour against real stores is in test_publish_stores.py.
"""

from __future__ import annotations

import json
import traceback
from pathlib import Path

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from bonekg import stores
from bonekg.errors import UsageError
from bonekg.publish import (
    PASSWORD_ENV,
    STAGING_PREFIX,
    Credentials,
    PublishResult,
    chunk_triples,
    credentials,
    publish,
    read_build,
)

SECRET = "s3cr3t-Zq9-never-shown"
P = NamedNode("https://w3id.org/bonekg/p")


def _nt(
    build: Path,
    lines: list[str],
    graph: str | None = "https://ex.org/g",
    triples: int | None = None,
) -> Path:
    build.mkdir(parents=True, exist_ok=True)
    (build / "bonekg.nt").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    manifest: dict[str, object] = {"version": "0.1.0"}
    if graph:
        manifest["graph"] = graph
    if triples is not None:
        manifest["triples"] = triples
    (build / "manifest.json").write_text(json.dumps(manifest))
    return build


def _call(
    build: Path, endpoint: str = "http://127.0.0.1:9/", store: str = "oxigraph", **kw: object
) -> None:
    args: dict[str, object] = {
        "graph": None, "user": None, "gsp_url": None, "update_url": None, "query_url": None,
        "dry_run": False, "log": lambda _m: None, "env": {},
    }  # fmt: skip
    args.update(kw)
    publish(build, endpoint, store, **args)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- store profiles


@pytest.mark.parametrize(
    ("store", "base", "gsp", "query", "update"),
    [
        ("oxigraph", "http://h:7878", "http://h:7878/store", "http://h:7878/query", "http://h:7878/update"),
        ("virtuoso", "http://h:8890/", "http://h:8890/sparql-graph-crud-auth",
         "http://h:8890/sparql", "http://h:8890/sparql-auth"),
        ("fuseki", "http://h:3030/bonekg", "http://h:3030/bonekg/data",
         "http://h:3030/bonekg/query", "http://h:3030/bonekg/update"),
        ("graphdb", "http://h:7200/repositories/bkg", "http://h:7200/repositories/bkg/rdf-graphs/service",
         "http://h:7200/repositories/bkg", "http://h:7200/repositories/bkg/statements"),
        ("generic", "http://h/sparql", None, "http://h/sparql", "http://h/sparql"),
    ],
)  # fmt: skip
def test_store_profiles_give_conventional_urls(
    store: str, base: str, gsp: str | None, query: str, update: str
) -> None:
    ep = stores.resolve(store, base)
    assert (ep.gsp, ep.query, ep.update) == (gsp, query, update)
    assert ep.host == "h"


def test_explicit_urls_override_the_profile() -> None:
    ep = stores.resolve(
        "virtuoso", "http://h:8890", gsp_url="http://g/crud", update_url="http://u/up",
        query_url="http://q/sparql",
    )  # fmt: skip
    assert (ep.gsp, ep.update, ep.query) == ("http://g/crud", "http://u/up", "http://q/sparql")
    assert stores.PROFILES["virtuoso"].graph_param == "graph-uri"
    assert stores.PROFILES["virtuoso"].auth == "digest"
    assert stores.PROFILES["virtuoso"].insert_chunk <= 1000


@pytest.mark.parametrize(
    ("store", "endpoint", "words"),
    [
        ("fuseki", "http://h:3030", "names the dataset"),
        ("graphdb", "http://h:7200", "names the repository"),
        ("graphdb", "http://h:7200/repositories/", "names the repository"),
        ("nosuch", "http://h", "unknown store"),
        ("oxigraph", "ftp://h/x", "http:// or https://"),
        ("oxigraph", "localhost:7878", "http:// or https://"),
        ("oxigraph", "http://h/x?graph=1", "query string"),
    ],
)
def test_bad_endpoints_are_usage_errors(store: str, endpoint: str, words: str) -> None:
    with pytest.raises(UsageError, match=words) as info:
        stores.resolve(store, endpoint)
    assert info.value.exit_code == 2


@pytest.mark.parametrize("url", [f"http://dba:{SECRET}@h:8890", f"https://:{SECRET}@h/"])
def test_credentials_in_urls_are_refused_without_echoing_them(url: str) -> None:
    for kwargs in ({"endpoint": url}, {"endpoint": "http://h", "gsp_url": url}):
        with pytest.raises(UsageError) as info:
            stores.resolve("oxigraph", **kwargs)
        assert SECRET not in "".join(traceback.format_exception(info.value))
        assert "must not carry credentials" in str(info.value)


# ---------------------------------------------------------------------------- credentials


def _netrc(tmp_path: Path, text: str, mode: int = 0o600) -> dict[str, str]:
    f = tmp_path / "netrc"
    f.write_text(text)
    f.chmod(mode)
    return {"NETRC": str(f)}


def test_no_credentials_without_user_or_password(tmp_path: Path) -> None:
    assert credentials(None, "h", {"NETRC": str(tmp_path / "missing")}) is None


def test_password_from_environment() -> None:
    c = credentials("dba", "h", {PASSWORD_ENV: SECRET, "NETRC": "/nonexistent"})
    assert c == Credentials("dba", SECRET, PASSWORD_ENV)
    assert SECRET not in repr(c) and SECRET not in str(c)


def test_password_from_netrc_for_the_endpoint_host(tmp_path: Path) -> None:
    env = _netrc(
        tmp_path, f"machine other login x password y\nmachine h login dba password {SECRET}\n"
    )
    c = credentials(None, "h", env)
    assert c is not None and (c.user, c.password) == ("dba", SECRET)
    assert c.source.endswith("netrc")
    assert credentials("dba", "h", env) == c
    assert credentials(None, "elsewhere", env) is None


def test_netrc_login_must_match_user(tmp_path: Path) -> None:
    env = _netrc(tmp_path, f"machine h login dba password {SECRET}\n")
    with pytest.raises(UsageError, match="not --user 'alice'") as info:
        credentials("alice", "h", env)
    assert SECRET not in str(info.value)


def test_user_without_password_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=PASSWORD_ENV):
        credentials("dba", "h", {"NETRC": str(tmp_path / "missing")})


def test_password_without_any_user_sends_no_credentials(tmp_path: Path) -> None:
    env = {PASSWORD_ENV: SECRET, "NETRC": str(tmp_path / "missing")}
    assert credentials(None, "h", env) is None
    env.update(_netrc(tmp_path, "machine h login dba password other\n"))
    c = credentials(None, "h", env)  # the login from netrc, the password from the environment
    assert c is not None and (c.user, c.password, c.source) == ("dba", SECRET, PASSWORD_ENV)


def test_broken_netrc_never_shows_its_tokens(tmp_path: Path) -> None:
    env = _netrc(tmp_path, f"machine h login dba password {SECRET} {SECRET}-extra bogus\n")
    with pytest.raises(UsageError) as info:
        credentials(None, "h", env)
    text = "".join(traceback.format_exception(info.value))
    assert SECRET not in text
    assert "netrc" in str(info.value)


def test_world_readable_default_netrc_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    f = tmp_path / ".netrc"
    f.write_text(f"machine h login dba password {SECRET}\n")
    f.chmod(0o644)
    with pytest.raises(UsageError, match="chmod 600") as info:
        credentials(None, "h", {})
    assert SECRET not in "".join(traceback.format_exception(info.value))
    f.chmod(0o600)
    c = credentials(None, "h", {})
    assert c is not None and c.password == SECRET


def test_virtuoso_needs_credentials_before_any_request(tmp_path: Path) -> None:
    build = _nt(tmp_path / "b", ['<https://ex.org/s> <https://ex.org/p> "x" .'])
    with pytest.raises(UsageError, match="need a user"):
        _call(build, store="virtuoso", env={"NETRC": str(tmp_path / "none")})


# ---------------------------------------------------------------------------- the build


def test_read_build_counts_distinct_triples_and_reads_the_graph(tmp_path: Path) -> None:
    lines = [f'<https://ex.org/s{i}> <https://ex.org/p> "值 {i}"@zh .' for i in range(5)]
    b = read_build(_nt(tmp_path / "b", lines, triples=5))
    assert b.count == 5 and b.graph == "https://ex.org/g" and b.version == "0.1.0"


@pytest.mark.parametrize(
    ("lines", "extra", "words"),
    [
        (["<https://ex.org/s> <https://ex.org/p> broken"], {}, "not valid N-Triples"),
        (['<https://ex.org/s> <https://ex.org/p> "x" .'], {"triples": 2}, "inconsistent"),
        ([], {}, "no triples"),
    ],
)
def test_broken_builds_are_usage_errors(
    tmp_path: Path, lines: list[str], extra: dict[str, int], words: str
) -> None:
    with pytest.raises(UsageError, match=words):
        read_build(_nt(tmp_path / "b", lines, triples=extra.get("triples")))


def test_missing_build(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="bonekg build"):
        _call(tmp_path / "nothing")


@pytest.mark.parametrize(
    ("graph", "words"),
    [("not an iri", "not a valid absolute IRI"), (STAGING_PREFIX + "x", "staging")],
)
def test_bad_graph_iris(tmp_path: Path, graph: str, words: str) -> None:
    build = _nt(tmp_path / "b", ['<https://ex.org/s> <https://ex.org/p> "x" .'])
    with pytest.raises(UsageError, match=words):
        _call(build, graph=graph)


def test_manifest_without_graph_needs_option(tmp_path: Path) -> None:
    build = _nt(tmp_path / "b", ['<https://ex.org/s> <https://ex.org/p> "x" .'], graph=None)
    with pytest.raises(UsageError, match="--graph"):
        _call(build)


def test_method_gsp_needs_a_gsp_service(tmp_path: Path) -> None:
    build = _nt(tmp_path / "b", ['<https://ex.org/s> <https://ex.org/p> "x" .'])
    with pytest.raises(UsageError, match="--gsp-url"):
        _call(build, store="generic", method="gsp")


# ---------------------------------------------------------------------------- chunking


def test_chunks_respect_the_size_and_keep_order() -> None:
    triples = [Triple(NamedNode(f"https://ex.org/s{i}"), P, Literal(str(i))) for i in range(10)]
    chunks = chunk_triples(triples, 3)
    assert [len(c) for c in chunks] == [3, 3, 3, 1]
    assert [t for c in chunks for t in c] == triples


def test_chunks_never_split_a_blank_node() -> None:
    a, b, c = BlankNode(), BlankNode(), BlankNode()
    s = [NamedNode(f"https://ex.org/s{i}") for i in range(6)]
    triples = [
        Triple(s[0], P, a),
        Triple(s[1], P, Literal("x")),
        Triple(a, P, b),  # a and b are one group through this triple
        Triple(s[2], P, Literal("y")),
        Triple(b, P, Literal("z")),
        Triple(c, P, Literal("w")),
        Triple(s[3], P, c),
        Triple(s[4], P, Literal("v")),
    ]
    chunks = chunk_triples(triples, 2)
    assert sorted(map(str, (t for ch in chunks for t in ch))) == sorted(map(str, triples))
    where: dict[BlankNode, set[int]] = {}
    for i, ch in enumerate(chunks):
        for t in ch:
            for x in (t.subject, t.object):
                if isinstance(x, BlankNode):
                    where.setdefault(x, set()).add(i)
    assert all(len(v) == 1 for v in where.values())
    assert where[a] == where[b]
    assert max(len(ch) for ch in chunks) == 3  # the a-b group is larger than the size


def test_summary_lists_store_graph_triples_seconds() -> None:
    r = PublishResult("oxigraph", "http://h", "https://ex.org/g", 12, 1.234, "gsp", 10)
    text = r.summary()
    for line in (
        "store: oxigraph http://h",
        "graph: https://ex.org/g",
        "triples: 12",
        "seconds: 1.23",
    ):
        assert line in text.splitlines()


def _mini_build(tmp_path: Path) -> Path:
    from bonekg.build import build
    from bonekg.reason import ReasonMode

    return build(
        Path(__file__).parent / "resources" / "mini", tmp_path / "b", ReasonMode.OFF
    ).out_dir


def test_a_build_vouched_for_by_its_manifest_is_sent_as_its_own_lines(tmp_path: Path) -> None:
    out = _mini_build(tmp_path)
    b = read_build(out)
    data = (out / "bonekg.nt").read_bytes()
    assert b.verified and b.parsed is None  # never parsed into Python objects
    assert (
        b.count == data.count(b"\n") == json.loads((out / "manifest.json").read_text())["triples"]
    )
    parts = list(b.chunks(7))
    assert b"".join(body for _, body, _ in parts) == data
    assert [n for n, _, _ in parts][:-1] == [7] * (len(parts) - 1)
    assert not any(bnodes for _, _, bnodes in parts)


def test_a_build_file_changed_after_the_build_is_refused(tmp_path: Path) -> None:
    out = _mini_build(tmp_path)
    nt = out / "bonekg.nt"
    nt.write_bytes(nt.read_bytes().replace(b'"', b'"X', 1))
    with pytest.raises(UsageError, match="sha256 differs"):
        read_build(out)
