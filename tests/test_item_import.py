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
        variant_no_sku = self.add(name="Half", sku="HALF", variants=[
            factory.variant("HALF-S", options={"Size": "S"}),
            factory.variant("", options={"Size": "M"})])
        twin_a = self.add(name="Twin A", sku="TWIN", price=Decimal("5"))
        twin_b = self.add(name="Twin B", sku="TWIN", price=Decimal("6"))
        bad_price = self.add(name="Bad price", sku="BADPRICE")
        self.server.store.products[bad_price["id"]]["price"] = "twelve"
        ids = [good["id"], no_sku["id"], variant_no_sku["id"], twin_a["id"], twin_b["id"], bad_price["id"]]

        report = self.cart._import_items(ids)

        self.assertEqual(self.outcome(report, good).status, "created")
        reasons = {p["name"]: self.outcome(report, p) for p in
                   (no_sku, variant_no_sku, twin_a, twin_b, bad_price)}
        for name, outcome in reasons.items():
            self.assertEqual(outcome.status, "skipped", name)
        self.assertIn("no SKU", reasons["No SKU"].reason)
        self.assertIn("Size: M", reasons["Half"].reason)
        self.assertIn("TWIN", reasons["Twin A"].reason)
        self.assertIn("more than once", reasons["Twin B"].reason)
        self.assertIn("price", reasons["Bad price"].reason)
        self.assertIn("twelve", reasons["Bad price"].reason)
        # Nothing of the skipped items was left behind.
        self.assertFalse(self.env["product.product"].search(
            [("default_code", "in", ["HALF-S", "TWIN", "BADPRICE"])]))

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
        line = wizard.line_ids.filtered(lambda l: l.sku == "CAT-00050")
        self.assertEqual(line.variant_count, 6)
        first = wizard.line_ids.filtered(lambda l: l.sku == "CAT-00001")
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
            "attribute_line_ids": [(0, 0, {"attribute_id": size.id, "value_ids": [(6, 0, size.value_ids.ids)]})]})
        small, large = template.product_variant_ids
        small.default_code = "CUP-S"
        cup = self.add(name="Small cup", sku="CUP-S", price=Decimal("6.50"))
        product = self.cart.import_items([cup["id"]])
        self.assertEqual(product, small)
        self.assertEqual(small.lst_price, 6.5)
        self.assertEqual((large.lst_price, template.name, template.list_price), (5.0, "Cup", 5.0))
