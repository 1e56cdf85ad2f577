"""Items (Cart): BigCommerce catalog products become Odoo products."""
from decimal import Decimal

from common import BigCommerceCase, factory

from odoo.exceptions import UserError


class ItemImportCase(BigCommerceCase):

    def add(self, **kwargs):
        return self.server.store.add_product(factory.product(**kwargs))

    def tshirt(self):
        """Size x Color, one variant with its own price, one combination not sold."""
        return self.add(name="T-Shirt", sku="TS", price=Decimal("20.00"), variants=[
            factory.variant("TS-S-RED", options={"Size": "S", "Color": "Red"}),
            factory.variant("TS-S-BLUE", options={"Size": "S", "Color": "Blue"}),
            factory.variant("TS-L-RED", price=Decimal("24.50"), options={"Size": "L", "Color": "Red"}),
        ])

    def outcome(self, report, product):
        return next(o for o in report.outcomes if o.bigcommerce_id == product["id"])


class TestSimpleItems(ItemImportCase):

    def test_import_simple_product_values(self):
        mug = self.add(name="Coffee Mug", sku="MUG-01", price=Decimal("12.95"),
                       description="<p>A <b>sturdy</b> mug &amp; saucer.</p><p>Dishwasher safe.</p>"
                                   "<script>alert(1)</script>")
        product = self.cart.import_items([mug["id"]])
        self.assertEqual(len(product), 1)
        self.assertEqual(product.default_code, "MUG-01")
        self.assertEqual(product.name, "Coffee Mug")
        self.assertEqual(product.description_sale, "A sturdy mug & saucer.\nDishwasher safe.")
        self.assertEqual(product.lst_price, 12.95)
        self.assertEqual(product.uom_id, self.env.ref("uom.product_uom_unit"))
        self.assertEqual(product.type, "consu")
        self.assertTrue(product.sale_ok)
        category = product.categ_id
        self.assertEqual(category, self.env.ref("salesorder_bigcommerce.product_category_bigcommerce"))
        self.assertEqual(category, self.cart.product_categ_id)
        self.assertTrue(category.property_account_income_categ_id)
        self.assertTrue(category.property_account_expense_categ_id)
        self.assertTrue(category.property_stock_valuation_account_id)
        binding = self.cart.product_binding_ids
        self.assertEqual((binding.bigcommerce_product_id, binding.product_id, binding.sku),
                         (mug["id"], product, "MUG-01"))

    def test_reimport_updates_without_duplicating(self):
        mug = self.add(name="Mug", sku="MUG-02", price=Decimal("9.00"))
        first = self.cart.import_items([mug["id"]])
        self.server.store.update_product(mug["id"], name="Big Mug", price=11.5,
                                         description="<p>Now bigger</p>")
        second = self.cart.import_items([mug["id"]])
        self.assertEqual(first, second)
        self.assertEqual(second.name, "Big Mug")
        self.assertEqual(second.lst_price, 11.5)
        self.assertEqual(second.description_sale, "Now bigger")
        self.assertEqual(self.env["product.product"].search_count([("default_code", "=", "MUG-02")]), 1)

    def test_existing_odoo_sku_is_linked(self):
        existing = self.env["product.product"].create({"name": "Old name", "default_code": "LAMP-7"})
        lamp = self.add(name="Desk Lamp", sku="LAMP-7", price=Decimal("35.00"))
        product = self.cart.import_items([lamp["id"]])
        self.assertEqual(product, existing)
        self.assertEqual(existing.name, "Desk Lamp")
        self.assertEqual(existing.lst_price, 35.0)
        self.assertEqual(self.env["product.product"].search_count([("default_code", "=", "LAMP-7")]), 1)

    def test_category_is_configurable(self):
        other = self.env["product.category"].create({"name": "Web shop"})
        self.cart.product_categ_id = other
        jar = self.add(name="Jar", sku="JAR", price=Decimal("3"))
        self.assertEqual(self.cart.import_items([jar["id"]]).categ_id, other)


