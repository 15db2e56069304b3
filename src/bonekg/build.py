"""The build: curation -> RDF -> validate -> reason -> release files, written atomically.

Everything is written into a temporary sibling of the output directory; only when validation
and reasoning pass is it swapped in, so a failed build leaves the previous ``build/`` intact.
"""

from __future__ import annotations

import gc
import json
import os
import pickle
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple
from pyoxigraph import parse as ox_parse
from pyoxigraph import serialize as ox_serialize

from . import __version__, paths, prefixes, serialize
from .errors import InputError, InputErrors, Location, NonConformance
from .load import curation_files, load_files
from .model import Curation, Entity, Review
from .rdf import RELEASE_GRAPH, RELEASE_IRI, Labels, curation_quads
from .reason import Reasoning, ReasonMode, ReasonResult, java_memory_mb

if TYPE_CHECKING:
    from .validate import Report

T = TypeVar("T")

RDFS_LABEL = prefixes.expand("rdfs:label")
MINTED = frozenset({"mirna", "ncrna", "cellline", "intervention", "exosome"})
MINTED_DECLARED = frozenset({"ncrna", "cellline", "intervention"})
# Subjects of a review's graph that belong to one claim; the rest (the review, its references)
# is the context every validation chunk holds.
CLAIM_SUBJECTS = ("<https://w3id.org/bonekg/claim/", "<https://w3id.org/bonekg/evidence/")


OUTPUTS = {
    "bonekg.ttl": "text/turtle",
    "bonekg.nt": "application/n-triples",
    "bonekg.jsonld": "application/ld+json",
    "bonekg.owl": "application/rdf+xml",
    "bonekg.trig": "application/trig",
    "mappings.sssom.tsv": "text/tab-separated-values",
}


@dataclass
class BuildResult:
    out_dir: Path
    triples: int
    claims: int
    reviews: int
    files: dict[str, str] = field(default_factory=dict)
    stages: dict[str, float] = field(default_factory=dict)
    reasoning: ReasonResult | None = None
    # CPU seconds of each kind of job (summed over the processes that ran it) and of the
    # whole build with every child process: where the cores went.
    cpu: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Summary:
    """What the back half of the build needs to know about the curation."""

    reviews: list[Review]
    claim_ids: dict[str, list[str]]  # review id -> claim ids
    files: list[Path]

    @property
    def n_claims(self) -> int:
        return sum(len(v) for v in self.claim_ids.values())

    @classmethod
    def of(cls, cur: Curation) -> Summary:
        ids: dict[str, list[str]] = {r.id: [] for r in cur.reviews}
        for c in cur.claims:
            ids.setdefault(c.review, []).append(c.id)
        return cls(list(cur.reviews), ids, list(cur.files))


@dataclass
class _FileResult:
    """A worker's account of one curation file, after writing its sorted graph files."""

    ok: bool
    review: Review | None = None
    claim_ids: list[str] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    minted_used: list[str] = field(default_factory=list)
    default_nt: Path | None = None
    named: tuple[str, Path] | None = None
    context: Path | None = None
    cpu: float = 0.0


# Where a worker process finds the ontology's labels: the file the build writes once it has
# read the ontology, and the event it sets then (or on failure, with no file written). The
# workers parse their first files while the build reads the ontology.
_WORKER_ONTOLOGY: dict[str, Any] = {}
LABELS_WAIT_SECONDS = 600.0


def _init_worker(labels_file: Path, ready: Any) -> None:
    _WORKER_ONTOLOGY.clear()
    _WORKER_ONTOLOGY.update(file=labels_file, ready=ready)


def _worker_labels() -> tuple[dict[str, str], dict[str, set[str]]]:
    """The ontology's labels, read once per worker process (waiting for the build)."""
    found = _WORKER_ONTOLOGY.get("labels")
    if found is None:
        if not _WORKER_ONTOLOGY["ready"].wait(LABELS_WAIT_SECONDS):
            raise InputError("the build did not read the ontology in time")
        try:
            with _WORKER_ONTOLOGY["file"].open("rb") as fh:
                found = pickle.load(fh)
        except OSError as exc:  # the build failed to read the ontology and reports why
            raise InputError(f"no ontology labels: {exc}") from exc
        except (EOFError, pickle.UnpicklingError, ValueError) as exc:  # a damaged cache entry
            raise InputError(
                f"cannot read the ontology labels {_WORKER_ONTOLOGY['file']}: {exc} "
                "(delete the bonekg cache folder it is in and build again)"
            ) from exc
        _WORKER_ONTOLOGY["labels"] = found
    labels, upstream = found
    return labels, upstream


