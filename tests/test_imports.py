"""Import modules: complete ancestry, exact labels, the miRBase naming rule, determinism.

The expected ancestries are computed here straight from the upstream files (json/csv/regex),
independently of ``bonekg.refdata``, so a reader bug cannot hide a missing ancestor.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest

from bonekg import prefixes
from bonekg.imports import ALWAYS, MODULES, check, mirna_species_forms, refresh
from bonekg.load import load_curation
from bonekg.model import ClaimKind, Curation, Ref
from bonekg.refdata import RefData, iter_obo

REPO = Path(__file__).resolve().parent.parent
RESOURCES = REPO / "tests" / "resources" / "imports"
FIXTURE_CURATION = RESOURCES / "curation"
# Terms the fixture modules also carry, so that check() can be shown an obsolete one in use.
OBSOLETE_EXTRAS = ("GO:0000005", "MONDO:0006516")

RDFS = "http://www.w3.org/2000/01/rdf-schema#"
PREFIXES = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX BFO: <http://purl.obolibrary.org/obo/BFO_>
PREFIX bkg: <https://w3id.org/bonekg/vocab/>
"""


@pytest.fixture(scope="module")
def refdata() -> Path:
    """``../shared/refdata`` next to the repository (CI puts it there); missing = failure."""
    d = (REPO.parent / "shared" / "refdata").resolve()
    assert d.is_dir(), f"reference data expected at {d} (see ../shared/refdata/README.md)"
    return d


@pytest.fixture(scope="module")
def fixture_curation() -> Curation:
    return load_curation(FIXTURE_CURATION)


