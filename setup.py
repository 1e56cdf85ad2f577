"""Install the addon as a distribution Odoo finds: its files land in
``site-packages/odoo/addons/salesorder_bigcommerce``, which Odoo's
``odoo.addons`` namespace picks up when Odoo runs from the same interpreter.

The optional bridge ``salesorder_bigcommerce_queue`` (imports as OCA queue_job
jobs) comes along in ``odoo/addons/salesorder_bigcommerce_queue``; it is only
installable in a database once ``queue_job`` is there too (the wheel
``odoo-addon-queue_job``, installed without dependencies: scripts/setup.sh).
It is not a requirement of this distribution: the connector runs without it."""
import ast
import os

from setuptools import setup

ADDON = "salesorder_bigcommerce"
ADDONS = (ADDON, "salesorder_bigcommerce_queue")
HERE = os.path.dirname(os.path.abspath(__file__))

with open(os.path.join(HERE, ADDON, "__manifest__.py"), encoding="utf-8") as f:
    MANIFEST = ast.literal_eval(f.read())


def addon_packages():
    """Every Python package inside the addons, mapped under odoo.addons."""
    packages = {}
    for addon in ADDONS:
        for root, _dirs, files in os.walk(os.path.join(HERE, addon)):
            if "__init__.py" in files:
                rel = os.path.relpath(root, HERE)
                packages["odoo.addons." + rel.replace(os.sep, ".")] = rel
    return packages


def addon_data_files():
    """Non-Python files (XML, CSV, static assets) of each package folder."""
    data = {}
    for name, folder in addon_packages().items():
        data[name] = [f for f in os.listdir(os.path.join(HERE, folder))
                      if not f.endswith((".py", ".pyc")) and os.path.isfile(os.path.join(HERE, folder, f))]
    # Folders without __init__.py (views/, data/, security/, static/...) belong to the addon root.
    for addon in ADDONS:
        root = "odoo.addons." + addon
        for sub in sorted(os.listdir(os.path.join(HERE, addon))):
            path = os.path.join(HERE, addon, sub)
            if (os.path.isdir(path) and sub != "__pycache__"
                    and not os.path.exists(os.path.join(path, "__init__.py"))):
                for dirpath, _dirs, files in os.walk(path):
                    rel = os.path.relpath(dirpath, os.path.join(HERE, addon))
                    data[root].extend(os.path.join(rel, f) for f in files)
    return data


PACKAGES = addon_packages()

setup(
    name="odoo-addon-" + ADDON,
    version="18.0." + MANIFEST["version"].split("18.0.")[-1],
    description=MANIFEST["summary"],
    license=MANIFEST["license"],
    author=MANIFEST["author"],
    packages=sorted(PACKAGES),
    package_dir=PACKAGES,
    package_data=addon_data_files(),
    # Odoo itself is not on package registries here: it is expected in the
    # same interpreter (see README). The addon's own Python needs:
    install_requires=MANIFEST["external_dependencies"]["python"],
    python_requires=">=3.10",
    zip_safe=False,
)
