"""Stock push benchmark: Odoo's quantities of N items to BigCommerce (Export Stock).

Run through scripts/bench_stock.sh, which gives it a fresh database:

    python bench/bench_stock.py --db sobc_bench_stock --items 10000

The fake store holds N items: half of them variants tracked by variant (products
of 5 variants), half products tracked by product. Odoo gets one storable product
per item, linked to the cart (as the item import links them; made directly here,
timed apart: "setup s") with quantities in the warehouse (some fractional, some
negative). Then, each timed: the first push (every item), a push with nothing
changed, a push after 1 % of the quantities changed, and a full reconciliation.
Prints one table row per push: items sent, seconds, items per second, API
requests, requests per 1,000 items, SQL queries per item.
"""
# A command-line program: print is its output.
# pylint: disable=print-used
import argparse
import multiprocessing
import os
import random
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests"))

STORE_HASH, TOKEN, CLIENT = "bench", "bench-token", "bench-client"
VARIANTS_PER_PRODUCT = 5


def serve_store(n_items, ready, port_box):
    """Child process: a fake store whose catalog has n_items inventory items."""
    from fake_bigcommerce import FakeBigCommerce, factory

    server = FakeBigCommerce(store_hash=STORE_HASH, access_token=TOKEN, client_id=CLIENT, port=0)
    by_variant = n_items // 2 // VARIANTS_PER_PRODUCT
    for n in range(by_variant):
        server.store.add_product(factory.product(name=f"Shirt {n}", sku=f"SH{n}", variants=[
            factory.variant(f"SH{n}-{size}", options={"Size": size}) for size in "ABCDE"[:VARIANTS_PER_PRODUCT]]))
    for n in range(n_items - by_variant * VARIANTS_PER_PRODUCT):
        server.store.add_product(factory.product(name=f"Mug {n}", sku=f"MG{n}", inventory_tracking="product"))
    port_box.value = server.port
    server.start()
    ready.set()
    while True:
        time.sleep(3600)


def catalog_links(env, cart, store_items, rng):
    """One storable Odoo product per store item, its link and its quantity in the warehouse."""
    templates = env["product.template"].with_context(tracking_disable=True).create(
        [{"name": f"Item {n}", "is_storable": True} for n in range(len(store_items))])
    products = templates.product_variant_id
    env["bigcommerce.product.binding"].create([
        {"cart_id": cart.id, "bigcommerce_product_id": pid, "bigcommerce_variant_id": vid, "product_id": product.id,
         "sku": sku, "inventory_tracking": tracking}
        for (pid, vid, sku, tracking), product in zip(store_items, products)])
    stock = env["stock.warehouse"].search([("company_id", "=", cart.company_id.id)], limit=1).lot_stock_id
    env["stock.quant"].create([
        {"product_id": product.id, "location_id": stock.id, "quantity": quantity(rng)} for product in products])
    return products, stock


def quantity(rng):
    roll = rng.random()
    if roll < 0.05:
        return -rng.randint(1, 5)          # oversold
    if roll < 0.15:
        return rng.randint(0, 40) + 0.5    # fractional
    return rng.randint(0, 200)


def timed_push(env, cart, full=False):
    from odoo import sql_db

    queries = sql_db.sql_counter
    started = time.perf_counter()
    summary = cart._export_stock(full=full)
    seconds = time.perf_counter() - started
    return summary, seconds, sql_db.sql_counter - queries


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--items", type=int, default=10000)
    parser.add_argument("--header", action="store_true", help="print the table header first")
    args = parser.parse_args()

    ready, port_box = multiprocessing.Event(), multiprocessing.Value("i", 0)
    store = multiprocessing.Process(target=serve_store, args=(args.items, ready, port_box), daemon=True)
    store.start()
    if not ready.wait(600):
        sys.exit("the fake store did not start")
    api_path = f"http://127.0.0.1:{port_box.value}/stores/{STORE_HASH}/v3/"

    import odoo

    import odoo.addons
    if REPO not in odoo.addons.__path__:
        odoo.addons.__path__.insert(0, REPO)
    odoo.tools.config.parse_config(["-d", args.db, "--log-level=warn"])
    from odoo import SUPERUSER_ID, api

    registry = odoo.modules.registry.Registry(args.db)
    rng = random.Random(1)
    rows = []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        started = time.perf_counter()
        cart = env["bigcommerce.cart"].create({
            "name": "Stock benchmark", "api_path": api_path, "api_key": f"{CLIENT}:{TOKEN}", "export_stock": True})
        client = cart._get_client()
        store_items = []
        for product in client.iter_v3("/catalog/products", {"include": "variants"}):
            tracking = product["inventory_tracking"]
            for variant in product["variants"]:
                if tracking == "product" or variant["option_values"]:
                    store_items.append((product["id"], variant["id"], variant["sku"], tracking))
        products, stock = catalog_links(env, cart, store_items, rng)
        # The benchmark's own database: what the pushes read is committed first.
        cr.commit()  # pylint: disable=invalid-commit
        setup_seconds = time.perf_counter() - started

        rows.append(("first push", *timed_push(env, cart)))
        rows.append(("no change", *timed_push(env, cart)))
        changed = products[::100]
        env["stock.quant"].create([{"product_id": p.id, "location_id": stock.id, "quantity": 7} for p in changed])
        cr.commit()  # pylint: disable=invalid-commit
        rows.append((f"{len(changed)} changed", *timed_push(env, cart)))
        rows.append(("reconciliation", *timed_push(env, cart, full=True)))
        cr.rollback()

    if args.header:
        print(f"{'push':<16}{'items':>7}{'sent':>7}{'refused':>8}{'seconds':>9}{'items/s':>10}"
              f"{'requests':>10}{'req/1000':>10}{'SQL/item':>10}{'setup s':>9}")
    for name, summary, seconds, queries in rows:
        sent = summary.accepted
        print(f"{name:<16}{len(store_items):>7}{sent:>7}{summary.refused:>8}{seconds:>9.2f}"
              f"{(sent / seconds if sent else 0):>10.0f}{summary.requests:>10}"
              f"{(summary.requests * 1000 / sent if sent else 0):>10.2f}"
              f"{queries / max(sent, 1):>10.2f}{setup_seconds:>9.1f}")
        if summary.error:
            print(f"  error: {summary.error}")
    store.terminate()


if __name__ == "__main__":
    main()