@pytest.fixture(scope="module")
def modules(
    refdata: Path, fixture_curation: Curation, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    out = tmp_path_factory.mktemp("imports")
    refresh(refdata, fixture_curation, out, extra_curies=OBSOLETE_EXTRAS)
    return out


@pytest.fixture(scope="module")
def store(modules: Path) -> ox.Store:
    st = ox.Store()
    for f in sorted(modules.glob("*.ttl")):
        st.load(path=str(f), format=ox.RdfFormat.TURTLE)
    return st


def iri(curie: str) -> str:
    return prefixes.expand(curie)


def ask(store: ox.Store, query: str) -> bool:
    result = store.query(PREFIXES + query)
    assert isinstance(result, ox.QueryBoolean)
    return bool(result)


def reachable(store: ox.Store, start: str, path: str) -> set[str]:
    """CURIEs reachable from ``start`` over the SPARQL property path ``path`` (one or more)."""
    rows = store.query(PREFIXES + f"SELECT DISTINCT ?a WHERE {{ <{iri(start)}> {path} ?a }}")
    assert isinstance(rows, ox.QuerySolutions)
    out: set[str] = set()
    for row in rows:
        node = row["a"]
        if isinstance(node, ox.NamedNode):
            out.add(prefixes.compress(node.value))
    return out


def labels(store: ox.Store, curie: str) -> set[str]:
    rows = store.query(f"SELECT ?l WHERE {{ <{iri(curie)}> <{RDFS}label> ?l }}")
    assert isinstance(rows, ox.QuerySolutions)
    return {r["l"].value for r in rows}


def objects(store: ox.Store, curie: str, pred: str) -> set[str]:
    rows = store.query(f"SELECT ?o WHERE {{ <{iri(curie)}> <{iri(pred)}> ?o }}")
    assert isinstance(rows, ox.QuerySolutions)
    return {prefixes.compress(r["o"].value) for r in rows}


def used_curies(cur: Curation, prefix: str) -> set[str]:
    return {r.curie for r in cur.all_refs() if r.prefix == prefix}


# --- independent upstream readers ----------------------------------------------------------


def closure(start: Iterable[str], parents: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = list(start)
    while todo:
        for p in parents.get(todo.pop(), ()):
            if p not in seen:
                seen.add(p)
                todo.append(p)
    return seen


def go_parents(refdata: Path, rels: tuple[str, ...]) -> dict[str, set[str]]:
    data = json.loads(next(refdata.glob("go/go_terms_*.json")).read_text(encoding="utf-8"))
    return {t["id"]: {p for r in rels for p in t.get("relations", {}).get(r, ())} for t in data}


def obo_isa(path: Path) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    cur = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("id: "):
            cur = line[4:].strip()
        elif line.startswith("is_a: ") and cur:
            out.setdefault(cur, set()).add(re.split(r"[\s{!]", line[6:].strip())[0])
        elif line.startswith("["):
            cur = None
    return out


# --- the modules as files --------------------------------------------------------------------


def test_refresh_writes_one_module_per_source(modules: Path) -> None:
    assert sorted(p.name for p in modules.glob("*.ttl")) == sorted(f"{m}.ttl" for m in MODULES)


def test_refresh_is_byte_identical_across_runs(
    refdata: Path, fixture_curation: Curation, modules: Path, tmp_path: Path
) -> None:
    refresh(refdata, fixture_curation, tmp_path, extra_curies=OBSOLETE_EXTRAS)
    for name in MODULES:
        first = (modules / f"{name}.ttl").read_bytes()
        assert (tmp_path / f"{name}.ttl").read_bytes() == first, f"{name}.ttl differs between runs"


def test_modules_parse_and_use_no_blank_nodes(modules: Path) -> None:
    # The build rejects blank nodes (byte-identical releases), so the modules must not have any.
    for f in sorted(modules.glob("*.ttl")):
        triples = list(ox.parse(path=str(f), format=ox.RdfFormat.TURTLE))
        assert triples, f"{f.name} is empty"
        blank = [t for t in triples if isinstance(t.subject, ox.BlankNode)]
        blank += [t for t in triples if isinstance(t.object, ox.BlankNode)]
        assert not blank, f"{f.name} has blank nodes: {blank[:3]}"


@pytest.mark.parametrize("name", MODULES)
def test_each_module_is_an_ontology_citing_its_upstream_file_version_and_license(
    store: ox.Store, refdata: Path, name: str
) -> None:
    onto = f"https://w3id.org/bonekg/imports/{name}"
    rows = store.query(
        PREFIXES
        + """PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX pav: <http://purl.org/pav/>
        SELECT ?o ?src ?from ?v ?vi ?lic WHERE {
          ?o a owl:Ontology ; dcterms:source ?src ; pav:importedFrom ?from ; pav:version ?v ;
             owl:versionInfo ?vi ; dcterms:license ?lic . }""",
        substitutions={ox.Variable("o"): ox.NamedNode(onto)},
    )
    assert isinstance(rows, ox.QuerySolutions)
    found = list(rows)
    assert found, f"{name}.ttl lacks owl:Ontology metadata"
    sources = {r["src"].value for r in found}
    assert all((next(refdata.rglob(s), None) is not None) for s in sources), sources
    version = found[0]["v"].value
    assert version and version == found[0]["vi"].value
    if name not in ("mirbase", "genes"):
        assert any(version in s for s in sources), (version, sources)


# --- every used term, with its label ---------------------------------------------------------


def test_every_used_term_is_declared_with_the_curators_label(
    fixture_curation: Curation, modules: Path
) -> None:
    assert check(fixture_curation, modules) == []


def test_terms_the_tbox_refers_to_are_always_declared(store: ox.Store) -> None:
    for curies in ALWAYS.values():
        for c in curies:
            assert labels(store, c), f"{c} is not declared with a label"
    assert labels(store, "SO:0000276") == {"miRNA"}
    assert labels(store, "GO:0070062") == {"extracellular exosome"}
    assert labels(store, "NCBITaxon:6239") == {"Caenorhabditis elegans"}


def test_obsolete_terms_are_declared_deprecated_with_their_replacement(store: ox.Store) -> None:
    assert ask(store, f"ASK {{ <{iri('GO:0000005')}> owl:deprecated true }}")
    assert ask(store, f"ASK {{ <{iri('MONDO:0006516')}> owl:deprecated true }}")
    # an obsolete term is not placed in the hierarchy
    assert not reachable(store, "GO:0000005", "rdfs:subClassOf")


# --- complete ancestry, checked against the upstream files -----------------------------------


def test_go_ancestry_is_complete_through_is_a_and_part_of(
    store: ox.Store, refdata: Path, fixture_curation: Curation
) -> None:
    isa = go_parents(refdata, ("is_a",))
    both = go_parents(refdata, ("is_a", "part_of"))
    for term in used_curies(fixture_curation, "GO"):
        want_isa = closure([term], isa)
        want_all = closure([term], both)
        assert want_isa <= reachable(store, term, "rdfs:subClassOf+"), term
        assert want_all == reachable(store, term, "(rdfs:subClassOf|BFO:0000050)+"), term
    # the example of the issue: osteoblast differentiation is part of ossification
    assert "GO:0001503" in closure(["GO:0001649"], both)
    assert "GO:0008150" in reachable(store, "GO:0001649", "rdfs:subClassOf+")


@pytest.mark.parametrize(
    ("prefix", "pattern", "path"),
    [
        ("CL", "cl/cl_terms_*.json", "rdfs:subClassOf+"),
        ("MONDO", "mondo/mondo_terms_*.json", "rdfs:subClassOf+"),
        ("EFO", "efo/efo_terms_*.json", "rdfs:subClassOf+"),
        # UBERON's ancestor lists mix is_a and part_of
        ("UBERON", "uberon/uberon_terms_*.json", "(rdfs:subClassOf|BFO:0000050)+"),
    ],
)
def test_json_extract_ancestries_are_complete(
    store: ox.Store,
    refdata: Path,
    fixture_curation: Curation,
    prefix: str,
    pattern: str,
    path: str,
) -> None:
    data = json.loads(next(refdata.glob(pattern)).read_text(encoding="utf-8"))
    used = used_curies(fixture_curation, prefix)
    assert used
    for term in used:
        want = set(data[term]["ancestors"])
        got = reachable(store, term, path)
        assert want == got, f"{term}: missing {sorted(want - got)}, extra {sorted(got - want)}"
        for a in want:
            assert labels(store, a) == {data[a]["label"]}


def test_uberon_part_of_parents_are_not_stated_as_subclasses(store: ox.Store) -> None:
    # bone marrow is a tissue (is_a) that is part of a bone element, not a kind of bone
    sub = objects(store, "UBERON:0002371", "rdfs:subClassOf")
    part = objects(store, "UBERON:0002371", "BFO:0000050")
    assert "UBERON:0000479" in sub
    assert "UBERON:0001474" in part
    assert "UBERON:0001474" not in sub


def test_doid_ancestry_follows_parent_labels_to_the_root(
    store: ox.Store, refdata: Path, fixture_curation: Curation
) -> None:
    rows = list(csv.reader(next(refdata.glob("doid/HumanDO_*.tsv")).open(), delimiter="\t"))[1:]
    by_label = {r[1]: r[0] for r in rows}
    parents: dict[str, set[str]] = {}
    for r in rows:
        parents.setdefault(r[0], set()).add(by_label.get(r[2], r[2]))
    for term in used_curies(fixture_curation, "DOID"):
        want = closure([term], parents) - {"disease"}  # the root has no row of its own
        got = reachable(store, term, "rdfs:subClassOf+")
        assert want <= got, sorted(want - got)
        assert labels(store, "DOID:4") == {"disease"} and "DOID:4" in got


def test_chebi_ancestry_is_complete(
    store: ox.Store, refdata: Path, fixture_curation: Curation
) -> None:
    parents: dict[str, set[str]] = {}
    with next(refdata.glob("chebi/chebi_names_*.tsv")).open(encoding="utf-8") as fh:
        for line in fh:
            cells = line.rstrip("\n").split("\t")
            if len(cells) == 3 and cells[2]:
                parents[cells[0]] = set(cells[2].split("|"))
    for term in used_curies(fixture_curation, "CHEBI"):
        assert closure([term], parents) == reachable(store, term, "rdfs:subClassOf+")


@pytest.mark.parametrize(
    ("prefix", "pattern"),
    [
        ("NCBITaxon", "ncbitaxon/ncbitaxon_*.obo"),
        ("ECO", "eco/eco_*.obo"),
        ("SO", "so/so_*.obo"),
    ],
)
def test_obo_ancestries_are_complete(
    store: ox.Store, refdata: Path, fixture_curation: Curation, prefix: str, pattern: str
) -> None:
    isa = obo_isa(next(refdata.glob(pattern)))
    terms = used_curies(fixture_curation, prefix) | set(
        next(v for k, v in ALWAYS.items() if v[0].startswith(prefix + ":"))
    )
    for term in terms:
        assert closure([term], isa) == reachable(store, term, "rdfs:subClassOf+"), term
    if prefix == "NCBITaxon":
        assert "NCBITaxon:1" in reachable(store, "NCBITaxon:10090", "rdfs:subClassOf+")


def test_ro_module_declares_relations_with_their_super_properties(
    store: ox.Store, refdata: Path
) -> None:
    isa = obo_isa(next(refdata.glob("ro/ro_*.obo")))
    assert ask(store, f"ASK {{ <{iri('RO:0002212')}> a owl:ObjectProperty }}")
    assert labels(store, "RO:0002212") == {"negatively regulates"}
    want = closure(["RO:0002212"], isa)
    assert want == reachable(store, "RO:0002212", "rdfs:subPropertyOf+")
    assert "RO:0002211" in want
    assert ask(store, f"ASK {{ <{iri('BFO:0000050')}> a owl:TransitiveProperty }}")


# --- hierarchical SPARQL over modules + claims ----------------------------------------------


def test_claims_about_ossification_include_those_about_its_parts_and_subtypes(
    store: ox.Store,
) -> None:
    st = ox.Store()
    for quad in store:
        st.add(quad)
    st.load(path=str(RESOURCES / "claims.ttl"), format=ox.RdfFormat.TURTLE)
    rows = st.query(
        PREFIXES
        + """PREFIX GO: <http://purl.obolibrary.org/obo/GO_>
        SELECT ?claim WHERE {
          ?claim bkg:object ?term .
          ?term (rdfs:subClassOf|BFO:0000050)* GO:0001503 .
        } ORDER BY ?claim"""
    )
    assert isinstance(rows, ox.QuerySolutions)
    found = [prefixes.compress(r["claim"].value) for r in rows]
    # osteoblast differentiation (part of), endochondral ossification (is_a), ossification;
    # not cell differentiation (a superclass) nor bone resorption (unrelated)
    assert sorted(found) == [
        "claim:fix-endochondral",
        "claim:fix-ossification",
        "claim:fix-osteoblast",
    ]


# --- miRBase ---------------------------------------------------------------------------------


def test_mature_mirna_links_to_the_entries_named_exactly_species_dash_name(
    store: ox.Store,
) -> None:
    forms = objects(store, "mirna:miR-214-3p", "bkg:hasSpeciesForm")
    assert forms == {
        "mirbase.mature:MIMAT0000271",
        "mirbase.mature:MIMAT0000661",
        "mirbase.mature:MIMAT0000885",
    }
    assert {next(iter(labels(store, f))) for f in forms} == {
        "hsa-miR-214-3p",
        "mmu-miR-214-3p",
        "rno-miR-214-3p",
    }
    assert objects(store, "mirbase.mature:MIMAT0000271", "RO:0002162") == {"NCBITaxon:9606"}
    assert objects(store, "mirbase.mature:MIMAT0000271", "bkg:precursor") == {"mirbase:MI0000290"}
    assert labels(store, "mirbase:MI0000290") == {"hsa-mir-214"}
    assert objects(store, "mirbase.mature:MIMAT0000271", "dcterms:identifier") == {"MIMAT0000271"}
    assert ask(store, f"ASK {{ <{iri('mirna:miR-214-3p')}> a bkg:MatureMiRNA, bkg:MiRNA }}")


def test_armless_mirna_links_to_precursors_and_their_numbered_paralogs(
    store: ox.Store, refdata: Path
) -> None:
    names = {
        next(iter(labels(store, f))) for f in objects(store, "mirna:miR-214", "bkg:hasSpeciesForm")
    }
    assert names == {"hsa-mir-214", "mmu-mir-214", "rno-mir-214"}
    let7 = {
        next(iter(labels(store, f))) for f in objects(store, "mirna:let-7b", "bkg:hasSpeciesForm")
    }
    assert let7 == {"hsa-let-7b", "mmu-let-7b", "rno-let-7b"}
    assert ask(store, f"ASK {{ <{iri('mirna:miR-214')}> a bkg:MiRNAPrecursorFamily }}")
    mb = RefData(refdata).mirbase
    paralogs = mirna_species_forms("miR-133a", mb)
    assert {mb.precursors[a].name for a in paralogs.precursors if a in mb.precursors} >= {
        "hsa-mir-133a-1",
        "hsa-mir-133a-2",
    }
    assert not paralogs.family


def test_family_expansion_links_lettered_members_and_says_so(store: ox.Store) -> None:
    names = {
        next(iter(labels(store, f))) for f in objects(store, "mirna:miR-29", "bkg:hasSpeciesForm")
    }
    assert {"hsa-mir-29a", "hsa-mir-29b-1", "hsa-mir-29b-2", "hsa-mir-29c"} <= names
    assert all(re.fullmatch(r"(hsa|mmu|rno|cel)-mir-29[a-z](-\d+)?", n) for n in names)
    comments = objects(store, "mirna:miR-29", "rdfs:comment")
    assert any(c.startswith("Family expansion") for c in comments)


def test_unknown_mirna_has_no_species_form(store: ox.Store) -> None:
    assert ask(store, f"ASK {{ <{iri('mirna:miR-3a-3p')}> a bkg:MiRNA }}")
    assert not objects(store, "mirna:miR-3a-3p", "bkg:hasSpeciesForm")


# --- genes -----------------------------------------------------------------------------------


def test_hgnc_gene_carries_symbol_xrefs_and_described_orthologs(store: ox.Store) -> None:
    g = "hgnc:11926"
    assert labels(store, g) == {"TNFSF11"}
    assert objects(store, g, "bkg:approvedName") == {"TNF superfamily member 11"}
    assert objects(store, g, "RO:0002162") == {"NCBITaxon:9606"}
    assert objects(store, g, "skos:exactMatch") == {"NCBIGene:8600", "ensembl:ENSG00000120659"}
    assert objects(store, g, "rdfs:seeAlso") == {"uniprot:O14788"}
    assert objects(store, g, "bkg:ortholog") == {"MGI:1100089", "rgd:620784"}
    assert labels(store, "MGI:1100089") == {"Tnfsf11"}
    assert objects(store, "MGI:1100089", "RO:0002162") == {"NCBITaxon:10090"}
    assert objects(store, "MGI:1100089", "bkg:ortholog") == {g}
    assert objects(store, "rgd:620784", "RO:0002162") == {"NCBITaxon:10116"}
    assert ask(store, f"ASK {{ <{iri(g)}> a bkg:Gene }}")


# --- check -----------------------------------------------------------------------------------


def _with_claim(cur: Curation, **changes: object) -> Curation:
    base = cur.claims[0]
    extra = dataclasses.replace(base, id="fix2020-900", line=999, **changes)  # type: ignore[arg-type]
    return dataclasses.replace(cur, claims=[*cur.claims, extra])


def test_check_reports_a_term_missing_from_the_modules(
    fixture_curation: Curation, modules: Path
) -> None:
    assert "GO:0006915" not in (modules / "go.ttl").read_text(encoding="utf-8")
    cur = _with_claim(fixture_curation, object=Ref("GO:0006915", "apoptotic process", 1000))
    problems = check(cur, modules)
    assert len(problems) == 1
    assert problems[0].startswith("GO:0006915 is used but no import module declares it")
    assert "fix2020.yaml:1000 [fix2020-900]" in problems[0]


def test_check_reports_a_curator_label_that_differs_from_upstream(
    fixture_curation: Curation, modules: Path
) -> None:
    cur = _with_claim(fixture_curation, object=Ref("GO:0001649", "bone formation", 1001))
    problems = check(cur, modules)
    assert len(problems) == 1, problems
    assert problems[0].endswith(
        "fix2020.yaml:1001 [fix2020-900]: label of GO:0001649 is 'osteoblast differentiation' "
        "upstream, the curation says 'bone formation'"
    )


def test_check_reports_an_obsolete_term(fixture_curation: Curation, modules: Path) -> None:
    cur = _with_claim(fixture_curation, object=Ref("MONDO:0006516", None, 1002))
    problems = check(cur, modules)
    assert len(problems) == 1 and problems[0].startswith("MONDO:0006516 is obsolete upstream")


def test_check_reports_a_mirna_without_miRBase_entries_unless_noted(
    fixture_curation: Curation, modules: Path, refdata: Path, tmp_path: Path
) -> None:
    cur = _with_claim(fixture_curation, subject=Ref("mirna:miR-99999-5p", None, 1003))
    refresh(refdata, cur, tmp_path, extra_curies=())
    problems = check(cur, tmp_path)
    # miR-3a-3p has no entry either, but entities: declares it with a note
    assert len(problems) == 1, problems
    assert problems[0].startswith("mirna:miR-99999-5p has no miRBase entry")
    assert ":1003 [fix2020-900]" in problems[0]


# --- the committed modules -------------------------------------------------------------------


def test_committed_import_modules_are_current(refdata: Path, tmp_path: Path) -> None:
    cur = load_curation(REPO / "curation")
    refresh(refdata, cur, tmp_path)
    stale = [
        name
        for name in MODULES
        if not (REPO / "ontology" / "imports" / f"{name}.ttl").is_file()
        or (REPO / "ontology" / "imports" / f"{name}.ttl").read_bytes()
        != (tmp_path / f"{name}.ttl").read_bytes()
    ]
    assert not stale, (
        f"ontology/imports/{{{','.join(stale)}}}.ttl are stale: run "
        "`bonekg imports refresh --refdata ../shared/refdata` and commit the result"
    )
    assert check(cur, REPO / "ontology" / "imports") == []


# --- readers ---------------------------------------------------------------------------------


def test_obo_reader_keeps_definitions_obsolescence_alt_ids_and_part_of(tmp_path: Path) -> None:
    obo = tmp_path / "mini.obo"
    obo.write_text(
        "format-version: 1.2\n\n"
        "[Term]\nid: X:1\nname: root\n\n"
        '[Term]\nid: X:2\nname: child\ndef: "A \\"quoted\\" child." [PMID:1]\n'
        'alt_id: X:9\nis_a: X:1 {source="x"} ! root\nrelationship: part_of X:3 ! whole\n\n'
        "[Term]\nid: X:3\nname: obsolete whole\nis_obsolete: true\nreplaced_by: X:1\n\n"
        "[Typedef]\nid: part_of\nname: part of\nis_transitive: true\n",
        encoding="utf-8",
    )
    st = {s.id: s for s in iter_obo(obo)}
    child = st["X:2"].to_term()
    assert child.definition == 'A "quoted" child.'
    assert child.is_a == ("X:1",) and child.part_of == ("X:3",) and child.alt_ids == ("X:9",)
    assert st["X:3"].is_obsolete and st["X:3"].replaced_by == ("X:1",)
    assert st["part_of"].kind == "Typedef" and st["part_of"].to_term().transitive
    assert [s.id for s in iter_obo(obo, {"X:1"})] == ["X:1"]


def test_refdata_resolves_alt_ids_labels_and_doid_parent_labels(refdata: Path) -> None:
    r = RefData(refdata)
    assert r.go.term("GO:0019952") is None
    assert r.go.primary_of("GO:0019952") == "GO:0000003"
    assert r.go.term("GO:0000005") is not None and r.go.term("GO:0000005").obsolete  # type: ignore[union-attr]
    osteo = r.doid.term("DOID:11476")
    assert osteo is not None and osteo.label == "osteoporosis"
    assert osteo.is_a == ("DOID:0080011",)  # "bone resorption disease", resolved from its label
    first, last = r.chebi.term("CHEBI:3"), r.chebi.term("CHEBI:67486")
    assert first is not None and last is not None
    assert last.label == "quercetin 3-O-beta-D-galactopyranoside"
    assert r.uberon.term("UBERON:0002371").part_of  # type: ignore[union-attr]
    assert r.mirbase.mature_by_name["hsa-miR-214-3p"].accession == "MIMAT0000271"
    assert r.genes.hgnc_by_id(["hgnc:11926"])["hgnc:11926"].symbol == "TNFSF11"


def test_claim_fixture_covers_the_claim_kinds_the_modules_serve(fixture_curation: Curation) -> None:
    # guards the fixture itself: the ancestry tests above iterate over these prefixes
    kinds = {c.kind for c in fixture_curation.claims}
    assert {ClaimKind.REGULATION, ClaimKind.BIOMARKER, ClaimKind.INTERVENTION} <= kinds
    for prefix in ("GO", "CL", "UBERON", "DOID", "MONDO", "EFO", "CHEBI", "hgnc", "MGI", "rgd"):
        assert used_curies(fixture_curation, prefix), prefix
