"""Goods out (issue 13): an imported order ships from the cart's warehouse, the one
whose stock the cart's export counts, whatever Odoo's default warehouse is."""
from decimal import Decimal

from common import BigCommerceCase, factory

D = Decimal


class TestDeliveryWarehouse(BigCommerceCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cart.import_status_ids = cls.env["bigcommerce.order.status"].search([("bigcommerce_id", "=", 11)])
        cls.second = cls.env["stock.warehouse"].create({"name": "Web Shop", "code": "WEB"})

    def setUp(self):
        super().setUp()
        self.mug = self.server.store.add_product(factory.product(name="Mug", sku="MUG", price=D("12.50")))

    def import_as(self, kind):
        self.cart.import_orders_as = kind
        order = self.server.store.add_order(factory.order(lines=[factory.line(self.mug, 2)]))
        return self.cart.import_orders([order["id"]])

    def test_quotation_ships_from_the_carts_warehouse(self):
        self.cart.warehouse_id = self.second
        sale = self.import_as("sale_order")
        self.assertEqual(sale.warehouse_id, self.second)
        sale.action_confirm()
        self.assertEqual(sale.picking_ids.picking_type_id.warehouse_id, self.second)

    def test_cash_sale_ships_from_the_carts_warehouse(self):
        self.cart.warehouse_id = self.second
        invoice = self.import_as("cash_sale")
        invoice.action_post()
        self.assertEqual(invoice.bigcommerce_picking_ids.picking_type_id.warehouse_id, self.second)
