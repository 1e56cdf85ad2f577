#!/usr/bin/env python3
"""Create a test order in the running sandbox store, as a shopper would.

    python3 scripts/sandbox_order.py                     2 x MUG-01, Awaiting Fulfillment
    python3 scripts/sandbox_order.py --sku HOODIE-M-RED --qty 1 --status 1
    python3 scripts/sandbox_order.py -d mydb --port 8071    the sandbox of database mydb, on port 8071

The order goes to the store the database's sandbox cart points at, and only
there: the script reads the cart's Cart Connect URL from the database (-d,
default $DB or "salesorder", as scripts/run.sh) with psql, and POSTs to
/v2/orders of that store. --port (or $SANDBOX_PORT) only confirms the port:
when the cart points at another port, the script refuses rather than create
an order that cart would never list. It prints the new order's id; a line
about it goes to stderr. Then, in Odoo: the cart › Orders (Cart) › List
Orders. Standard library only (and the psql client).
"""
# A command-line program: print is its output.
# pylint: disable=print-used
import argparse
import json
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sandbox  # noqa: E402  (the sandbox's store hash and token)


def call(base, method, path, body=None):
    request = urllib.request.Request(
        base + path, method=method, data=json.dumps(body).encode() if body is not None else None,
        headers={"X-Auth-Token": sandbox.ACCESS_TOKEN, "Accept": "application/json",
                 "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


# The sandbox carts of a database, as scripts/run.sh finds them (first one first).
CART_QUERY = ("SELECT api_path FROM bigcommerce_cart WHERE api_path LIKE "
              "'http://127.0.0.1:%%/stores/%s/%%' ORDER BY id" % sandbox.STORE_HASH)


def sandbox_carts(database):
    """The Cart Connect URLs of the sandbox carts of ``database`` (psql), or
    exits saying why they cannot be read."""
    try:
        done = subprocess.run(["psql", "-X", "-d", database, "-tAc", CART_QUERY],
                              capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        sys.exit("Cannot read the sandbox cart of database %s: psql failed (%s)." % (database, error))
    if done.returncode:
        sys.exit("Cannot read the sandbox cart of database %s: %s" % (
            database, (done.stderr.strip().splitlines() or ["psql failed"])[-1]))
    return [line.strip() for line in done.stdout.splitlines() if line.strip()]


def cart_port(api_path):
    return urllib.parse.urlsplit(api_path).port


def store_base(api_paths, port=None, database="the database"):
    """The store root (``http://127.0.0.1:P/stores/sandbox``) to post to: the
    one of the cart at ``port`` (when given), else of the first sandbox cart.
    Raises ValueError, with what to do, when no cart points there."""
    if not api_paths:
        raise ValueError(
            "Database %s has no sandbox cart: no store to post to. Name the database that "
            "scripts/run.sh serves with -d (or DB=...)." % database)
    if port is None:
        chosen = api_paths[0]
    else:
        chosen = next((path for path in api_paths if cart_port(path) == port), None)
        if chosen is None:
            raise ValueError(
                "The sandbox cart of database %s points at %s, not at port %d: an order posted "
                "there would never reach that cart. Use --port %d (or no --port), or -d the "
                "database whose cart points at port %d." % (
                    database, api_paths[0], port, cart_port(api_paths[0]), port))
    return chosen.rstrip("/").rsplit("/", 1)[0]     # .../stores/sandbox/v3/ -> .../stores/sandbox


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sku", default="MUG-01", help="a sandbox item SKU (variant SKUs too)")
    parser.add_argument("--qty", type=int, default=2)
    parser.add_argument("--status", type=int, default=11,
                        help="BigCommerce status id (11 Awaiting Fulfillment, 1 Pending)")
    parser.add_argument("-d", "--database", default=os.environ.get("DB") or "salesorder",
                        help="the database whose sandbox cart names the store (default: $DB or salesorder)")
    env_port = os.environ.get("SANDBOX_PORT")
    parser.add_argument("--port", type=int, default=int(env_port) if env_port else None,
                        help="the sandbox's port, checked against the cart's (default: the cart's)")
    args = parser.parse_args(argv)

    try:
        base = store_base(sandbox_carts(args.database), args.port, args.database)
    except ValueError as error:
        sys.exit(str(error))
    try:
        found = call(base, "GET", "/v3/catalog/variants?" + urllib.parse.urlencode({"sku": args.sku}))["data"]
        if not found:
            sys.exit("No item with SKU %s in the sandbox store at %s." % (args.sku, base))
        variant = found[0]
        order = call(base, "POST", "/v2/orders", {
            "status_id": args.status,
            "customer_id": 0,
            "billing_address": {
                "first_name": "Sam", "last_name": "Sandbox", "email": "sam.sandbox@example.com",
                "street_1": "12 Test Street", "city": "Austin", "state": "Texas", "zip": "78701",
                "country_iso2": "US", "phone": "555-0100"},
            "products": [{"product_id": variant["product_id"], "variant_id": variant["id"],
                          "quantity": args.qty}],
            "payment_method": "Manual",
        })
    except urllib.error.HTTPError as error:
        sys.exit("The sandbox refused the order: HTTP %s %s" % (error.code, error.read().decode()[:300]))
    except urllib.error.URLError as error:
        sys.exit("No sandbox store at %s (%s). Start it with scripts/run.sh." % (base, error.reason))
    print("Created sandbox order %s in %s: %d x %s, %s %s, status %s." % (
        order["id"], base, args.qty, args.sku, order["total_inc_tax"][:-2], order["currency_code"],
        order["status"]), file=sys.stderr)
    print(order["id"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
