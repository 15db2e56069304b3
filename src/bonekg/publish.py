"""Publish a build to a triple store: replace one named graph, safely and idempotently.

The protocol (each step through the store's own HTTP endpoints):

1. read ``manifest.json`` (the default graph IRI, the expected triple count) and check
   ``build/bonekg.nt`` against it: by its sha256 (the build's own file, sent as it is) or, for
   a file the manifest does not vouch for, by parsing it, so a broken file never reaches the
   store;
2. ask the query endpoint ``ASK {}`` (is it there, is it SPARQL?) and count the target graph;
3. load the build into a fresh staging graph ``urn:bonekg:staging:UUID`` — with the SPARQL 1.1
   Graph Store HTTP Protocol (PUT the first chunk of N-Triples, POST the rest: GSP POST merges;
   on Oxigraph one streamed POST into its bulk loader) or, where no GSP service is known, with
   chunked ``INSERT DATA`` within the store's limits;
4. count the staging graph through the query endpoint: it must equal the local count;
5. swap in one update request: ``MOVE SILENT <graph> TO <backup> ; MOVE <staging> TO <graph>``;
6. count the target graph again; then drop the backup.

Any failure ends in :class:`~bonekg.errors.ServerError` with the store's own message, after the
staging graph is dropped and, if the swap had begun, the backup is moved back: the graph that
was there before is left unchanged. Blank nodes never straddle two requests (chunks are cut
between groups of triples that share blank nodes), so chunking does not split a blank node.

Credentials: the user from ``--user`` (or the ``login`` of ~/.netrc), the password only from
the environment variable ``BONEKG_PASSWORD`` or from ~/.netrc (``machine`` = the endpoint's
host; ``$NETRC`` names another file). The password is never logged, never put in a message and
URLs carrying credentials are refused.
"""

from __future__ import annotations

import itertools
import json
import netrc
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import requests
from pyoxigraph import BlankNode, NamedNode, RdfFormat, Triple, serialize
from pyoxigraph import parse as ox_parse
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from . import stores
from .errors import ServerError, UsageError
from .serialize import sha256_file

PASSWORD_ENV = "BONEKG_PASSWORD"
STAGING_PREFIX = "urn:bonekg:staging:"
BACKUP_PREFIX = "urn:bonekg:backup:"
NTRIPLES = "application/n-triples"
SPARQL_JSON = "application/sparql-results+json"
#: (connect, read) seconds for each HTTP request
TIMEOUT: tuple[float, float] = (10.0, 600.0)
MAX_MESSAGE = 800

Method = Literal["auto", "gsp", "update"]
Log = Callable[[str], None]


@dataclass(frozen=True)
class PublishResult:
    """What ``publish`` did (or, with ``dry_run``, would do)."""

    store: str
    endpoint: str
    graph: str
    triples: int
    seconds: float
    method: str  # "gsp", "update", or "dry-run"
    previous: int = 0  # triples the graph held before
    dry_run: bool = False

    def summary(self) -> str:
        """Lines of ``key: value`` for stdout."""
        head = "dry run, nothing written" if self.dry_run else "published"
        return "\n".join(
            [
                head,
                f"store: {self.store} {self.endpoint}",
                f"graph: {self.graph}",
                f"triples: {self.triples}",
                f"previous: {self.previous}",
                f"method: {self.method}",
                f"seconds: {self.seconds:.2f}",
            ]
        )


@dataclass
class LocalBuild:
    """The release read from a build directory.

    A build whose ``bonekg.nt`` matches the sha256 in its manifest is *verified*: the build
    wrote it as sorted, distinct, canonical N-Triples without blank nodes, so it is sent line
    by line as it is, never parsed into a Python object per triple. Any other file is parsed.
    """

    nt_file: Path
    count: int
    graph: str | None
    version: str | None
    verified: bool = False
    parsed: list[Triple] | None = None

    @property
    def triples(self) -> list[Triple]:
        if self.parsed is None:
            self.parsed = _parse_distinct(self.nt_file)
        return self.parsed

    def chunks(self, size: int) -> Iterator[tuple[int, bytes, bool]]:
        """(triples, N-Triples bytes, has blank nodes) of at most ``size`` triples, in order."""
        if not self.verified:
            for part in chunk_triples(self.triples, size):
                bnodes = any(isinstance(x, BlankNode) for t in part for x in (t.subject, t.object))
                yield len(part), ntriples(part), bnodes
            return
        with self.nt_file.open("rb") as fh:
            while True:
                lines = list(itertools.islice(fh, size))
                if not lines:
                    return
                yield len(lines), b"".join(lines), False


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str
    source: str  # "BONEKG_PASSWORD" or the netrc file: for messages, never the secret itself

    def __repr__(self) -> str:  # never show the password, not even in a debugger
        return f"Credentials(user={self.user!r}, source={self.source!r})"