def _file_job(job: tuple[Path, Path, int]) -> _FileResult:
    """Load one file (fast parser), check its terms and write its sorted N-Triples."""
    path, folder, idx = job
    with _collector_paused():
        return _file_job_body(path, folder, idx)


def _file_job_body(path: Path, folder: Path, idx: int) -> _FileResult:
    cpu0 = time.process_time()
    try:  # a file alone: its minted entities may be declared in another file
        cur = load_files([path], fast=True, cross_check=False, locate=False)
    except InputError:
        return _FileResult(False)
    labels, upstream = _worker_labels()
    try:
        check_terms(cur, labels, upstream)
    except NonConformance:
        return _FileResult(False)
    default = folder / f"d{idx:05d}.unsorted"
    named_raw = folder / f"n{idx:05d}.unsorted"
    context = folder / f"c{idx:05d}.nt"
    with (
        default.open("w", encoding="utf-8") as d,
        named_raw.open("w", encoding="utf-8") as nf,
        context.open("w", encoding="utf-8") as cf,
    ):
        for g, spo in curation_quads(cur, Labels(labels)):
            if not g:
                d.write(spo + " .\n")
                continue
            nf.write(spo + " .\n")
            if not spo.startswith(CLAIM_SUBJECTS):
                cf.write(spo + " .\n")
    default_nt = folder / f"d{idx:05d}.nt"
    serialize.sort_unique(default, default_nt)
    default.unlink()
    named = None
    review = cur.reviews[0] if cur.reviews else None
    if review is not None:
        named_nt = folder / f"n{idx:05d}.nt"
        serialize.sort_unique(named_raw, named_nt)
        named = (prefixes.expand(f"graph:{review.id}"), named_nt)
    named_raw.unlink()
    minted = sorted({r.curie for c in cur.claims for r in c.refs() if r.prefix in MINTED_DECLARED})
    return _FileResult(
        True,
        review,
        [c.id for c in cur.claims],
        cur.entities,
        minted,
        default_nt,
        named,
        context,
        time.process_time() - cpu0,
    )


@dataclass
class Graphs:
    """The sorted N-Triples of each graph (default graph first) and the review context:
    every review's and reference's triples, which each validation chunk loads."""

    files: list[tuple[str | None, Path]]
    context: Path


def _parallel_front(
    files: list[Path],
    jobs: list[Future[_FileResult]],
    onto_nt: Path,
    imports_dir: Path | None,
    folder: Path,
    cpu: dict[str, float] | None = None,
) -> tuple[Summary, Graphs]:
    """Load + RDF for each file (``jobs``, running in worker processes); cross-file checks.

    ``onto_nt`` is the ontology's sorted N-Triples, so the default graph is a merge of sorted
    files. On any problem the curation is
    loaded again in this process, which reports every error with file:line (the fast path
    only says that something is wrong).
    """
    results = [job.result() for job in jobs]
    if cpu is not None:
        cpu["load+rdf jobs"] = round(sum(r.cpu for r in results), 3)
    declared = {e.curie for r in results for e in r.entities}
    ids = [cid for r in results for cid in r.claim_ids]
    review_ids = [r.review.id for r in results if r.review is not None]
    conflicting = len(
        {(e.curie, e.kind, e.label, e.organism, e.models) for r in results for e in r.entities}
    ) != len(declared)
    if (
        not all(r.ok for r in results)
        or len(set(ids)) != len(ids)
        or len(set(review_ids)) != len(review_ids)
        or conflicting
        or any(m not in declared for r in results for m in r.minted_used)
    ):
        cur = load_files(files, fast=False)  # raises the located errors
        onto = load_ontology(imports_dir)
        check_terms(cur, onto.labels, onto.all_labels)
        raise InputError("curation files disagree (no located error found)")  # pragma: no cover
    parts = [onto_nt] + [r.default_nt for r in results if r.default_nt is not None]
    default_nt = folder / "default.nt"
    serialize.merge_unique(parts, default_nt)
    for part in parts:
        part.unlink()
    named = sorted((r.named for r in results if r.named is not None), key=lambda x: x[0])
    context = folder / "context.nt"
    _concat([r.context for r in results if r.context is not None], context)
    summary = Summary(
        [r.review for r in results if r.review is not None],
        {r.review.id: r.claim_ids for r in results if r.review is not None},
        list(files),
    )
    graphs: list[tuple[str | None, Path]] = [(None, default_nt), *named]
    return summary, Graphs(graphs, context)


