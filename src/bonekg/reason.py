"""Consistency check with HermiT (through owlready2, which runs it on Java).

owlready2 and Java are heavy: they are imported and started only when reasoning is asked for.
When HermiT finds the graph inconsistent, the individuals involved are named by looking for
members of disjoint classes in the asserted graph (HermiT itself only says "inconsistent").
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from .errors import Inconsistent, UsageError


class ReasonMode(str, Enum):
    AUTO = "auto"  # reason when Java is present, otherwise warn and go on
    REQUIRED = "required"  # fail (exit 2) when Java is missing
    OFF = "off"


@dataclass(frozen=True)
class ReasonResult:
    ran: bool
    consistent: bool | None
    seconds: float
    message: str


def java_available() -> bool:
    return shutil.which("java") is not None


def check_consistency(owl_file: Path, mode: ReasonMode, nt_file: Path | None = None) -> ReasonResult:
    """Run HermiT on ``owl_file`` (RDF/XML); raise :class:`Inconsistent` when it is inconsistent."""
    if mode is ReasonMode.OFF:
        return ReasonResult(False, None, 0.0, "reasoning skipped (--reason off)")
    if not java_available():
        if mode is ReasonMode.REQUIRED:
            raise UsageError(
                "HermiT needs a Java runtime (java not on PATH) and --reason required was given; "
                "install Java (e.g. apt-get install default-jre-headless)"
            )
        return ReasonResult(
            False,
            None,
            0.0,
            "WARNING: java not found: HermiT consistency check skipped "
            "(install a Java runtime, or pass --reason off to silence this)",
        )
    t0 = time.perf_counter()
    import owlready2  # heavy: imported lazily

    world = owlready2.World()
    try:
        onto = world.get_ontology(owl_file.resolve().as_uri()).load()
        with onto:
            owlready2.sync_reasoner_hermit(
                world, infer_property_values=False, debug=0, keep_tmp_file=False
            )
    except owlready2.OwlReadyInconsistentOntologyError:
        culprits = disjointness_violations(nt_file) if nt_file else []
        detail = "; ".join(culprits) if culprits else "HermiT gave no explanation"
        raise Inconsistent(f"HermiT: the graph is inconsistent. Individuals involved: {detail}") from None
    finally:
        world.close()
    return ReasonResult(True, True, time.perf_counter() - t0, "HermiT: consistent")


def disjointness_violations(nt_file: Path) -> list[str]:
    """Individuals asserted (directly or through subclasses) to belong to two disjoint classes."""
    from pyoxigraph import RdfFormat, Store

    store = Store()
    store.bulk_load(path=str(nt_file), format=RdfFormat.N_TRIPLES)
    query = """
    PREFIX owl: <http://www.w3.org/2002/07/owl#>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    SELECT DISTINCT ?x ?a ?b WHERE {
      { ?a owl:disjointWith ?b } UNION { ?b owl:disjointWith ?a }
      ?x a/rdfs:subClassOf* ?a .
      ?x a/rdfs:subClassOf* ?b .
      FILTER(STR(?a) < STR(?b))
    } ORDER BY ?x ?a ?b
    """
    out = []
    for row in store.query(query):  # type: ignore[union-attr]
        out.append(f"{row['x'].value} is both {row['a'].value} and {row['b'].value}")
    return out
