"""bonekg: a curated linked-data knowledge graph of miRNA and exosome claims in bone remodelling."""

from __future__ import annotations

__version__ = "0.1.0"