def _concat(parts: list[Path], dst: Path) -> None:
    with dst.open("wb") as out:
        for part in parts:
            with part.open("rb") as fh:
                shutil.copyfileobj(fh, out, 1 << 20)
            part.unlink()


def ontology_files(imports_dir: Path | None = None) -> list[Path]:
    return [paths.tbox_file(), *sorted((imports_dir or paths.imports_dir()).glob("*.ttl"))]


@dataclass(frozen=True)
class Ontology:
    """The TBox and import modules: their N-Triples text and the labels the build needs."""

    nt: str  # one triple per line, as Oxigraph's serialiser writes them, sorted, no duplicates
    labels: dict[str, str]  # IRI -> one label (English or untagged preferred, then smallest)
    all_labels: dict[str, set[str]]  # IRI -> every label, for checking the curators' labels


# A blank node as subject (line start) or object (last term; a literal ends in ", @tag or >).
_BLANK = re.compile(r'^_:|\s_:[^\s"<>]+ \.$', re.MULTILINE)
# Bumped whenever what load_ontology derives from the files changes.
ONTOLOGY_CACHE_FORMAT = 2
_CACHED = ("ontology.nt", "labels.pickle")


@dataclass(frozen=True)
class CachedOntology:
    """A complete, intact cache entry: the sorted N-Triples, and the pickled ``(labels,
    all_labels)`` the worker processes read directly."""

    nt: Path
    labels: Path


def load_ontology(imports_dir: Path | None = None) -> Ontology:
    """Read the TBox and import modules, or their cached reading.

    Parsing the import modules is a fixed cost of every build (about 2 s for the benchmark's
    ~20,000 genes), paid while the workers wait for the labels; the result is cached under
    :func:`bonekg.paths.cache_dir`, keyed by the files' names and bytes, this format and
    Oxigraph's version, so any change to a module is a cache miss. An entry whose files do
    not match their recorded sha256 is parsed again and replaced.
    """
    files = ontology_files(imports_dir)
    entry = cached_ontology(files)
    if entry is not None:
        try:
            with entry.labels.open("rb") as fh:
                labels, all_labels = pickle.load(fh)
            return Ontology(entry.nt.read_text(encoding="utf-8"), labels, all_labels)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError, TypeError):
            pass
    onto = _parse_ontology(files)
    _store_ontology(files, onto)
    return onto


def cached_ontology(files: list[Path]) -> CachedOntology | None:
    """The cache entry of these ontology files, if the cache is on and the entry intact."""
    d = _ontology_cache_dir(files)
    if d is None:
        return None
    try:
        sums = json.loads((d / "sha256.json").read_text(encoding="utf-8"))
        if any(serialize.sha256_file(d / name) != sums[name] for name in _CACHED):
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return CachedOntology(d / _CACHED[0], d / _CACHED[1])


