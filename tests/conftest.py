"""Shared fixtures: one spaCy-backed extractor per test session (loading it takes ~1 s)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def extractor():
    from graphbuild.extract import Extractor
    return Extractor()


@pytest.fixture(scope="session")
def extract_text(extractor):
    """Extract events from a text (with an article date) -> list of records."""
    from graphbuild.ingest import RawArticle

    def run(text: str, date: str | None = "2019-03-12", title: str | None = None, art_id: str = "t"):
        return extractor.extract(RawArticle(id=art_id, text=text, title=title, date=date))
    return run