class TestVariants(ItemImportCase):

    def test_variants_make_one_template(self):
        shirt = self.tshirt()
        products = self.cart.import_items([shirt["id"]])
        self.assertEqual(len(products), 3)
        template = products.product_tmpl_id
        self.assertEqual(len(template), 1)
        self.assertEqual(template.name, "T-Shirt")
        self.assertEqual(sorted(template.attribute_line_ids.attribute_id.mapped("name")), ["Color", "Size"])
        prices = {p.default_code: p.lst_price for p in products}
        # Variants without a price inherit the product's; TS-L-RED has its own.
        self.assertEqual(prices, {"TS-S-RED": 20.0, "TS-S-BLUE": 20.0, "TS-L-RED": 24.5})
        large_red = products.filtered(lambda p: p.default_code == "TS-L-RED")
        self.assertEqual(sorted(large_red.product_template_attribute_value_ids.mapped("name")), ["L", "Red"])
        # L/Blue is not sold in the store: Odoo keeps no active variant for it.
        self.assertEqual(template.product_variant_ids, products)
        # The price also holds where Odoo prices sale lines: the pricelist.
        pricelist = self.env["product.pricelist"].create({"name": "Plain"})
        self.assertEqual(pricelist._get_product_price(large_red, 1.0), 24.5)

    def test_reimport_variants_adds_new_ones(self):
        shirt = self.tshirt()
        first = self.cart.import_items([shirt["id"]])
        product = self.server.store.products[shirt["id"]]
        product["variants"].append(dict(factory.variant(
            "TS-L-BLUE", price=Decimal("26.00"), options={"Size": "L", "Color": "Blue"}),
            id=9901, product_id=shirt["id"]))
        for value in product["variants"][-1]["option_values"]:
            value["option_id"] = 1 if value["option_display_name"] == "Size" else 2
            value["id"] = 7001 if value["label"] == "L" else 7002
        second = self.cart.import_items([shirt["id"]])
        self.assertEqual(len(second), 4)
        self.assertTrue(first < second)
        self.assertEqual(len(second.product_tmpl_id), 1)
        self.assertEqual(second.filtered(lambda p: p.default_code == "TS-L-BLUE").lst_price, 26.0)


class TestBadItems(ItemImportCase):

    def test_bad_items_are_skipped_with_reasons_others_import(self):
        good = self.add(name="Good", sku="GOOD", price=Decimal("5"))
        no_sku = self.add(name="No SKU", sku="", price=Decimal("5"))
        twin_a = self.add(name="Twin A", sku="TWIN", price=Decimal("5"))
        twin_b = self.add(name="Twin B", sku="TWIN", price=Decimal("6"))
        bad_price = self.add(name="Bad price", sku="BADPRICE")
        self.server.store.products[bad_price["id"]]["price"] = "twelve"
        ids = [good["id"], no_sku["id"], twin_a["id"], twin_b["id"], bad_price["id"]]

        report = self.cart._import_items(ids)

        # SKUs are optional in BigCommerce: an item without one is no bad item.
        self.assertEqual({self.outcome(report, p).status for p in (good, no_sku)}, {"created"})
        reasons = {p["name"]: self.outcome(report, p) for p in (twin_a, twin_b, bad_price)}
        for name, outcome in reasons.items():
            self.assertEqual(outcome.status, "skipped", name)
        self.assertIn("TWIN", reasons["Twin A"].reason)
        self.assertIn("more than once", reasons["Twin B"].reason)
        self.assertIn("price", reasons["Bad price"].reason)
        self.assertIn("twelve", reasons["Bad price"].reason)
        # Nothing of the skipped items was left behind.
        self.assertFalse(self.env["product.product"].search(
            [("default_code", "in", ["TWIN", "BADPRICE"])]))
        self.assertFalse(self.cart.product_binding_ids.filtered(
            lambda b: b.bigcommerce_product_id in (twin_a["id"], twin_b["id"], bad_price["id"])))

    def test_unknown_product_id_is_reported(self):
        report = self.cart._import_items([424242])
        self.assertEqual(report.outcomes[0].status, "skipped")
        self.assertIn("not found", report.outcomes[0].reason)


