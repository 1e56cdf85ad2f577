"""Items (Cart): each Odoo variant sells at exactly its BigCommerce price, also
after prices change in the store, and an unchanged item is not written again."""
from decimal import Decimal

from common import BigCommerceCase, factory

D = Decimal


class ItemPriceCase(BigCommerceCase):

    def setUp(self):
        super().setUp()
        self.pricelist = self.env["product.pricelist"].create({"name": "Plain"})

    def add(self, product):
        return self.server.store.add_product(product)

    def shirt(self, price="20.00", large_red="24.50"):
        """Size x Color: two variants inherit the product's price, L/Red has its own."""
        return self.add(factory.product(name="Shirt", sku="SH", price=D(price), variants=[
            factory.variant("SH-S-RED", options={"Size": "S", "Color": "Red"}),
            factory.variant("SH-S-BLUE", options={"Size": "S", "Color": "Blue"}),
            factory.variant("SH-L-RED", price=D(large_red), options={"Size": "L", "Color": "Red"}),
        ]))

    def set_variant_price(self, product, sku, price):
        """Give the store's variant `sku` its own price (None: inherit the product's)."""
        stored = self.server.store.products[product["id"]]
        variant = next(v for v in stored["variants"] if v["sku"] == sku)
        variant["price"] = None if price is None else float(price)
        self.server.store.update_product(product["id"])   # recomputes calculated prices

    def store_prices(self, product):
        """BigCommerce's price of each variant of the stored product: variant id -> Decimal.
        A variant price of null means the product's price."""
        stored = self.server.store.products[product["id"]]
        return {v["id"]: D(str(stored["price"] if v["price"] is None else v["price"]))
                for v in stored["variants"]}

    def assertPricesMatch(self, product):
        """Every variant's Odoo sales price (and pricelist price) is its BigCommerce price."""
        self.env.invalidate_all()
        bindings = self.cart.product_binding_ids.filtered(lambda b: b.bigcommerce_product_id == product["id"])
        prices = self.store_prices(product)
        self.assertEqual(sorted(bindings.mapped("bigcommerce_variant_id")), sorted(prices))
        for binding in bindings:
            record, expected = binding.product_id, prices[binding.bigcommerce_variant_id]
            self.assertEqual(D(str(record.lst_price)), expected, record.display_name)
            # The pricelist adds template price and extras as floats, unrounded: to the cent.
            self.assertEqual(round(D(self.pricelist._get_product_price(record, 1.0)), 2), expected,
                             record.display_name)
        return bindings.product_id

    def import_(self, product):
        return self.cart.import_items([product["id"]])


