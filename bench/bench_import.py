"""Order import benchmark: the connector (action_sync) against plain ORM creates.

Run through scripts/bench.sh, which gives each document type a fresh database:

    python bench/bench_import.py --db sobc_bench --type sale_order --orders 1000

Prints one table row: orders per second, API requests, SQL queries and peak
memory per order, and the time plain ``create()`` (100 records per call, from
values precomputed out of the imported documents) takes for the same documents.
The store's catalog (50 items, 10 with 6 variants) is imported first, as a
merchant does, and timed apart ("catalog s").
"""
# A command-line program: print is its output.
# pylint: disable=print-used
import argparse
import multiprocessing
import os
import resource
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests"))

STORE_HASH, TOKEN, CLIENT = "bench", "bench-token", "bench-client"


def serve_store(n_orders, ready, port_box):
    """Child process: a fake store with a catalog and n generated orders."""
    from decimal import Decimal

    from fake_bigcommerce import FakeBigCommerce, factory

    server = FakeBigCommerce(store_hash=STORE_HASH, access_token=TOKEN, client_id=CLIENT, port=0)
    products = factory.catalog(50, variants_every=5, store=server.store)
    factory.orders(n_orders, products, seed=1, statuses=(11,), step_seconds=60,
                   store=server.store, tax_rate=Decimal("0.0825"))
    port_box.value = server.port
    server.start()
    ready.set()
    while True:
        time.sleep(3600)


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--type", choices=["cash_sale", "sale_order", "sales_invoice"], required=True)
    parser.add_argument("--orders", type=int, default=100)
    parser.add_argument("--header", action="store_true", help="print the table header first")
    args = parser.parse_args()

    ready, port_box = multiprocessing.Event(), multiprocessing.Value("i", 0)
    store = multiprocessing.Process(target=serve_store, args=(args.orders, ready, port_box), daemon=True)
    store.start()
    if not ready.wait(600):
        sys.exit("the fake store did not start")
    api_path = f"http://127.0.0.1:{port_box.value}/stores/{STORE_HASH}/v3/"

    import odoo

    import odoo.addons
    if REPO not in odoo.addons.__path__:
        odoo.addons.__path__.insert(0, REPO)
    odoo.tools.config.parse_config(["-d", args.db, "--log-level=warn"])
    from odoo import SUPERUSER_ID, api, sql_db

    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["ir.config_parameter"].set_param("salesorder_bigcommerce.sync_time_budget", 24 * 3600)
        cart = env["bigcommerce.cart"].create({
            "name": "Benchmark", "api_path": api_path, "api_key": f"{CLIENT}:{TOKEN}",
            "import_orders_as": args.type, "auto_sync": "running",
            "import_status_ids": [(6, 0, env["bigcommerce.order.status"].search(
                [("bigcommerce_id", "=", 11)]).ids)],
        })
        # The benchmark's own database: the cart is kept for the pass.
        cr.commit()  # pylint: disable=invalid-commit

        # The merchant's step 3 (Items) comes before orders: the catalog is
        # imported first and timed apart, so the figures below are per order.
        started = time.perf_counter()
        product_ids = [p.id for p in cart._get_client().iter_products(include_variants=False)]
        cart.import_items(product_ids)
        # The catalog is kept too, timed apart from the pass.
        cr.commit()  # pylint: disable=invalid-commit
        catalog_seconds = time.perf_counter() - started

        rss_before = peak_rss_mb()
        queries_before = sql_db.sql_counter
        started = time.perf_counter()
        cart.action_sync()
        connector_seconds = time.perf_counter() - started
        queries = sql_db.sql_counter - queries_before
        rss_peak = peak_rss_mb()

        model = "sale.order" if args.type == "sale_order" else "account.move"
        documents = env[model].search([("bigcommerce_cart_id", "=", cart.id)])
        log = env["bigcommerce.sync.log"].search([("cart_id", "=", cart.id)], limit=1)
        requests = log.request_count
        imported = len(documents)

        plain_seconds = plain_creates(env, model, documents)
        cr.rollback()

    if args.header:
        print(f"{'type':<14}{'orders':>7}{'imported':>9}{'orders/s':>10}{'API req/order':>15}"
              f"{'SQL/order':>11}{'peak MB':>9}{'+MB':>7}{'plain s':>9}{'connector s':>13}{'ratio':>7}"
              f"{'catalog s':>11}")
    print(f"{args.type:<14}{args.orders:>7}{imported:>9}{imported / connector_seconds:>10.1f}"
          f"{requests / max(imported, 1):>15.4f}{queries / max(imported, 1):>11.1f}"
          f"{rss_peak:>9.0f}{rss_peak - rss_before:>7.0f}{plain_seconds:>9.1f}"
          f"{connector_seconds:>13.1f}{connector_seconds / plain_seconds:>7.2f}{catalog_seconds:>11.1f}")
    store.terminate()


def plain_creates(env, model, documents):
    """Seconds to create the same documents with create(), 100 per call."""
    values = []
    for document in documents:
        if model == "sale.order":
            values.append({
                "partner_id": document.partner_id.id,
                "partner_shipping_id": document.partner_shipping_id.id,
                "pricelist_id": document.pricelist_id.id,
                "date_order": document.date_order,
                "client_order_ref": document.client_order_ref,
                "order_line": [(0, 0, {
                    "product_id": line.product_id.id, "name": line.name,
                    "product_uom_qty": line.product_uom_qty, "price_unit": line.price_unit,
                    "tax_id": [(6, 0, line.tax_id.ids)]}) for line in document.order_line],
            })
        else:
            values.append({
                "move_type": "out_invoice",
                "partner_id": document.partner_id.id,
                "partner_shipping_id": document.partner_shipping_id.id,
                "currency_id": document.currency_id.id,
                "invoice_date": document.invoice_date,
                "ref": document.ref,
                "invoice_line_ids": [(0, 0, {
                    "product_id": line.product_id.id, "name": line.name,
                    "quantity": line.quantity, "price_unit": line.price_unit,
                    "tax_ids": [(6, 0, line.tax_ids.ids)]}) for line in document.invoice_line_ids],
            })
    env.invalidate_all()
    started = time.perf_counter()
    for i in range(0, len(values), 100):
        env[model].create(values[i:i + 100])
        env.flush_all()
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