def _store_ontology(files: list[Path], onto: Ontology) -> None:
    """Write the cache entry (into a temporary directory renamed into place, so a concurrent
    build never sees half of it); a read-only or full cache only costs the next build the
    parse."""
    d = _ontology_cache_dir(files)
    if d is None:
        return
    tmp = d.with_name(f".{d.name}.{os.getpid()}")
    try:
        tmp.mkdir(parents=True, exist_ok=True)
        (tmp / _CACHED[0]).write_text(onto.nt, encoding="utf-8")
        with (tmp / _CACHED[1]).open("wb") as fh:
            pickle.dump((onto.labels, onto.all_labels), fh, pickle.HIGHEST_PROTOCOL)
        sums = {name: serialize.sha256_file(tmp / name) for name in _CACHED}
        (tmp / "sha256.json").write_text(json.dumps(sums, indent=2) + "\n", encoding="utf-8")
        if d.exists():  # a damaged entry (an intact one is never parsed again)
            shutil.rmtree(d)
        tmp.rename(d)
    except OSError:
        pass
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _ontology_cache_dir(files: list[Path]) -> Path | None:
    import hashlib

    import pyoxigraph

    root = paths.cache_dir()
    if root is None:
        return None
    h = hashlib.sha256(f"{ONTOLOGY_CACHE_FORMAT} {pyoxigraph.__version__}\n".encode())
    for f in files:
        try:
            data = f.read_bytes()
        except OSError:
            return None  # the parse reports it
        h.update(f"{f.name} {len(data)}\n".encode())
        h.update(data)
    return root / "ontology" / h.hexdigest()


def _parse_ontology(files: list[Path]) -> Ontology:
    """Oxigraph parses the files and writes N-Triples (in Rust); only the label lines become
    Python objects."""
    parts: list[str] = []
    for f in files:
        try:
            data = ox_serialize(
                ox_parse(path=str(f), format=RdfFormat.TURTLE), format=RdfFormat.N_TRIPLES
            )
            text = (data or b"").decode("utf-8")
        except (SyntaxError, ValueError, OSError) as exc:
            raise InputError(f"{f}: cannot parse ontology file: {exc}") from exc
        maybe = text.startswith("_:") or "\n_:" in text or " _:" in text  # fast pre-test
        blank = _BLANK.search(text) if maybe else None
        if blank is not None:
            start = text.rfind("\n", 0, blank.start()) + 1
            line = text[start : text.find("\n", blank.start())]
            raise InputError(
                f"{f}: blank node in {line}: bonekg graphs use IRIs only "
                "(blank node labels would make builds differ byte for byte)"
            )
        parts.append(text)
    # Sorted by code point, which is the byte order of sort(1) under LC_ALL=C for UTF-8.
    # Lines end at "\n" only (a literal may hold U+2028, which splitlines() would cut at).
    lines = sorted(set("".join(parts).split("\n")) - {""})
    nt = "".join(line + "\n" for line in lines)
    marker = f' <{RDFS_LABEL}> "'
    label_lines = "\n".join(line for line in lines if marker in line)
    found: dict[str, list[tuple[int, str]]] = {}
    for t in ox_parse(label_lines.encode("utf-8"), format=RdfFormat.N_TRIPLES):
        if isinstance(t.subject, NamedNode) and isinstance(t.object, Literal):
            rank = 0 if t.object.language in (None, "en") else 1
            found.setdefault(t.subject.value, []).append((rank, t.object.value))
    return Ontology(
        nt,
        {k: min(v)[1] for k, v in found.items()},
        {k: {label for _, label in v} for k, v in found.items()},
    )


def check_terms(
    cur: Curation, labels: dict[str, str], upstream_labels: dict[str, set[str]]
) -> None:
    """Every external term is in an import module and carries the label the curator expects."""
    errors: list[InputError] = []
    for claim in cur.claims:
        for ref in claim.refs():
            if ref.prefix in MINTED:
                continue
            iri = prefixes.expand(ref.curie)
            if iri not in labels:
                errors.append(
                    InputError(
                        f"{ref.curie} is not in the import modules (ontology/imports/); "
                        "run `bonekg imports refresh --refdata ../shared/refdata`",
                        Location(claim.file, ref.line, claim.id),
                    )
                )
            elif ref.label is not None and ref.label not in upstream_labels.get(iri, set()):
                errors.append(
                    InputError(
                        f"{ref.curie} is labelled {labels[iri]!r} upstream, "
                        f"but the curation says {ref.label!r}",
                        Location(claim.file, ref.line, claim.id),
                    )
                )
    if errors:
        raise NonConformance(InputErrors(errors).message)


