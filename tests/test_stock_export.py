"""Stock levels to BigCommerce: the cart's Export Stock (absolute inventory adjustments)."""
from decimal import Decimal

from common import BigCommerceCase, factory
from fake_bigcommerce.inventory import level

ADJUSTMENTS = "/inventory/adjustments/absolute"


class StockExportCase(BigCommerceCase):

    def setUp(self):
        super().setUp()
        self.cart.export_stock = True
        self.stock = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1).lot_stock_id

    def add(self, **kwargs):
        return self.server.store.add_product(factory.product(**kwargs))

    def hoodie(self):
        """Three variants, tracked by variant (factory: a product with options)."""
        return self.add(name="Hoodie", sku="HOOD", price=Decimal("40"), variants=[
            factory.variant("HOOD-S", options={"Size": "S"}),
            factory.variant("HOOD-M", options={"Size": "M"}),
            factory.variant("HOOD-L", options={"Size": "L"}),
        ])

    def import_item(self, item):
        products = self.cart.import_items([item["id"]])
        return {p.default_code: p for p in products}

    def set_qty(self, product, quantity, location=None):
        """Odoo's stock of `product` becomes `quantity` (in the warehouse's stock location)."""
        location = location or self.stock
        Quant = self.env["stock.quant"]
        change = quantity - Quant._get_available_quantity(product, location, allow_negative=True)
        if change:
            Quant._update_available_quantity(product, location, change)

    def puts(self):
        return [r for r in self.server.requests if r.method == "PUT" and ADJUSTMENTS in r.path]

    def sent_items(self):
        return [item for request in self.puts() for item in request.json()["items"]]

    def levels(self):
        return {(lv.bigcommerce_product_id, lv.bigcommerce_variant_id): lv for lv in self.cart.stock_level_ids}


