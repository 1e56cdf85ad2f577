"""Taxes book like the company's own (DESIGN.md §8): read the journal items of posted imports."""
from decimal import Decimal

from common import BigCommerceCase, factory

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form
from odoo.tools.safe_eval import safe_eval

from odoo.addons.salesorder_bigcommerce.importers.results import FAILED
from odoo.addons.salesorder_bigcommerce.importers.taxes import TaxResolver

D = Decimal
REPARTITION = ("document_type", "repartition_type", "factor_percent", "account_id", "tag_ids",
               "use_in_tax_closing")


class TaxBookingCase(BigCommerceCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cart.import_status_ids = cls.env["bigcommerce.order.status"].search([("bigcommerce_id", "=", 11)])
        cls.cart.import_orders_as = "sales_invoice"
        cls.company = cls.cart.company_id
        cls.default_tax = cls.company.account_sale_tax_id
        cls.tax_account = cls.default_tax.invoice_repartition_line_ids.filtered(
            lambda line: line.repartition_type == "tax").account_id

    def setUp(self):
        super().setUp()
        # 2 x 120.00 taxed 19.80 says 8.25 % and nothing else (2 x 12.50 taxed 2.06 could be 8.22 %).
        self.mug = self.server.store.add_product(factory.product(name="Mug", sku="MUG", price=D("120.00")))

    def add_order(self, **kwargs):
        kwargs.setdefault("lines", [factory.line(self.mug, 2)])
        return self.server.store.add_order(factory.order(**kwargs))

    def own_tax(self, amount, name, **values):
        """A merchant's own tax made from the default sales tax (its accounts and tags)."""
        return self.default_tax.copy({"name": name, "amount": amount, **values})

    def sale_taxes(self):
        return self.env["account.tax"].with_context(active_test=False).search([("type_tax_use", "=", "sale")])

    def assertBooksLikeTheCompany(self, invoice, order):
        """Post the invoice: tax on the default tax's account, base on income, receivable = total."""
        self.assertFalse(invoice.bigcommerce_total_mismatch, invoice.bigcommerce_check)
        invoice.action_post()
        items = invoice.line_ids
        tax_items = items.filtered(lambda item: item.display_type == "tax")
        base_items = items.filtered(lambda item: item.display_type == "product")
        receivable = items.filtered(lambda item: item.account_id.account_type == "asset_receivable")
        self.assertTrue(tax_items)
        self.assertEqual(tax_items.account_id, self.tax_account)
        self.assertNotIn(self.tax_account, base_items.account_id)
        self.assertAlmostEqual(sum(tax_items.mapped("balance")), -float(order["total_tax"]), places=2)
        income = items.filtered(lambda item: item.account_id in base_items.account_id)
        self.assertAlmostEqual(sum(income.mapped("balance")), -float(order["total_ex_tax"]), places=2)
        mug_line = base_items.filtered(lambda item: item.product_id.default_code == "MUG")
        self.assertEqual(mug_line.account_id, mug_line.product_id.categ_id.property_account_income_categ_id)
        self.assertAlmostEqual(sum(receivable.mapped("balance")), float(order["total_inc_tax"]), places=2)
        return base_items.tax_ids


class TestBooking(TaxBookingCase):

    def test_tax_excluded_order_books_tax_on_tax_account(self):
        order = self.add_order(tax_rate=D("0.0825"), shipping_cost=D("14.99"))
        invoice = self.cart.import_orders([order["id"]])
        self.assertEqual(invoice.move_type, "out_invoice")
        tax = self.assertBooksLikeTheCompany(invoice, order)
        self.assertEqual(len(tax), 1)
        self.assertNotEqual(tax, self.default_tax)
        self.assertEqual((tax.amount, tax.price_include, tax.name), (8.25, False, "8.25% (BigCommerce)"))
        self.assertIn("8.25", tax.tax_group_id.name)
        self.assertEqual(tax.tax_group_id.name, "Tax 8.25%")
        self.assertEqual(tax.country_id, self.default_tax.country_id)
        template_group = self.default_tax.tax_group_id
        self.assertEqual(
            (tax.tax_group_id.tax_payable_account_id, tax.tax_group_id.tax_receivable_account_id,
             tax.tax_group_id.advance_tax_payment_account_id, tax.tax_group_id.country_id),
            (template_group.tax_payable_account_id, template_group.tax_receivable_account_id,
             template_group.advance_tax_payment_account_id, template_group.country_id))
        self.assertEqual(self.cart.tax_map_ids.tax_id, tax)

    def test_tax_included_order_books_tax_on_tax_account(self):
        order = self.add_order(tax_rate=D("0.19"), tax_inclusive=True, shipping_cost=D("5.95"))
        invoice = self.cart.import_orders([order["id"]])
        tax = self.assertBooksLikeTheCompany(invoice, order)
        self.assertEqual((tax.amount, tax.price_include, tax.name),
                         (19.0, True, "19% (BigCommerce, included)"))
        self.assertEqual(tax.tax_group_id.name, "Tax 19%")

    def test_created_tax_copies_the_default_tax_distribution(self):
        tag = self.env["account.account.tag"].create({
            "name": "+Sales base", "applicability": "taxes", "country_id": self.default_tax.country_id.id})
        tax_tag = self.env["account.account.tag"].create({
            "name": "+Sales tax", "applicability": "taxes", "country_id": self.default_tax.country_id.id})
        for line in self.default_tax.repartition_line_ids:
            line.tag_ids = tag if line.repartition_type == "base" else tax_tag
        tax = TaxResolver(self.cart).tax(D("8.25"), False)

        def distribution(lines):
            return [tuple(line[name] for name in REPARTITION)
                    for line in lines.sorted(lambda ln: (ln.sequence, ln.id))]

        self.assertEqual(distribution(tax.invoice_repartition_line_ids),
                         distribution(self.default_tax.invoice_repartition_line_ids))
        self.assertEqual(distribution(tax.refund_repartition_line_ids),
                         distribution(self.default_tax.refund_repartition_line_ids))
        tax_lines = tax.repartition_line_ids.filtered(lambda line: line.repartition_type == "tax")
        self.assertEqual(tax_lines.account_id, self.tax_account)
        self.assertEqual(tax_lines.tag_ids, tax_tag)

    def test_without_default_tax_copies_a_tax_of_the_same_kind(self):
        included = self.own_tax(20.0, "VAT 20% included", price_include_override="tax_included")
        self.company.account_sale_tax_id = False
        tax = TaxResolver(self.cart).tax(D("19"), True)
        tax_lines = tax.repartition_line_ids.filtered(lambda line: line.repartition_type == "tax")
        self.assertEqual(tax_lines.account_id, self.tax_account)
        self.assertEqual(tax.tax_group_id.name, "Tax 19%")
        self.assertNotEqual(tax, included)

    def test_no_sales_tax_to_copy_falls_back_to_tax_account_or_says_what_to_set_up(self):
        self.company.account_sale_tax_id = False
        self.default_tax.repartition_line_ids.account_id = False
        tax = TaxResolver(self.cart).tax(D("8.25"), False)
        tax_lines = tax.repartition_line_ids.filtered(lambda line: line.repartition_type == "tax")
        self.assertEqual(len(tax_lines), 2)
        self.assertTrue(all(line.account_id for line in tax_lines))
        self.assertEqual(tax_lines.account_id.account_type, "liability_current")
        # Nothing at all to find: the import says what to set up.
        self.sale_taxes().repartition_line_ids.account_id = False
        self.env["ir.model.data"].search([
            ("module", "=", "account"), ("name", "=", f"{self.company.id}_tax_received")]).unlink()
        self.env["account.tax.group"].search([]).write({"tax_payable_account_id": False})
        with self.assertRaisesRegex(UserError, "Default Sales Tax"):
            TaxResolver(self.cart).tax(D("7.5"), False)

    def test_matching_tax_with_an_account_is_preferred(self):
        no_account = self.own_tax(8.25, "Sales 8.25% (no account)")
        no_account.repartition_line_ids.account_id = False
        booked = self.own_tax(8.25, "Sales 8.25%", sequence=50)
        group = self.env["account.tax"].create({
            "name": "Group 8.25%", "amount_type": "group", "amount": 8.25,
            "children_tax_ids": [
                Command.create({"name": "8.25 child", "amount": 8.25, "type_tax_use": "none"})]})
        tax = TaxResolver(self.cart).tax(D("8.25"), False)
        self.assertEqual(tax, booked)
        self.assertFalse(tax & (no_account | group))


class TestMapping(TaxBookingCase):

    def test_merchant_maps_a_rate_before_any_order(self):
        own = self.own_tax(8.25, "Texas Sales Tax 8.25%")
        with Form(self.cart) as form, form.tax_map_ids.new() as mapping:
            self.assertEqual(mapping.company_id, self.company)   # the tax's domain needs it
            mapping.tax_id = own
            self.assertEqual(mapping.rate, 8.25)
        self.assertEqual(self.cart.tax_map_ids.tax_id, own)
        before = self.sale_taxes()
        order = self.add_order(tax_rate=D("0.0825"), shipping_cost=D("14.99"))
        invoice = self.cart.import_orders([order["id"]])
        self.assertEqual(self.sale_taxes(), before)
        self.assertEqual(invoice.invoice_line_ids.tax_ids, own)
        self.assertEqual(self.assertBooksLikeTheCompany(invoice, order), own)

    def test_tax_choices_are_sales_percent_taxes_of_the_same_pricing(self):
        excluded = self.own_tax(8.25, "Sales 8.25%")
        included = self.own_tax(8.25, "Sales 8.25% included", price_include_override="tax_included")
        purchase = self.own_tax(8.25, "Purchase 8.25%", type_tax_use="purchase")
        domain = self.env["bigcommerce.tax.map"]._fields["tax_id"].domain
        for price_include, wanted, unwanted in ((False, excluded, included), (True, included, excluded)):
            choices = self.env["account.tax"].search(
                safe_eval(domain, {"price_include": price_include, "company_id": self.company.id}))
            self.assertIn(wanted, choices)
            self.assertFalse((unwanted | purchase) & choices)

    def test_mapping_to_a_tax_that_computes_otherwise_is_refused(self):
        TaxMap = self.env["bigcommerce.tax.map"]
        eight = self.own_tax(8.0, "Sales 8%")
        with self.assertRaisesRegex(ValidationError, "8%, not 8.25%"):
            TaxMap.create({"cart_id": self.cart.id, "rate": 8.25, "tax_id": eight.id})
        included = self.own_tax(8.25, "Sales 8.25% included", price_include_override="tax_included")
        with self.assertRaisesRegex(ValidationError, "included in the price"):
            TaxMap.create({"cart_id": self.cart.id, "rate": 8.25, "tax_id": included.id})
        purchase = self.own_tax(8.25, "Purchase 8.25%", type_tax_use="purchase")
        with self.assertRaisesRegex(ValidationError, "sales tax"):
            TaxMap.create({"cart_id": self.cart.id, "rate": 8.25, "tax_id": purchase.id})
        mapping = TaxMap.create({"cart_id": self.cart.id, "rate": 8.0, "tax_id": eight.id})
        with self.assertRaises(ValidationError):
            mapping.rate = 8.25

    def test_mapped_tax_changed_afterwards_fails_the_order(self):
        own = self.own_tax(8.25, "Texas Sales Tax 8.25%")
        self.env["bigcommerce.tax.map"].create({"cart_id": self.cart.id, "rate": 8.25, "tax_id": own.id})
        own.amount = 9.0
        order = self.add_order(tax_rate=D("0.0825"))
        report = self.cart._import_orders([order["id"]])
        self.assertEqual(report.outcomes[0].status, FAILED)
        self.assertIn("9%, not 8.25%", report.outcomes[0].reason)
        self.assertFalse(self.env["account.move"].search([("bigcommerce_order_id", "=", order["id"])]))

    def test_second_cart_reuses_the_tax(self):
        first = self.add_order(tax_rate=D("0.0825"))
        tax = self.cart.import_orders([first["id"]]).invoice_line_ids.tax_ids
        other = self.env["bigcommerce.cart"].create({
            "name": "Second Store", "api_path": self.server.api_path, "api_key": self.server.api_key,
            "import_orders_as": "sales_invoice", "import_status_ids": self.cart.import_status_ids.ids})
        second = self.add_order(tax_rate=D("0.0825"))
        self.assertEqual(other.import_orders([second["id"]]).invoice_line_ids.tax_ids, tax)
        # The mapping deleted and made again on the way.
        self.cart.tax_map_ids.unlink()
        third = self.add_order(tax_rate=D("0.0825"))
        self.assertEqual(self.cart.import_orders([third["id"]]).invoice_line_ids.tax_ids, tax)
        self.assertEqual(self.env["account.tax"].search_count([("name", "=", "8.25% (BigCommerce)")]), 1)
        self.assertEqual(self.env["account.tax.group"].search_count([("name", "=", "Tax 8.25%")]), 1)

    def test_tax_of_the_same_name_without_account_is_not_reused_and_no_crash(self):
        legacy = self.env["account.tax"].create({"name": "8.25% (BigCommerce)", "amount": 8.25})
        archived = self.env["account.tax"].create({"name": "8.25% (BigCommerce) (2)", "amount": 8.25,
                                                   "active": False})
        order = self.add_order(tax_rate=D("0.0825"), shipping_cost=D("14.99"))
        invoice = self.cart.import_orders([order["id"]])
        tax = self.assertBooksLikeTheCompany(invoice, order)
        self.assertFalse(tax & (legacy | archived))
        self.assertEqual(tax.name, "8.25% (BigCommerce) (3)")

    def test_manager_without_accounting_rights_imports_a_new_rate(self):
        # A sales administrator managing the cart, no accounting rights: may not create taxes himself.
        manager = self.make_user("bc_tax_manager", "salesorder_bigcommerce.group_bigcommerce_manager,"
                                                   "sales_team.group_sale_manager")
        self.assertFalse(self.env["account.tax"].with_user(manager).has_access("create"))
        self.cart.import_orders_as = "sale_order"
        order = self.add_order(tax_rate=D("0.0825"))
        report = self.cart.with_user(manager)._import_orders([order["id"]])
        sale = report.outcomes[0].records
        self.assertEqual(sale.order_line.tax_id.amount, 8.25)
        self.assertEqual(self.cart.tax_map_ids.tax_id, sale.order_line.tax_id)