class TestItemScreen(ItemImportCase):

    def test_list_every_page_and_import_selected(self):
        factory.catalog(260, variants_every=50, store=self.server.store)
        wizard = self.env["bigcommerce.item.import"].create({"cart_id": self.cart.id})
        wizard.action_list()
        self.assertEqual(len(wizard.line_ids), 260)
        # Two pages of 250, variants included: no request per product.
        product_requests = [r for r in self.server.requests if r.path.endswith("/catalog/products")]
        self.assertEqual(len(product_requests), 2)
        self.assertTrue(all("variants" in r.query.get("include", "") for r in product_requests))
        line = wizard.line_ids.filtered(lambda row: row.sku == "CAT-00050")
        self.assertEqual(line.variant_count, 6)
        first = wizard.line_ids.filtered(lambda row: row.sku == "CAT-00001")
        (line | first).write({"selected": True})
        self.server.reset_requests()
        wizard.action_import()
        self.assertEqual(len(self.server.requests), 1)
        self.assertEqual({first.status, line.status}, {"created"})
        self.assertTrue(line.in_odoo)
        self.assertIn("2 created", wizard.result)
        self.assertEqual(len(self.cart.product_binding_ids), 7)

    def test_search_by_sku_or_keyword(self):
        self.add(name="Green Kettle", sku="KET-1")
        self.add(name="Blue Bowl", sku="BWL-1")
        wizard = self.env["bigcommerce.item.import"].create({"cart_id": self.cart.id, "search": "kettle"})
        wizard.action_list()
        self.assertEqual(wizard.line_ids.mapped("sku"), ["KET-1"])
        wizard.search = "BWL-1"
        wizard.action_list()
        self.assertEqual(wizard.line_ids.mapped("sku"), ["BWL-1"])

    def test_import_nothing_selected(self):
        wizard = self.env["bigcommerce.item.import"].create({"cart_id": self.cart.id})
        with self.assertRaises(UserError):
            wizard.action_import()

    def test_import_many_items_in_few_requests(self):
        products = factory.catalog(300, store=self.server.store)
        imported = self.cart.import_items([p["id"] for p in products])
        self.assertEqual(len(imported), 300)
        # id:in in chunks of 250: 2 requests for 300 products.
        self.assertEqual(len(self.server.requests), 2)


class TestLinkToExistingVariant(ItemImportCase):

    def test_simple_item_matching_one_variant_leaves_its_siblings_alone(self):
        size = self.env["product.attribute"].create({"name": "Cup size", "value_ids": [
            (0, 0, {"name": "Small"}), (0, 0, {"name": "Large"})]})
        template = self.env["product.template"].create({
            "name": "Cup", "list_price": 5.0,
            "attribute_line_ids": [
                (0, 0, {"attribute_id": size.id, "value_ids": [(6, 0, size.value_ids.ids)]})]})
        small, large = template.product_variant_ids
        small.default_code = "CUP-S"
        cup = self.add(name="Small cup", sku="CUP-S", price=Decimal("6.50"))
        product = self.cart.import_items([cup["id"]])
        self.assertEqual(product, small)
        self.assertEqual(small.lst_price, 6.5)
        self.assertEqual((large.lst_price, template.name, template.list_price), (5.0, "Cup", 5.0))


