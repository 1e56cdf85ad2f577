"""Test session set-up, shared by plain and Odoo tests.

* ``tests/`` goes on sys.path so tests import ``fake_bigcommerce`` and
  ``common`` directly.
* The checkout goes first on ``odoo.addons.__path__`` so that
  ``odoo.addons.salesorder_bigcommerce`` is this working tree's code, not
  the copy ``pip install .`` left in the virtualenv.
"""
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent

sys.path.insert(0, str(TESTS))

import odoo.addons  # noqa: E402

if str(REPO) not in odoo.addons.__path__:
    odoo.addons.__path__.insert(0, str(REPO))
