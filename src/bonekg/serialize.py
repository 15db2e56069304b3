"""Write the release files from the sorted N-Triples of a build.

N-Triples are sorted and de-duplicated by sort(1) (:func:`sort_unique`, :func:`merge_unique`);
Turtle and RDF/XML are streamed through Oxigraph's serialisers (in Rust); TriG and compacted
JSON-LD are streamed from the sorted text. None of them holds the graph in memory. Every
writer is deterministic: two builds of the same commit are byte-identical.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pyoxigraph import RdfFormat
from pyoxigraph import parse as ox_parse
from pyoxigraph import serialize as ox_serialize

from . import prefixes

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def _sort_command(buffer: str = "1G") -> list[str] | None:
    """GNU sort by bytes without duplicates; larger inputs spill to temporary files."""
    exe = shutil.which("sort")
    return [exe, "-u", "-S", buffer] if exe else None


def sort_unique(src: Path, dst: Path) -> int:
    """Sort the lines of ``src`` by code point, drop duplicates, write ``dst``; return lines.

    GNU sort (byte order under LC_ALL=C, which is code-point order for UTF-8) sorts files of
    any size in bounded memory; Python's sort is the fallback.
    """
    cmd = _sort_command()
    if cmd is not None:
        env = {**os.environ, "LC_ALL": "C"}
        subprocess.run([*cmd, "-o", str(dst), str(src)], check=True, env=env)
    else:  # pragma: no cover - every supported platform has sort(1)
        with src.open(encoding="utf-8") as fh:
            lines = sorted(set(fh))
        with dst.open("w", encoding="utf-8", newline="\n") as out:
            out.writelines(lines)
    return count_lines(dst)


# Inputs merged in one pass (each is an open file; the usual limit is 1024).
MAX_MERGE = 512


def merge_unique(srcs: Sequence[Path], dst: Path) -> int:
    """Merge already sorted files into one sorted file without duplicates."""
    cmd = _sort_command("64M")  # a merge streams: it needs no sort buffer
    if cmd is not None:
        env = {**os.environ, "LC_ALL": "C"}
        # All inputs in one pass: by default sort merges 16 at a time through temporary files,
        # which reads and writes a 1M-claim graph several times over.
        batch = f"--batch-size={min(max(len(srcs), 2), MAX_MERGE)}"
        subprocess.run([*cmd, "-m", batch, "-o", str(dst), *map(str, srcs)], check=True, env=env)
    else:  # pragma: no cover
        import heapq

        handles = [p.open(encoding="utf-8") for p in srcs]
        try:
            with dst.open("w", encoding="utf-8", newline="\n") as out:
                last = None
                for line in heapq.merge(*handles):
                    if line != last:
                        out.write(line)
                        last = line
        finally:
            for h in handles:
                h.close()
    return count_lines(dst)


def sha256_file(path: Path) -> str:
    """The hex SHA-256 of a file, read in 4 MB blocks."""
    import hashlib

    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()


def count_lines(path: Path) -> int:
    n = 0
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            n += chunk.count(b"\n")
    return n


def all_prefixes() -> dict[str, str]:
    """Every prefix of the project map, sorted: Turtle readers see the same CURIEs as SPARQL."""
    return dict(sorted(prefixes.prefix_map().items(), key=lambda kv: kv[0].lower()))


# N-Triples read per piece by the Turtle + RDF/XML writer (about 100k triples: ~100 MB of
# Python objects), always cut between two subjects.
PIECE_BYTES = 16 << 20
_XML_END = b"</rdf:RDF>"


# The writers work on byte ranges of the sorted N-Triples (cut between subjects) of about this
# size, as separate jobs: many short jobs keep both cores busy to the end of a build, where
# two long ones (Turtle + RDF/XML, JSON-LD) left one core idle while the other finished.
PART_BYTES = 48 << 20


def subject_ranges(nt: Path, part: int | None = None) -> list[tuple[int, int]]:
    """Byte ranges ``[start, end)`` of about ``part`` bytes (default PART_BYTES) covering the
    file, each starting at a line whose subject differs from the line before (so no subject
    is split)."""
    part = part or PART_BYTES
    size = nt.stat().st_size
    cuts = [0]
    with nt.open("rb") as fh:
        pos = part
        while pos < size:
            fh.seek(pos)
            fh.readline()  # the rest of the line ``pos`` falls in
            first = fh.readline()
            if not first:
                break
            subject = first[: first.index(b" ") + 1]
            while True:
                at = fh.tell()
                line = fh.readline()
                if not line:
                    at = size
                    break
                if not line.startswith(subject):
                    break
            if at >= size:
                break
            cuts.append(at)
            pos = at + part
    cuts.append(size)
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


def _range_blocks(nt: Path, start: int, end: int, size: int) -> Iterator[bytes]:
    with nt.open("rb") as fh:
        fh.seek(start)
        left = end - start
        while left > 0:
            block = fh.read(min(size, left))
            if not block:
                break
            left -= len(block)
            yield block


def subject_pieces(
    nt: Path, size: int = PIECE_BYTES, start: int = 0, end: int | None = None
) -> Iterator[bytes]:
    """The sorted N-Triples (or the byte range ``[start, end)`` of them, which must begin and
    end between subjects) in pieces of about ``size`` bytes, each holding whole subjects."""
    rest = b""
    stop = nt.stat().st_size if end is None else end
    for block in _range_blocks(nt, start, stop, size):
        data = rest + block
        last = data.rfind(b"\n") + 1
        if last == 0:
            rest = data
            continue
        # Back up to the first line of the last subject, which may go on in the next block.
        line = data.rfind(b"\n", 0, last - 1) + 1
        subject = data[line : data.index(b" ", line) + 1]
        cut = line
        while cut > 0:
            prev = data.rfind(b"\n", 0, cut - 1) + 1
            if not data.startswith(subject, prev):
                break
            cut = prev
        if cut == 0:  # one subject fills the block: keep reading
            rest = data
            continue
        yield data[:cut]
        rest = data[cut:]
    if rest:
        yield rest


def write_turtle_and_rdfxml(nt: Path, ttl: Path, owl: Path, piece: int = PIECE_BYTES) -> None:
    """Turtle and RDF/XML of the whole sorted N-Triples file (one part, see plan_parts)."""
    stem = ttl.with_name(ttl.name + ".part")
    asm = Assembler(ttl=ttl, owl=owl)
    try:
        asm.add(_turtle_and_rdfxml_part(nt, 0, nt.stat().st_size, stem, piece))
    finally:
        asm.close()


@dataclass(frozen=True)
class Part:
    """The output of one writer job over one byte range: body files and the headers seen."""

    kind: str  # "ttl+owl" or "jsonld"
    files: tuple[Path, ...]
    heads: tuple[bytes, ...] = ()  # the Turtle prefixes and RDF/XML head, if any triples


def write_part(kind: str, nt: Path, start: int, end: int, stem: Path) -> Part:
    """A writer job: the body of ``kind`` ("ttl+owl" or "jsonld") for ``[start, end)``."""
    if kind == "ttl+owl":
        return _turtle_and_rdfxml_part(nt, start, end, stem)
    if kind == "jsonld":
        return _jsonld_part(nt, start, end, stem)
    raise ValueError(f"unknown release part {kind!r}")


def _turtle_and_rdfxml_part(
    nt: Path, start: int, end: int, stem: Path, piece: int = PIECE_BYTES
) -> Part:
    """Turtle and RDF/XML from one parse of a range of the sorted N-Triples, piece by piece.

    Parsing into Python terms costs more than both of Oxigraph's serialisers together, so each
    piece is parsed once and written in both formats. The pieces hold whole subjects, so ``;``
    and ``,`` abbreviate as in one document; each piece's Turtle prefixes and its RDF/XML
    header and footer are cut off (written once, by the assembly). Memory is bounded by the
    piece size. The text is the build's own N-Triples, parsed without Oxigraph's IRI and
    language tag checks: :func:`bonekg.rdf.NamedNode` made the same checks once per distinct
    term when it was written.
    """
    pm = all_prefixes()
    xml_pm = _xml_prefixes(pm)
    ttl_head: bytes | None = None
    xml_head: bytes | None = None
    ttl, owl = stem.with_suffix(".ttl"), stem.with_suffix(".owl")
    with ttl.open("wb") as t_out, owl.open("wb") as x_out:
        for text in subject_pieces(nt, piece, start, end):
            triples = list(ox_parse(text, format=RdfFormat.N_TRIPLES, lenient=True))
            t_doc = ox_serialize(triples, format=RdfFormat.TURTLE, prefixes=pm) or b""
            x_doc = ox_serialize(triples, format=RdfFormat.RDF_XML, prefixes=xml_pm) or b""
            if ttl_head is None:
                cut = 0
                while t_doc.startswith(b"@prefix ", cut):
                    cut = t_doc.index(b"\n", cut) + 1
                ttl_head = t_doc[:cut]
            if xml_head is None:
                xml_head = x_doc[: x_doc.index(b">\n", x_doc.index(b"<rdf:RDF")) + 2]
            if not (t_doc.startswith(ttl_head) and x_doc.startswith(xml_head)):
                raise ValueError(f"{nt}: serialiser header changed between pieces")
            t_out.write(t_doc[len(ttl_head) :])
            x_out.write(x_doc[len(xml_head) : -len(_XML_END)])
    heads = () if ttl_head is None or xml_head is None else (ttl_head, xml_head)
    return Part("ttl+owl", (ttl, owl), heads)


def _xml_prefixes(pm: dict[str, str]) -> dict[str, str]:
    return {p: ns for p, ns in pm.items() if "." not in p}  # XML prefixes are NCNames


class _HashedFile:
    """An output file hashed (sha256) as it is appended to."""

    def __init__(self, path: Path) -> None:
        import hashlib

        self.path = path
        self.fh = path.open("wb")
        self.sha = hashlib.sha256()

    def write(self, data: bytes) -> None:
        self.sha.update(data)
        self.fh.write(data)

    def append(self, src: Path) -> None:
        with src.open("rb") as fh:
            while block := fh.read(1 << 22):
                self.write(block)

    def close(self) -> str:
        self.fh.close()
        return self.sha.hexdigest()


class Assembler:
    """Appends writer parts to the release files as they arrive, so the copying and hashing
    overlap the jobs still running; each kind's parts must come in range order.

    Turtle and RDF/XML get their header from the first part that holds triples (an empty
    graph gives empty Turtle and an empty RDF/XML document); JSON-LD gets the context first
    and its node objects joined as in one document. A part's files are deleted once copied.
    """

    def __init__(
        self, ttl: Path | None = None, owl: Path | None = None, jsonld: Path | None = None
    ) -> None:
        self.ttl = _HashedFile(ttl) if ttl else None
        self.owl = _HashedFile(owl) if owl else None
        self.jsonld = _HashedFile(jsonld) if jsonld else None
        self.heads: tuple[bytes, ...] = ()
        self.sep = b"\n    "
        if self.jsonld is not None:
            self.jsonld.write(_jsonld_head())

    def add(self, part: Part) -> None:
        if part.kind == "ttl+owl" and self.ttl is not None and self.owl is not None:
            if part.heads:
                if not self.heads:
                    self.heads = part.heads
                    self.ttl.write(part.heads[0])
                    self.owl.write(part.heads[1])
                elif part.heads != self.heads:
                    raise ValueError("serialiser headers differ between parts")
                self.ttl.append(part.files[0])
                self.owl.append(part.files[1])
        elif part.kind == "jsonld" and self.jsonld is not None:
            if part.heads:  # the part holds at least one node object
                self.jsonld.write(self.sep)
                self.jsonld.append(part.files[0])
                self.sep = _NODE_SEP.encode()
        else:
            raise ValueError(f"no output for a {part.kind} part")
        for f in part.files:
            f.unlink(missing_ok=True)

    def close(self) -> dict[str, str]:
        """Finish the files; return their sha256 by name."""
        out: dict[str, str] = {}
        if self.owl is not None:
            if self.heads:
                self.owl.write(_XML_END)
            else:  # an empty graph
                pm = _xml_prefixes(all_prefixes())
                self.owl.write(ox_serialize([], format=RdfFormat.RDF_XML, prefixes=pm) or b"")
        if self.jsonld is not None:
            self.jsonld.write(b"\n  ]\n}\n")
        for f in (self.ttl, self.owl, self.jsonld):
            if f is not None:
                out[f.path.name] = f.close()
        return out


PARTS = ("ttl+owl", "jsonld")


def plan_parts(nt: Path, work: Path) -> list[tuple[str, Path, int, int, Path]]:
    """The writer jobs for ``nt``: (kind, file, start, end, stem) for each range and kind, in
    the order an Assembler takes them; the jobs write their bodies under ``work``."""
    return [
        (kind, nt, start, end, work / f"{kind.replace('+', '-')}-{i:05d}")
        for i, (start, end) in enumerate(subject_ranges(nt))
        for kind in PARTS
    ]


def write_trig(graphs: Sequence[tuple[str | None, Path]], path: Path) -> None:
    """TriG as text: the default graph's N-Triples lines, then each named graph in braces.

    N-Triples lines are valid TriG triples, so the document is streamed without parsing, in
    the same sorted order as the N-Triples release.
    """
    with path.open("wb") as out:
        out.write(b"# bonekg release: default graph (TBox, import modules, shared entities)\n")
        for name, nt in graphs:
            if name:
                out.write(f"\n<{name}> {{\n".encode())
            with nt.open("rb") as fh:
                shutil.copyfileobj(fh, out, 1 << 20)
            if name:
                out.write(b"}\n")


# --------------------------------------------------------------------------------------------
# JSON-LD


_ECHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_UCHAR = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")


def nt_unescape(text: str) -> str:
    """The text of an N-Triples string literal (between its quotes), with escapes decoded."""
    if "\\" not in text:
        return text
    return _UCHAR.sub(
        lambda m: (
            chr(int(m.group(1) or m.group(2), 16)) if m.group(3) is None else _ECHARS[m.group(3)]
        ),
        text,
    )


def jsonld_context() -> dict[str, Any]:
    """The JSON-LD 1.1 context derived from prefixes.json.

    Every prefix is an expanded term definition with ``"@prefix": true``: OBO namespaces end in
    ``_``, which is not a gen-delim, so JSON-LD 1.1 would otherwise refuse ``GO:0001649`` as a
    compact IRI and read it as an absolute IRI with scheme ``GO``.
    """
    ctx: dict[str, Any] = {"@version": 1.1}
    for prefix, ns in prefixes.prefix_map().items():
        ctx[prefix] = {"@id": ns, "@prefix": True}
    return {"@context": ctx}


def context_text() -> str:
    return json.dumps(jsonld_context(), ensure_ascii=False, indent=2) + "\n"


class _Compactor:
    def __init__(self) -> None:
        self.by_ns, _ = prefixes.namespace_index()
        # Every namespace of the map ends in one of a few characters, so the candidate
        # namespaces of an IRI are its prefixes up to one of them, longest first: one regex
        # match each instead of one dictionary lookup per namespace length.
        ends = "".join(sorted({ns[-1] for ns in self.by_ns}))
        self.cut = re.compile(f".*[{re.escape(ends)}]", re.DOTALL)
        self.iri = lru_cache(maxsize=1 << 16)(self._iri)

    def _iri(self, value: str) -> str:
        # The longest namespace of the map that the IRI starts with, leaving a local part of
        # at least one character that does not start with '//' (it would read as an absolute
        # IRI); else the IRI itself.
        end = len(value) - 1
        while end > 0:
            m = self.cut.match(value, 0, end)
            if m is None:
                break
            k = m.end()
            prefix = self.by_ns.get(value[:k])
            if prefix is not None and not value.startswith("//", k):
                return f"{prefix}:{value[k:]}"
            end = k - 1
        return value

    def nt_value(self, o: str) -> Any:
        """The JSON-LD value of an N-Triples object term."""
        if o[0] == "<":
            return {"@id": self.iri(o[1:-1])}
        end = o.rindex('"')
        text = nt_unescape(o[1:end])
        rest = o[end + 1 :]
        if rest.startswith("@"):
            return {"@value": text, "@language": rest[1:]}
        if rest.startswith("^^<"):
            dt = rest[3:-1]
            return text if dt == XSD_STRING else {"@value": text, "@type": self.iri(dt)}
        return text


def write_jsonld(nt: Path, path: Path) -> None:
    """The compacted JSON-LD of the whole sorted N-Triples file (one part, see plan_parts)."""
    asm = Assembler(jsonld=path)
    try:
        asm.add(_jsonld_part(nt, 0, nt.stat().st_size, path.with_name(path.name + ".part")))
    finally:
        asm.close()


def _jsonld_head() -> bytes:
    ctx = jsonld_context()["@context"]
    head = '{\n  "@context": ' + json.dumps(ctx, ensure_ascii=False, indent=2).replace("\n", "\n  ")
    return (head + ',\n  "@graph": [').encode("utf-8")


_NODE_SEP = ",\n    "


def _jsonld_part(nt: Path, start: int, end: int, stem: Path) -> Part:
    """The node objects of a range of the sorted N-Triples, one per subject, in sorted order,
    separated as in the document (the assembly adds the context and the brackets).

    Works on the N-Triples text (one triple per line, subjects grouped), so there is no Python
    object per term: the JSON text of each (predicate, object) is built once and cached
    (types, relations and shared entities repeat across claims), IRIs are compacted through a
    cache and literals decoded from their N-Triples escapes. The text is what ``json`` writes
    with ``sort_keys=True`` for the same node objects.
    """
    comp = _Compactor()
    string = json.encoder.encode_basestring
    pairs: dict[str, tuple[str, str]] = {}  # "p o ." -> (JSON key, JSON value)

    def pair(rest: str) -> tuple[str, str]:
        p_end = rest.index(" ")
        p = rest[1 : p_end - 1]
        o = rest[p_end + 1 : -2]  # strip " ."
        if o[0] == "<":
            iri = string(comp.iri(o[1:-1]))
            if p == RDF_TYPE:
                return '"@type"', iri
            return string(comp.iri(p)), '{"@id": ' + iri + "}"
        end_quote = o.rindex('"')
        text = string(nt_unescape(o[1:end_quote]))
        rest_o = o[end_quote + 1 :]
        if rest_o.startswith("@"):
            value = '{"@language": ' + string(rest_o[1:]) + ', "@value": ' + text + "}"
        elif rest_o.startswith("^^<") and rest_o[3:-1] != XSD_STRING:
            value = '{"@type": ' + string(comp.iri(rest_o[3:-1])) + ', "@value": ' + text + "}"
        else:
            value = text
        return string(comp.iri(p)), value

    def node(subject: str, values: dict[str, list[str]]) -> str:
        body = "".join([f", {k}: [{', '.join(values[k])}]" for k in sorted(values)])
        return '{"@id": ' + string(comp.iri(subject[1:-1])) + body + "}"

    out_path = stem.with_suffix(".jsonld")
    found_any = False
    with out_path.open("w", encoding="utf-8", newline="\n") as out:
        sep = ""
        subject = None
        values: dict[str, list[str]] = {}
        for piece in subject_pieces(nt, PIECE_BYTES, start, end):
            lines = piece.decode("utf-8").split("\n")  # not splitlines: U+2028 is no newline
            if not lines[-1]:
                lines.pop()
            for line in lines:
                s, _, rest = line.partition(" ")
                if s != subject:
                    if subject is not None:
                        out.write(sep + node(subject, values))
                        sep = _NODE_SEP
                    subject, values = s, {}
                kv = pairs.get(rest)
                if kv is None:
                    kv = pair(rest)
                    if len(pairs) >= 1 << 18:
                        pairs.clear()  # the pairs that repeat come back at once
                    pairs[rest] = kv
                key, value = kv
                found = values.get(key)
                if found is None:
                    values[key] = [value]
                else:
                    found.append(value)
        if subject is not None:
            out.write(sep + node(subject, values))
            found_any = True
    return Part("jsonld", (out_path,), (b"nodes",) if found_any else ())
