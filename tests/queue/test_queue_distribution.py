"""`pip install .` puts the bridge beside the connector under odoo/addons, and the
set-up puts OCA queue_job (without its `odoo` dependency) in the same environment."""
import importlib.metadata
import re
import sysconfig
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BRIDGE = REPO / "salesorder_bigcommerce_queue"


def distribution(name):
    site_packages = sysconfig.get_paths()["purelib"]
    dist = next(iter(importlib.metadata.distributions(path=[site_packages], name=name)), None)
    assert dist is not None, f"{name} is not installed in {site_packages}"
    return dist


def test_distribution_holds_every_file_of_the_bridge():
    installed = {str(f) for f in distribution("odoo-addon-salesorder_bigcommerce").files}
    for path in BRIDGE.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            expected = "odoo/addons/" + str(path.relative_to(REPO))
            assert expected in installed, f"{expected} is missing from the distribution"


def test_the_connector_does_not_require_queue_job():
    requires = distribution("odoo-addon-salesorder_bigcommerce").requires or []
    assert not [r for r in requires if "queue" in r.lower()], requires


def test_queue_job_is_installed_at_the_pinned_version():
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", (REPO / "requirements-queue.txt").read_text(), re.M))
    assert importlib.metadata.version("odoo-addon-queue_job") == pins["odoo-addon-queue_job"]
    assert pins["odoo-addon-queue_job"].startswith("18.0.")
