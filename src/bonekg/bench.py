"""Benchmarks: synthetic curation at scale, and timed runs of the whole pipeline.

``generate`` writes realistic synthetic curation in the same YAML the curators write —
distinct claims over ~2,600 human miRNAs, ~19,000 protein-coding genes, 500 GO processes and
dozens of cell types, with Chinese quotes of realistic length — plus the import modules its
identifiers need (extracted by :func:`bonekg.imports.refresh` from the reference data).
``run`` builds, validates, queries and publishes it at several sizes in child processes and
records wall time and peak RSS in ``docs/performance.md``.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

CLAIMS_PER_FILE = 10_000
PREDICATES = [
    ("RO:0002630", "directly negatively regulates", "gene"),
    ("RO:0002212", "negatively regulates", "process"),
    ("RO:0002213", "positively regulates", "process"),
    ("RO:0003002", "represses expression of", "gene"),
    ("RO:0003003", "increases expression of", "gene"),
    ("RO:0002211", "regulates", "process"),
]
TAXA = [("NCBITaxon:9606", "Homo sapiens"), ("NCBITaxon:10090", "Mus musculus"),
        ("NCBITaxon:10116", "Rattus norvegicus")]  # fmt: skip
DISEASES = [("DOID:11476", "osteoporosis"), ("DOID:8398", "osteoarthritis")]
FILLER = (
    "研究发现在骨髓间充质干细胞中表达显著升高通过抑制成骨分化促进破骨细胞生成影响骨重塑平衡"
    "外泌体可将其转运至成骨细胞并降低碱性磷酸酶活性与骨密度呈负相关提示其可能成为骨质疏松"
    "诊断标志物和治疗靶点在卵巢切除小鼠模型中过表达导致骨量丢失而抑制剂可改善骨微结构"
)


@dataclass(frozen=True)
class Pools:
    mirnas: list[str]
    genes: list[tuple[str, str]]  # (hgnc curie, symbol)
    processes: list[tuple[str, str]]  # (GO curie, label)
    cells: list[tuple[str, str]]  # (CL curie, label)


def pools(refdata: Path) -> Pools:
    """Identifier pools drawn from the reference files (so every identifier is real)."""
    mirnas = sorted(
        {
            line[1:].split()[0][4:]
            for line in (refdata / "mirbase" / "mature.fa").read_text().splitlines()
            if line.startswith(">hsa-")
        }
    )
    genes: list[tuple[str, str]] = []
    with (refdata / "hgnc" / "hgnc_entries_2024-02.tsv").open(encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        i_id, i_sym = header.index("HGNC ID"), header.index("Approved symbol")
        i_status, i_type = header.index("Status"), header.index("Locus type")
        for line in fh:
            f = line.rstrip("\n").split("\t")
            if f[i_status] == "Approved" and f[i_type] == "gene with protein product":
                genes.append(("hgnc:" + f[i_id].split(":")[1], f[i_sym]))
    go = json.loads((refdata / "go" / "go_terms_2024-02.json").read_text(encoding="utf-8"))
    processes = sorted(
        (t["id"], t["name"])
        for t in go
        if t.get("namespace") == "biological_process" and not t.get("is_obsolete")
        and re.fullmatch(r"GO:\d{7}", t["id"])
    )  # fmt: skip
    rng = random.Random(7)
    processes = sorted(rng.sample(processes, 500))
    cl = json.loads((refdata / "cl" / "cl_terms_2026-03-26.json").read_text(encoding="utf-8"))
    cells = sorted(
        (k, v["label"]) for k, v in cl.items() if not v.get("deprecated") and "label" in v
    )
    cells = sorted(rng.sample(cells, 48))
    return Pools(mirnas, genes, processes, cells)


def _quote(rng: random.Random, mirna: str, target: str) -> str:
    n = rng.randint(40, 110)
    start = rng.randrange(len(FILLER) - n)
    return f"{mirna} 通过调控 {target}，{FILLER[start : start + n]}"


def _yaml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def generate(n_claims: int, out: Path, refdata: Path, seed: int = 0) -> Path:
    """Write ``out/curation/bench*.yaml`` (+ ``out/imports``) with ``n_claims`` distinct claims."""
    from .imports import refresh
    from .load import load_curation

    p = pools(refdata)
    rng = random.Random(seed)
    cur_dir = out / "curation"
    cur_dir.mkdir(parents=True, exist_ok=True)
    for old in cur_dir.glob("*.yaml"):
        old.unlink()
    seen: set[tuple[str, str, str, str]] = set()
    n_files = (n_claims + CLAIMS_PER_FILE - 1) // CLAIMS_PER_FILE
    made = 0
    for fi in range(n_files):
        rid = f"bench{fi + 1:04d}"
        lines = [
            "review:",
            f"  id: {rid}",
            f'  title: {{zh: "合成综述 {fi + 1}", en: "Synthetic review {fi + 1}"}}',
            '  authors: {en: ["Bench Mark"]}',
            '  journal: {en: "Journal of Synthetic Benchmarks"}',
            "  year: 2026",
            f"  source_file: {rid}.txt",
            "  language: zh",
            "references:",
        ]
        for r in range(1, 51):
            lines.append(f"  - number: {r}")
            lines.append(f'    citation: "Synthetic reference {r} of {rid}."')
        lines.append("claims:")
        for ci in range(min(CLAIMS_PER_FILE, n_claims - made)):
            while True:
                mirna = rng.choice(p.mirnas)
                pred, plabel, kind = rng.choice(PREDICATES)
                target = rng.choice(p.genes) if kind == "gene" else rng.choice(p.processes)
                taxon = rng.choice(TAXA)
                key = (mirna, pred, target[0], taxon[0])
                if key not in seen:
                    seen.add(key)
                    break
            cell = rng.choice(p.cells)
            made += 1
            lines += [
                f"  - id: {rid}-{ci + 1:05d}",
                "    kind: regulation",
                f'    section: "{rng.randint(1, 5)}.{rng.randint(1, 4)}"',
                f"    quote: {_yaml_str(_quote(rng, mirna, target[1]))}",
                f"    references: [{rng.randint(1, 50)}]",
                f'    subject: "mirna:{mirna}"',
                f'    predicate: "{pred} ! {plabel}"',
                f"    object: {_yaml_str(f'{target[0]} ! {target[1]}')}",
                f'    organism: ["{taxon[0]} ! {taxon[1]}"]',
                f"    cell_types: [{_yaml_str(f'{cell[0]} ! {cell[1]}')}]",
            ]
            if rng.random() < 0.3:
                d = rng.choice(DISEASES)
                lines.append(f'    disease: ["{d[0]} ! {d[1]}"]')
        (cur_dir / f"{rid}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    imports = out / "imports"
    imports.mkdir(exist_ok=True)
    refresh(refdata, load_curation(cur_dir), imports)
    return cur_dir
