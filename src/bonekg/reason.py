"""Consistency check with HermiT, the reasoner owlready2 ships and configures.

owlready2's ``sync_reasoner_hermit`` classifies and realises the whole ontology (``-c -O -D
-I``), which takes ~9 s on the curated graph; bonekg only needs to know whether the graph is
consistent, so it runs the same HermiT jar, with owlready2's Java settings, in
consistency-only mode (``-k``) on the release's RDF/XML file — about half the time, and as a
subprocess that overlaps SHACL validation. HermiT only says "inconsistent"; the individuals
involved are then named by looking for members of disjoint classes in the asserted graph.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from .errors import Inconsistent, UsageError


class ReasonMode(str, Enum):
    AUTO = "auto"  # reason when Java is present, otherwise (or out of heap) warn and go on
    REQUIRED = "required"  # fail (exit 2) when Java is missing
    OFF = "off"


@dataclass(frozen=True)
class ReasonResult:
    ran: bool
    consistent: bool | None
    seconds: float
    message: str


def java_executable() -> str | None:
    try:
        import owlready2

        configured = str(owlready2.JAVA_EXE)
    except ImportError:  # pragma: no cover - owlready2 is a dependency
        configured = "java"
    return shutil.which(configured) or shutil.which("java")


def java_available() -> bool:
    return java_executable() is not None


JAVA_MEMORY_VARIABLE = "BONEKG_JAVA_MEMORY"


def java_memory_mb() -> int:
    """HermiT's Java heap in MB: $BONEKG_JAVA_MEMORY, else owlready2's setting (2000)."""
    value = os.environ.get(JAVA_MEMORY_VARIABLE, "").strip()
    if not value:
        import owlready2.reasoning

        return int(owlready2.reasoning.JAVA_MEMORY)
    if not value.isdigit() or int(value) < 1:
        raise UsageError(
            f"${JAVA_MEMORY_VARIABLE} must be HermiT's Java heap in MB (a whole number "
            f"such as 8000), not {value!r}"
        )
    return int(value)


def hermit_command(owl_file: Path) -> list[str]:
    import owlready2.reasoning

    java = java_executable()
    assert java is not None
    return [
        java,
        f"-Xmx{java_memory_mb()}M",
        "-cp",
        owlready2.reasoning._HERMIT_CLASSPATH,
        "org.semanticweb.HermiT.cli.CommandLine",
        "-k",  # consistency only
        owl_file.resolve().as_uri(),
    ]


class Reasoning:
    """A HermiT run started in the background; :meth:`result` waits for it."""

    def __init__(self, owl_file: Path, mode: ReasonMode, nt_file: Path | None = None) -> None:
        self.owl_file = owl_file
        self.nt_file = nt_file
        self.mode = mode
        self.t0 = time.perf_counter()
        self.proc: subprocess.Popen[str] | None = None
        self.skipped: ReasonResult | None = None
        if mode is ReasonMode.OFF:
            self.skipped = ReasonResult(False, None, 0.0, "reasoning skipped (--reason off)")
        elif not java_available():
            if mode is ReasonMode.REQUIRED:
                raise UsageError(
                    "HermiT needs a Java runtime (java not on PATH) and --reason required was "
                    "given; install Java (e.g. apt-get install default-jre-headless)"
                )
            self.skipped = ReasonResult(
                False,
                None,
                0.0,
                "WARNING: java not found: HermiT consistency check skipped "
                "(install a Java runtime, or pass --reason off to silence this)",
            )
        else:
            self.proc = subprocess.Popen(
                hermit_command(owl_file),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )

    def cancel(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def result(self) -> ReasonResult:
        if self.skipped is not None:
            return self.skipped
        assert self.proc is not None
        output, _ = self.proc.communicate()
        seconds = time.perf_counter() - self.t0
        if self.proc.returncode == 0 and "is satisfiable" in output:
            return ReasonResult(True, True, seconds, f"HermiT: consistent ({seconds:.1f} s)")
        if "InconsistentOntologyException" in output or "is not satisfiable" in output:
            culprits = disjointness_violations(self.nt_file) if self.nt_file else []
            detail = "; ".join(culprits) if culprits else "HermiT gave no explanation"
            raise Inconsistent(f"HermiT: the graph is inconsistent. Individuals involved: {detail}")
        if "java.lang.OutOfMemoryError" in output:
            return self._out_of_memory(seconds)
        tail = "\n".join(output.strip().splitlines()[-5:])
        raise UsageError(f"HermiT failed (exit {self.proc.returncode}):\n{tail}")

    def _out_of_memory(self, seconds: float) -> ReasonResult:
        advice = (
            f"HermiT ran out of memory after {seconds:.0f} s (Java heap {java_memory_mb()} MB): "
            f"set ${JAVA_MEMORY_VARIABLE} to a larger heap in MB"
        )
        if self.mode is ReasonMode.REQUIRED:
            raise UsageError(f"{advice}, or pass --reason off to build without it")
        return ReasonResult(
            False,
            None,
            seconds,
            f"WARNING: {advice} (or pass --reason off to skip it); consistency check skipped",
        )


def check_consistency(
    owl_file: Path, mode: ReasonMode, nt_file: Path | None = None
) -> ReasonResult:
    """Run HermiT on ``owl_file`` (RDF/XML); raise :class:`Inconsistent` when it is inconsistent."""
    return Reasoning(owl_file, mode, nt_file).result()


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
