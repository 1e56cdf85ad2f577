"""Run Odoo's command line with this checkout's addon first on odoo.addons.

The virtualenv also holds the addon as installed by ``pip install .``; putting
the checkout first means run.sh, test.sh and bench.sh always serve the code
being worked on, without reinstalling it after each change.
"""
import os

os.environ["TZ"] = "UTC"   # as Odoo's own launcher does

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

import odoo  # noqa: E402

import odoo.addons  # noqa: E402

if REPO not in odoo.addons.__path__:
    odoo.addons.__path__.insert(0, REPO)

if __name__ == "__main__":
    odoo.cli.main()
