"""Typed records: what a curation file says, after loading and checking."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path


class ClaimKind(str, Enum):
    REGULATION = "regulation"
    TRANSFER = "transfer"
    BIOMARKER = "biomarker"
    EXPRESSION = "expression"
    INTERVENTION = "intervention"
    SPONGE = "sponge"


class EntityKind(str, Enum):
    CELL_LINE = "cell_line"
    NCRNA = "ncrna"
    INTERVENTION = "intervention"
    MIRNA = "mirna"


@dataclass(frozen=True)
class Ref:
    """A reference to an entity: a canonical CURIE and the label the curator expects upstream."""

    curie: str
    label: str | None = None
    line: int | None = field(default=None, compare=False)
    # Derived from the CURIE once (read for every reference of every claim, several times).
    prefix: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "prefix", self.curie.partition(":")[0])


@dataclass(frozen=True)
class Text:
    """A text in one or more languages (``{"zh": …, "en": …}``)."""

    values: tuple[tuple[str, str], ...]

    def get(self, lang: str) -> str | None:
        return dict(self.values).get(lang)


@dataclass(frozen=True)
class Review:
    id: str
    title: Text
    authors: tuple[tuple[str, tuple[str, ...]], ...]
    journal: Text
    year: int
    source_file: str
    language: str
    doi: str | None = None
    citation: str | None = None
    license: str | None = None
    url: str | None = None
    file: str = ""
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Reference:
    review: str
    number: int
    citation: str
    doi: str | None = None
    note: str | None = None
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Entity:
    """A minted entity (cell line, ncRNA, intervention) or a note on a miRNA concept."""

    curie: str
    kind: EntityKind
    label: Text | None = None
    organism: Ref | None = None
    models: Ref | None = None
    note: str | None = None
    file: str = ""
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Carrier:
    donor: Ref | None
    recipient: Ref | None
    donor_text: str | None = None


@dataclass(frozen=True)
class Statement:
    """Another place where the same review states the same claim (one more evidence)."""

    section: str
    quote: str
    references: tuple[int, ...]
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Claim:
    id: str
    review: str
    kind: ClaimKind
    section: str
    quote: str
    quote_lang: str
    references: tuple[int, ...]
    subject: Ref | None  # None means "the carrier exosome"
    predicate: Ref
    object: Ref
    organism: tuple[Ref, ...] = ()
    cell_types: tuple[Ref, ...] = ()
    anatomy: tuple[Ref, ...] = ()
    disease: tuple[Ref, ...] = ()
    disease_model: str | None = None
    experimental_system: tuple[Ref, ...] = ()
    species_gene: Ref | None = None
    carrier: Carrier | None = None
    level: str | None = None
    correlation: str | None = None
    hedged: bool = False
    evidence_code: Ref = field(default_factory=lambda: Ref("ECO:0000304"))
    note: str | None = None
    also_stated: tuple[Statement, ...] = ()
    file: str = ""
    line: int = field(default=0, compare=False)

    def quotes(self) -> list[str]:
        return [self.quote, *(s.quote for s in self.also_stated)]

    def refs(self) -> list[Ref]:
        """Every entity reference of the claim (for label and import checks)."""
        out: list[Ref] = [self.predicate, self.object, self.evidence_code]
        if self.subject is not None:
            out.append(self.subject)
        out.extend(self.organism)
        out.extend(self.cell_types)
        out.extend(self.anatomy)
        out.extend(self.disease)
        out.extend(self.experimental_system)
        if self.species_gene is not None:
            out.append(self.species_gene)
        if self.carrier is not None:
            out.extend(r for r in (self.carrier.donor, self.carrier.recipient) if r is not None)
        return out


@dataclass(frozen=True)
class Skipped:
    """A sentence naming a miRNA (or an exosome finding) that deliberately yields no claim."""

    review: str
    quote: str
    reason: str
    file: str = ""
    line: int = field(default=0, compare=False)


@dataclass
class Curation:
    """Everything loaded from a curation directory."""

    reviews: list[Review] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    def all_refs(self) -> list[Ref]:
        out: list[Ref] = []
        for c in self.claims:
            out.extend(c.refs())
        for e in self.entities:
            out.extend(r for r in (e.organism, e.models) if r is not None)
        return out