def build(
    curation_dir: Path,
    out_dir: Path,
    reason: ReasonMode = ReasonMode.AUTO,
    validate: bool = True,
    imports_dir: Path | None = None,
    workers: int | None = None,
    parallel_min_bytes: int = 20_000_000,
) -> BuildResult:
    """Build a release; curation over ``parallel_min_bytes`` is loaded and turned into RDF
    by one process per core (file by file), the rest in this process."""
    stages: dict[str, float] = {}
    cpu: dict[str, float] = {}
    cpu0 = _cpu_total()

    def stage(name: str, t0: float) -> float:
        t1 = time.perf_counter()
        stages[name] = round(t1 - t0, 3)
        return t1

    if reason is not ReasonMode.OFF:
        java_memory_mb()  # a malformed $BONEKG_JAVA_MEMORY fails now, not after validation
    t = time.perf_counter()
    files = curation_files(curation_dir)
    n_workers = workers if workers is not None else (os.cpu_count() or 1)
    big = sum(f.stat().st_size for f in files) >= parallel_min_bytes
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    pool: Executor = _Inline()
    try:
        graphs: Graphs
        if n_workers > 1 and len(files) > 1 and big:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # One pool for the whole build: its workers turn files into RDF, then validate
            # chunks. They start on the YAML while this process reads the ontology, whose
            # labels they load from a file once it is written.
            folder = tmp / ".graphs"
            folder.mkdir()
            # With the ontology in the cache, the workers read its labels from there at once;
            # else this process parses it (and fills the cache) while they start on the YAML.
            entry = cached_ontology(ontology_files(imports_dir))
            labels_file = entry.labels if entry else folder / "labels.pickle"
            ready = multiprocessing.get_context().Event()
            if entry is not None:
                ready.set()
            pool = ProcessPoolExecutor(
                max_workers=n_workers, initializer=_init_worker, initargs=(labels_file, ready)
            )
            jobs = [pool.submit(_file_job, (f, folder, i)) for i, f in enumerate(files)]
            onto_nt = folder / "ontology.nt"
            if entry is not None:
                shutil.copyfile(entry.nt, onto_nt)
            else:
                try:
                    onto = load_ontology(imports_dir)
                    with labels_file.open("wb") as fh:
                        pickle.dump((onto.labels, onto.all_labels), fh, pickle.HIGHEST_PROTOCOL)
                finally:
                    ready.set()  # on failure the workers find no file and stop
                onto_nt.write_text(onto.nt, encoding="utf-8")  # sorted already
                del onto
            summary, graphs = _parallel_front(files, jobs, onto_nt, imports_dir, folder, cpu)
            if entry is None:
                labels_file.unlink()
            t = stage("load+rdf", t)
        else:
            cur = load_files(files)
            t = stage("load", t)
            onto = load_ontology(imports_dir)
            check_terms(cur, onto.labels, onto.all_labels)
            quads = curation_quads(cur, Labels(onto.labels))
            graphs = _write_graph_files(tmp / ".graphs", onto.nt, quads)
            summary = Summary.of(cur)
            t = stage("rdf", t)
            if n_workers > 1:
                from concurrent.futures import ProcessPoolExecutor

                pool = ProcessPoolExecutor(max_workers=n_workers)
        n, result_reason, hashes = _back_half(
            tmp, graphs, summary, reason, validate, pool, n_workers, stages, cpu
        )
        t = time.perf_counter()
        _write_void(tmp, n, summary)
        shutil.rmtree(tmp / ".graphs")
        checksums = _write_manifest(tmp, n, summary.n_claims, hashes)
        t = stage("write", t)
        _swap(tmp, out_dir)
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    pool.shutdown(wait=True)
    cpu["total"] = round(_cpu_total() - cpu0, 3)
    res = BuildResult(
        out_dir,
        n,
        summary.n_claims,
        len(summary.reviews),
        checksums,
        stages,
        result_reason,
        cpu=cpu,
    )
    if result_reason.message.startswith("WARNING"):
        res.warnings.append(result_reason.message)
    return res


