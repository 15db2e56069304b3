"""The TBox: one label and a definition per term, alignments, and the prefix map command."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS

from bonekg import prefixes
from bonekg.build import BuildResult

from .conftest import REPO

BKG = "https://w3id.org/bonekg/vocab/"
IAO_DEFINITION = rdflib.URIRef("http://purl.obolibrary.org/obo/IAO_0000115")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")


def _tbox() -> rdflib.Graph:
    return rdflib.Graph().parse(REPO / "ontology" / "bonekg.ttl", format="turtle")


def test_ontology_header_has_title_description_license_and_versions() -> None:
    g = _tbox()
    (onto,) = list(g.subjects(RDF.type, OWL.Ontology))
    for p in (DCT.title, DCT.description, DCT.license, OWL.versionIRI, OWL.versionInfo):
        assert g.value(onto, p) is not None, p
    assert str(g.value(onto, DCT.license)) == "https://creativecommons.org/licenses/by/4.0/"


def test_every_bonekg_term_has_exactly_one_label_and_a_definition() -> None:
    g = _tbox()
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    terms = {s for k in kinds for s in g.subjects(RDF.type, k) if str(s).startswith(BKG)}
    assert len(terms) > 40
    for t in sorted(terms):
        assert len(list(g.objects(t, RDFS.label))) == 1, f"{t} needs exactly one rdfs:label"
        assert g.value(t, IAO_DEFINITION) is not None, f"{t} needs a definition (IAO:0000115)"


def test_core_terms_are_aligned_to_oban_biolink_prov_or_sio() -> None:
    g = _tbox()
    aligned = {
        str(s)
        for s, p, _ in g
        if str(s).startswith(BKG)
        and p
        in (RDFS.subClassOf, RDFS.subPropertyOf, rdflib.SKOS.exactMatch, rdflib.SKOS.closeMatch)
    }
    for local in (
        "Claim",
        "Evidence",
        "subject",
        "predicate",
        "object",
        "evidence",
        "supportingText",
    ):
        assert BKG + local in aligned, local


def test_prefixes_command_prints_every_format() -> None:
    pm = json.loads((REPO / "ontology" / "prefixes.json").read_text(encoding="utf-8"))
    for fmt in ("json", "jsonld", "turtle", "shacl"):
        r = subprocess.run(
            [sys.executable, "-m", "bonekg.cli", "prefixes", "--format", fmt],
            capture_output=True,
            text=True,
            check=True,
        )
        if fmt == "json":
            assert json.loads(r.stdout) == pm
        elif fmt == "jsonld":
            ctx = json.loads(r.stdout)["@context"]
            assert ctx["GO"] == {"@id": pm["GO"], "@prefix": True}
        else:
            g = rdflib.Graph().parse(data=r.stdout, format="turtle")
            if fmt == "turtle":
                assert dict(g.namespaces())["GO"] == rdflib.URIRef(pm["GO"])
            else:
                sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
                assert len(list(g.objects(None, sh.declare))) == len(pm)


def test_compress_agrees_with_the_curies_converter_on_every_iri_of_the_curated_graph(
    real_build: BuildResult,
) -> None:
    nt = (real_build.out_dir / "bonekg.nt").read_text(encoding="utf-8")
    iris = set(re.findall(r"<([^>\s]+)>", nt))
    iris |= {ns for ns in prefixes.prefix_map().values()}  # a namespace alone: "prefix:"
    iris |= {"http://example.org/x", "https://w3id.org/bonekg/", "urn:x"}
    conv = prefixes.converter()
    assert len(iris) > 1000
    for iri in iris:
        expected = conv.compress(iri, strict=False) or iri
        assert prefixes.compress(iri) == expected, iri


def test_expand_agrees_with_the_curies_converter_on_every_curie_of_the_curated_graph(
    real_build: BuildResult,
) -> None:
    nt = (real_build.out_dir / "bonekg.nt").read_text(encoding="utf-8")
    iris = set(re.findall(r"<([^>\s]+)>", nt))
    curies_ = {c for c in map(prefixes.compress, iris) if c not in iris}
    curies_ |= {f"{p}:" for p in prefixes.prefix_map()}  # a namespace alone
    curies_ |= {f"{s}:5" for s in prefixes.SYNONYMS}  # HGNC:5 -> hgnc:5
    conv = prefixes.converter()
    assert len(curies_) > 1000
    for curie in curies_:
        assert prefixes.expand(curie) == conv.expand(curie, strict=True), curie
    assert conv.expand("nosuchprefix:1", strict=False) is None
    for unknown in ("nosuchprefix:1", "no-colon", ""):
        with pytest.raises(KeyError):
            prefixes.expand(unknown)