class TestItemsWithoutSku(ItemImportCase):
    """SKUs are optional in BigCommerce: such items import, linked by their ids."""

    def add_without_sku(self, product, variant_skus=()):
        """Store `product` (a factory dict) with its SKU blanked, and the SKU of its
        variants whose SKU is in `variant_skus` (all variants of a simple product)."""
        product["sku"] = ""
        for variant in product["variants"]:
            if not variant["option_values"] or variant["sku"] in variant_skus:
                variant["sku"] = ""
        return self.server.store.add_product(product)

    def bindings(self, product):
        return self.cart.product_binding_ids.filtered(lambda b: b.bigcommerce_product_id == product["id"])

    def test_product_without_sku_imports_and_reimports_onto_the_same_product(self):
        card = self.add_without_sku(factory.product(name="Gift wrap", price=Decimal("4.50")))
        product = self.cart.import_items([card["id"]])
        self.assertEqual((len(product), product.name, product.default_code, product.lst_price),
                         (1, "Gift wrap", False, 4.5))
        binding = self.bindings(card)
        self.assertEqual((binding.product_id, binding.bigcommerce_variant_id, binding.sku),
                         (product, card["variants"][0]["id"], False))

        self.server.store.update_product(card["id"], name="Gift wrap (roll)", price=5.25)
        again = self.cart.import_items([card["id"]])
        self.assertEqual(again, product)
        self.assertEqual((again.name, again.default_code, again.lst_price), ("Gift wrap (roll)", False, 5.25))
        self.assertEqual(self.bindings(card), binding)
        self.assertEqual(self.env["product.template"].search_count([("name", "like", "Gift wrap")]), 1)

    def test_variant_without_sku(self):
        scarf = self.add_without_sku(factory.product(
                name="Scarf", sku="SC", price=Decimal("15.00"), variants=[
            factory.variant("SC-RED", options={"Color": "Red"}),
            factory.variant("SC-GREEN", price=Decimal("17.00"), options={"Color": "Green"}),
        ]), variant_skus=("SC-GREEN",))
        products = self.cart.import_items([scarf["id"]])
        self.assertEqual(len(products), 2)
        self.assertEqual(len(products.product_tmpl_id), 1)
        red, green = (products.filtered(lambda p, c=c: p.product_template_attribute_value_ids.name == c)
                      for c in ("Red", "Green"))
        self.assertEqual((red.default_code, red.lst_price), ("SC-RED", 15.0))
        self.assertEqual((green.default_code, green.lst_price), (False, 17.0))
        green_id = scarf["variants"][1]["id"]
        green_binding = self.bindings(scarf).filtered(lambda b: b.bigcommerce_variant_id == green_id)
        self.assertEqual((green_binding.product_id, green_binding.sku), (green, False))

        self.server.store.products[scarf["id"]]["variants"][1]["price"] = 18.5
        again = self.cart.import_items([scarf["id"]])
        self.assertEqual(again, products)
        self.assertEqual(green.lst_price, 18.5)
        self.assertEqual(len(self.bindings(scarf)), 2)
        self.assertEqual(len(products.product_tmpl_id.with_context(active_test=False).product_variant_ids), 2)

    def test_items_without_sku_are_never_matched_by_sku(self):
        # An Odoo product without Internal Reference is no match for an item without SKU.
        loose = self.env["product.product"].create({"name": "Loose item", "list_price": 1.0})
        first = self.add_without_sku(factory.product(name="Sticker", price=Decimal("1.00")))
        second = self.add_without_sku(factory.product(name="Badge", price=Decimal("2.00")))
        mug = self.add(name="Mug", sku="MUG-9", price=Decimal("9.00"))
        report = self.cart._import_items([first["id"], second["id"], mug["id"]])
        self.assertEqual([o.status for o in report.outcomes], ["created"] * 3)
        sticker, badge, odoo_mug = (self.outcome(report, p).records for p in (first, second, mug))
        self.assertEqual(len(sticker | badge | odoo_mug | loose), 4)
        self.assertEqual((sticker.default_code, badge.default_code, odoo_mug.default_code),
                         (False, False, "MUG-9"))
        self.assertEqual((sticker.lst_price, badge.lst_price, odoo_mug.lst_price), (1.0, 2.0, 9.0))
        self.assertEqual((loose.name, loose.lst_price), ("Loose item", 1.0))
        # Again, together: each finds its own product.
        again = self.cart.import_items([first["id"], second["id"], mug["id"]])
        self.assertEqual(again, sticker | badge | odoo_mug)
        self.assertEqual(len(self.cart.product_binding_ids), 3)

    def test_duplicate_sku_still_refused_and_blank_skus_are_no_duplicates(self):
        twin_a = self.add(name="Twin A", sku="TWIN", price=Decimal("5"))
        twin_b = self.add(name="Twin B", sku="TWIN", price=Decimal("6"))
        # Two variants of one product sharing an SKU; two others without SKU.
        cap = self.add_without_sku(factory.product(name="Cap", sku="CAP", variants=[
            factory.variant("CAP-X", options={"Size": "S"}),
            factory.variant("CAP-X", options={"Size": "M"})]))
        hat = self.add_without_sku(factory.product(name="Hat", sku="HAT", variants=[
            factory.variant("HAT-S", options={"Size": "S"}),
            factory.variant("HAT-M", options={"Size": "M"})]), variant_skus=("HAT-S", "HAT-M"))
        report = self.cart._import_items([twin_a["id"], twin_b["id"], cap["id"], hat["id"]])
        for item in (twin_a, twin_b, cap):
            outcome = self.outcome(report, item)
            self.assertEqual(outcome.status, "skipped", item["name"])
            self.assertIn("more than once", outcome.reason)
        self.assertIn("TWIN", self.outcome(report, twin_a).reason)
        self.assertIn("CAP-X", self.outcome(report, cap).reason)
        hats = self.outcome(report, hat)
        self.assertEqual((hats.status, len(hats.records)), ("created", 2))
        self.assertEqual(hats.records.mapped("default_code"), [False, False])
        # An SKU already linked to another BigCommerce item counts as a duplicate too.
        self.cart.import_items([self.add(name="Bowl", sku="BOWL", price=Decimal("3"))["id"]])
        other = self.add(name="Other bowl", sku="BOWL", price=Decimal("4"))
        outcome = self.cart._import_items([other["id"]]).outcomes[0]
        self.assertEqual(outcome.status, "skipped")
        self.assertIn("more than once", outcome.reason)

    def test_sku_taken_off_one_item_and_given_to_another(self):
        old = self.add(name="Old lamp", sku="LAMP", price=Decimal("10.00"))
        old_product = self.cart.import_items([old["id"]])
        stored = self.server.store.products[old["id"]]
        stored["sku"] = stored["variants"][0]["sku"] = ""
        self.server.store.update_product(old["id"])
        new = self.add(name="New lamp", sku="LAMP", price=Decimal("12.00"))
        # The old item's link still says LAMP, but the store says it has no SKU now.
        report = self.cart._import_items([old["id"], new["id"]])
        self.assertEqual([self.outcome(report, p).status for p in (old, new)], ["updated", "created"])
        new_product = self.outcome(report, new).records
        self.assertEqual(self.outcome(report, old).records, old_product)
        self.assertNotEqual(new_product, old_product)
        self.assertEqual((old_product.default_code, new_product.default_code), (False, "LAMP"))
        self.assertEqual(self.bindings(old).sku, False)
        self.assertEqual(self.bindings(new).sku, "LAMP")

    def test_order_for_an_item_without_sku_uses_its_product(self):
        self.cart.import_status_ids = self.env["bigcommerce.order.status"].search(
            [("bigcommerce_id", "=", 11)])
        self.cart.import_orders_as = "sale_order"
        known = self.add_without_sku(factory.product(name="Known", price=Decimal("3.00")))
        unknown = self.add_without_sku(factory.product(name="Unknown", price=Decimal("4.00")))
        known_product = self.cart.import_items([known["id"]])
        order = self.server.store.add_order(factory.order(lines=[
            factory.line(known, 2), factory.line(unknown, 1)]))
        sale = self.cart.import_orders([order["id"]])
        products = {line.product_id.name: line.product_id for line in sale.order_line
                    if line.product_id.name in ("Known", "Unknown")}
        self.assertEqual(products["Known"], known_product)
        # The unknown item was imported on the way, and linked.
        self.assertEqual(self.bindings(unknown).product_id, products["Unknown"])
        self.assertEqual(self.env["product.template"].search_count([("name", "in", ["Known", "Unknown"])]), 2)