def _back_half(
    tmp: Path,
    graphs: Graphs,
    summary: Summary,
    reason: ReasonMode,
    validate: bool,
    pool: Executor,
    workers: int,
    stages: dict[str, float],
    cpu: dict[str, float],
) -> tuple[int, ReasonResult, dict[str, str]]:
    """Merge, release files, SHACL + QC validation and HermiT, side by side.

    Validation starts first, on the per-graph files: the worker processes validate chunks of
    the claims (a few reviews each, with the shared entities and every review's context), so
    memory is bounded by the chunk size and not by the graph. Meanwhile this process merges
    the sorted N-Triples; then Turtle, RDF/XML and JSON-LD are written by short jobs over
    ranges of them (queued after the chunks, so both cores stay busy to the end) while this
    process writes TriG, the SSSOM mappings and hashes the rest, and assembles the parts.
    HermiT starts as soon as the RDF/XML is assembled.

    Returns the triple count, HermiT's result and the sha256 of the files written so far.
    """
    from .mappings import write_sssom
    from .validate import combine_chunks, validate_chunk

    t0 = time.perf_counter()
    nt = tmp / "bonekg.nt"
    chunks = _chunks(graphs, summary, parts=workers) if validate else []
    reasoning: Reasoning | None = None
    try:
        # One query at a time per worker: the workers already keep the cores busy, and more
        # threads than cores made each chunk slower.
        threads = 1 if workers > 1 else None
        checks = [
            pool.submit(_timed, validate_chunk, files, i == 0, threads)
            for i, files in enumerate(chunks)
        ]
        n = serialize.merge_unique([f for _, f in graphs.files], nt)
        stages["sort"] = round(time.perf_counter() - t0, 3)
        # Turtle, RDF/XML and JSON-LD: short jobs over ranges of the sorted N-Triples, queued
        # after the validation chunks, so both cores stay busy to the end of the build.
        work = tmp / ".parts"
        work.mkdir()
        writes = [
            pool.submit(_timed, serialize.write_part, kind, src, start, end, stem)
            for kind, src, start, end, stem in serialize.plan_parts(nt, work)
        ]
        serialize.write_trig(graphs.files, tmp / "bonekg.trig")
        # The mappings come from the shared entities and import modules: the default graph.
        write_sssom(graphs.files[0][1], tmp / "mappings.sssom.tsv", __version__)
        hashes = {
            f: serialize.sha256_file(tmp / f)
            for f in ("bonekg.nt", "bonekg.trig", "mappings.sssom.tsv")
        }
        # Each part is appended to its release file as soon as it is done (in range order).
        asm = serialize.Assembler(tmp / "bonekg.ttl", tmp / "bonekg.owl", tmp / "bonekg.jsonld")
        spent = 0.0
        try:
            for w in writes:
                part, seconds = w.result()
                asm.add(part)
                spent += seconds
        finally:
            hashes.update(asm.close())
        cpu["write ttl+owl+jsonld jobs"] = round(spent, 3)
        work.rmdir()
        reasoning = Reasoning(tmp / "bonekg.owl", reason, nt)
        if validate:
            done = [c.result() for c in checks]
            cpu["validate jobs"] = round(sum(t for _, t in done), 3)
            report = combine_chunks([r for r, _ in done])
            _raise_unless_conforms(report, summary.files)
        t1 = time.perf_counter()
        stages["serialize+validate"] = round(t1 - t0 - stages["sort"], 3)
        result = reasoning.result()
        stages["reason"] = round(time.perf_counter() - t1, 3)
        return n, result, hashes
    finally:
        if reasoning is not None:
            reasoning.cancel()


