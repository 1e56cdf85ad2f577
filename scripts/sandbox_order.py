#!/usr/bin/env python3
"""Create a test order in the running sandbox store, as a shopper would.

    python3 scripts/sandbox_order.py                     2 x MUG-01, Awaiting Fulfillment
    python3 scripts/sandbox_order.py --sku HOODIE-M-RED --qty 1 --status 1

POSTs the order to /v2/orders of the sandbox (scripts/run.sh starts it on
port $SANDBOX_PORT, 8070 by default) and prints the new order's id; a line
about it goes to stderr. Then, in Odoo: the cart › Orders (Cart) › List Orders.
Standard library only.
"""
import argparse
import json
import os
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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sku", default="MUG-01", help="a sandbox item SKU (variant SKUs too)")
    parser.add_argument("--qty", type=int, default=2)
    parser.add_argument("--status", type=int, default=11,
                        help="BigCommerce status id (11 Awaiting Fulfillment, 1 Pending)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("SANDBOX_PORT", sandbox.DEFAULT_PORT)))
    args = parser.parse_args(argv)

    base = "http://127.0.0.1:%d/stores/%s" % (args.port, sandbox.STORE_HASH)
    try:
        found = call(base, "GET", "/v3/catalog/variants?" + urllib.parse.urlencode({"sku": args.sku}))["data"]
        if not found:
            sys.exit("No item with SKU %s in the sandbox store." % args.sku)
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
    print("Created sandbox order %s: %d x %s, %s %s, status %s." % (
        order["id"], args.qty, args.sku, order["total_inc_tax"][:-2], order["currency_code"],
        order["status"]), file=sys.stderr)
    print(order["id"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
