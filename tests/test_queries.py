"""The stored queries (queries/*.rq): well-formed, portable, and right on the real build.

Every stored query runs on the real build (the session fixture ``real_build_dir``) and must
return a known answer taken from the source reviews: a specific row, not just "some rows". The
same queries give the same rows on an Oxigraph server started here on 127.0.0.1.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pyoxigraph import Literal, NamedNode, QuerySolutions, Store

from bonekg import paths
from bonekg.prefixes import compress, expand, prefix_map
from bonekg.query import (
    ParamKind,
    Results,
    StoredQuery,
    bind,
    find_slots,
    list_queries,
    load_store,
    run_embedded,
    run_endpoint,
)

from .servers import OxigraphServer, VirtuosoServer, oxigraph_binary, virtuoso_server  # noqa: F401

QUERIES = {q.name: q for q in list_queries()}
RELEASE_GRAPH = "https://w3id.org/bonekg/graph/query-test"
VIRTUOSO_GRAPH = "https://w3id.org/bonekg/graph/query-test-virtuoso"

Row = dict[str, str]


# ------------------------------------------------------------------------------ helpers


def rows_of(res: Results) -> list[Row]:
    """Rows as {variable: text}; IRIs as CURIEs of the prefix map, literals as their value."""
    out = []
    for row in res.rows:
        d: Row = {}
        for var, term in zip(res.variables, row, strict=True):
            if term is None:
                continue
            d[var] = compress(term.value) if isinstance(term, NamedNode) else str(term.value)
        out.append(d)
    return out


def has_row(rows: list[Row], **expected: str | Callable[[str], bool]) -> bool:
    """Is there a row whose columns equal (or satisfy) every expectation?"""
    for r in rows:
        ok = True
        for k, v in expected.items():
            if k not in r or not (v(r[k]) if callable(v) else r[k] == v):
                ok = False
                break
        if ok:
            return True
    return False


def contains(fragment: str) -> Callable[[str], bool]:
    return lambda s: fragment in s


def at_least(n: int) -> Callable[[str], bool]:
    return lambda s: int(s) >= n


@pytest.fixture(scope="session")
def store(real_build_dir: Path) -> Store:
    return load_store(real_build_dir)


def run(store: Store, name: str, **params: str) -> list[Row]:
    return rows_of(run_embedded(bind(QUERIES[name], params), store))


def show(rows: list[Row], n: int = 30) -> str:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows[:n])


# ------------------------------------------------------------------- files and headers


def test_at_least_fifteen_stored_queries_exist() -> None:
    assert len(QUERIES) >= 15, sorted(QUERIES)


def test_quality_checks_are_not_listed_as_stored_queries() -> None:
    checks = {p.stem for p in paths.checks_dir().glob("*.rq")}
    assert not (checks & set(QUERIES)), "queries/checks/*.rq are QC rules, not stored queries"


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_header_has_title_description_and_a_runnable_example(name: str) -> None:
    q = QUERIES[name]
    assert q.title and q.description, f"{q.path}: needs `# title:` and `# description:`"
    assert q.examples, f"{q.path}: needs an `# example: bonekg query run {name} …` line"
    for ex in q.examples:
        assert ex.startswith(f"bonekg query run {name}"), f"{q.path}: example {ex!r}"
        for pname in re.findall(r"--param\s+([A-Za-z_]\w*)=", ex):
            assert q.param(pname) is not None, f"{q.path}: example uses unknown {pname!r}"


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_declared_param_has_one_values_block_with_the_header_default(name: str) -> None:
    q = QUERIES[name]
    slots = find_slots(q)  # raises unless exactly one VALUES ?NAME { default } per parameter
    for p in q.params:
        assert p.description, f"{q.path}: parameter {p.name} needs a meaning after the dash"
        slot = slots[p.name]
        raw = q.text[slot.start : slot.end]
        if slot.kind is ParamKind.IRI:
            assert expand(p.default) == _expand_in_query(q, raw), (q.path, p.name)
        elif slot.kind is ParamKind.STRING:
            assert raw == json.dumps(p.default, ensure_ascii=False), (q.path, p.name, raw)
        else:
            assert raw == p.default


def _expand_in_query(q: StoredQuery, raw: str) -> str:
    if raw.startswith("<"):
        return raw[1:-1]
    prefix, _, local = raw.partition(":")
    m = re.search(rf"PREFIX\s+{re.escape(prefix)}:\s*<([^>]*)>", q.text)
    assert m, f"{q.path}: prefix {prefix} undeclared"
    return m.group(1) + local


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_declares_only_prefixes_of_the_project_prefix_map(name: str) -> None:
    q = QUERIES[name]
    pm = prefix_map()
    for prefix, ns in re.findall(r"PREFIX\s+([A-Za-z][\w.-]*):\s*<([^>]*)>", q.text):
        assert pm.get(prefix) == ns, f"{q.path}: PREFIX {prefix}: <{ns}> is not in prefixes.json"


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_is_sparql_1_1_select_as_it_stands_for_rdflib_and_oxigraph(name: str) -> None:
    from rdflib.plugins.sparql import prepareQuery

    q = QUERIES[name]
    assert prepareQuery(q.text).algebra.name == "SelectQuery"
    assert isinstance(Store().query(q.text), QuerySolutions)  # the Oxigraph parser agrees
    assert re.search(r"\bORDER\s+BY\b", q.text), f"{q.path}: needs ORDER BY (deterministic output)"


# --------------------------------------------------------- known answers on the real build


def test_targets_of_mir_214_3p_include_atf4_with_its_quote(store: Store) -> None:
    rows = run(store, "targets-of-mirna")  # default mirna = miR-214-3p
    # 001 (liu2023): "miR-214-3p抑制成骨的机制可能是通过靶向成骨转录因子ATF4来完成的"
    assert has_row(
        rows,
        about="miR-214-3p",
        symbol="ATF4",
        gene="hgnc:786",
        predicate="RO:0002630",
        reviewId="liu2023",
        quote=contains("靶向成骨转录因子ATF4"),
    ), show(rows)
    # 000 (qian2025): "…破骨细胞 miR-214-3p 过表达, 通过外泌体转移至成骨细胞抑制 ATF4 合成"
    assert has_row(rows, symbol="ATF4", reviewId="qian2025", quote=contains("抑制 ATF4"))
    # 000: "miR-214-3p 可以通过靶向 TIMP2", with the DOI the review prints for reference [12]
    assert has_row(rows, symbol="TIMP2", reference="doi:10.1016/j.joca.2017.02.489")


def test_targets_of_mirna_matches_mirbase_species_names_too(store: Store) -> None:
    neutral = run(store, "targets-of-mirna", mirna="miR-214-3p")
    human = run(store, "targets-of-mirna", mirna="hsa-miR-214-3p")
    assert human == neutral


def test_targets_of_mirna_adds_precursor_family_claims_marked_as_such(store: Store) -> None:
    rows = run(store, "targets-of-mirna", mirna="miR-214-3p")
    # 000: "miR-214 负向调控 Wnt 通路, 靶向 β -catenin" is about the family miR-214
    assert has_row(rows, about="miR-214", match="precursor family", symbol="CTNNB1")
    assert all(r["match"] == "as named" for r in rows if r["about"] == "miR-214-3p")


def test_mirnas_targeting_tnfsf11_include_mir_32_3p(store: Store) -> None:
    rows = run(store, "mirnas-targeting-gene")  # default gene = TNFSF11
    # 000: "miR-32-3p 低表达导致 TNFSF11 (RANKL) 升高" = miR-32-3p negatively regulates TNFSF11
    assert has_row(
        rows,
        mirna="miR-32-3p",
        predicate="RO:0002212",
        reviewId="qian2025",
        quote=contains("TNFSF11 (RANKL)"),
    ), show(rows)
    # 000: "miR-17、miR-20a/b、miR-106a/b、miR-93 可靶向抑制 RANKL mRNA 翻译"
    for mirna in ("miR-17", "miR-20a", "miR-20b", "miR-106a", "miR-106b", "miR-93"):
        assert has_row(rows, mirna=mirna, predicate="RO:0002630"), mirna


def test_mirnas_targeting_gene_finds_the_symbol_in_any_case(store: Store) -> None:
    expected = run(store, "mirnas-targeting-gene", gene="TNFSF11")
    assert expected
    for spelling in ("Tnfsf11", "tnfsf11", "TnfSF11"):
        assert run(store, "mirnas-targeting-gene", gene=spelling) == expected, spelling
    assert run(store, "mirnas-targeting-gene", gene="TNFSF1") == []


def test_ossification_subtree_finds_claims_on_osteoblast_differentiation(store: Store) -> None:
    rows = run(store, "claims-under-go-process")  # default process = GO:0001503 ossification
    # osteoblast differentiation is part of ossification: reached through BFO:0000050
    assert has_row(rows, term="GO:0001649", regulator="miR-214-3p", relation="negatively regulates")
    assert has_row(rows, term="GO:0030282")  # bone mineralization
    assert has_row(rows, term="GO:0001503")  # the process itself


def test_go_process_param_takes_a_curie_or_a_full_iri(store: Store) -> None:
    curie = run(store, "claims-under-go-process", process="GO:0030316")
    iri = run(store, "claims-under-go-process", process="http://purl.obolibrary.org/obo/GO_0030316")
    assert curie == iri
    # 001: "miR-214-3p还可通过激活PI3K/AKT途径…促进破骨细胞的形成"
    assert has_row(curie, regulator="miR-214-3p", relation="positively regulates")
    assert not has_row(curie, term="GO:0001649")


def test_exosome_route_osteoclast_mir_214_3p_osteoblast(store: Store) -> None:
    rows = run(store, "exosome-routes")
    # 001: "破骨细胞衍生的外泌体可以将miR-214-3p转移到成骨细胞中并抑制成骨"
    assert has_row(
        rows,
        donor="CL:0000092",
        cargo="mirna:miR-214-3p",
        recipient="CL:0000062",
        effect="GO:0001649",
        effectPredicate="RO:0002212",
    ), show(rows)
    assert has_row(rows, donor="CL:0000092", cargo="mirna:miR-214-3p", recipient="CL:0000062")
    # a transfer claim has a cargo and no effect
    transfers = [r for r in rows if r.get("cargo") and "effect" not in r]
    assert transfers


def test_bone_loss_mirnas_include_mir_214_3p_on_both_sides(store: Store) -> None:
    rows = run(store, "bone-loss-mirnas")
    assert has_row(rows, mirna="miR-214-3p", effect="promotes osteoclastogenesis")
    assert has_row(rows, mirna="miR-214-3p", effect="inhibits osteoblast differentiation")
    # 000: miR-31a-5p "抑制成骨分化" (aged BMSC exosomes)
    assert has_row(rows, mirna="miR-31a-5p", effect="inhibits osteoblast differentiation")
    assert all(
        r["predicate"] in {"RO:0002213", "RO:0002629"}
        for r in rows
        if r["effect"] == "promotes osteoclastogenesis"
    )


def test_osteoporosis_biomarkers_with_direction(store: Store) -> None:
    rows = run(store, "biomarker-candidates")  # default disease text = osteoporosis
    # 000: "骨质疏松性骨折患者血清中 miR-32-3p 显著降低"
    assert has_row(rows, mirna="miR-32-3p", direction="decreased", sample="blood serum")
    # 000: "miR-214 在骨质疏松患者骨组织中显著升高"
    assert has_row(rows, mirna="miR-214", direction="increased", sample="bone tissue")
    # 000: "miR-133a-3p 在绝经后骨质疏松症患者血浆中显著高表达" (a subtype, matched by label)
    assert has_row(rows, mirna="miR-133a-3p", direction="increased", diseaseIri="MONDO:0008159")


def test_drugs_herbs_and_exercise_that_change_mirna_levels(store: Store) -> None:
    rows = run(store, "interventions-changing-mirnas")
    assert has_row(
        rows,
        agent="intervention:exercise",
        agentType="intervention",
        mirna="miR-133b",
        predicate="RO:0003003",
    )
    assert has_row(
        rows,
        agent="intervention:plastrum-testudinis-extract",
        mirna="miR-214",
        predicate="RO:0003002",
        organism="Rattus norvegicus",
    )
    # hyperoside (ChEBI name: quercetin 3-O-beta-D-galactopyranoside) raises miR-19a-5p
    assert has_row(rows, agent="CHEBI:67486", agentType="chemical", mirna="miR-19a-5p")


def test_conflicting_directions_within_and_across_reviews(store: Store) -> None:
    rows = run(store, "conflicting-directions")
    # 001 says osteoblast exosomes both promote (RANKL) and inhibit osteoclast differentiation
    assert has_row(
        rows, subject="exosome:CL_0000062", object="GO:0030316", scope="within one review"
    )
    # BMSC exosomes promote osteoblast differentiation (004) / inhibit it (001, from OP patients)
    assert has_row(rows, subject="exosome:CL_0002540", object="GO:0001649", scope="across reviews")
    for r in rows:
        assert r["positiveClaim"] != r["negativeClaim"]


def test_conflicting_levels_of_one_mirna_are_paired(real_build_dir: Path) -> None:
    """The curated reviews state no level both raised and lowered for one condition, so the
    level branch of the query is tested on the release plus three claims that do."""
    from pyoxigraph import RdfFormat

    extra = Store()
    extra.load(path=str(real_build_dir / "bonekg.nt"), format=RdfFormat.N_TRIPLES)
    bkg = "https://w3id.org/bonekg/"
    review = next(iter(extra.query(f"SELECT ?r WHERE {{ ?r a <{bkg}vocab/Review> }} LIMIT 1")))
    lines = []
    for n, level in (("901", "increased"), ("902", "decreased"), ("903", "increased")):
        c, e = f"<{bkg}claim/x-{n}>", f"<{bkg}evidence/x-{n}-1>"
        lines += [
            f"{c} <{bkg}vocab/subject> <{bkg}mirna/miR-21-5p> .",
            f"{c} <{bkg}vocab/predicate> <http://purl.obolibrary.org/obo/RO_0002610> .",
            f"{c} <{bkg}vocab/object> <http://purl.obolibrary.org/obo/DOID_11476> .",
            f'{c} <{bkg}vocab/levelChange> "{level}" .',
            f"{c} <{bkg}vocab/evidence> {e} .",
            f"{e} <{bkg}vocab/statedIn> <{review['r'].value}> .",
            f'{e} <{bkg}vocab/supportingText> "quote {n}"@zh .',
        ]
    extra.load("\n".join(lines).encode(), format=RdfFormat.N_TRIPLES)
    rows = [r for r in run(extra, "conflicting-directions") if r["positive"] == "level increased"]
    pairs = {(r["positiveClaim"], r["negativeClaim"], r["scope"]) for r in rows}
    assert pairs == {
        ("claim:x-901", "claim:x-902", "within one review"),
        ("claim:x-903", "claim:x-902", "within one review"),
    }
    assert all(r["negative"] == "level decreased" and r["objectLabel"] for r in rows)


def test_claims_supported_by_more_than_one_review(store: Store) -> None:
    rows = run(store, "multi-review-claims")
    # miR-214-3p → ATF4, negative, in 001 (liu2023) and 000 (qian2025)
    for review in ("liu2023", "qian2025"):
        assert has_row(
            rows,
            subjectLabel="miR-214-3p",
            objectLabel="ATF4",
            direction="negative",
            reviewId=review,
            reviews=at_least(2),
        ), review
    assert all(int(r["reviews"]) >= 2 for r in rows)


def test_claims_per_section_cover_every_claim_of_each_review(store: Store) -> None:
    sections = run(store, "claims-per-review-section")
    reviews = {r["reviewId"]: int(r["claims"]) for r in run(store, "review-summary")}
    for review, total in reviews.items():
        counts = [int(r["claims"]) for r in sections if r["reviewId"] == review]
        # a claim whose sentence recurs in a second section counts in both sections
        assert sum(counts) >= total, (review, counts, total)
        assert max(counts) <= total, (review, counts, total)
    # 000 section 2.3 holds the miR-32-3p / TNFSF11 study
    assert has_row(sections, reviewId="qian2025", section="2.3", claims=at_least(1))


# lower bounds, well below what the sources yield, so curation can still grow or be trimmed
MIN_CLAIMS = {"guo2018": 40, "liu2023": 100, "lu2026": 5, "qian2025": 80}


def test_each_review_yields_at_least_its_minimum_number_of_claims(store: Store) -> None:
    rows = run(store, "review-summary")
    got = {r["reviewId"]: int(r["claims"]) for r in rows}
    assert set(got) == set(MIN_CLAIMS), got
    for review, minimum in MIN_CLAIMS.items():
        assert got[review] >= minimum, (review, got[review])
    qian = next(r for r in rows if r["reviewId"] == "qian2025")
    assert int(qian["biomarkerClaims"]) >= 1 and int(qian["interventionClaims"]) >= 1


def test_evidence_of_a_sentence_printing_no_citation_is_an_author_statement_without_reference(
    store: Store,
) -> None:
    # liu2023's ATF4 sentence continues LI et al. [31] ("他们的研究还表明") but prints no number.
    atf4 = next(
        r
        for r in run(store, "targets-of-mirna")
        if r["symbol"] == "ATF4" and r["reviewId"] == "liu2023"
    )
    claim_id = atf4["claim"].removeprefix("claim:")
    rows = run(store, "claim-evidence", claim=claim_id)
    assert rows and all(r["claimIri"] == atf4["claim"] for r in rows)
    assert has_row(
        rows, evidenceType="ECO:0000303", section="2.1", reviewId="liu2023", quote=contains("ATF4")
    )
    assert not any("refNumber" in r or "citation" in r for r in rows), show(rows)


def test_evidence_chain_of_a_cited_sentence_names_its_reference(store: Store) -> None:
    pten = next(
        r
        for r in run(store, "targets-of-mirna")
        if r["symbol"] == "PTEN" and r["reviewId"] == "liu2023"
    )
    rows = run(store, "claim-evidence", claim=pten["claim"].removeprefix("claim:"))
    assert has_row(
        rows,
        evidenceType="ECO:0000304",
        refNumber="32",
        section="2.1",
        reviewId="liu2023",
        quote=contains("PTEN"),
    ), show(rows)


def test_evidence_chain_gives_reference_and_review_dois(store: Store) -> None:
    timp2 = next(r for r in run(store, "targets-of-mirna") if r["symbol"] == "TIMP2")
    rows = run(store, "claim-evidence", claim=timp2["claim"].removeprefix("claim:"))
    assert has_row(
        rows,
        referenceDoi="10.1016/j.joca.2017.02.489",
        reviewDoi="10.12677/acm.2025.1592585",
        refNumber="12",
    )


def test_genes_regulated_by_two_or_more_mirnas(store: Store) -> None:
    rows = run(store, "genes-regulated-by-several-mirnas")
    assert has_row(rows, symbol="TNFSF11", mirna="miR-32-3p", mirnas=at_least(6))
    assert has_row(rows, symbol="TNFSF11", mirna="miR-17")
    for symbol in {r["symbol"] for r in rows}:
        assert len({r["mirna"] for r in rows if r["symbol"] == symbol}) >= 2, symbol


def test_claims_by_organism_cover_human_mouse_and_rat(store: Store) -> None:
    rows = run(store, "claims-by-organism")
    for taxon in ("NCBITaxon:9606", "NCBITaxon:10090", "NCBITaxon:10116"):
        assert has_row(rows, organism=taxon, basis="stated", claims=at_least(1)), taxon
    # a claim naming only a cell line (MC3T3-E1: mouse) counts for the line's organism
    assert has_row(rows, organism="NCBITaxon:10090", basis="cell line")
    assert has_row(rows, organismLabel="not stated")


def test_mirbase_accessions_of_mir_214_3p_and_its_family(store: Store) -> None:
    rows = run(store, "mirbase-accessions")  # default mirna = miR-214-3p
    assert has_row(
        rows,
        accession="MIMAT0000271",
        mirbaseName="hsa-miR-214-3p",
        species="Homo sapiens",
        entryType="mature",
        precursorAccession="MI0000290",
    )
    assert has_row(rows, accession="MIMAT0000661", species="Mus musculus")
    family = run(store, "mirbase-accessions", mirna="miR-214")
    assert has_row(family, accession="MI0000290", mirbaseName="hsa-mir-214", entryType="precursor")


PATHWAY_ANSWERS: dict[str, dict[str, str]] = {
    # 000: "miR-32-3p 低表达导致 TNFSF11 (RANKL) 升高"
    "rankl": {"entity": "hgnc:11926", "subjectLabel": "miR-32-3p", "via": "member gene"},
    # 000: "miR-214 负向调控 Wnt 通路, 靶向 β -catenin"
    "wnt": {"entity": "hgnc:2514", "subjectLabel": "miR-214", "via": "member gene"},
    # 000: "过表达 miR-30b/c 可降低 p-Smad1/5/9" and BMP signalling
    "bmp": {"entity": "GO:0030509", "subjectLabel": "miR-30b", "via": "GO process"},
    # 001: BMSC exosomal miR-186 regulates Mob1 / Hippo
    "hippo": {"entity": "GO:0035329", "subjectLabel": "miR-186", "via": "GO process"},
    # 001: "miR-214-3p还可通过激活PI3K/AKT途径"
    "pi3k-akt": {"entity": "GO:0043491", "subjectLabel": "miR-214-3p", "via": "GO process"},
    # 000: "miR-378 靶向 Traf3，激活 NF- κ B"
    "nfkb": {"entity": "GO:0007249", "subjectLabel": "miR-378", "via": "GO process"},
}


@pytest.mark.parametrize("pathway", sorted(PATHWAY_ANSWERS))
def test_pathway_claims_find_the_known_claim_of_each_pathway(store: Store, pathway: str) -> None:
    rows = run(store, "pathway-claims", pathway=pathway)
    assert has_row(rows, key=pathway, **PATHWAY_ANSWERS[pathway]), show(rows)
    assert all(r["key"] == pathway for r in rows)


def test_unknown_pathway_key_gives_no_rows(store: Store) -> None:
    assert run(store, "pathway-claims", pathway="no-such-pathway") == []


def test_search_quotes_finds_rankl_sentences(store: Store) -> None:
    rows = run(store, "search-quotes")  # default text = RANKL
    assert has_row(rows, reviewId="qian2025", quote=contains("miR-17、miR-20a/b"))
    assert all("rankl" in r["quote"].lower() for r in rows)
    chinese = run(store, "search-quotes", text="破骨细胞衍生的外泌体")
    assert has_row(chinese, reviewId="liu2023", quote=contains("miR-214-3p"))


def test_sponge_axis_circrna_mir_145_5p_foxo1(store: Store) -> None:
    rows = run(store, "sponge-axes")
    # 000: circRNA_0006393 sponges miR-145-5p, which represses FOXO1 (hgnc:3819)
    assert has_row(rows, sponge="ncrna:circRNA_0006393", mirna="miR-145-5p", target="hgnc:3819")


def test_claims_in_cell_type_by_role(store: Store) -> None:
    rows = run(store, "claims-in-cell-type")  # default cellType = CL:0000062 osteoblast
    assert has_row(rows, cell="CL:0000062", role="recipient", subjectLabel="miR-214-3p")
    osteoclast = run(store, "claims-in-cell-type", cellType="CL:0000092")
    assert has_row(osteoclast, role="donor", subjectLabel="exosomes secreted by osteoclast")


def test_every_stored_query_has_a_known_answer_test() -> None:
    """A new query must come with a test above that checks a known answer."""
    text = Path(__file__).read_text(encoding="utf-8")
    missing = [n for n in QUERIES if f'"{n}"' not in text]
    assert not missing, f"stored queries without a known-answer test: {missing}"


# ---------------------------------------------------------------- the same on a server


@pytest.fixture(scope="module")
def loaded_oxigraph(
    real_build_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[OxigraphServer]:
    """``oxigraph serve`` on 127.0.0.1 with the build in the default graph and in a named one."""
    binary = oxigraph_binary()  # missing: skip with an install hint; in CI: fail
    location = tmp_path_factory.mktemp("oxigraph-queries") / "db"
    nt = str(real_build_dir / "bonekg.nt")
    for extra in ([], ["--graph", RELEASE_GRAPH]):
        subprocess.run(
            [binary, "load", "--location", str(location), "--file", nt, *extra],
            check=True,
            capture_output=True,
            timeout=300,
        )
    server = OxigraphServer(binary, location).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.server
@pytest.mark.parametrize("name", sorted(QUERIES))
def test_stored_query_gives_the_same_rows_on_oxigraph_server_as_embedded(
    store: Store, loaded_oxigraph: OxigraphServer, name: str
) -> None:
    text = bind(QUERIES[name], {})  # the defaults
    embedded = run_embedded(text, store)
    remote = run_endpoint(text, loaded_oxigraph.query_url)
    assert remote.variables == embedded.variables
    assert embedded.rows, f"{name} returns no rows on the real build"
    assert remote.rows == embedded.rows


@pytest.mark.server
def test_named_graph_is_queried_through_default_graph_uri(
    store: Store, loaded_oxigraph: OxigraphServer
) -> None:
    text = bind(QUERIES["targets-of-mirna"], {})
    in_graph = run_endpoint(text, loaded_oxigraph.query_url, graph=RELEASE_GRAPH)
    assert in_graph.rows == run_embedded(text, store).rows
    empty = run_endpoint(text, loaded_oxigraph.query_url, graph=RELEASE_GRAPH + "-absent")
    assert empty.rows == []


def server_triples(server: OxigraphServer, graph: str | None = None) -> int:
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    res = run_endpoint(q, server.query_url, graph=graph)
    term: Any = res.rows[0][0]
    assert isinstance(term, Literal)
    return int(term.value)


@pytest.mark.server
def test_hostile_parameter_values_leave_the_server_store_intact(
    real_build_dir: Path, loaded_oxigraph: OxigraphServer
) -> None:
    lines = sum(1 for _ in (real_build_dir / "bonekg.nt").open(encoding="utf-8"))
    before = server_triples(loaded_oxigraph)
    assert before == lines
    hostile = [
        'x" } } ; DROP ALL ; #',
        'x" } }\nDROP ALL ;\nSELECT * WHERE { ?s ?p ?o . FILTER("',
        'miR-214-3p\\" } } ; CLEAR DEFAULT ; #',
    ]
    for value in hostile:
        text = bind(QUERIES["targets-of-mirna"], {"mirna": value})
        assert run_endpoint(text, loaded_oxigraph.query_url).rows == []
    assert server_triples(loaded_oxigraph) == before
    assert server_triples(loaded_oxigraph, RELEASE_GRAPH) == lines


@pytest.fixture(scope="module")
def loaded_virtuoso(
    real_build_dir: Path,
    virtuoso_server: VirtuosoServer,  # noqa: F811 (the fixture)
) -> Iterator[VirtuosoServer]:
    """The shared Virtuoso 7 with the build in a graph of its own (removed afterwards)."""
    import requests
    from requests.auth import HTTPDigestAuth

    crud = f"{virtuoso_server.base}/sparql-graph-crud-auth"
    auth = HTTPDigestAuth(virtuoso_server.user, virtuoso_server.password)
    r = requests.put(
        crud,
        params={"graph-uri": VIRTUOSO_GRAPH},
        data=(real_build_dir / "bonekg.nt").read_bytes(),
        headers={"Content-Type": "text/turtle"},
        auth=auth,
        timeout=300,
    )
    assert r.status_code in (200, 201, 204), r.text
    try:
        yield virtuoso_server
    finally:
        requests.delete(crud, params={"graph-uri": VIRTUOSO_GRAPH}, auth=auth, timeout=60)


@pytest.mark.server
@pytest.mark.parametrize("name", sorted(QUERIES))
def test_stored_query_gives_the_same_rows_on_virtuoso_as_embedded(
    store: Store, loaded_virtuoso: VirtuosoServer, name: str
) -> None:
    """Portability: Virtuoso 7 runs every query unmodified, the data in a named graph."""
    text = bind(QUERIES[name], {})
    embedded = run_embedded(text, store)
    remote = run_endpoint(text, loaded_virtuoso.query_url, graph=VIRTUOSO_GRAPH)
    assert remote.variables == embedded.variables
    assert remote.rows == embedded.rows