# ---------------------------------------------------------------------------------- the build


def read_build(build_dir: Path) -> LocalBuild:
    """Check ``bonekg.nt`` against ``manifest.json``; a broken or inconsistent build is a
    UsageError. A file the manifest does not vouch for by checksum is parsed in full."""
    nt = build_dir / "bonekg.nt"
    if not nt.is_file():
        raise UsageError(f"no build at {build_dir} (no bonekg.nt): run `bonekg build` first")
    manifest: dict[str, Any] = {}
    mf = build_dir / "manifest.json"
    if mf.is_file():
        try:
            loaded = json.loads(mf.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UsageError(f"{mf}: cannot read the manifest: {exc}") from exc
        if not isinstance(loaded, dict):
            raise UsageError(f"{mf}: the manifest is not a JSON object")
        manifest = loaded
    graph = manifest.get("graph")
    version = manifest.get("version")
    expected = manifest.get("triples")
    listed = (
        (manifest.get("files") or {}).get(nt.name)
        if isinstance(manifest.get("files"), dict)
        else None
    )
    checksum = listed.get("sha256") if isinstance(listed, dict) else None
    build = LocalBuild(
        nt,
        0,
        graph if isinstance(graph, str) else None,
        version if isinstance(version, str) else None,
    )
    if isinstance(checksum, str) and isinstance(expected, int):
        if sha256_file(nt) != checksum:
            raise UsageError(
                f"{nt} is not the file {mf.name} describes (its sha256 differs): "
                "the build is inconsistent; rebuild with `bonekg build`"
            )
        build.count, build.verified = expected, True
    else:
        build.count = len(build.triples)
        if isinstance(expected, int) and expected != build.count:
            raise UsageError(
                f"{nt} holds {build.count} distinct triples but {mf.name} says {expected}: "
                "the build is inconsistent; rebuild with `bonekg build`"
            )
    if build.count == 0:
        raise UsageError(f"{nt} holds no triples: nothing to publish")
    return build


def _parse_distinct(nt: Path) -> list[Triple]:
    try:
        parsed = list(ox_parse(path=str(nt), format=RdfFormat.N_TRIPLES))
    except (SyntaxError, ValueError, OSError) as exc:
        raise UsageError(f"{nt}: not valid N-Triples: {exc}; rebuild with `bonekg build`") from exc
    return list(dict.fromkeys(parsed))  # distinct, in file order


def chunk_triples(triples: Sequence[Triple], size: int) -> list[list[Triple]]:
    """Cut into chunks of at most ``size`` triples, never splitting triples that share a blank
    node (a blank node label is scoped to one document / one request). A group of blank-node
    triples larger than ``size`` becomes one chunk of its own."""
    if size < 1:
        raise ValueError("chunk size must be positive")
    parent: dict[BlankNode, BlankNode] = {}

    def find(b: BlankNode) -> BlankNode:
        root = b
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[b] != root:
            parent[b], b = root, parent[b]
        return root

    def bnodes(t: Triple) -> list[BlankNode]:
        return [x for x in (t.subject, t.object) if isinstance(x, BlankNode)]

    for t in triples:
        bs = bnodes(t)
        for b in bs[1:]:
            ra, rb = find(bs[0]), find(b)
            if ra != rb:
                parent[rb] = ra
        for b in bs[:1]:
            find(b)
    groups: dict[object, list[Triple]] = {}
    for i, t in enumerate(triples):
        bs = bnodes(t)
        key: object = find(bs[0]) if bs else i
        groups.setdefault(key, []).append(t)
    chunks: list[list[Triple]] = []
    current: list[Triple] = []
    for group in groups.values():
        if current and len(current) + len(group) > size:
            chunks.append(current)
            current = []
        current.extend(group)
    if current:
        chunks.append(current)
    return chunks


def ntriples(triples: Iterable[Triple]) -> bytes:
    data = serialize(triples, format=RdfFormat.N_TRIPLES)
    assert data is not None  # no output given: serialize returns the bytes
    return data


# ---------------------------------------------------------------------------------- credentials


def netrc_file(env: Mapping[str, str]) -> Path:
    return Path(env["NETRC"]) if env.get("NETRC") else Path.home() / ".netrc"


def _netrc_entry(host: str, env: Mapping[str, str]) -> tuple[str, str, str] | None:
    """(login, password, file) for ``machine host`` (or ``default``), or None."""
    path = netrc_file(env)
    if not path.is_file():
        return None
    try:
        # the default file gets netrc's permission check (must not be readable by others)
        entries = netrc.netrc(None if not env.get("NETRC") else str(path))
    except netrc.NetrcParseError as exc:
        # exc.msg can quote a token of the file, which may be a password: do not show it
        raise UsageError(
            f"{path}: cannot use it (line {exc.lineno}): it must be well formed and readable "
            "only by you (chmod 600)"
        ) from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read it: {exc.strerror}") from None
    found = entries.authenticators(host)
    if found is None:
        return None
    login, _account, password = found
    if not password:
        return None
    return login or "", password, str(path)


def credentials(
    user: str | None, host: str, env: Mapping[str, str] | None = None
) -> Credentials | None:
    """The user and password to send, or None (no user known: send no credentials).

    The user comes from ``--user`` or the netrc login; the password only from BONEKG_PASSWORD
    or the netrc entry of ``host`` (never from an argument)."""
    env = os.environ if env is None else env
    password = env.get(PASSWORD_ENV) or None
    entry = _netrc_entry(host, env) if password is None or not user else None
    if password is not None:
        name = user or (entry[0] if entry else "")
        return Credentials(name, password, PASSWORD_ENV) if name else None
    if entry is not None:
        login, secret, path = entry
        if user and login and login != user:
            raise UsageError(
                f"{path} holds login {login!r} for machine {host}, not --user {user!r}: "
                f"fix the file or set {PASSWORD_ENV}"
            )
        name = user or login
        return Credentials(name, secret, path) if name else None
    if user:
        raise UsageError(
            f"--user {user} needs a password: set {PASSWORD_ENV} or add "
            f"'machine {host} login {user} password …' to {netrc_file(env)}"
        )
    return None


# ---------------------------------------------------------------------------------- HTTP


def _reason(exc: requests.RequestException) -> str:
    text = str(exc)
    for needle, short in (
        ("Connection refused", "connection refused"),
        ("Name or service not known", "unknown host"),
        ("nodename nor servname", "unknown host"),
        ("Temporary failure in name resolution", "unknown host"),
        ("timed out", "timed out"),
        ("RemoteDisconnected", "the server closed the connection"),
        ("Connection reset", "connection reset"),
        ("CERTIFICATE_VERIFY_FAILED", "TLS certificate not trusted"),
    ):
        if needle in text:
            return short
    return type(exc).__name__


class StoreClient:
    """The HTTP conversation with one store: every error becomes a ServerError whose message
    carries the store's own words, scrubbed of the password."""

    def __init__(
        self,
        endpoints: stores.Endpoints,
        creds: Credentials | None,
        timeout: tuple[float, float] = TIMEOUT,
    ) -> None:
        self.ep = endpoints
        self.name = endpoints.profile.name
        self.creds = creds
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "bonekg-publish"
        auth: AuthBase | None = None
        if creds is not None:
            if endpoints.profile.auth == "digest":
                auth = HTTPDigestAuth(creds.user, creds.password)
            else:
                auth = HTTPBasicAuth(creds.user, creds.password)
        self.auth = auth

    def close(self) -> None:
        self.session.close()

    def scrub(self, text: str) -> str:
        if self.creds is not None and self.creds.password:
            text = text.replace(self.creds.password, "***")
        return text

    def _store_message(self, resp: requests.Response) -> str:
        declared = "charset=" in resp.headers.get("Content-Type", "").lower()
        try:
            # Virtuoso echoes the (UTF-8) query in text/plain without a charset
            body = resp.content.decode(resp.encoding if declared and resp.encoding else "utf-8")
        except (UnicodeDecodeError, LookupError):
            body = resp.content.decode("latin-1")
        body = " ".join(body.split())
        if len(body) > MAX_MESSAGE:
            body = body[:MAX_MESSAGE] + " …"
        return self.scrub(body)

    def request(
        self,
        method: str,
        url: str,
        what: str,
        *,
        ok: tuple[int, ...] = (),
        **kwargs: Any,
    ) -> requests.Response:
        try:
            resp = self.session.request(
                method, url, auth=self.auth, timeout=self.timeout, allow_redirects=False, **kwargs
            )
        except requests.RequestException as exc:
            # requests' messages hold the URL (never credentials: refused in URLs), not headers
            raise ServerError(
                f"cannot reach the {self.name} store at {url} ({what}): {_reason(exc)}"
            ) from exc
        if 200 <= resp.status_code < 300 or resp.status_code in ok:
            return resp
        msg = self._store_message(resp)
        said = f": {msg}" if msg else ""
        status = f"{resp.status_code} {resp.reason or ''}".strip()
        if resp.status_code in (401, 403):
            who = (
                f"the credentials of user {self.creds.user!r} (from {self.creds.source})"
                if self.creds is not None
                else f"the request: it needs credentials (--user and {PASSWORD_ENV} or ~/.netrc)"
            )
            raise ServerError(
                f"the {self.name} store refused {who} for {what} at {url}: {status}{said}"
            )
        if 300 <= resp.status_code < 400:
            where = resp.headers.get("Location", "?")
            raise ServerError(
                f"the {self.name} store redirected {what} at {url} to {self.scrub(where)} "
                f"({status}): give the final URL"
            )
        raise ServerError(f"the {self.name} store answered {status} to {what} at {url}{said}")

    # SPARQL ----------------------------------------------------------------------------------

    def select_json(self, query: str, what: str) -> dict[str, Any]:
        resp = self.request(
            "POST", self.ep.query, what, data={"query": query}, headers={"Accept": SPARQL_JSON}
        )
        try:
            doc = json.loads(resp.content.decode("utf-8"))
        except ValueError:
            raise ServerError(
                f"{self.ep.query} did not answer {what} with SPARQL JSON results "
                f"(got {resp.headers.get('Content-Type', 'no content type')}): "
                "is it the SPARQL query endpoint? (--query-url)"
            ) from None
        if not isinstance(doc, dict):
            raise ServerError(f"{self.ep.query}: unexpected answer to {what}")
        return doc

    def ask_alive(self) -> None:
        doc = self.select_json("ASK {}", "a test query (ASK {})")
        if not isinstance(doc.get("boolean"), bool):
            raise ServerError(f"{self.ep.query} answered ASK {{}} without a boolean: not SPARQL?")

    def count(self, graph: str) -> int:
        # always name the graph: Virtuoso's default graph is the union of all graphs
        q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        doc = self.select_json(q, f"counting the triples of <{graph}>")
        try:
            return int(doc["results"]["bindings"][0]["n"]["value"])
        except (KeyError, IndexError, TypeError, ValueError):
            raise ServerError(
                f"{self.ep.query}: cannot read the triple count of <{graph}> from its answer"
            ) from None

    def update(self, text: str, what: str) -> None:
        self.request("POST", self.ep.update, what, data={"update": text.encode("utf-8")})

    # Graph Store Protocol --------------------------------------------------------------------

    def gsp_params(self, graph: str) -> dict[str, str]:
        return {self.ep.profile.graph_param: graph}

    def gsp_probe(self, graph: str) -> None:
        """A read-only GET of a graph that does not exist: checks the GSP service and the
        credentials without writing."""
        assert self.ep.gsp is not None
        self.request(
            "GET",
            self.ep.gsp,
            "a read-only Graph Store Protocol request",
            ok=(404,),
            params=self.gsp_params(graph),
            headers={"Accept": NTRIPLES},
        )

    def gsp_send(self, method: str, graph: str, body: bytes, what: str) -> None:
        assert self.ep.gsp is not None
        self.request(
            method,
            self.ep.gsp,
            what,
            params=self.gsp_params(graph),
            data=body,
            headers={"Content-Type": NTRIPLES},
        )


# ---------------------------------------------------------------------------------- publish


def _check_graph_iri(graph: str) -> str:
    try:
        NamedNode(graph)
    except ValueError:
        raise UsageError(f"--graph {graph!r} is not a valid absolute IRI") from None
    if ":" not in graph or any(c in graph for c in '<>"{}|^`\\ '):
        raise UsageError(f"--graph {graph!r} is not a valid absolute IRI")
    if graph.startswith((STAGING_PREFIX, BACKUP_PREFIX)):
        raise UsageError(f"--graph {graph} is a name bonekg uses for its own staging graphs")
    return graph


@dataclass
class _Progress:
    """How far a publication got: decides what must be undone after a failure."""

    requests_sent: int = 0  # load requests sent (the last one may have failed)
    requests_ok: int = 0
    swap_started: bool = False
    swap_done: bool = False


def _load(
    client: StoreClient,
    how: str,
    staging: str,
    build: LocalBuild,
    chunk: int,
    progress: _Progress,
    log: Log,
) -> None:
    bulk = client.ep.profile.gsp_bulk_param
    if how == "gsp" and bulk is not None and build.verified:
        # One streamed request into the store's bulk loader: linear in the graph, where a
        # transaction per chunk grows with the graph already loaded. The staging graph is
        # dropped if the load fails, as for the chunked path.
        progress.requests_sent += 1
        log(f"POST {build.count} triples to <{staging}> ({bulk}: the store's bulk loader)")
        assert client.ep.gsp is not None
        with build.nt_file.open("rb") as fh:
            client.request(
                "POST",
                client.ep.gsp,
                f"loading {build.count} triples (GSP POST, bulk)",
                params={**client.gsp_params(staging), bulk: ""},
                data=fh,
                headers={"Content-Type": NTRIPLES},
            )
        progress.requests_ok += 1
        return
    done = 0
    for i, (n, body, bnodes) in enumerate(build.chunks(chunk)):
        span = f"triples {done + 1}-{done + n} of {build.count}"
        progress.requests_sent += 1
        if how == "gsp":
            verb = "PUT" if i == 0 else "POST"
            log(f"{verb} {span} to <{staging}>")
            client.gsp_send(verb, staging, body, f"loading {span} (GSP {verb})")
        else:
            text = body.decode("utf-8")
            if bnodes:
                # blank nodes are not allowed in INSERT DATA on Virtuoso ("constant clause");
                # a template with an empty WHERE inserts them once, as fresh nodes
                log(f"INSERT {{}} WHERE {{}} {span} into <{staging}> (blank nodes)")
                update = f"INSERT {{ GRAPH <{staging}> {{\n{text}}} }} WHERE {{}}"
            else:
                log(f"INSERT DATA {span} into <{staging}>")
                update = f"INSERT DATA {{ GRAPH <{staging}> {{\n{text}}} }}"
            client.update(update, f"loading {span} (SPARQL Update)")
        progress.requests_ok += 1
        done += n


def publish(
    build_dir: Path,
    endpoint: str,
    store: str,
    graph: str | None,
    user: str | None,
    gsp_url: str | None,
    update_url: str | None,
    query_url: str | None,
    dry_run: bool,
    log: Log,
    *,
    method: Method = "auto",
    chunk_size: int | None = None,
    env: Mapping[str, str] | None = None,
    timeout: tuple[float, float] = TIMEOUT,
) -> PublishResult:
    """Replace the named graph ``graph`` (default: the manifest's) on the store with the build.

    ``method``: ``gsp`` (Graph Store Protocol), ``update`` (chunked INSERT DATA) or ``auto``
    (GSP where the store has a GSP service). ``chunk_size``: triples per request (default: the
    store's limit). ``env``: where BONEKG_PASSWORD and NETRC are read (default os.environ).
    Raises UsageError (exit 2) for wrong options or a broken build, ServerError (exit 1) when the
    store fails; the graph is then left as it was.
    """
    t0 = time.perf_counter()
    ep = stores.resolve(store, endpoint, gsp_url, update_url, query_url)
    profile = ep.profile
    if method not in ("auto", "gsp", "update"):
        raise UsageError(f"unknown method {method!r}: auto, gsp or update")
    how = method if method != "auto" else ("gsp" if ep.gsp else "update")
    if how == "gsp" and ep.gsp is None:
        raise UsageError(f"--store {store} has no Graph Store Protocol service: give --gsp-url")
    if chunk_size is not None and chunk_size < 1:
        raise UsageError("the chunk size must be a positive number of triples")
    chunk = chunk_size or (profile.gsp_chunk if how == "gsp" else profile.insert_chunk)

    build = read_build(build_dir)
    target = graph or build.graph
    if not target:
        raise UsageError(f"{build_dir}/manifest.json names no graph: give --graph IRI")
    target = _check_graph_iri(target)

    creds = credentials(user, ep.host, env)
    if creds is None and profile.auth == "digest" and not (gsp_url and update_url):
        raise UsageError(
            f"--store {store} writes through {ep.gsp} and {ep.update}, which need a user: give "
            f"--user (e.g. dba) and the password in {PASSWORD_ENV} or ~/.netrc (machine {ep.host})"
        )

    client = StoreClient(ep, creds, timeout)
    token = uuid.uuid4().hex
    staging = STAGING_PREFIX + token
    backup = BACKUP_PREFIX + token
    try:
        log(f"{store}: query {ep.query}, update {ep.update}, gsp {ep.gsp or '-'}")
        try:
            client.ask_alive()
            previous = client.count(target)
            log(f"<{target}> holds {previous} triples; the build has {build.count}")
            if how == "gsp":
                client.gsp_probe(staging)  # fails early on refused credentials, writes nothing
        except ServerError as exc:
            raise ServerError(
                f"{exc.message}; nothing was written, <{target}> is unchanged"
            ) from exc.__cause__
        if dry_run:
            log(
                f"dry run: would replace the {previous} triples of <{target}> with "
                f"{build.count} triples ({how}, chunks of {chunk}); nothing written"
            )
            seconds = round(time.perf_counter() - t0, 2)
            return PublishResult(
                store, ep.base, target, build.count, seconds, "dry-run", previous, dry_run=True
            )
        if previous == 0:
            # Nothing to keep (a new release's graph): load straight into it, no MOVE — on
            # Oxigraph a MOVE copies the whole graph in one transaction. On failure the graph
            # is dropped, which is the state it was in.
            staging = target
        _replace(client, how, target, staging, backup, build, chunk, log)
        return PublishResult(
            store, ep.base, target, build.count, round(time.perf_counter() - t0, 2), how, previous
        )
    finally:
        client.close()


def _replace(
    client: StoreClient,
    how: str,
    target: str,
    staging: str,
    backup: str,
    build: LocalBuild,
    chunk: int,
    log: Log,
) -> None:
    """Stage, verify, swap, verify; on any failure restore the previous graph."""
    progress = _Progress()
    try:
        _load(client, how, staging, build, chunk, progress, log)
        staged = client.count(staging)
        if staged != build.count:
            raise ServerError(
                f"the {client.name} store holds {staged} triples in the staging graph "
                f"<{staging}> but the build has {build.count}: not swapped in"
            )
        if staging == target:
            return  # loaded straight into a graph that was empty, and counted just now
        log(f"staged {staged} triples; swapping <{staging}> into <{target}>")
        progress.swap_started = True
        client.update(
            f"MOVE SILENT <{target}> TO <{backup}> ; MOVE <{staging}> TO <{target}>",
            f"swapping the staging graph into <{target}> (MOVE)",
        )
        progress.swap_done = True
        final = client.count(target)
        if final != build.count:
            raise ServerError(
                f"after the swap <{target}> holds {final} triples, not the {build.count} of the "
                "build (another writer?)"
            )
    except BaseException as exc:
        notes = _recover(client, target, staging, backup, progress, log)
        if isinstance(exc, ServerError):
            raise ServerError("; ".join([exc.message, *notes])) from exc.__cause__
        raise
    if staging == target:
        return
    try:
        client.update(f"DROP SILENT GRAPH <{backup}>", "dropping the previous graph's backup")
    except ServerError as exc:
        log(f"warning: published, but the backup <{backup}> remains: {exc.message}")


def _recover(
    client: StoreClient,
    target: str,
    staging: str,
    backup: str,
    progress: _Progress,
    log: Log,
) -> list[str]:
    """Undo a failed publication; returns what the error message must add."""
    notes: list[str] = []
    if progress.swap_started:
        try:
            saved = client.count(backup)
            if saved > 0 or progress.swap_done:
                # the swap ran (at least in part): put the previous graph back
                client.update(
                    f"DROP SILENT GRAPH <{target}> ; MOVE SILENT <{backup}> TO <{target}>",
                    f"restoring the previous <{target}>",
                )
            notes.append(f"<{target}> is unchanged")
            log(f"the previous <{target}> is in place ({saved} triples restored)")
        except ServerError as exc:
            notes.append(
                f"could not restore the previous graph ({exc.message}); it is kept in "
                f"<{backup}>: restore it with `DROP SILENT GRAPH <{target}> ; "
                f"MOVE <{backup}> TO <{target}>`"
            )
    if progress.requests_sent == 0:
        return notes or [f"<{target}> is unchanged"]
    try:
        client.update(f"DROP SILENT GRAPH <{staging}>", "dropping the staging graph")
        log(f"dropped the staging graph <{staging}>")
        if not progress.swap_started:
            notes.append(f"<{target}> is unchanged")
    except ServerError:
        if not progress.swap_started:
            notes.append(f"<{target}> is unchanged")
        if progress.requests_ok > 0 or progress.swap_started:
            notes.append(f"the staging graph <{staging}> may remain: DROP SILENT GRAPH <{staging}>")
    return notes
