"""`pip install .` installs the addon where Odoo finds it, with every file it needs."""
import ast
import importlib.metadata
import sysconfig
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ADDON = REPO / "salesorder_bigcommerce"


def installed_distribution():
    """The distribution pip installed in the virtualenv (not a build left in the checkout)."""
    site_packages = sysconfig.get_paths()["purelib"]
    dists = importlib.metadata.distributions(path=[site_packages], name="odoo-addon-salesorder_bigcommerce")
    dist = next(iter(dists), None)
    assert dist is not None, f"odoo-addon-salesorder_bigcommerce is not installed in {site_packages}"
    return dist


def installed_files():
    return {str(f) for f in installed_distribution().files}


def test_distribution_holds_every_file_of_the_addon():
    """Every file of the checkout's addon (Python, data, views, static) is in the
    installed distribution, under odoo/addons/ (run by scripts/test.sh after setup.sh
    reinstalled the checkout)."""
    installed = installed_files()
    for path in ADDON.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            expected = "odoo/addons/" + str(path.relative_to(REPO))
            assert expected in installed, f"{expected} is missing from the distribution"


def test_manifest_is_literal_and_declares_python_dependencies():
    manifest = ast.literal_eval((ADDON / "__manifest__.py").read_text())
    assert manifest["version"].startswith("18.0.")
    assert "requests" in manifest["external_dependencies"]["python"]
    for data_file in manifest["data"]:
        assert (ADDON / data_file).is_file(), data_file
    requires = installed_distribution().requires or []
    assert any(r.startswith("requests") for r in requires)


def test_odoo_finds_the_installed_addon_without_the_checkout():
    """With only Odoo's own addons on the path, the module is found in site-packages."""
    import subprocess
    import sys

    code = (
        "import odoo, odoo.addons, os;"
        "from odoo.modules.module import get_module_path;"
        "p = get_module_path('salesorder_bigcommerce');"
        "print(p)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd="/", check=True).stdout.strip()
    assert out.endswith("site-packages/odoo/addons/salesorder_bigcommerce"), out
