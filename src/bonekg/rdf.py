"""Typed records -> RDF, one named graph per source review, as N-Triples text.

Terms are written directly as canonical N-Triples strings (the same escaping as Oxigraph's
serialiser, see :func:`nt_literal`), and quads are ``(graph, "s p o")`` pairs: a million claims
become ~17 million lines that stream to disk and are sorted there, without building a Python
object per term. Every external IRI is expanded from a CURIE through the one converter
(:mod:`bonekg.prefixes`); bonekg's own per-claim IRIs use the converter's namespaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox

from . import __version__
from .errors import InputError
from .model import Claim, ClaimKind, Curation, Entity, EntityKind, Ref, Reference, Review, Text
from .prefixes import expand, namespace

Term = str  # an N-Triples term: <iri> or "literal"…
Quad = tuple[str, str]  # (graph term or "" for the default graph, "s p o")

# Canonical N-Triples escaping (as Oxigraph writes it): ECHARs for \b \t \n \f \r \" \\,
# \uXXXX for the other control characters; everything else verbatim (UTF-8).
_ESCAPES = {i: f"\\u{i:04X}" for i in [*range(0x20), 0x7F]}
_ESCAPES.update({0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r",
                 0x22: '\\"', 0x5C: "\\\\"})  # fmt: skip


# Whether a text needs any escape at all (most do not: translate is then skipped).
_NEEDS_ESCAPE = re.compile('[\x00-\x1f\x7f"\\\\]')


def nt_literal(text: str, language: str | None = None, datatype: Term | None = None) -> Term:
    if _NEEDS_ESCAPE.search(text) is None:
        body = '"' + text + '"'
    else:
        body = '"' + text.translate(_ESCAPES) + '"'
    if language:
        return f"{body}@{_language_tag(language)}"
    if datatype and datatype != XSD_STRING:
        return f"{body}^^{datatype}"
    return body


# What an absolute IRI may not contain (RFC 3987); the loader's patterns keep curated
# identifiers clear of these, and this check makes sure the N-Triples never carry one.
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`]')


class IriError(InputError):
    """A value that cannot be written as an IRI."""


def NamedNode(value: str) -> Term:
    """An IRI term, checked as strictly as Oxigraph's parser would (RFC 3987: scheme, code
    points, percent-encoding). The release files are parsed without that check (it cost a
    quarter of each parse of the whole graph), so it happens here, once per distinct IRI:
    every IRI the build writes is minted by this function (through the cached :func:`iri`),
    or comes from the strictly parsed ontology, or is a claim or evidence IRI made of a
    checked curation id."""
    if _NOT_IN_IRI.search(value) is not None or ":" not in value:
        raise IriError(f"{value!r} is not an absolute IRI")
    try:
        ox.NamedNode(value)
    except ValueError as exc:
        raise IriError(f"{value!r} is not a valid IRI: {exc}") from exc
    return f"<{value}>"


@cache
def _language_tag(tag: str) -> str:
    """A BCP 47 language tag, checked by Oxigraph once per distinct tag (the release files
    are parsed without the check)."""
    try:
        ox.Literal("", language=tag)
    except ValueError as exc:
        raise IriError(f"{tag!r} is not a valid language tag: {exc}") from exc
    return tag


def Literal(text: str, language: str | None = None, datatype: Term | None = None) -> Term:
    return nt_literal(text, language, datatype)


def DefaultGraph() -> str:
    return ""


def _quad(s: Term, p: Term, o: Term, g: str) -> Quad:
    return (g, f"{s} {p} {o}")


BASE = "https://w3id.org/bonekg/"
RELEASE_IRI = f"{BASE}releases/{__version__}"
RELEASE_GRAPH = f"{RELEASE_IRI}/graph"
ONTOLOGY_GRAPH_NAME = "ontology"

_ARM = re.compile(r".*-[35]p$")


@cache
@cache
def iri(curie: str) -> Term:
    return NamedNode(expand(curie))


XSD_STRING = "<http://www.w3.org/2001/XMLSchema#string>"


RDF_TYPE = iri("rdf:type")
RDFS_LABEL = iri("rdfs:label")
OWL_NAMED_INDIVIDUAL = iri("owl:NamedIndividual")
XSD_INTEGER = iri("xsd:integer")
XSD_BOOLEAN = iri("xsd:boolean")


class V:
    """The bkg vocabulary terms the generator writes (must exist in ontology/bonekg.ttl)."""

    Claim = iri("bkg:Claim")
    Evidence = iri("bkg:Evidence")
    Review = iri("bkg:Review")
    Reference = iri("bkg:Reference")
    MiRNA = iri("bkg:MiRNA")
    MatureMiRNA = iri("bkg:MatureMiRNA")
    MiRNAPrecursorFamily = iri("bkg:MiRNAPrecursorFamily")
    NonCodingRNA = iri("bkg:NonCodingRNA")
    Exosome = iri("bkg:Exosome")
    CellLine = iri("bkg:CellLine")
    Intervention = iri("bkg:Intervention")
    subject = iri("bkg:subject")
    predicate = iri("bkg:predicate")
    object = iri("bkg:object")
    evidence = iri("bkg:evidence")
    organism = iri("bkg:organism")
    cellType = iri("bkg:cellType")
    anatomy = iri("bkg:anatomy")
    disease = iri("bkg:disease")
    experimentalSystem = iri("bkg:experimentalSystem")
    speciesGene = iri("bkg:speciesGene")
    carrier = iri("bkg:carrier")
    recipientCellType = iri("bkg:recipientCellType")
    secretedBy = iri("bkg:secretedBy")
    statedIn = iri("bkg:statedIn")
    citesReference = iri("bkg:citesReference")
    hasReference = iri("bkg:hasReference")
    modelsCellType = iri("bkg:modelsCellType")
    supportingText = iri("bkg:supportingText")
    section = iri("bkg:section")
    referenceNumber = iri("bkg:referenceNumber")
    curationId = iri("bkg:curationId")
    curatorNote = iri("bkg:curatorNote")
    diseaseModel = iri("bkg:diseaseModel")
    levelChange = iri("bkg:levelChange")
    correlation = iri("bkg:correlation")
    hedged = iri("bkg:hedged")
    donorText = iri("bkg:donorText")
    sourceFile = iri("bkg:sourceFile")
    publicationYear = iri("bkg:publicationYear")
    journal = iri("bkg:journal")
    author = iri("bkg:author")
    in_taxon = iri("RO:0002162")
    title = iri("dcterms:title")
    license = iri("dcterms:license")
    identifier = iri("dcterms:identifier")
    citation = iri("dcterms:bibliographicCitation")
    page = iri("rdfs:seeAlso")


KIND_CLASS: dict[ClaimKind, Term] = {
    ClaimKind.REGULATION: iri("bkg:RegulationClaim"),
    ClaimKind.TRANSFER: iri("bkg:TransferClaim"),
    ClaimKind.BIOMARKER: iri("bkg:BiomarkerClaim"),
    ClaimKind.EXPRESSION: iri("bkg:ExpressionClaim"),
    ClaimKind.INTERVENTION: iri("bkg:InterventionClaim"),
    ClaimKind.SPONGE: iri("bkg:SpongeClaim"),
}

SPDX_LICENSES: dict[str, str] = {
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC-BY-3.0": "https://creativecommons.org/licenses/by/3.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "CC-BY-NC-4.0": "https://creativecommons.org/licenses/by-nc/4.0/",
}


def graph_iri(review_id: str) -> Term:
    return iri(f"graph:{review_id}")


_CLAIM_NS = namespace("claim")
_EVIDENCE_NS = namespace("evidence")


def claim_iri(claim_id: str) -> Term:
    return f"<{_CLAIM_NS}{claim_id}>"


def review_iri(review: Review) -> Term:
    return iri(f"doi:{review.doi}") if review.doi else iri(f"review:{review.id}")


def reference_iri(ref: Reference) -> Term:
    return iri(f"doi:{ref.doi}") if ref.doi else iri(f"reference:{ref.review}-{ref.number}")


def exosome_curie(claim: Claim) -> str:
    """One exosome population per donor class; a per-claim one when the donor is only text."""
    assert claim.carrier is not None
    if claim.carrier.donor is not None:
        return "exosome:" + claim.carrier.donor.curie.replace(":", "_")
    return f"exosome:{claim.id}"


def _lit(text: str, lang: str | None = None) -> Term:
    return Literal(text, language=lang) if lang else Literal(text)


def _texts(t: Text, default_lang: str = "en") -> list[Term]:
    return [_lit(v, lang or default_lang) for lang, v in t.values]


@dataclass
class Labels:
    """Labels of entities (from the TBox and import modules) used to name claims and exosomes."""

    by_iri: Mapping[str, str]

    def of(self, ref: Ref | None, fallback: str = "exosome") -> str:
        if ref is None:
            return fallback
        return self.by_iri.get(expand(ref.curie), ref.label or ref.curie)


def curation_quads(cur: Curation, labels: Labels) -> Iterator[Quad]:
    """All quads of a curation: per-review graphs plus shared minted entities (default graph)."""
    reviews = {r.id: r for r in cur.reviews}
    refs_by_key = {(r.review, r.number): r for r in cur.references}
    for review in cur.reviews:
        yield from _review_quads(review, [r for r in cur.references if r.review == review.id])
    for entity in cur.entities:
        yield from _entity_quads(entity)
    seen_mirna: set[str] = set()
    seen_exosome: set[str] = set()
    for claim in cur.claims:
        g = graph_iri(claim.review)
        for q in _claim_triples(claim, reviews[claim.review], refs_by_key, labels):
            yield _quad(q[0], q[1], q[2], g)
        for ref in claim.refs():
            if ref.prefix == "mirna" and ref.curie not in seen_mirna:
                seen_mirna.add(ref.curie)
                yield from _mirna_quads(ref.curie)
        if claim.carrier is not None:
            ex = exosome_curie(claim)
            if ex not in seen_exosome:
                seen_exosome.add(ex)
                yield from _exosome_quads(ex, claim, labels)


Triple3 = tuple[Term, Term, Term]


def _review_quads(review: Review, references: Iterable[Reference]) -> Iterator[Quad]:
    g = graph_iri(review.id)
    s = review_iri(review)
    triples: list[Triple3] = [
        (s, RDF_TYPE, OWL_NAMED_INDIVIDUAL),
        (s, RDF_TYPE, V.Review),
        (s, V.identifier, _lit(review.id)),
        (s, V.publicationYear, Literal(str(review.year), datatype=XSD_INTEGER)),
        (s, V.sourceFile, _lit(review.source_file)),
    ]
    label = review.title.get("en") or review.title.get("") or review.title.values[0][1]
    triples.append((s, RDFS_LABEL, _lit(label, "en" if review.title.get("en") else None)))
    triples += [(s, V.title, t) for t in _texts(review.title, review.language)]
    triples += [(s, V.journal, t) for t in _texts(review.journal, review.language)]
    for lang, names in review.authors:
        triples.append((s, V.author, _lit(", ".join(names), lang or None)))
    if review.citation:
        triples.append((s, V.citation, _lit(review.citation)))
    if review.license:
        lic = SPDX_LICENSES.get(review.license)
        triples.append((s, V.license, NamedNode(lic) if lic else _lit(review.license)))
    if review.url:
        triples.append((s, V.page, NamedNode(review.url)))
    for ref in references:
        r = reference_iri(ref)
        triples += [
            (s, V.hasReference, r),
            (r, RDF_TYPE, OWL_NAMED_INDIVIDUAL),
            (r, RDF_TYPE, V.Reference),
            (r, V.citation, _lit(ref.citation)),
            (r, RDFS_LABEL, _lit(ref.citation)),
        ]
        if ref.note:
            triples.append((r, V.curatorNote, _lit(ref.note, "en")))
    for t in triples:
        yield _quad(t[0], t[1], t[2], g)


def _entity_quads(e: Entity) -> Iterator[Quad]:
    s = iri(e.curie)
    g = DefaultGraph()
    cls = {
        EntityKind.CELL_LINE: V.CellLine,
        EntityKind.NCRNA: V.NonCodingRNA,
        EntityKind.INTERVENTION: V.Intervention,
        EntityKind.MIRNA: V.MiRNA,
    }[e.kind]
    yield _quad(s, RDF_TYPE, OWL_NAMED_INDIVIDUAL, g)
    yield _quad(s, RDF_TYPE, cls, g)
    if e.label is not None:
        for lang, text in e.label.values:
            yield _quad(s, RDFS_LABEL, _lit(text, lang or None), g)
    if e.organism is not None:
        yield _quad(s, V.in_taxon, iri(e.organism.curie), g)
    if e.models is not None:
        yield _quad(s, V.modelsCellType, iri(e.models.curie), g)
    if e.note:
        yield _quad(s, V.curatorNote, _lit(e.note, "en"), g)


def mirna_class(name: str) -> Term:
    return V.MatureMiRNA if _ARM.match(name) else V.MiRNAPrecursorFamily


def _mirna_quads(curie: str) -> Iterator[Quad]:
    s = iri(curie)
    name = curie.partition(":")[2]
    g = DefaultGraph()
    yield _quad(s, RDF_TYPE, OWL_NAMED_INDIVIDUAL, g)
    yield _quad(s, RDF_TYPE, V.MiRNA, g)
    yield _quad(s, RDF_TYPE, mirna_class(name), g)
    yield _quad(s, RDFS_LABEL, _lit(name), g)


def _exosome_quads(curie: str, claim: Claim, labels: Labels) -> Iterator[Quad]:
    assert claim.carrier is not None
    s = iri(curie)
    g = DefaultGraph()
    yield _quad(s, RDF_TYPE, OWL_NAMED_INDIVIDUAL, g)
    yield _quad(s, RDF_TYPE, V.Exosome, g)
    donor = claim.carrier.donor
    if donor is not None:
        yield _quad(s, V.secretedBy, iri(donor.curie), g)
        yield _quad(s, RDFS_LABEL, _lit(f"exosomes secreted by {labels.of(donor)}", "en"), g)
    else:
        text = claim.carrier.donor_text or "an unnamed source"
        yield _quad(s, RDFS_LABEL, _lit(f"exosomes from {text} ({claim.id})", "en"), g)


def claim_label(claim: Claim, labels: Labels) -> str:
    subj = labels.of(claim.subject, "exosomes") if claim.subject else None
    if subj is None and claim.carrier is not None and claim.carrier.donor is not None:
        subj = f"exosomes of {labels.of(claim.carrier.donor)}"
    return f"{subj or 'exosomes'} {labels.of(claim.predicate)} {labels.of(claim.object)}"


def _claim_triples(
    c: Claim,
    review: Review,
    refs: Mapping[tuple[str, int], Reference],
    labels: Labels,
) -> Iterator[Triple3]:
    s = claim_iri(c.id)
    yield (s, RDF_TYPE, OWL_NAMED_INDIVIDUAL)
    yield (s, RDF_TYPE, V.Claim)
    yield (s, RDF_TYPE, KIND_CLASS[c.kind])
    yield (s, V.curationId, _lit(c.id))
    yield (s, RDFS_LABEL, _lit(claim_label(c, labels), "en"))
    subject = iri(exosome_curie(c)) if c.subject is None else iri(c.subject.curie)
    yield (s, V.subject, subject)
    yield (s, V.predicate, iri(c.predicate.curie))
    yield (s, V.object, iri(c.object.curie))
    for prop, values in (
        (V.organism, c.organism),
        (V.cellType, c.cell_types),
        (V.anatomy, c.anatomy),
        (V.disease, c.disease),
        (V.experimentalSystem, c.experimental_system),
    ):
        for v in values:
            yield (s, prop, iri(v.curie))
    if c.species_gene is not None:
        yield (s, V.speciesGene, iri(c.species_gene.curie))
    if c.carrier is not None:
        yield (s, V.carrier, iri(exosome_curie(c)))
        if c.carrier.recipient is not None:
            yield (s, V.recipientCellType, iri(c.carrier.recipient.curie))
        if c.carrier.donor_text:
            yield (s, V.donorText, _lit(c.carrier.donor_text, c.quote_lang))
    if c.disease_model:
        yield (s, V.diseaseModel, _lit(c.disease_model, c.quote_lang))
    if c.level:
        yield (s, V.levelChange, _lit(c.level))
    if c.correlation:
        yield (s, V.correlation, _lit(c.correlation))
    if c.hedged:
        yield (s, V.hedged, Literal("true", datatype=XSD_BOOLEAN))
    if c.note:
        yield (s, V.curatorNote, _lit(c.note, "en"))
    # One evidence per (statement, cited reference); a statement citing nothing gets one
    # evidence without a reference (ECO:0000303 unless the curator chose another code).
    statements = [(c.section, c.quote, c.references)]
    statements += [(x.section, x.quote, x.references) for x in c.also_stated]
    i = 0
    for section, quote, numbers in statements:
        eco = c.evidence_code.curie
        if not numbers and eco == "ECO:0000304":
            eco = "ECO:0000303"
        nums: list[int | None] = list(numbers) or [None]
        for num in nums:
            i += 1
            e = f"<{_EVIDENCE_NS}{c.id}-{i}>"
            yield (s, V.evidence, e)
            yield (e, RDF_TYPE, OWL_NAMED_INDIVIDUAL)
            yield (e, RDF_TYPE, V.Evidence)
            yield (e, RDF_TYPE, iri(eco))
            yield (e, V.statedIn, review_iri(review))
            yield (e, V.section, _lit(section))
            yield (e, V.supportingText, _lit(quote, c.quote_lang))
            if num is not None:
                yield (e, V.citesReference, reference_iri(refs[(c.review, num)]))
                yield (e, V.referenceNumber, Literal(str(num), datatype=XSD_INTEGER))
