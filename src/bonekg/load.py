"""Load curation YAML into typed records, checking keys, identifiers and cross-references.

Every problem is reported with ``file:line`` and the claim id; all problems of a directory are
collected and raised together as :class:`~bonekg.errors.InputErrors`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from . import prefixes
from .errors import InputError, InputErrors, Location
from .model import (
    Carrier,
    Claim,
    ClaimKind,
    Curation,
    Entity,
    EntityKind,
    Ref,
    Reference,
    Review,
    Skipped,
    Statement,
    Text,
)

REVIEW_ID = re.compile(r"[a-z]+[0-9]{4}[a-z]?")
# The characters an IRI may not contain (RFC 3987), so a DOI or URL never breaks the N-Triples.
DOI = re.compile(r"10\.\d{4,9}/[^\s<>\"{}|\\^`]+")
URL = re.compile(r"https?://[^\s<>\"{}|\\^`]+")
LANG = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]+)*")
SPDX = re.compile(r"[A-Za-z0-9.+\-]+")

TOP_KEYS = {"review", "references", "entities", "claims", "skipped"}
SKIPPED_KEYS = {"quote", "reason"}
REVIEW_KEYS = {
    "id",
    "doi",
    "title",
    "authors",
    "journal",
    "year",
    "citation",
    "license",
    "source_file",
    "language",
    "url",
}
REVIEW_REQUIRED = {"id", "title", "authors", "journal", "year", "source_file", "language"}
REFERENCE_KEYS = {"number", "citation", "doi", "note"}
ENTITY_KEYS = {"id", "kind", "label", "organism", "models", "note"}
CLAIM_KEYS = {
    "id",
    "kind",
    "section",
    "quote",
    "quote_lang",
    "references",
    "subject",
    "predicate",
    "object",
    "organism",
    "cell_types",
    "anatomy",
    "disease",
    "disease_model",
    "experimental_system",
    "species_gene",
    "carrier",
    "level",
    "correlation",
    "hedged",
    "evidence_code",
    "note",
    "also_stated",
}
CLAIM_REQUIRED = {"id", "kind", "section", "quote", "references", "subject", "predicate", "object"}
CARRIER_KEYS = {"donor", "donor_text", "recipient"}
STATEMENT_KEYS = {"section", "quote", "references"}

# Which prefixes each slot accepts.
SLOT_PREFIXES: dict[str, frozenset[str]] = {
    "subject": frozenset(
        {"mirna", "ncrna", "hgnc", "MGI", "rgd", "CHEBI", "intervention", "GO", "CL", "UBERON"}
    ),
    "predicate": frozenset({"RO"}),
    "object": frozenset(
        {
            "mirna",
            "ncrna",
            "hgnc",
            "MGI",
            "rgd",
            "GO",
            "CL",
            "UBERON",
            "DOID",
            "MONDO",
            "EFO",
            "CHEBI",
        }
    ),
    "organism": frozenset({"NCBITaxon"}),
    "cell_types": frozenset({"CL"}),
    "anatomy": frozenset({"UBERON"}),
    "disease": frozenset({"DOID", "MONDO", "EFO"}),
    "experimental_system": frozenset({"cellline"}),
    "species_gene": frozenset({"MGI", "rgd"}),
    "donor": frozenset({"CL", "UBERON"}),
    "recipient": frozenset({"CL"}),
    "evidence_code": frozenset({"ECO"}),
    "models": frozenset({"CL"}),
}
MINTED_NEEDING_DECLARATION = frozenset({"cellline", "ncrna", "intervention"})


class _Map(dict[str, Any]):
    """A YAML mapping that remembers the line of each key."""

    line: int = 0
    key_lines: dict[str, int]


class _List(list[Any]):
    line: int = 0
    item_lines: list[int]


# libyaml's parser (CSafeLoader) is ~10x faster and still gives node marks (line numbers).
_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc]
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _Map:
    m = _Map()
    m.line = node.start_mark.line + 1
    m.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        if key in m:
            raise InputError(
                f"duplicate key {key!r}", Location(str(loader.name), key_node.start_mark.line + 1)
            )
        m[key] = loader.construct_object(value_node, deep=True)
        m.key_lines[key] = value_node.start_mark.line + 1
    return m


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> _List:
    lst = _List(loader.construct_object(child, deep=True) for child in node.value)
    lst.line = node.start_mark.line + 1
    lst.item_lines = [child.start_mark.line + 1 for child in node.value]
    return lst


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


class _NoLines(dict[str, int]):
    """Key lines of a mapping read by the fast parser: unknown (0) until a located re-read."""

    def __missing__(self, key: str) -> int:
        return 0


_NO_LINES = _NoLines()


def _kl(m: Any) -> dict[str, int]:
    kl: dict[str, int] = getattr(m, "key_lines", _NO_LINES)
    return kl


def _ln(m: Any) -> int:
    return int(getattr(m, "line", 0))


def read_yaml_fast(path: Path) -> Any:
    """Parse with yaml-rs (Rust, YAML 1.2, ~20x faster than PyYAML) without line numbers.

    Returns None when yaml-rs is not installed or cannot read the file; the caller then uses
    :func:`read_yaml`, which also gives the line of every key for error messages.
    """
    try:
        import yaml_rs
    except ImportError:  # pragma: no cover - yaml-rs is a dependency
        return None
    try:
        return yaml_rs.loads(path.read_text(encoding="utf-8"))
    except Exception:  # yaml_rs.YAMLDecodeError, OSError, UnicodeDecodeError …
        return None


def read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read curation file: {exc}", Location(str(path))) from exc
    loader = _Loader(text)
    loader.name = str(path)
    try:
        return loader.get_single_data()
    except InputError:
        raise
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise InputError(f"YAML syntax error: {exc.problem}", Location(str(path), line)) from exc
    except yaml.YAMLError as exc:
        raise InputError(f"YAML error: {exc}", Location(str(path))) from exc
    finally:
        loader.dispose()


# (text, slot) -> (canonical CURIE, label) of references that passed every check.
_REF_CACHE: dict[tuple[str, str], tuple[str, str | None]] = {}


class _FileLoader:
    """Checks one curation file, collecting errors rather than stopping at the first."""

    def __init__(self, path: Path, display: str) -> None:
        self.path = path
        self.file = display
        self.errors: list[InputError] = []

    def err(self, msg: str, line: int | None, claim: str | None = None) -> None:
        self.errors.append(InputError(msg, Location(self.file, line, claim)))

    def keys(
        self, m: Any, allowed: set[str], required: set[str], what: str, claim: str | None = None
    ) -> bool:
        if not isinstance(m, dict):
            self.err(f"{what} must be a mapping", getattr(m, "line", None), claim)
            return False
        for k in m:
            if k not in allowed:
                self.err(
                    f"unknown key {k!r} in {what} (allowed: {', '.join(sorted(allowed))})",
                    _kl(m).get(k, _ln(m)),
                    claim,
                )
        for k in sorted(required - set(m)):
            self.err(f"missing required key {k!r} in {what}", _ln(m), claim)
        return True

    def text(self, value: Any, line: int, what: str, claim: str | None = None) -> Text | None:
        if isinstance(value, str):
            return Text((("", value.strip()),))
        if isinstance(value, dict) and value:
            pairs = []
            for lang, v in value.items():
                if not LANG.fullmatch(str(lang)) or not isinstance(v, str) or not v.strip():
                    self.err(f"{what}: expected {{lang: text}}, got {lang!r}: {v!r}", line, claim)
                    continue
                pairs.append((str(lang), v.strip()))
            return Text(tuple(sorted(pairs)))
        self.err(f"{what} must be a text or a {{lang: text}} mapping", line, claim)
        return None

    def ref(self, value: Any, line: int, slot: str, claim: str | None = None) -> Ref | None:
        key = (value, slot) if isinstance(value, str) else None
        if key is not None:
            hit = _REF_CACHE.get(key)
            if hit is not None:
                return Ref(hit[0], hit[1], line)
        n_errors = len(self.errors)
        ref = self._ref(value, line, slot, claim)
        if key is not None and ref is not None and len(self.errors) == n_errors:
            _REF_CACHE[key] = (ref.curie, ref.label)
        return ref

    def _ref(self, value: Any, line: int, slot: str, claim: str | None = None) -> Ref | None:
        if not isinstance(value, str) or not value.strip():
            self.err(f"{slot}: expected a CURIE string, got {value!r}", line, claim)
            return None
        curie, _, label = value.partition(" ! ")
        curie = curie.strip()
        if " " in curie or ":" not in curie:
            self.err(
                f"{slot}: malformed CURIE {curie!r} (expected PREFIX:ID [! label])", line, claim
            )
            return None
        curie = prefixes.normalize(curie)
        prefix, _, local = curie.partition(":")
        if prefix not in prefixes.prefix_map():
            self.err(
                f"{slot}: unknown CURIE prefix {prefix!r} in {curie!r} "
                "(see ontology/prefixes.json)",
                line,
                claim,
            )
            return None
        allowed = SLOT_PREFIXES.get(slot)
        if allowed is not None and prefix not in allowed:
            self.err(
                f"{slot}: prefix {prefix!r} is not allowed here "
                f"(allowed: {', '.join(sorted(allowed))})",
                line,
                claim,
            )
            return None
        pattern = prefixes.LOCAL_ID_PATTERNS.get(prefix)
        if pattern is not None and not pattern.fullmatch(local):
            self.err(
                f"{slot}: malformed identifier {curie!r} ({prefix} ids match /{pattern.pattern}/)",
                line,
                claim,
            )
            return None
        return Ref(curie, label.strip() or None, line)

    def refs(self, value: Any, line: int, slot: str, claim: str) -> tuple[Ref, ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.err(f"{slot} must be a list of CURIEs", line, claim)
            return ()
        lines = getattr(value, "item_lines", [line] * len(value))
        out = [self.ref(v, ln, slot, claim) for v, ln in zip(value, lines, strict=True)]
        return tuple(r for r in out if r is not None)

    def load(
        self, fast: bool = False
    ) -> tuple[Review | None, list[Reference], list[Entity], list[Claim], list[Skipped]]:
        data = read_yaml_fast(self.path) if fast else None
        if data is None:
            data = read_yaml(self.path)
        if isinstance(data, dict) and set(data) == {"entities"}:
            # A shared file of minted entities used by several reviews (curation/entities.yaml).
            return None, [], self.entities(data["entities"] or []), [], []
        if not self.keys(data, TOP_KEYS, {"review", "claims"}, "the file"):
            return None, [], [], [], []
        review = self.review(data["review"]) if "review" in data else None
        rid = review.id if review else "?"
        references = self.references(data.get("references") or [], rid)
        entities = self.entities(data.get("entities") or [])
        claims = self.claims(data.get("claims") or [], review, {r.number for r in references})
        skipped = self.skipped(data.get("skipped") or [], rid)
        return review, references, entities, claims, skipped

    def skipped(self, items: Any, rid: str) -> list[Skipped]:
        if not isinstance(items, list):
            self.err("skipped must be a list", getattr(items, "line", None))
            return []
        out: list[Skipped] = []
        for m in items:
            if not self.keys(m, SKIPPED_KEYS, SKIPPED_KEYS, "skipped sentence"):
                continue
            quote, reason = m.get("quote"), m.get("reason")
            if not isinstance(quote, str) or not quote.strip():
                self.err("skipped: quote must be non-empty text", _ln(m))
                continue
            if not isinstance(reason, str) or not reason.strip():
                self.err("skipped: reason must be non-empty text", _ln(m))
                continue
            out.append(Skipped(rid, quote.strip(), reason.strip(), self.file, _ln(m)))
        return out

    def review(self, m: Any) -> Review | None:
        if not self.keys(m, REVIEW_KEYS, REVIEW_REQUIRED, "review"):
            return None
        ok = True
        rid = str(m.get("id", ""))
        if not REVIEW_ID.fullmatch(rid):
            self.err(
                f"review id {rid!r} must match {REVIEW_ID.pattern} (author + year)",
                _kl(m).get("id"),
            )
            ok = False
        doi = m.get("doi")
        if doi is not None and not DOI.fullmatch(str(doi)):
            # reported; the review stays, so its claims are still checked (no cascade)
            self.err(f"malformed DOI {doi!r}", _kl(m).get("doi"))
            doi = None
        year = m.get("year")
        if not isinstance(year, int) or not 1900 < year < 2100:
            self.err(f"year must be a four-digit integer, got {year!r}", _kl(m).get("year"))
            ok = False
        url = m.get("url")
        if url is not None and not URL.fullmatch(str(url)):
            self.err(f"url must be an http(s) URL, got {url!r}", _kl(m).get("url"))
            url = None
        lic = m.get("license")
        if lic is not None and not SPDX.fullmatch(str(lic)):
            self.err(f"license must be an SPDX id, got {lic!r}", _kl(m).get("license"))
        lang = str(m.get("language", ""))
        if not LANG.fullmatch(lang):
            self.err(f"language must be a BCP 47 tag, got {lang!r}", _kl(m).get("language"))
            ok = False
        title = self.text(m.get("title"), _kl(m).get("title", _ln(m)), "title")
        journal = self.text(m.get("journal"), _kl(m).get("journal", _ln(m)), "journal")
        authors_raw = m.get("authors")
        authors: list[tuple[str, tuple[str, ...]]] = []
        if isinstance(authors_raw, dict):
            for lang_, names in authors_raw.items():
                if lang_ and not LANG.fullmatch(str(lang_)):
                    self.err(f"authors: {lang_!r} is not a language tag", _kl(m).get("authors"))
                    continue
                if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                    self.err("authors: expected {lang: [names]}", _kl(m).get("authors"))
                    ok = False
                    continue
                authors.append((str(lang_), tuple(names)))
        else:
            self.err("authors: expected {lang: [names]}", _kl(m).get("authors"))
            ok = False
        if not ok or title is None or journal is None:
            return None
        return Review(
            id=rid,
            title=title,
            authors=tuple(sorted(authors)),
            journal=journal,
            year=int(year),
            source_file=str(m["source_file"]),
            language=lang,
            doi=str(doi).lower() if doi else None,
            citation=m.get("citation"),
            license=str(lic) if lic else None,
            url=str(url) if url else None,
            file=self.file,
            line=_ln(m),
        )

    def references(self, items: Any, rid: str) -> list[Reference]:
        if not isinstance(items, list):
            self.err("references must be a list", getattr(items, "line", None))
            return []
        out: list[Reference] = []
        seen: dict[int, int] = {}
        for m in items:
            if not self.keys(m, REFERENCE_KEYS, {"number", "citation"}, "reference"):
                continue
            num = m.get("number")
            if not isinstance(num, int) or num < 1:
                self.err(f"reference number must be a positive integer, got {num!r}", _ln(m))
                continue
            if num in seen:
                self.err(f"duplicate reference number {num} (first at line {seen[num]})", _ln(m))
                continue
            seen[num] = _ln(m)
            doi = m.get("doi")
            if doi is not None and not DOI.fullmatch(str(doi)):
                self.err(f"reference {num}: malformed DOI {doi!r}", _kl(m).get("doi"))
                continue
            citation = m.get("citation")
            if not isinstance(citation, str) or not citation.strip():
                self.err(f"reference {num}: citation must be non-empty text", _ln(m))
                continue
            out.append(
                Reference(
                    rid,
                    num,
                    citation.strip(),
                    str(doi).lower() if doi else None,
                    m.get("note"),
                    _ln(m),
                )
            )
        return out

    def entities(self, items: Any) -> list[Entity]:
        if not isinstance(items, list):
            self.err("entities must be a list", getattr(items, "line", None))
            return []
        out: list[Entity] = []
        for m in items:
            if not self.keys(m, ENTITY_KEYS, {"id", "kind"}, "entity"):
                continue
            try:
                kind = EntityKind(m["kind"])
            except ValueError:
                self.err(
                    f"entity kind must be one of {[k.value for k in EntityKind]}",
                    _kl(m).get("kind"),
                )
                continue
            ref = self.ref(m["id"], _kl(m)["id"], "entity")
            if ref is None:
                continue
            expected = {
                EntityKind.CELL_LINE: "cellline",
                EntityKind.NCRNA: "ncrna",
                EntityKind.INTERVENTION: "intervention",
                EntityKind.MIRNA: "mirna",
            }[kind]
            if ref.prefix != expected:
                self.err(f"entity of kind {kind.value} must use prefix {expected!r}", _ln(m))
                continue
            label = None
            if "label" in m:
                label = self.text(m["label"], _kl(m)["label"], "entity label")
            elif kind is not EntityKind.MIRNA:
                self.err(f"entity {ref.curie} needs a label", _ln(m))
                continue
            organism = (
                self.ref(m["organism"], _kl(m)["organism"], "organism") if "organism" in m else None
            )
            models = self.ref(m["models"], _kl(m)["models"], "models") if "models" in m else None
            out.append(
                Entity(ref.curie, kind, label, organism, models, m.get("note"), self.file, _ln(m))
            )
        return out

    def claims(self, items: Any, review: Review | None, ref_numbers: set[int]) -> list[Claim]:
        if not isinstance(items, list):
            self.err("claims must be a list", getattr(items, "line", None))
            return []
        out: list[Claim] = []
        for m in items:
            cid = str(m.get("id")) if isinstance(m, dict) else None
            if not self.keys(m, CLAIM_KEYS, CLAIM_REQUIRED, "claim", cid):
                continue
            c = self.claim(m, cid or "?", review, ref_numbers)
            if c is not None:
                out.append(c)
        return out

    def statements(
        self, items: Any, line: int, cid: str, ref_numbers: set[int]
    ) -> tuple[Statement, ...]:
        """Other sentences of the same review that state the same claim (more evidence)."""
        if items is None:
            return ()
        if not isinstance(items, list):
            self.err("also_stated must be a list of {section, quote, references}", line, cid)
            return ()
        out: list[Statement] = []
        for m in items:
            if not self.keys(m, STATEMENT_KEYS, STATEMENT_KEYS, "also_stated entry", cid):
                continue
            quote, refs = m.get("quote"), m.get("references")
            if not isinstance(quote, str) or not quote.strip():
                self.err("also_stated: quote must be non-empty text", _ln(m), cid)
                continue
            if not isinstance(refs, list) or not all(isinstance(x, int) for x in refs):
                self.err("also_stated: references must be a list of numbers", _ln(m), cid)
                continue
            for num in refs:
                if num not in ref_numbers:
                    self.err(
                        f"reference [{num}] is not in this file's references list", _ln(m), cid
                    )
            section = str(m.get("section", "")).strip()
            out.append(Statement(section, quote.strip(), tuple(refs), _ln(m)))
        return tuple(out)

    def claim(
        self, m: _Map, cid: str, review: Review | None, ref_numbers: set[int]
    ) -> Claim | None:
        n_errors = len(self.errors)
        kl = _kl(m)
        ln = _ln(m)
        rid = review.id if review else "?"
        if not _claim_id_pattern(rid).fullmatch(cid):
            self.err(f"claim id must be '{rid}-NNN'", kl.get("id", ln), cid)
        try:
            kind = ClaimKind(m["kind"])
        except ValueError:
            self.err(
                f"kind must be one of {[k.value for k in ClaimKind]}, got {m['kind']!r}",
                kl.get("kind"),
                cid,
            )
            kind = ClaimKind.REGULATION
        quote = m.get("quote")
        if not isinstance(quote, str) or not quote.strip():
            self.err("quote must be non-empty text", kl.get("quote", ln), cid)
            quote = ""
        section = str(m.get("section", "")).strip()
        if not section:
            self.err("section must be non-empty", kl.get("section", ln), cid)
        refs_raw = m.get("references")
        numbers: list[int] = []
        if not isinstance(refs_raw, list) or not all(isinstance(x, int) for x in refs_raw):
            self.err(
                "references must be a list of reference numbers ([] when none is printed)",
                kl.get("references", ln),
                cid,
            )
        else:
            for num in refs_raw:
                if num not in ref_numbers:
                    self.err(
                        f"reference [{num}] is not in this file's references list",
                        kl.get("references"),
                        cid,
                    )
                numbers.append(num)
        subject: Ref | None = None
        if m.get("subject") == "exosome":
            if "carrier" not in m:
                self.err("'subject: exosome' needs a carrier", kl.get("subject"), cid)
        else:
            subject = self.ref(m.get("subject"), kl.get("subject", ln), "subject", cid)
        predicate = self.ref(m.get("predicate"), kl.get("predicate", ln), "predicate", cid)
        obj = self.ref(m.get("object"), kl.get("object", ln), "object", cid)
        carrier = None
        if "carrier" in m:
            cm = m["carrier"]
            if self.keys(cm, CARRIER_KEYS, set(), "carrier", cid):
                donor = (
                    self.ref(cm["donor"], _kl(cm)["donor"], "donor", cid) if "donor" in cm else None
                )
                recipient = (
                    self.ref(cm["recipient"], _kl(cm)["recipient"], "recipient", cid)
                    if "recipient" in cm
                    else None
                )
                if donor is None and "donor_text" not in cm:
                    self.err("carrier needs a donor or a donor_text", _ln(cm), cid)
                carrier = Carrier(donor, recipient, cm.get("donor_text"))
        elif kind is ClaimKind.TRANSFER:
            self.err("a transfer claim needs a carrier (donor, recipient)", ln, cid)
        level = m.get("level")
        if level is not None and level not in ("increased", "decreased"):
            self.err(
                f"level must be 'increased' or 'decreased', got {level!r}", kl.get("level"), cid
            )
        corr = m.get("correlation")
        if corr is not None and corr not in ("positive", "negative"):
            self.err(
                f"correlation must be 'positive' or 'negative', got {corr!r}",
                kl.get("correlation"),
                cid,
            )
        hedged = m.get("hedged", False)
        if not isinstance(hedged, bool):
            self.err("hedged must be true or false", kl.get("hedged"), cid)
            hedged = False
        disease_model = m.get("disease_model")
        if disease_model is not None and _squash(str(disease_model)) not in _squash(quote):
            self.err(
                "disease_model must be the review's words, a substring of the quote",
                kl.get("disease_model"),
                cid,
            )
        default_eco = "ECO:0000304" if numbers else "ECO:0000303"
        eco = self.ref(
            m.get("evidence_code", default_eco),
            kl.get("evidence_code", ln),
            "evidence_code",
            cid,
        )
        lang = str(m.get("quote_lang", review.language if review else "zh"))
        if not LANG.fullmatch(lang):
            self.err(f"quote_lang must be a language tag, got {lang!r}", kl.get("quote_lang"), cid)
        also = self.statements(m.get("also_stated"), kl.get("also_stated", ln), cid, ref_numbers)
        if len(self.errors) > n_errors or predicate is None or obj is None or eco is None:
            return None
        return Claim(
            id=cid,
            review=rid,
            kind=kind,
            section=section,
            quote=quote.strip(),
            quote_lang=lang,
            references=tuple(numbers),
            subject=subject,
            predicate=predicate,
            object=obj,
            organism=self.refs(m.get("organism"), kl.get("organism", ln), "organism", cid),
            cell_types=self.refs(m.get("cell_types"), kl.get("cell_types", ln), "cell_types", cid),
            anatomy=self.refs(m.get("anatomy"), kl.get("anatomy", ln), "anatomy", cid),
            disease=self.refs(m.get("disease"), kl.get("disease", ln), "disease", cid),
            disease_model=str(disease_model).strip() if disease_model else None,
            experimental_system=self.refs(
                m.get("experimental_system"),
                kl.get("experimental_system", ln),
                "experimental_system",
                cid,
            ),
            species_gene=(
                self.ref(m["species_gene"], kl["species_gene"], "species_gene", cid)
                if "species_gene" in m
                else None
            ),
            carrier=carrier,
            level=level,
            correlation=corr,
            hedged=hedged,
            evidence_code=eco,
            note=str(m["note"]).strip() if m.get("note") else None,
            also_stated=also,
            file=self.file,
            line=ln,
        )


@functools.cache
def _claim_id_pattern(review_id: str) -> re.Pattern[str]:
    return re.compile(re.escape(review_id) + r"-\d{3,}")


def _squash(s: str) -> str:
    return "".join(s.split())


def curation_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise InputError(f"curation directory not found: {directory}")
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise InputError(f"no curation files (*.yaml) in {directory}")
    return files


def load_curation(directory: Path, fast: bool = True) -> Curation:
    """Load and cross-check every ``*.yaml`` in ``directory``.

    ``fast=False`` reads with line numbers for every claim (for reports that cite them).
    """
    return load_files(curation_files(directory), fast=fast)


def load_files(
    files: Iterable[Path], fast: bool = True, cross_check: bool = True, locate: bool = True
) -> Curation:
    """Load curation files; with any problem, re-read them with line numbers and report.

    ``cross_check=False`` skips the checks that need every file (minted entities declared
    elsewhere); ``locate=False`` raises at once instead of re-reading for line numbers.
    """
    files = list(files)
    try:
        return _load_files(files, fast, cross_check)
    except InputError:
        if not fast or not locate:
            raise
        return _load_files(files, False, cross_check)


def _load_files(files: list[Path], fast: bool, cross_check: bool = True) -> Curation:
    cur_files = list(files)
    cur = Curation(files=cur_files)
    errors: list[InputError] = []
    claim_at: dict[str, str] = {}
    review_at: dict[str, str] = {}
    entity_def: dict[str, Entity] = {}
    for path in files:
        fl = _FileLoader(path, _display(path))
        try:
            # Fast parse first; only a file with problems is re-read with line numbers.
            review, references, entities, claims, skipped = fl.load(fast=fast)
        except InputError as exc:
            errors.append(exc)
            continue
        errors.extend(fl.errors)
        if review is not None:
            if review.id in review_at:
                errors.append(
                    InputError(
                        f"duplicate review id {review.id!r} (also in {review_at[review.id]})",
                        Location(fl.file, review.line),
                    )
                )
            review_at[review.id] = fl.file
            cur.reviews.append(review)
        cur.references.extend(references)
        cur.skipped.extend(skipped)
        for e in entities:
            prev = entity_def.get(e.curie)
            if prev is None:
                entity_def[e.curie] = e
                cur.entities.append(e)
            elif (prev.kind, prev.label, prev.organism, prev.models) != (
                e.kind,
                e.label,
                e.organism,
                e.models,
            ):
                errors.append(
                    InputError(
                        f"entity {e.curie} is declared differently in {prev.file}:{prev.line}",
                        Location(e.file, e.line),
                    )
                )
        for c in claims:
            if c.id in claim_at:
                errors.append(
                    InputError(
                        f"duplicate claim id (first at {claim_at[c.id]})",
                        Location(c.file, c.line, c.id),
                    )
                )
                continue
            claim_at[c.id] = f"{c.file}:{c.line}"
            cur.claims.append(c)
    for c in cur.claims if cross_check else ():
        for r in c.refs():
            if r.prefix in MINTED_NEEDING_DECLARATION and r.curie not in entity_def:
                errors.append(
                    InputError(
                        f"{r.curie} is not declared under 'entities:' "
                        "(minted entities need a label)",
                        Location(c.file, r.line, c.id),
                    )
                )
    if errors:
        raise InputErrors(errors)
    return cur


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