def _timed(fn: Callable[..., T], *args: Any) -> tuple[T, float]:
    """Run a job (without the cycle collector) and return its result with the CPU seconds
    it took (in its process)."""
    t0 = time.process_time()
    with _collector_paused():
        result = fn(*args)
    return result, round(time.process_time() - t0, 3)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Run a job without Python's cycle collector, then turn it back on.

    The jobs make millions of short-lived objects (claims, terms, triples) that reference
    counting frees; the collector would scan them again and again on the way (and the
    ontology's labels each worker holds), which cost a quarter to a third of a file job's
    CPU time. Memory stays bounded by the job's own data; any cycle a job leaves is collected
    once the collector is back on.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _cpu_total() -> float:
    """CPU seconds of this process and every child it has waited for (workers, sort)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return round(own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime, 3)


class _Inline(Executor):
    """An executor that runs each job at once, in this process (``workers=1``)."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        fut: Future[T] = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # re-raised by .result()
            fut.set_exception(exc)
        return fut


# A chunk holds the claims of whole reviews up to about this many bytes of N-Triples (about
# 1.2 GB of store in memory), so two chunks and the writers fit in a few GB at any size.
CHUNK_BYTES = 400_000_000
# Claims above this size are validated in at least one chunk per worker (below it, loading the
# shared graph once more costs more than the second core saves).
SPLIT_BYTES = 50_000_000


def _chunks(
    graphs: Graphs, summary: Summary, limit: int = CHUNK_BYTES, parts: int = 1
) -> list[list[Path]]:
    """Validation chunks: the shared files plus the graphs of consecutive reviews, at most
    ``limit`` bytes each, and (for large claim sets) split into at least ``parts`` chunks of
    about the same size."""
    shared = [graphs.files[0][1], graphs.context]
    sizes = [(path, path.stat().st_size) for _, path in graphs.files[1:]]
    total = sum(size for _, size in sizes)
    target = -(-total // parts) if total >= SPLIT_BYTES else total
    out: list[list[Path]] = []
    current: list[Path] = []
    size = 0
    for path, n in sizes:
        if current and size + n > limit:
            out.append(shared + current)
            current, size = [], 0
        current.append(path)
        size += n
        if size >= target:
            out.append(shared + current)
            current, size = [], 0
    if current or not out:
        out.append(shared + current)
    return out


def _write_graph_files(folder: Path, onto_nt: str, quads: Iterable[tuple[str, str]]) -> Graphs:
    """Stream quads into one N-Triples file per graph, then sort each (default graph first)."""
    folder.mkdir()
    handles: dict[str, IO[str]] = {}

    def handle(g: str) -> IO[str]:
        fh = handles.get(g)
        if fh is None:
            fh = (folder / f"{len(handles):05d}.unsorted").open("w", encoding="utf-8")
            handles[g] = fh
        return fh

    default = handle("")
    default.write(onto_nt)
    context = folder / "context.nt"
    with context.open("w", encoding="utf-8") as cf:
        for g, spo in quads:
            handle(g).write(spo + " .\n")
            if g and not spo.startswith(CLAIM_SUBJECTS):
                cf.write(spo + " .\n")
    names = list(handles)
    for fh in handles.values():
        fh.close()
    out: list[tuple[str | None, Path]] = []
    for i, g in enumerate(names):
        src = folder / f"{i:05d}.unsorted"
        dst = folder / f"{i:05d}.nt"
        serialize.sort_unique(src, dst)
        src.unlink()
        out.append((g[1:-1] if g else None, dst))
    default_graph, named = out[0], sorted(out[1:], key=lambda x: x[0] or "")
    return Graphs([default_graph, *named], context)


def claim_locations(cur: Curation) -> dict[str, str]:
    """claim id -> ``file:line``; files read by the fast parser are re-read with lines."""
    if any(c.line == 0 for c in cur.claims):
        cur = load_files(cur.files, fast=False)
    return {c.id: f"{c.file}:{c.line}" for c in cur.claims}


def _raise_unless_conforms(report: Report, files: list[Path]) -> None:
    """A failing or warning report names each claim's ``file:line`` (located only then)."""
    from .validate import format_text, locate

    if report.results:
        report.results = locate(report.results, claim_locations(load_files(files, fast=False)))
    if not report.conforms:
        raise NonConformance(format_text(report).rstrip())


def _swap(tmp: Path, out_dir: Path) -> None:
    """Replace out_dir by tmp with two renames; the old build survives any earlier failure."""
    old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    if out_dir.exists():
        out_dir.rename(old)
    try:
        tmp.rename(out_dir)
    except BaseException:
        if old.exists():
            old.rename(out_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _write_void(tmp: Path, n: int, cur: Summary) -> None:
    """VoID + DCAT description of the release; void:triples equals the lines of bonekg.nt."""
    x = prefixes.expand
    ds = NamedNode(RELEASE_IRI)
    lit = Literal
    integer = NamedNode(x("xsd:integer"))
    out: list[Triple] = []

    def add(s: NamedNode, p: str, o: NamedNode | Literal) -> None:
        out.append(Triple(s, NamedNode(x(p)), o))

    add(ds, "rdf:type", NamedNode(x("void:Dataset")))
    add(ds, "rdf:type", NamedNode(x("dcat:Dataset")))
    add(
        ds,
        "dcterms:title",
        lit("bonekg: miRNA and exosome claims in bone remodelling", language="en"),
    )
    add(
        ds,
        "dcterms:description",
        lit(
            "Curated claims from review articles on how microRNAs and exosomes regulate "
            "bone remodelling, each with its verbatim supporting sentence, citation and "
            "identifiers from miRBase, HGNC, GO, CL, UBERON, DOID/MONDO, ECO, RO, NCBITaxon "
            "and ChEBI.",
            language="en",
        ),
    )
    add(ds, "dcterms:license", NamedNode("https://creativecommons.org/licenses/by/4.0/"))
    add(ds, "owl:versionInfo", lit(__version__))
    add(ds, "pav:version", lit(__version__))
    add(ds, "void:triples", lit(str(n), datatype=integer))
    add(ds, "void:uriSpace", lit("https://w3id.org/bonekg/"))
    add(ds, "void:vocabulary", NamedNode(x("bkg:")))
    add(ds, "void:feature", NamedNode("http://www.w3.org/ns/formats/N-Triples"))
    add(ds, "void:feature", NamedNode("http://www.w3.org/ns/formats/Turtle"))
    add(ds, "void:feature", NamedNode("http://www.w3.org/ns/formats/JSON-LD"))
    add(ds, "void:feature", NamedNode("http://www.w3.org/ns/formats/RDF_XML"))
    add(ds, "void:feature", NamedNode("http://www.w3.org/ns/formats/TriG"))
    add(ds, "dcterms:isPartOf", NamedNode(RELEASE_GRAPH))
    claims = sorted(cid for ids in cur.claim_ids.values() for cid in ids)
    for cid in claims[:3]:
        add(ds, "void:exampleResource", NamedNode(x(f"claim:{cid}")))
    for name, media in OUTPUTS.items():
        if not (tmp / name).exists():
            continue
        dist = NamedNode(f"{RELEASE_IRI}/{name}")
        if name != "mappings.sssom.tsv":
            add(ds, "void:dataDump", dist)
        add(ds, "dcat:distribution", dist)
        add(dist, "rdf:type", NamedNode(x("dcat:Distribution")))
        add(dist, "dcat:downloadURL", dist)
        add(dist, "dcat:mediaType", lit(media))
        add(dist, "dcat:byteSize", lit(str((tmp / name).stat().st_size), datatype=integer))
    for review in sorted(cur.reviews, key=lambda r: r.id):
        sub = NamedNode(prefixes.expand(f"graph:{review.id}"))
        n_claims = len(cur.claim_ids.get(review.id, []))
        add(ds, "void:subset", sub)
        add(sub, "rdf:type", NamedNode(x("void:Dataset")))
        add(sub, "dcterms:title", lit(f"claims of review {review.id}", language="en"))
        add(sub, "void:entities", lit(str(n_claims), datatype=integer))
    ox_serialize(
        sorted(out, key=str),
        str(tmp / "void.ttl"),
        RdfFormat.TURTLE,
        prefixes=serialize.all_prefixes(),
    )


def _write_manifest(tmp: Path, n: int, claims: int, known: dict[str, str]) -> dict[str, str]:
    """manifest.json: every file's sha256 (``known`` ones were hashed while being written)."""
    files = {
        p.name: known.get(p.name) or serialize.sha256_file(p)
        for p in sorted(tmp.iterdir())
        if p.is_file() and p.name != "manifest.json"
    }
    manifest = {
        "name": "bonekg",
        "version": __version__,
        "release": RELEASE_IRI,
        "graph": RELEASE_GRAPH,
        "triples": n,
        "claims": claims,
        "files": {k: {"sha256": v, "bytes": (tmp / k).stat().st_size} for k, v in files.items()},
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return files