class TestVariantPricesAfterChanges(ItemPriceCase):

    def test_base_price_change_with_inheriting_variants(self):
        shirt = self.shirt()
        first = self.import_(shirt)
        self.assertPricesMatch(shirt)
        self.server.store.update_product(shirt["id"], price=22.0)
        self.assertEqual(self.import_(shirt), first)
        records = self.assertPricesMatch(shirt)
        self.assertEqual(sorted(records.mapped("lst_price")), [22.0, 22.0, 24.5])
        self.server.store.update_product(shirt["id"], price=18.75)
        self.import_(shirt)
        self.assertEqual(sorted(self.assertPricesMatch(shirt).mapped("lst_price")), [18.75, 18.75, 24.5])

    def test_variant_own_price_change(self):
        shirt = self.shirt()
        self.import_(shirt)
        self.set_variant_price(shirt, "SH-L-RED", D("23.10"))
        self.import_(shirt)
        records = self.assertPricesMatch(shirt)
        self.assertEqual(records.filtered(lambda p: p.default_code == "SH-L-RED").lst_price, 23.1)
        # A variant that inherited gets a price of its own.
        self.set_variant_price(shirt, "SH-S-BLUE", D("19.99"))
        self.import_(shirt)
        self.assertPricesMatch(shirt)

    def test_variant_switches_from_own_price_to_inherited_and_back(self):
        shirt = self.shirt()
        self.import_(shirt)
        self.set_variant_price(shirt, "SH-L-RED", None)
        self.import_(shirt)
        self.assertEqual(self.assertPricesMatch(shirt).mapped("lst_price"), [20.0] * 3)
        # Back to a price of its own, while the product's price also moves.
        self.set_variant_price(shirt, "SH-L-RED", D("26.00"))
        self.server.store.update_product(shirt["id"], price=21.0)
        self.import_(shirt)
        self.assertEqual(sorted(self.assertPricesMatch(shirt).mapped("lst_price")), [21.0, 21.0, 26.0])

    def test_base_price_and_one_variant_price_change_together(self):
        shirt = self.shirt(price="17.49", large_red="19.99")
        self.import_(shirt)
        self.assertPricesMatch(shirt)
        self.server.store.update_product(shirt["id"], price=0.1)
        self.set_variant_price(shirt, "SH-L-RED", D("0.30"))
        first = self.import_(shirt)
        records = self.assertPricesMatch(shirt)
        self.assertEqual(records, first)
        self.assertEqual(first.product_tmpl_id.list_price, 0.1)
        self.assertEqual(sorted(records.mapped("lst_price")), [0.1, 0.1, 0.3])

    def test_new_variant_and_price_change_in_one_reimport(self):
        shirt = self.shirt()
        self.import_(shirt)
        stored = self.server.store.products[shirt["id"]]
        large_blue = factory.variant("SH-L-BLUE", price=D("27.00"), options={"Size": "L", "Color": "Blue"})
        # Option and value ids as the product's other variants have them.
        known = {(value["option_display_name"], value["label"]): value
                 for variant in stored["variants"] for value in variant["option_values"]}
        for value in large_blue["option_values"]:
            same = known[value["option_display_name"], value["label"]]
            value.update(option_id=same["option_id"], id=same["id"])
        stored["variants"].append(dict(large_blue, id=9902, product_id=shirt["id"], sku_id=9902))
        self.server.store.update_product(shirt["id"], price=23.0)
        records = self.import_(shirt)
        self.assertEqual(len(records), 4)
        self.assertEqual(sorted(self.assertPricesMatch(shirt).mapped("lst_price")), [23.0, 23.0, 24.5, 27.0])

    def test_item_that_gains_options_gets_a_product_with_variants(self):
        lamp = self.add(factory.product(name="Lamp", sku="LMP", price=D("30.00")))
        simple = self.import_(lamp)
        with_options = factory.product(name="Lamp", sku="LMP", price=D("30.00"), variants=[
            factory.variant("LMP-W", options={"Color": "White"}),
            factory.variant("LMP-B", price=D("32.00"), options={"Color": "Black"})])
        self.server.store.products[lamp["id"]]["variants"] = with_options["variants"]
        self.server.store.update_product(lamp["id"])
        variants = self.import_(lamp)
        self.assertEqual(sorted(variants.mapped("lst_price")), [30.0, 32.0])
        self.assertEqual(len(variants.product_tmpl_id), 1)
        # The simple product stays as it was, linked to the variant older orders name.
        self.assertTrue(simple.exists() and simple.active)
        self.assertNotIn(simple, variants)
        self.assertEqual((simple.default_code, simple.lst_price), ("LMP", 30.0))


