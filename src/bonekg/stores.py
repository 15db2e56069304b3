"""Triple-store profiles: where each kind of store keeps its SPARQL endpoints, and its limits.

``bonekg publish --store NAME --endpoint BASE`` derives three URLs from a profile:
the Graph Store HTTP Protocol service (``gsp``), the SPARQL query endpoint and the SPARQL
Update endpoint. Explicit ``--gsp-url/--query-url/--update-url`` override the derived ones.

=========  ===================================  ======================  ==========================
store      Graph Store Protocol                 query                   update
=========  ===================================  ======================  ==========================
oxigraph   BASE/store?graph=G                   BASE/query              BASE/update
virtuoso   BASE/sparql-graph-crud-auth          BASE/sparql             BASE/sparql-auth
           ?graph-uri=G  (HTTP digest auth)
fuseki     BASE/data?graph=G (BASE = …/DATASET) BASE/query              BASE/update
graphdb    BASE/rdf-graphs/service?graph=G      BASE                    BASE/statements
           (BASE = …/repositories/ID)
generic    --gsp-url only                       --query-url or BASE     --update-url or BASE
=========  ===================================  ======================  ==========================
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from .errors import UsageError

AuthScheme = Literal["basic", "digest"]


@dataclass(frozen=True)
class StoreProfile:
    """Conventions and limits of one kind of triple store."""

    name: str
    gsp_path: str | None
    query_path: str
    update_path: str
    graph_param: str = "graph"
    auth: AuthScheme = "basic"
    #: triples per Graph Store Protocol request (PUT the first chunk, POST the rest)
    gsp_chunk: int = 50_000
    #: triples per SPARQL ``INSERT DATA`` request
    insert_chunk: int = 10_000
    #: a GSP query parameter that loads a POST body through the store's bulk loader (one
    #: streamed request, no transaction: for the staging graph only)
    gsp_bulk_param: str | None = None
    #: a regular expression the endpoint's path must match, and the hint shown when it does not
    endpoint_path: tuple[str, str] | None = None


PROFILES: dict[str, StoreProfile] = {
    "oxigraph": StoreProfile(
        "oxigraph", "/store", "/query", "/update", gsp_bulk_param="no_transaction"
    ),
    "virtuoso": StoreProfile(
        "virtuoso",
        "/sparql-graph-crud-auth",
        "/sparql",
        "/sparql-auth",
        graph_param="graph-uri",
        auth="digest",
        gsp_chunk=20_000,
        # Virtuoso's SPARQL compiler refuses INSERT DATA much beyond a few thousand triples
        insert_chunk=1_000,
    ),
    "fuseki": StoreProfile(
        "fuseki",
        "/data",
        "/query",
        "/update",
        endpoint_path=(
            r"/[^/]+",
            "--endpoint names the dataset, e.g. http://localhost:3030/bonekg",
        ),
    ),
    "graphdb": StoreProfile(
        "graphdb",
        "/rdf-graphs/service",
        "",
        "/statements",
        endpoint_path=(
            r".*/repositories/[^/]+",
            "--endpoint names the repository, e.g. http://localhost:7200/repositories/bonekg",
        ),
    ),
    "generic": StoreProfile("generic", None, "", ""),
}

STORE_NAMES: tuple[str, ...] = tuple(PROFILES)


@dataclass(frozen=True)
class Endpoints:
    """The resolved URLs of one store."""

    profile: StoreProfile
    base: str
    gsp: str | None
    query: str
    update: str

    @property
    def host(self) -> str:
        """Host name used to look up credentials in ~/.netrc."""
        return urlsplit(self.base).hostname or ""


def check_url(url: str, what: str) -> str:
    """An absolute http(s) URL without embedded credentials (the URL itself is not echoed)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{what} must be an absolute http:// or https:// URL")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise UsageError(
            f"{what} must not carry credentials; give --user and the password in "
            "BONEKG_PASSWORD or ~/.netrc"
        )
    if what == "--endpoint" and (parts.query or parts.fragment):
        raise UsageError(f"{what} must not have a query string or fragment")
    return url


def resolve(
    store: str,
    endpoint: str,
    gsp_url: str | None = None,
    update_url: str | None = None,
    query_url: str | None = None,
) -> Endpoints:
    """Derive the store's URLs from its base URL; explicit URLs win."""
    profile = PROFILES.get(store)
    if profile is None:
        raise UsageError(f"unknown store {store!r}; choose one of {', '.join(STORE_NAMES)}")
    base = check_url(endpoint, "--endpoint").rstrip("/")
    for url, what in (
        (gsp_url, "--gsp-url"),
        (update_url, "--update-url"),
        (query_url, "--query-url"),
    ):
        if url is not None:
            check_url(url, what)
    if profile.endpoint_path is not None:
        pattern, hint = profile.endpoint_path
        if not re.fullmatch(pattern, urlsplit(base).path):
            raise UsageError(f"--store {store}: {hint}")
    gsp = gsp_url or (base + profile.gsp_path if profile.gsp_path is not None else None)
    return Endpoints(
        profile=profile,
        base=base,
        gsp=gsp,
        query=query_url or base + profile.query_path,
        update=update_url or base + profile.update_path,
    )
