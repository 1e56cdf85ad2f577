"""What a user sees and may do: the cart's Orders button, the pending list, menus
and groups, the variants setting, the activity of a failed order, the labels."""
from decimal import Decimal

from lxml import etree

from common import BigCommerceCase, factory

from odoo.exceptions import AccessError
from odoo.tools.safe_eval import safe_eval

from odoo.addons.salesorder_bigcommerce.importers.results import FAILED, ImportReport, Outcome

D = Decimal


class UICase(BigCommerceCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cart.import_status_ids = cls.env["bigcommerce.order.status"].search([("bigcommerce_id", "=", 11)])
        cls.Binding = cls.env["bigcommerce.order.binding"]

    def setUp(self):
        super().setUp()
        self.mug = self.server.store.add_product(factory.product(name="Mug", sku="MUG", price=D("12.50")))

    def import_as(self, kind):
        """One new order imported as `kind` (an Import Cart Orders as value); its document."""
        self.cart.import_orders_as = kind
        order = self.server.store.add_order(factory.order(lines=[factory.line(self.mug, 2)]))
        document = self.cart.import_orders([order["id"]])
        self.assertEqual(len(document), 1)
        return document

    def documents(self, bindings):
        return self.keys(*(b.sale_order_id or b.move_id for b in bindings))

    def keys(self, *documents):
        return {d._name + str(d.id) for d in documents}

    def action(self, xmlid):
        return self.env["ir.actions.act_window"]._for_xml_id(xmlid)

    def arch(self, model, view_type="form", view=None):
        view_id = self.env.ref(view).id if view else None
        return etree.fromstring(self.env[model].get_view(view_id, view_type)["arch"])


class TestOrdersButton(UICase):

    def test_counts_and_lists_every_type(self):
        quotation = self.import_as("sale_order")
        invoice = self.import_as("sales_invoice")
        cash_sale = self.import_as("cash_sale")
        # A credit note made from an invoice is no order of the cart.
        refund = invoice._reverse_moves()
        refund.bigcommerce_cart_id = self.cart
        self.cart.invalidate_recordset(["order_count"])
        self.assertEqual(self.cart.order_count, 3)
        action = self.cart.action_view_documents()
        self.assertEqual(action["res_model"], "bigcommerce.order.binding")
        rows = self.Binding.search(action["domain"])
        self.assertEqual(len(rows), self.cart.order_count)
        self.assertEqual(self.documents(rows), self.keys(quotation, invoice, cash_sale))
        by_type = {b.document_type: b for b in rows}
        self.assertEqual(sorted(rows.mapped("document_type")), ["invoice", "invoice", "quotation"])
        row = by_type["quotation"]
        self.assertEqual((row.partner_id, row.amount_total, row.document_state, row.document_name),
                         (quotation.partner_id, quotation.amount_total, "Quotation", quotation.name))
        # A click on a row opens the document itself.
        opened = row.action_open_document()
        self.assertEqual((opened["res_model"], opened["res_id"]), ("sale.order", quotation.id))
        self.assertEqual(self.arch("bigcommerce.order.binding", "list",
                                   "salesorder_bigcommerce.bigcommerce_order_binding_view_list").get("action"),
                         "action_open_document")

    def test_invoices_only_open_the_customer_invoice_list(self):
        invoices = self.import_as("cash_sale") | self.import_as("sales_invoice")
        self.cart.import_orders_as = "sale_order"   # whatever the cart imports as today
        self.cart.invalidate_recordset(["order_count"])
        self.assertEqual(self.cart.order_count, 2)
        action = self.cart.action_view_documents()
        self.assertEqual(action["res_model"], "account.move")
        self.assertEqual(self.env["account.move"].search(action["domain"]), invoices)
        # Odoo's customer invoice list: its Customer and dates show for out_invoice only.
        self.assertEqual(action["context"].get("default_move_type"), "out_invoice")
        list_view = dict((mode, view) for view, mode in action["views"])["list"]
        xmlid = "salesorder_bigcommerce.account_move_view_list_bigcommerce"
        self.assertEqual(list_view, self.env.ref(xmlid).id)
        arch = self.arch("account.move", "list", xmlid)
        names = [f.get("name") for f in arch.iter("field")]
        for name in ("name", "bigcommerce_order_id", "invoice_partner_display_name", "invoice_date",
                     "invoice_date_due"):
            self.assertIn(name, names)
        # The BigCommerce order first: it names a draft, whose number is still "/".
        self.assertEqual(names.index("bigcommerce_order_id"), names.index("name") - 1)

    def test_quotations_only_open_the_quotation_list(self):
        quotation = self.import_as("sale_order")
        self.cart.import_orders_as = "cash_sale"
        action = self.cart.action_view_documents()
        self.assertEqual(action["res_model"], "sale.order")
        self.assertEqual(self.env["sale.order"].search(action["domain"]), quotation)
        self.assertNotIn("search_default_my_quotation", action["context"])
        self.assertIn("bigcommerce_order_id", etree.tostring(self.arch(
            "sale.order", "list", "salesorder_bigcommerce.sale_order_view_list_bigcommerce")).decode())

    def test_no_document_yet(self):
        self.assertEqual(self.cart.order_count, 0)
        action = self.cart.action_view_documents()
        self.assertEqual((action["res_model"], self.env["account.move"].search_count(action["domain"])),
                         ("account.move", 0))


class TestPendingList(UICase):

    def test_pending_lists_draft_documents_of_both_types(self):
        quotation, confirmed, cancelled_quotation = (self.import_as("sale_order") for _i in range(3))
        confirmed.action_confirm()
        cancelled_quotation._action_cancel()
        invoice, posted, cancelled_invoice = (self.import_as("sales_invoice") for _i in range(3))
        posted.action_post()
        cancelled_invoice.button_cancel()
        action = self.action("salesorder_bigcommerce.action_bigcommerce_pending")
        pending = self.Binding.search(safe_eval(action["domain"]))
        self.assertEqual(self.documents(pending), self.keys(quotation, invoice))
        self.assertEqual(sorted(pending.mapped("document_type")), ["invoice", "quotation"])
        self.assertTrue(all(pending.mapped("pending")))
        not_pending = self.Binding.search([("pending", "=", False), ("cart_id", "=", self.cart.id)])
        self.assertEqual(self.documents(not_pending),
                         self.keys(confirmed, cancelled_quotation, posted, cancelled_invoice))

    def test_reachable_from_sales_orders(self):
        menu = self.env.ref("salesorder_bigcommerce.menu_bigcommerce_pending")
        self.assertEqual(menu.parent_id, self.env.ref("sale.sale_order_menu"))
        self.assertEqual(menu.action, self.env.ref("salesorder_bigcommerce.action_bigcommerce_pending"))
        salesman = self.make_user("bc_ui_salesman", "sales_team.group_sale_salesman")
        self.assertIn(menu.id, self.env["ir.ui.menu"].with_user(salesman)._visible_menu_ids())

    def test_salesman_sees_only_documents_he_may_read(self):
        quotation = self.import_as("sale_order")
        own = self.make_user("bc_ui_own", "sales_team.group_sale_salesman")
        pending = self.Binding.with_user(own).search(
            safe_eval(self.action("salesorder_bigcommerce.action_bigcommerce_pending")["domain"]))
        self.assertFalse(pending)   # "own documents only": the admin's quotation is not his
        binding = self.Binding.search([("sale_order_id", "=", quotation.id)]).with_user(own)
        self.assertFalse(binding.partner_id)
        self.assertEqual(binding.document_type, "quotation")


class TestVariantsSetting(UICase):

    def setUp(self):
        super().setUp()
        self.employees = self.env.ref("base.group_user")
        self.variants = self.env.ref("product.group_product_variant")
        self.employees._remove_group(self.variants)   # as unticking Variants in the settings
        self.assertFalse(self.env.user.has_group("product.group_product_variant"))

    def test_item_with_variants_turns_variants_on(self):
        shirt = self.server.store.add_product(factory.product(name="Shirt", sku="SHIRT", variants=[
            factory.variant("SHIRT-S", options={"Size": "S"}),
            factory.variant("SHIRT-L", price=D("22.00"), options={"Size": "L"})]))
        report = self.cart._import_items([self.mug["id"]])
        self.assertNotIn(self.variants, self.employees.implied_ids, "a simple item changes nothing")
        self.assertFalse(report.notes)
        report = self.cart._import_items([shirt["id"]])
        self.assertIn(self.variants, self.employees.implied_ids)
        self.assertTrue(self.env.user.has_group("product.group_product_variant"))
        newcomer = self.make_user("bc_ui_new", "base.group_user")
        self.assertTrue(newcomer.has_group("product.group_product_variant"))
        self.assertIn("Variants setting was turned on", report.notes[0])
        self.assertFalse(self.cart._import_items([shirt["id"]]).notes, "said once")
        # The variant list of the product form shows each variant's SKU and price.
        arch = self.arch("product.product", "list")
        self.assertTrue({"default_code", "lst_price", "product_template_variant_value_ids"}
                        <= {f.get("name") for f in arch.iter("field")})
        large = report.outcomes[0].records.filtered(lambda p: p.default_code == "SHIRT-L")
        self.assertEqual((large.lst_price, large.uom_id, large.categ_id), (22.0, self.env.ref(
            "uom.product_uom_unit"), self.cart.product_categ_id))


class TestAccess(UICase):

    def test_users_without_rights_are_refused(self):
        order = self.server.store.add_order(factory.order(lines=[factory.line(self.mug, 1)]))
        for login, groups in (("bc_ui_internal", "base.group_user"),
                              ("bc_ui_seller", "sales_team.group_sale_salesman")):
            cart = self.cart.with_user(self.make_user(login, groups))
            calls = [(cart.import_orders, [order["id"]]), (cart.import_items, [self.mug["id"]]),
                     (cart.action_sync,), (cart.action_list_items,), (cart.action_list_orders,)]
            for method, *args in calls:
                with self.subTest(user=login, method=method.__name__), self.assertRaises(AccessError):
                    method(*args)
        self.assertFalse(self.server.requests, "refused before reaching the store")
        self.assertFalse(self.Binding.search([("cart_id", "=", self.cart.id)]))

    def test_manager_imports(self):
        manager = self.make_user("bc_ui_manager", "salesorder_bigcommerce.group_bigcommerce_manager")
        self.assertTrue(self.cart.with_user(manager).import_items([self.mug["id"]]))

    def test_menus_under_sales_configuration_bigcommerce(self):
        root = self.env.ref("salesorder_bigcommerce.menu_bigcommerce_root")
        self.assertEqual(root.parent_id, self.env.ref("sale.menu_sale_config"))
        data = self.env["ir.model.data"].search([("module", "=", "salesorder_bigcommerce"),
                                                 ("model", "=", "ir.ui.menu")])
        menus = self.env["ir.ui.menu"].browse(data.mapped("res_id")) - root
        pending = self.env.ref("salesorder_bigcommerce.menu_bigcommerce_pending")
        self.assertEqual(menus - pending, root.child_id)
        self.assertEqual({menu.action.res_model for menu in root.child_id}, {
            "bigcommerce.cart", "bigcommerce.sync.log", "bigcommerce.tax.map", "bigcommerce.order.status",
            "bigcommerce.order.binding"})
        manager = self.make_user("bc_ui_menu_manager", "salesorder_bigcommerce.group_bigcommerce_manager")
        salesman = self.make_user("bc_ui_menu_salesman", "sales_team.group_sale_salesman")
        visible = self.env["ir.ui.menu"].with_user(manager)._visible_menu_ids()
        self.assertTrue(set((root | root.child_id).ids) <= visible)
        self.assertNotIn(root.id, self.env["ir.ui.menu"].with_user(salesman)._visible_menu_ids())
        # Tax Mapping: its own list, for managers.
        self.assertTrue(self.env["bigcommerce.tax.map"].with_user(manager).has_access("create"))
        self.assertFalse(self.env["bigcommerce.tax.map"].with_user(salesman).has_access("write"))

    def test_failed_order_activity_type(self):
        activity_type = self.env.ref("salesorder_bigcommerce.mail_activity_type_order_failed")
        self.assertEqual((activity_type.name, activity_type.res_model),
                         ("BigCommerce order failed", "bigcommerce.cart"))
        report = ImportReport()
        report.add(Outcome(4242, "Order 4242", FAILED, "No lines."))
        self.cart._sync_note_failures(report)
        activity = self.cart.activity_ids.filtered(lambda a: "4242" in (a.summary or ""))
        self.assertEqual(activity.activity_type_id, activity_type)


class TestLabels(UICase):

    def test_reimporting_an_unchanged_item_says_unchanged(self):
        wizard = self.env["bigcommerce.item.import"].create({"cart_id": self.cart.id, "search": "MUG"})
        wizard.action_list()
        statuses = []
        for price in (None, None, D("13.00")):
            if price:
                self.server.store.products[self.mug["id"]]["price"] = price
                self.server.store.update_product(self.mug["id"])
            wizard.line_ids.selected = True
            wizard.action_import()
            statuses.append(wizard.line_ids.status)
        self.assertEqual(statuses, ["created", "unchanged", "updated"])
        labels = dict(wizard.line_ids._fields["status"]._description_selection(self.env))
        self.assertEqual(labels["unchanged"], "Unchanged")

    def test_documents_named_quotation_and_invoice(self):
        Binding = self.env["bigcommerce.order.binding"]
        self.assertEqual((Binding._fields["sale_order_id"].string, Binding._fields["move_id"].string),
                         ("Quotation", "Invoice"))
        quotation = self.import_as("sale_order")
        self.cart.import_orders_as = "cash_sale"
        order = self.server.store.add_order(factory.order(lines=[factory.line(self.mug, 1)]))
        wizard = self.env["bigcommerce.order.import"].create({"cart_id": self.cart.id})
        wizard.action_list()
        listed = {line.bigcommerce_id: line for line in wizard.line_ids}
        self.assertEqual(listed[quotation.bigcommerce_order_id].document_type, "quotation")
        listed[order["id"]].selected = True
        wizard.action_import()
        self.assertEqual((listed[order["id"]].result_status, listed[order["id"]].document_type),
                         ("created", "invoice"))
        labels = dict(wizard.line_ids._fields["document_type"]._description_selection(self.env))
        self.assertEqual(labels, {"quotation": "Quotation", "invoice": "Invoice"})

    def test_auto_sync_shown_once(self):
        arch = self.arch("bigcommerce.cart")
        self.assertEqual(len(arch.xpath("//field[@name='auto_sync']")), 1)
        salesman = self.make_user("bc_ui_viewer", "sales_team.group_sale_salesman")
        view = self.env["bigcommerce.cart"].with_user(salesman).get_view(view_type="form")
        arch = etree.fromstring(view["arch"])
        field, = arch.xpath("//field[@name='auto_sync']")
        self.assertNotIn("clickable", field.get("options") or "", "salespeople cannot change it")

    def test_dialog_columns_fit(self):
        """Each visible column of the import dialogs is wide enough for its label (about
        8 px a character at the dialog's font, plus padding), or has a short label."""
        for model, view in (("bigcommerce.item.import", "bigcommerce_item_import_view_form"),
                            ("bigcommerce.order.import", "bigcommerce_order_import_view_form")):
            arch = self.arch(model, view="salesorder_bigcommerce." + view)
            lines = self.env[model]._fields["line_ids"].comodel_name
            for field in arch.xpath("//field[@name='line_ids']/list/field[not(@optional='hide')]"):
                label = field.get("string") or self.env[lines]._fields[field.get("name")].string
                width = int((field.get("width") or "0").rstrip("px"))
                with self.subTest(model=model, column=label):
                    self.assertTrue(len(label) <= 8 or width >= 8 * len(label) or
                                    self.env[lines]._fields[field.get("name")].type in ("char", "selection"),
                                    f"{label!r} would be cut")
