"""A bundle (a product with a "Product Pick List" option): BigCommerce sends the
picked item as an order line of its own, priced 0, ``is_bundled_product`` true and
``parent_order_product_id`` the bundle's line (orders.v2.oas2.yml, example order 149).
The picked item is goods: it reaches the document at 0, the warehouse ships it, and
the shipment reports it, so neither Odoo's stock nor BigCommerce's is left behind."""
from decimal import Decimal

from test_shipments import ShipmentCase

from fake_bigcommerce import factory

D = Decimal


class TestBundles(ShipmentCase):

    def setUp(self):
        super().setUp()
        self.kit = self.store.add_product(factory.product(name="Coffee Kit", sku="KIT", price=D("80.00")))
        self.brewer = self.store.add_product(factory.product(name="Able Brewing System", sku="ABS",
                                                             price=D("50.00")))

    def bundle_lines(self):
        return [factory.line(self.kit, 1), factory.bundled(self.brewer, parent_index=0)]

    def test_the_fake_sends_the_picked_item_as_bigcommerce_does(self):
        order = self.store.add_order(factory.order(lines=self.bundle_lines(), tax_rate=D("0.1")))
        kit, brewer = self.store.order_products[order["id"]]
        self.assertEqual((brewer["is_bundled_product"], brewer["parent_order_product_id"]), (True, kit["id"]))
        self.assertEqual((brewer["total_inc_tax"], brewer["total_tax"]), ("0.0000", "0.0000"))
        self.assertEqual(order["subtotal_ex_tax"], "80.0000")

    def test_cash_sale_carries_the_picked_item_at_zero_and_ships_it(self):
        order, invoice = self.imported("cash_sale", lines=self.bundle_lines(), tax_rate=D("0.1"))
        self.assertEqual(invoice.amount_total, float(D(order["total_inc_tax"])))
        brewer = invoice.invoice_line_ids.filtered(lambda line: line.product_id.default_code == "ABS")
        self.assertEqual((brewer.quantity, brewer.price_subtotal), (1, 0))
        picking = self.out_pickings(invoice)
        self.assertEqual(sorted(picking.move_ids.product_id.mapped("default_code")), ["ABS", "KIT"])
        self.validate(picking)
        self.send()
        shipment, = self.shipments(order)
        self.assertEqual(self.items(shipment), {self.line_id(order, "KIT"): 1, self.line_id(order, "ABS"): 1})
        # Posted: the journal books the kit's price and its tax; the picked item adds nothing.
        income = invoice.line_ids.filtered(lambda line: line.display_type == "product")
        self.assertEqual(income.filtered(lambda line: line.product_id.default_code == "ABS").credit, 0)
        self.assertAlmostEqual(sum(income.mapped("credit")),
                               float(D(order["subtotal_ex_tax"]) + D(order["shipping_cost_ex_tax"])))
        tax = invoice.line_ids.filtered(lambda line: line.display_type == "tax")
        self.assertAlmostEqual(sum(tax.mapped("credit")), float(D(order["total_tax"])))
        self.assertTrue(all(account.account_type != "income" for account in tax.account_id))

    def test_confirmed_quotation_delivers_the_picked_item(self):
        order, sale = self.imported("sale_order", lines=self.bundle_lines())
        self.assertEqual(sorted(self.out_pickings(sale).move_ids.product_id.mapped("default_code")), ["ABS", "KIT"])
        self.assertEqual(sale.amount_total, float(D(order["total_inc_tax"])))
