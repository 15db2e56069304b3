"""`bonekg publish` as a user runs it: exit codes, stdout/stderr, and no password anywhere,
not even in a ``--debug`` traceback. Real Oxigraph and Virtuoso servers (see servers.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from bonekg.publish import PASSWORD_ENV

# servers.py is also the plugin named below: let pytest rewrite its asserts first
pytest.register_assert_rewrite("tests.servers")

from .servers import (  # noqa: E402
    OxigraphServer,
    VirtuosoServer,
)
from .test_publish_stores import Target, assert_graph_is, count, make_build, new_graph, nt_count  # noqa: E402

pytestmark = pytest.mark.server
# the session-scoped server fixtures, shared by every module that names this plugin
pytest_plugins = ["tests.servers"]

CLI = [sys.executable, "-m", "bonekg.cli"]


def bonekg(
    *args: str, password: str | None = None, home: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in (PASSWORD_ENV, "NETRC")}
    if password is not None:
        env[PASSWORD_ENV] = password
    if home is not None:
        env["HOME"] = str(home)
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


@pytest.fixture
def vt(request: pytest.FixtureRequest) -> VirtuosoServer:
    server: VirtuosoServer = request.getfixturevalue("virtuoso_server")
    return server


@pytest.fixture
def ox(request: pytest.FixtureRequest) -> OxigraphServer:
    server: OxigraphServer = request.getfixturevalue("oxigraph_server")
    return server


def test_publish_help_lists_the_options() -> None:
    out = bonekg("publish", "--help")
    assert out.returncode == 0, out.stderr
    options = "--build --endpoint --store --graph --user --gsp-url --update-url --query-url"
    for opt in [*options.split(), "--dry-run", "virtuoso", "fuseki", "graphdb", "generic"]:
        assert opt in out.stdout, opt
    assert "--password" not in out.stdout


def test_cli_publish_to_virtuoso_and_the_password_never_shows(
    vt: VirtuosoServer, tmp_path: Path
) -> None:
    graph = new_graph()
    v1 = make_build(tmp_path / "v1", graph, claims=80, variant="v1")
    v2 = make_build(tmp_path / "v2", graph, claims=50, variant="v2")
    common = ["--endpoint", vt.base, "--store", "virtuoso", "--user", "dba"]
    ok = bonekg("publish", "--build", str(v1), *common, password=vt.password, home=tmp_path)
    assert ok.returncode == 0, ok.stderr
    lines = ok.stdout.splitlines()
    assert "store: virtuoso " + vt.base in lines
    assert f"graph: {graph}" in lines and f"triples: {nt_count(v1)}" in lines
    assert any(line.startswith("seconds: ") for line in lines)

    wrong = "wrong-" + uuid.uuid4().hex[:12]
    for debug in ([], ["--debug"]):
        bad = bonekg(*debug, "publish", "--build", str(v2), *common, password=wrong, home=tmp_path)
        assert bad.returncode == 1
        assert "refused the credentials" in bad.stderr
        if debug:
            assert "Traceback" in bad.stderr
        for text in (bad.stdout, bad.stderr, ok.stdout, ok.stderr):
            assert wrong not in text and vt.password not in text
    t = Target("virtuoso", vt.base, vt.query_url, vt.update_url, vt.user, vt.password)
    assert_graph_is(t, graph, v1)


def test_cli_exit_codes_with_oxigraph(ox: OxigraphServer, tmp_path: Path) -> None:
    graph = new_graph()
    v1 = make_build(tmp_path / "v1", graph, claims=60, variant="v1")
    v2 = make_build(tmp_path / "v2", graph, claims=30, variant="v2")
    assert (
        bonekg(
            "publish", "--build", str(v1), "--endpoint", ox.base, "--store", "oxigraph"
        ).returncode
        == 0
    )
    dry = bonekg(
        "publish", "--build", str(v2), "--endpoint", ox.base, "--store", "oxigraph", "--dry-run"
    )
    assert dry.returncode == 0, dry.stderr
    assert "dry run" in dry.stdout and f"previous: {nt_count(v1)}" in dry.stdout
    t = Target("oxigraph", ox.base, ox.query_url, ox.update_url)
    assert_graph_is(t, graph, v1)
    usage = bonekg("publish", "--build", str(v2), "--endpoint", ox.base, "--store", "fuseki")
    assert usage.returncode == 2 and "names the dataset" in usage.stderr
    missing = bonekg(
        "publish", "--build", str(tmp_path / "none"), "--endpoint", ox.base, "--store", "oxigraph"
    )
    assert missing.returncode == 2 and "bonekg build" in missing.stderr
    down = bonekg(
        "publish", "--build", str(v2), "--endpoint", "http://127.0.0.1:9", "--store", "oxigraph"
    )
    assert down.returncode == 1 and "cannot reach" in down.stderr
    assert count(ox.query_url, graph) == nt_count(v1)
