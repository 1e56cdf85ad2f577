"""The verbatim BigCommerce example payloads of ../shared/bigcommerce/examples."""
import json
import os
from pathlib import Path


def shared_dir():
    """shared/bigcommerce: $BIGCOMMERCE_SHARED, else the sibling of the checkout."""
    candidates = []
    if os.environ.get('BIGCOMMERCE_SHARED'):
        root = Path(os.environ['BIGCOMMERCE_SHARED'])
        candidates += [root, root / 'bigcommerce']
    candidates.append(Path(__file__).resolve().parents[1].parent / 'shared' / 'bigcommerce')
    for path in candidates:
        if (path / 'examples').is_dir():
            return path
    raise RuntimeError(f"BigCommerce examples not found in {candidates}; set BIGCOMMERCE_SHARED")


def example(name):
    """One example payload, parsed."""
    return json.loads((shared_dir() / 'examples' / name).read_text())
