import os
from pathlib import Path

import pytest

from pipeline.models import RawDoc
from pipeline.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED = Path(os.environ.get("PRESSMETRICS_SHARED", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def rules():
    return load_rules()


def raw(text: str, doc_id: str = "t", published=None, html=False) -> RawDoc:
    return RawDoc(doc_id=doc_id, path=f"{doc_id}.txt", text=text, published=published, is_html=html)