class TestLinkedVariantPrices(ItemPriceCase):

    def cups(self):
        """An Odoo product with variants Small and Large, whose attribute values carry
        price extras of their own."""
        size = self.env["product.attribute"].create({"name": "Cup size", "value_ids": [
            (0, 0, {"name": "Small"}), (0, 0, {"name": "Large"})]})
        template = self.env["product.template"].create({
            "name": "Cup", "list_price": 5.0,
            "attribute_line_ids": [
                (0, 0, {"attribute_id": size.id, "value_ids": [(6, 0, size.value_ids.ids)]})]})
        template.attribute_line_ids.product_template_value_ids.price_extra = 0.35
        small, large = template.product_variant_ids
        small.default_code = "CUP-S"
        return template, small, large

    def test_item_matched_to_one_variant_of_an_odoo_product_follows_its_price(self):
        """A simple item linked by SKU to one variant of an Odoo product with variants:
        its price follows BigCommerce's, its siblings and template keep theirs."""
        template, small, large = self.cups()
        cup = self.add(factory.product(name="Small cup", sku="CUP-S", price=D("6.50")))
        self.assertEqual(self.import_(cup), small)
        self.assertPricesMatch(cup)
        self.server.store.update_product(cup["id"], price=7.15)
        self.import_(cup)
        self.assertPricesMatch(cup)
        self.assertEqual((large.lst_price, template.name, template.list_price), (5.35, "Cup", 5.0))

    def test_variant_matched_to_one_variant_of_an_odoo_product_follows_its_price(self):
        """An item with options one variant of which has the SKU of one variant of an
        Odoo product with variants: that Odoo product keeps its name, price and other
        variants; the item's other variants get a product of their own."""
        template, small, large = self.cups()
        mug = self.add(factory.product(name="Mug", sku="MG", price=D("8.00"), variants=[
            factory.variant("CUP-S", price=D("6.50"), options={"Size": "Small"}),
            factory.variant("MG-BIG", options={"Size": "Big"})]))
        records = self.import_(mug)
        self.assertIn(small, records)
        self.assertPricesMatch(mug)
        self.server.store.update_product(mug["id"], price=9.0)
        self.set_variant_price(mug, "CUP-S", D("6.95"))
        self.assertEqual(self.import_(mug), records)
        self.assertPricesMatch(mug)
        self.assertEqual((large.lst_price, template.name, template.list_price), (5.35, "Cup", 5.0))
        self.assertEqual(template.with_context(active_test=False).product_variant_ids, small | large)
        big = records - small
        self.assertEqual((big.product_tmpl_id.name, big.lst_price), ("Mug", 9.0))

    def test_item_whose_variants_are_all_an_odoo_product_takes_it_over(self):
        template, small, large = self.cups()
        large.default_code = "CUP-L"
        cup = self.add(factory.product(name="Cup (store)", sku="CUP", price=D("6.00"), variants=[
            factory.variant("CUP-S", options={"Size": "Small"}),
            factory.variant("CUP-L", price=D("7.40"), options={"Size": "Large"})]))
        self.assertEqual(self.import_(cup), small | large)
        self.assertPricesMatch(cup)
        self.assertEqual((template.name, template.list_price), ("Cup (store)", 6.0))
        self.server.store.update_product(cup["id"], price=6.2)
        self.import_(cup)
        self.assertPricesMatch(cup)


class TestUnchangedItems(ItemPriceCase):

    def written_since(self, records):
        """Which of `records` were written since their write_date was set back."""
        self.env.flush_all()
        written = []
        for record in records:
            self.env.cr.execute(f'SELECT write_date > %s FROM "{record._table}" WHERE id = %s',
                                ["2001-01-01", record.id])
            if self.env.cr.fetchone()[0]:
                written.append(record)
        return written

    def set_back(self, records):
        self.env.flush_all()
        for record in records:
            self.env.cr.execute(f'UPDATE "{record._table}" SET write_date = %s WHERE id = %s',
                                ["2000-01-01", record.id])
        self.env.invalidate_all()

    def imported_records(self, product):
        bindings = self.cart.product_binding_ids.filtered(lambda b: b.bigcommerce_product_id == product["id"])
        return list(bindings) + list(bindings.product_id) + list(bindings.product_id.product_tmpl_id)

    def test_reimporting_unchanged_items_writes_nothing(self):
        shirt = self.shirt(price="17.49", large_red="19.99")
        mug = self.add(factory.product(name="Mug", sku="MUG", price=D("12.95"),
                                       description="<p>A <b>sturdy</b> mug.</p>"))
        plain = factory.product(name="Sticker", price=D("0.30"))
        plain["sku"] = plain["variants"][0]["sku"] = ""
        sticker = self.add(plain)
        ids = [shirt["id"], mug["id"], sticker["id"]]
        self.cart.import_items(ids)
        records = [r for p in (shirt, mug, sticker) for r in self.imported_records(p)]
        self.set_back(records)
        self.server.store.update_product(shirt["id"])   # only its date moves
        self.cart.import_items(ids)
        self.assertEqual(self.written_since(records), [])
        for product in (shirt, mug, sticker):
            self.assertPricesMatch(product)
        # A change is written, and only where it is (Odoo recomputes fields of the
        # changed product's variant too).
        self.server.store.update_product(mug["id"], price=13.0)
        self.cart.import_items(ids)
        mug_product = self.cart.product_binding_ids.filtered(
            lambda b: b.bigcommerce_product_id == mug["id"]).product_id
        written = self.written_since(records)
        self.assertIn(mug_product.product_tmpl_id, written)
        self.assertLessEqual(set(written), {mug_product, mug_product.product_tmpl_id})
        self.assertPricesMatch(mug)
