"""The sandbox: a fake BigCommerce store to try the addon with, and its cart.

    python scripts/sandbox.py serve [--port 8070]
        Serve the seeded sandbox store on 127.0.0.1 (foreground, until SIGTERM).
    python scripts/sandbox.py cart -d DB [--port 8070]
        Create the "Sandbox Store" cart in database DB, pointing at that store
        (left alone when DB already has one).

The store is the test suite's fake server (tests/fake_bigcommerce), seeded
with factory.populate_sandbox: the same products, variants and orders, with
the same ids, at every start. Its state is in memory; the orders POSTed to
it (scripts/sandbox_order.py) are also written to var/sandbox/ and replayed
at the next start, so their ids stay valid too. Delete that folder to forget
them. Nothing here goes into the addon: a database gets the sandbox cart only
when this script is asked to create it (scripts/run.sh does so for the new
databases it creates, unless --no-sandbox).
"""
# A command-line program: print is its output.
# pylint: disable=print-used
import argparse
import json
import os
import signal
import sys
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_PORT = 8070
STORE_HASH = "sandbox"
CLIENT_ID = "sandboxclient"
ACCESS_TOKEN = "sandbox-access-token"
CART_NAME = "Sandbox Store"
IMPORT_STATUSES = (11, 1)     # Awaiting Fulfillment, Pending


def api_path(port, host="127.0.0.1"):
    return "http://%s:%s/stores/%s/v3/" % (host, port, STORE_HASH)


def api_key():
    return "%s:%s" % (CLIENT_ID, ACCESS_TOKEN)


# ---------------------------------------------------------------- the store

def make_server(port=DEFAULT_PORT, journal=None):
    """The seeded fake store (not started). With ``journal`` (a path), the
    orders POSTed to it are appended there, and those already in it replayed."""
    sys.path.insert(0, str(REPO / "tests"))
    from fake_bigcommerce import FakeBigCommerce, factory

    class SandboxServer(FakeBigCommerce):
        replaying = False

        def _v2_create_order(self, req):
            status, order = super()._v2_create_order(req)
            if journal and not self.replaying:
                body = json.loads(req.body)
                # pin the date so that the replayed order is the same order
                body.setdefault("date_created", order["date_created"])
                journal.parent.mkdir(parents=True, exist_ok=True)
                with journal.open("a", encoding="utf-8") as f:
                    f.write(json.dumps(body) + "\n")
            return status, order

        def replay(self):
            """POST the journal's orders again; returns how many were created."""
            if not journal or not journal.exists():
                return 0
            count = 0
            self.replaying = True
            try:
                for line in journal.read_text(encoding="utf-8").splitlines():
                    if line.strip():
                        status, _, _ = self._dispatch(
                            "POST", "/stores/%s/v2/orders" % STORE_HASH,
                            {"X-Auth-Token": ACCESS_TOKEN, "Content-Type": "application/json"},
                            line.encode())
                        count += status == 201
            finally:
                self.replaying = False
            self.reset_requests()
            return count

    server = SandboxServer(store_hash=STORE_HASH, access_token=ACCESS_TOKEN,
                           client_id=CLIENT_ID, port=port)
    server.store.info["name"] = "BigCommerce Sandbox"
    factory.populate_sandbox(server.store)
    return server


def serve(args):
    journal = REPO / "var" / "sandbox" / ("orders-%d.jsonl" % args.port)
    server = make_server(args.port, journal)
    replayed = server.replay()
    server.verbose = args.verbose
    server.start()
    print("[sandbox] BigCommerce sandbox store on %s (%d products, %d orders%s)" % (
        server.api_path, len(server.store.products), len(server.store.orders),
        ", %d of them created by you" % replayed if replayed else ""), flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    parent = os.getppid()
    # Stop with the process that started us (run.sh, by then Odoo), however it ended.
    while not stop.wait(1):
        if args.with_parent and os.getppid() != parent:
            break
        if len(server.requests) > 1000:   # the fake records requests for tests
            server.reset_requests()
    server.stop()
    return 0


# ---------------------------------------------------------------- the cart

def ensure_cart(env, port=DEFAULT_PORT):
    """The sandbox cart of env's company, created when missing; (cart, created)."""
    Cart = env["bigcommerce.cart"].with_context(active_test=False)
    cart = Cart.search([("api_path", "=like", "http://127.0.0.1:%/stores/" + STORE_HASH + "/%"),
                        ("company_id", "=", env.company.id)], limit=1)
    if cart:
        return cart, False
    statuses = env["bigcommerce.order.status"].search([("bigcommerce_id", "in", IMPORT_STATUSES)])
    cart = Cart.create({
        "name": CART_NAME,
        "api_path": api_path(port),
        "api_version": "v3",
        "api_key": api_key(),
        "import_status_ids": [(6, 0, statuses.ids)],
        # the newcomer logs in as admin (env.user here is OdooBot)
        "user_id": (env.ref("base.user_admin", raise_if_not_found=False) or env.user).id,
    })
    return cart, True


def cart(args):
    sys.path.insert(0, str(REPO / "scripts"))
    import odoo_checkout  # noqa: F401  (the checkout's addon first on odoo.addons)

    import odoo
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(["-d", args.database, "--log-level=warn"])
    with Registry(args.database).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        record, created = ensure_cart(env, args.port)
        if created:
            print("[sandbox] created the cart %r (id %d) -> %s" % (record.name, record.id, record.api_path))
        else:
            print("[sandbox] cart %r (id %d) already there, left as is" % (record.name, record.id))
            if record.api_path != api_path(args.port):
                print("[sandbox] note: it points at %s, the sandbox runs at %s"
                      % (record.api_path, api_path(args.port)))
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_serve = sub.add_parser("serve", help="serve the seeded sandbox store")
    p_serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    p_serve.add_argument("--with-parent", action="store_true",
                         help="stop when the parent process ends (used by run.sh)")
    p_serve.add_argument("--verbose", action="store_true", help="log every request")
    p_serve.set_defaults(func=serve)
    p_cart = sub.add_parser("cart", help="create the sandbox cart in a database")
    p_cart.add_argument("-d", "--database", required=True)
    p_cart.add_argument("--port", type=int, default=DEFAULT_PORT)
    p_cart.set_defaults(func=cart)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