class TestStockPush(StockExportCase):

    def test_push_by_variant(self):
        hoodie = self.hoodie()
        products = self.import_item(hoodie)
        self.assertEqual(set(self.cart.product_binding_ids.mapped("inventory_tracking")), {"variant"})
        for sku, quantity in (("HOOD-S", 5), ("HOOD-M", 0), ("HOOD-L", 2)):
            self.set_qty(products[sku], quantity)
        self.server.reset_requests()

        self.assertEqual(self.cart.action_export_stock(), 3)

        self.assertEqual(len(self.server.requests), 1)      # tracking known from the import: no read
        (put,) = self.puts()
        self.assertTrue(put.json()["reason"])
        variants = {v["sku"]: v["id"] for v in hoodie["variants"]}
        self.assertCountEqual(put.json()["items"], [
            {"location_id": 1, "variant_id": variants["HOOD-S"], "quantity": 5},
            {"location_id": 1, "variant_id": variants["HOOD-M"], "quantity": 0},
            {"location_id": 1, "variant_id": variants["HOOD-L"], "quantity": 2},
        ])
        store = self.server.store
        self.assertEqual(level(store, hoodie["id"], variants["HOOD-S"]), 5)
        self.assertEqual(level(store, hoodie["id"], variants["HOOD-L"]), 2)
        self.assertEqual(store.products[hoodie["id"]]["inventory_level"], 7)
        levels = self.levels()
        self.assertEqual(levels[(hoodie["id"], variants["HOOD-S"])].quantity, 5)
        self.assertEqual(levels[(hoodie["id"], variants["HOOD-S"])].product_id, products["HOOD-S"])
        self.assertEqual(set(self.cart.stock_level_ids.mapped("state")), {"sent"})
        self.assertEqual(self.cart.last_stock_export_state, "done")

        # The store's own read of its inventory says the same.
        rows = self.cart._get_client().get_v3("/inventory/items", {"product_id:in": hoodie["id"]})["data"]
        self.assertEqual({r["identity"]["sku"]: r["locations"][0]["available_to_sell"] for r in rows},
                         {"HOOD-S": 5, "HOOD-M": 0, "HOOD-L": 2})

    def test_push_by_product(self):
        mug = self.add(name="Mug", sku="MUG", inventory_tracking="product")
        # A product with options whose stock the store counts for the whole product.
        scarf = self.add(name="Scarf", sku="SCARF", inventory_tracking="product", variants=[
            factory.variant("SCARF-RED", options={"Color": "Red"}),
            factory.variant("SCARF-BLUE", options={"Color": "Blue"}),
        ])
        products = {**self.import_item(mug), **self.import_item(scarf)}
        self.set_qty(products["MUG"], 12)
        self.set_qty(products["SCARF-RED"], 3)
        self.set_qty(products["SCARF-BLUE"], 4)
        self.server.reset_requests()

        self.assertEqual(self.cart.action_export_stock(), 2)

        self.assertCountEqual(self.sent_items(), [
            {"location_id": 1, "product_id": mug["id"], "quantity": 12},
            {"location_id": 1, "product_id": scarf["id"], "quantity": 7},
        ])
        self.assertEqual(level(self.server.store, mug["id"]), 12)
        self.assertEqual(level(self.server.store, scarf["id"]), 7)
        self.assertEqual(set(self.levels()), {(mug["id"], 0), (scarf["id"], 0)})

    def test_second_push_sends_nothing(self):
        products = self.import_item(self.hoodie())
        self.set_qty(products["HOOD-S"], 5)
        self.assertEqual(self.cart.action_export_stock(), 3)
        self.server.reset_requests()

        self.assertEqual(self.cart.action_export_stock(), 0)

        self.assertEqual(self.server.requests, [])

    def test_changed_quantity_sends_only_that_item(self):
        hoodie = self.hoodie()
        products = self.import_item(hoodie)
        self.set_qty(products["HOOD-S"], 5)
        self.cart.action_export_stock()
        self.server.reset_requests()

        self.set_qty(products["HOOD-M"], 9)
        self.assertEqual(self.cart.action_export_stock(), 1)

        variant_m = next(v["id"] for v in hoodie["variants"] if v["sku"] == "HOOD-M")
        self.assertEqual(self.sent_items(), [{"location_id": 1, "variant_id": variant_m, "quantity": 9}])
        self.assertEqual(self.levels()[(hoodie["id"], variant_m)].quantity, 9)

    def test_negative_and_fractional_quantities(self):
        hoodie = self.hoodie()
        scarf = self.add(name="Scarf", sku="SCARF", inventory_tracking="product", variants=[
            factory.variant("SCARF-RED", options={"Color": "Red"}),
            factory.variant("SCARF-BLUE", options={"Color": "Blue"}),
        ])
        products = {**self.import_item(hoodie), **self.import_item(scarf)}
        self.set_qty(products["HOOD-S"], 2.75)       # whole units only: rounded down
        self.set_qty(products["HOOD-M"], -3)         # oversold: never below 0
        self.set_qty(products["HOOD-L"], 0.5)
        self.set_qty(products["SCARF-RED"], -2)      # takes nothing from the other variant
        self.set_qty(products["SCARF-BLUE"], 5.5)
        self.server.reset_requests()

        self.cart.action_export_stock()

        variants = {v["sku"]: v["id"] for v in hoodie["variants"]}
        sent = {item.get("variant_id") or item["product_id"]: item["quantity"] for item in self.sent_items()}
        self.assertEqual(sent, {variants["HOOD-S"]: 2, variants["HOOD-M"]: 0, variants["HOOD-L"]: 0,
                                scarf["id"]: 5})
        self.assertTrue(all(isinstance(q, int) for q in sent.values()))

    def test_quantity_field_and_source_locations(self):
        mug = self.add(name="Mug", sku="MUG", inventory_tracking="product")
        product = self.import_item(mug)["MUG"]
        shelf = self.env["stock.location"].create({"name": "Shelf", "location_id": self.stock.id})
        elsewhere = self.env["stock.location"].create({
            "name": "Elsewhere", "location_id": self.stock.location_id.id, "usage": "internal"})
        self.set_qty(product, 4, shelf)          # a sublocation of the stock location counts
        self.set_qty(product, 50, elsewhere)
        self.cart.action_export_stock()
        self.assertEqual(level(self.server.store, mug["id"]), 4)

        self.cart.stock_location_ids = elsewhere
        self.cart.action_export_stock()
        self.assertEqual(level(self.server.store, mug["id"]), 50)

        # A second BigCommerce location, and the quantity on hand rather than free to use.
        self.server.store.locations[2] = {"id": 2, "code": "SHOP", "label": "Shop", "enabled": True}
        self.cart.write({"stock_bigcommerce_location_id": 2, "stock_export_field": "qty_available"})
        self.server.reset_requests()
        self.assertEqual(self.cart.action_export_stock(), 1)
        self.assertEqual(self.sent_items(), [{"location_id": 2, "product_id": mug["id"], "quantity": 50}])
        self.assertEqual(level(self.server.store, mug["id"], location_id=2), 50)

    def test_5000_items_in_3_requests(self):
        store, count = self.server.store, 5000
        for n in range(count // 5):                  # 1,000 products of 5 variants
            store.add_product(factory.product(name=f"P{n}", sku=f"P{n}", variants=[
                factory.variant(f"P{n}-{size}", options={"Size": size}) for size in "ABCDE"]))
        templates = self.env["product.template"].create(
            [{"name": f"Item {n}", "is_storable": True} for n in range(count)])
        variants = [(p["id"], v["id"]) for p in store.products.values() for v in p["variants"]]
        self.env["bigcommerce.product.binding"].create([
            {"cart_id": self.cart.id, "bigcommerce_product_id": pid, "bigcommerce_variant_id": vid,
             "product_id": template.product_variant_id.id, "inventory_tracking": "variant"}
            for (pid, vid), template in zip(variants, templates)])
        self.set_qty(templates[0].product_variant_id, 8)
        self.server.reset_requests()

        self.assertEqual(self.cart.action_export_stock(), count)

        self.assertLessEqual(len(self.server.requests), 3)
        self.assertEqual([len(r.json()["items"]) for r in self.puts()], [2000, 2000, 1000])
        pid, vid = variants[0]
        self.assertEqual(level(store, pid, vid), 8)
        self.assertEqual(len(self.cart.stock_level_ids), count)

    def test_full_reconciliation_sends_everything(self):
        hoodie = self.hoodie()
        products = self.import_item(hoodie)
        self.set_qty(products["HOOD-S"], 5)
        self.cart.action_export_stock()
        variant_s = next(v["id"] for v in hoodie["variants"] if v["sku"] == "HOOD-S")
        self.server.store.inventory[(1, hoodie["id"], variant_s)] = 99    # changed in the store
        self.server.reset_requests()

        self.cart.action_reconcile_stock()

        self.assertEqual(len(self.sent_items()), 3)
        self.assertEqual(level(self.server.store, hoodie["id"], variant_s), 5)
        # It reads again how the store tracks each item.
        self.assertTrue(any("/catalog/products" in r.path for r in self.server.requests))


class TestStockRefusals(StockExportCase):

    def test_refused_item_is_reported_and_the_rest_go_through(self):
        mug = self.add(name="Mug", sku="MUG", inventory_tracking="product")
        hoodie = self.hoodie()
        products = {**self.import_item(mug), **self.import_item(hoodie)}
        for product in products.values():
            self.set_qty(product, 3)
        # The merchant switched the hoodie to tracking by product after the import.
        self.server.store.update_product(hoodie["id"], inventory_tracking="product")
        self.server.reset_requests()

        self.assertEqual(self.cart.action_export_stock(), 1)

        # The store refuses the whole request (422) naming the items; sent again without them.
        self.assertEqual(len(self.puts()), 2)
        self.assertEqual(len(self.puts()[1].json()["items"]), 1)
        self.assertEqual(level(self.server.store, mug["id"]), 3)
        levels = self.levels()
        self.assertEqual(levels[(mug["id"], 0)].state, "sent")
        refused = self.cart.stock_level_ids.filtered(lambda lv: lv.state == "refused")
        self.assertEqual(len(refused), 3)
        self.assertIn("is tracked by product", refused[0].message)
        self.assertFalse(any(refused.mapped("date")))      # never accepted: no quantity recorded
        self.assertEqual(self.cart.last_stock_export_state, "partial")
        note = self.cart.message_ids[0]
        self.assertIn("BigCommerce refused these items", note.body)
        self.assertIn("HOOD-S", note.body)

        # The store said how it tracks the item: the next push sends it by product id.
        self.server.reset_requests()
        self.assertEqual(self.cart.action_export_stock(), 1)
        self.assertEqual(self.sent_items(), [{"location_id": 1, "product_id": hoodie["id"], "quantity": 9}])
        self.assertEqual(set(self.cart.stock_level_ids.mapped("state")), {"sent"})
        self.server.reset_requests()
        self.assertEqual(self.cart.action_export_stock(), 0)
        self.assertEqual(self.server.requests, [])

    def test_refusal_naming_no_item_is_narrowed_down(self):
        products = self.import_item(self.hoodie())
        self.set_qty(products["HOOD-S"], 1)
        self.server.inject(422, body={"status": 422, "title": "Something is wrong"}, path_contains=ADJUSTMENTS)
        self.server.reset_requests()

        self.assertEqual(self.cart.action_export_stock(), 3)

        self.assertEqual([len(r.json()["items"]) for r in self.puts()], [3, 1, 2])

    def test_untracked_item_is_reported_once(self):
        lamp = self.add(name="Lamp", sku="LAMP", inventory_tracking="none")
        self.set_qty(self.import_item(lamp)["LAMP"], 4)
        self.server.reset_requests()
        messages = len(self.cart.message_ids)

        self.assertEqual(self.cart.action_export_stock(), 0)

        self.assertEqual(self.puts(), [])
        (skipped,) = self.cart.stock_level_ids
        self.assertEqual(skipped.state, "skipped")
        self.assertIn("does not track", skipped.message)
        self.assertEqual(len(self.cart.message_ids), messages + 1)
        self.cart.action_export_stock()
        self.assertEqual(len(self.cart.message_ids), messages + 1)

    def test_tracking_unknown_is_read_from_the_catalog(self):
        mug = self.add(name="Mug", sku="MUG", inventory_tracking="product")
        self.set_qty(self.import_item(mug)["MUG"], 6)
        self.cart.product_binding_ids.inventory_tracking = False    # imported before the stock export
        self.server.reset_requests()

        self.assertEqual(self.cart.action_export_stock(), 1)

        (read,) = [r for r in self.server.requests if r.method == "GET"]
        self.assertEqual(read.query["include_fields"], "inventory_tracking")
        self.assertEqual(read.query["id:in"], str(mug["id"]))
        self.assertEqual(self.cart.product_binding_ids.inventory_tracking, "product")

    def test_store_failure_is_kept_on_the_cart(self):
        products = self.import_item(self.hoodie())
        self.set_qty(products["HOOD-S"], 1)
        self.server.scopes.discard("store_inventory")

        self.assertEqual(self.cart.action_export_stock(), 0)

        self.assertEqual(self.cart.last_stock_export_state, "failed")
        self.assertIn("403", self.cart.last_stock_export_message)
        self.assertFalse(self.cart.stock_level_ids)
        notification = self.cart.action_export_stock_now()
        self.assertEqual(notification["params"]["type"], "danger")
        self.server.scopes.add("store_inventory")
        self.assertEqual(self.cart.action_export_stock(), 3)


class TestStockFake(StockExportCase):
    """The fake store's adjustment endpoint, as inventory.v3.yml describes it."""

    def test_more_than_2000_items_refused_whole(self):
        mug = self.add(name="Mug", sku="MUG", inventory_tracking="product")
        client = self.cart._get_client()
        items = [{"location_id": 1, "product_id": mug["id"], "quantity": 1}] * 2001
        with self.assertRaises(Exception) as caught:
            client._request("PUT", "/v3" + ADJUSTMENTS, json={"reason": "x", "items": items})
        self.assertEqual(caught.exception.status, 422)
        self.assertIsNone(level(self.server.store, mug["id"]))

    def test_one_bad_item_refuses_the_request(self):
        mug = self.add(name="Mug", sku="MUG", inventory_tracking="product")
        base_variant = mug["variants"][0]["id"]
        client = self.cart._get_client()
        with self.assertRaises(Exception) as caught:
            client._request("PUT", "/v3" + ADJUSTMENTS, json={"reason": "x", "items": [
                {"location_id": 1, "product_id": mug["id"], "quantity": 1},
                {"location_id": 1, "variant_id": base_variant, "quantity": 2}]})
        self.assertIn(f"[Item with variant_id {base_variant} is tracked by product, please update stock "
                      "by product id]", str(caught.exception))
        self.assertIsNone(level(self.server.store, mug["id"]))
        answer = client._request("PUT", "/v3" + ADJUSTMENTS, json={"reason": "x", "items": [
            {"location_id": 1, "product_id": mug["id"], "quantity": 4}]})
        self.assertTrue(answer["transaction_id"])
        rows = client.get_v3("/inventory/locations/1/items", {"product_id:in": mug["id"]})["data"]
        self.assertEqual(rows[0]["available_to_sell"], 4)


class TestStockCron(StockExportCase):

    def test_scheduled_action_follows_the_option(self):
        cron = self.env.ref("salesorder_bigcommerce.ir_cron_bigcommerce_stock_export")
        self.assertTrue(cron.active)              # this cart exports stock (setUp)
        self.cart.export_stock = False
        self.assertFalse(cron.active)
        self.assertFalse(self.env["bigcommerce.cart"].new({}).export_stock)   # off by default

        mug = self.add(name="Mug", sku="MUG", inventory_tracking="product")
        self.set_qty(self.import_item(mug)["MUG"], 2)
        self.env["bigcommerce.cart"]._cron_export_stock()
        self.assertIsNone(level(self.server.store, mug["id"]))    # not for a cart without Export Stock

        self.cart.export_stock = True
        self.assertTrue(cron.active)
        self.env["bigcommerce.cart"]._cron_export_stock()
        self.assertEqual(level(self.server.store, mug["id"]), 2)
