"""scripts/sandbox_order.py posts only to the store the sandbox cart points at."""
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
spec = importlib.util.spec_from_file_location("sobc_sandbox_order", SCRIPTS / "sandbox_order.py")
sandbox_order = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sandbox_order)

CART_8070 = "http://127.0.0.1:8070/stores/sandbox/v3/"
CART_8071 = "http://127.0.0.1:8071/stores/sandbox/v3/"


def test_posts_to_the_cart_store():
    assert sandbox_order.store_base([CART_8070]) == "http://127.0.0.1:8070/stores/sandbox"


def test_port_confirms_the_cart():
    assert sandbox_order.store_base([CART_8071], 8071) == "http://127.0.0.1:8071/stores/sandbox"


def test_port_of_another_store_refused():
    with pytest.raises(ValueError, match="points at http://127.0.0.1:8070/.*not at port 8071.*--port 8070"):
        sandbox_order.store_base([CART_8070], 8071, "salesorder")


def test_several_carts_port_chooses():
    assert sandbox_order.store_base([CART_8070, CART_8071]) == "http://127.0.0.1:8070/stores/sandbox"
    assert sandbox_order.store_base([CART_8070, CART_8071], 8071) == "http://127.0.0.1:8071/stores/sandbox"


def test_no_cart_refused():
    with pytest.raises(ValueError, match="has no sandbox cart"):
        sandbox_order.store_base([], None, "salesorder")


def test_query_finds_run_sh_sandbox_carts():
    assert "LIKE 'http://127.0.0.1:%/stores/sandbox/%'" in sandbox_order.CART_QUERY


def test_database_without_cart_posts_nothing():
    """A database that does not exist (or has no sandbox cart): the script says so and stops."""
    done = subprocess.run([sys.executable, str(SCRIPTS / "sandbox_order.py"), "-d", "sobc_no_such_database"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert "sobc_no_such_database" in done.stderr and not done.stdout
