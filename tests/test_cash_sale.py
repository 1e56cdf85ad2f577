"""Pending Cash Sales: posting registers what BigCommerce collected, read in the journal items."""
from decimal import Decimal

from common import BigCommerceCase, factory

from odoo import Command
from odoo.exceptions import AccessError

D = Decimal

AWAITING_FULFILLMENT, REFUNDED, CANCELLED, DECLINED, PARTIALLY_REFUNDED = 11, 4, 5, 6, 14


class CashSaleCase(BigCommerceCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cart.import_status_ids = cls.env["bigcommerce.order.status"].search([("bigcommerce_id", "in", [
            AWAITING_FULFILLMENT, REFUNDED, CANCELLED, DECLINED, PARTIALLY_REFUNDED])])
        cls.bank = cls.cart.payment_journal_id
        Journal = cls.env["account.journal"]
        cls.store_credit_journal = Journal.create({"name": "BC Store Credit", "type": "bank", "code": "BCSC"})
        cls.gift_journal = Journal.create({"name": "BC Gift Certificates", "type": "bank", "code": "BCGC"})

    def setUp(self):
        super().setUp()
        self.assertEqual(self.cart.import_orders_as, "cash_sale")
        store = self.server.store
        self.mug = store.add_product(factory.product(name="Mug", sku="MUG", price=D("12.50")))
        self.pen = store.add_product(factory.product(name="Pen", sku="PEN", price=D("3.00")))

    def import_order(self, status_id=AWAITING_FULFILLMENT, lines=None, refund_all=False, **kwargs):
        """Add an order to the store (8.25 % tax, 4.99 shipping) and import it: (order, invoice).
        refund_all: refunded_amount is the order's total."""
        lines = lines or [factory.line(self.mug, 2), factory.line(self.pen, 1)]
        spec = factory.order(lines=lines, tax_rate=D("0.0825"), shipping_cost=D("4.99"),
                             status_id=status_id, **kwargs)
        if refund_all:
            spec["refunded_amount"] = spec["total_inc_tax"]
        order = self.server.store.add_order(spec)
        outcome = self.cart._import_orders([order["id"]]).outcomes[0]
        self.assertEqual(outcome.status, "created", outcome.reason)
        invoice = outcome.records
        self.assertEqual((invoice.move_type, invoice.state), ("out_invoice", "draft"))
        self.assertTrue(invoice.bigcommerce_cash_sale)
        self.assertAlmostEqual(invoice.amount_total, float(order["total_inc_tax"]))
        return order, invoice

    # -- reading the journal items --------------------------------------------------

    def receivable(self, invoice):
        lines = invoice.line_ids.filtered(lambda line: line.display_type == "payment_term")
        self.assertEqual(lines.account_id.account_type, "asset_receivable")
        return lines

    def assertPayment(self, payment, invoice, journal, amount):
        """The payment is posted on `journal` for `amount`: outstanding receipts debited,
        the customer's receivable credited and matched with the invoice's receivable."""
        self.assertEqual(len(payment), 1)
        self.assertIn(payment.state, ("in_process", "paid"))
        self.assertEqual((payment.journal_id, payment.partner_id), (journal, invoice.commercial_partner_id))
        self.assertAlmostEqual(payment.amount, amount)
        move = payment.move_id
        self.assertEqual(move.state, "posted")
        self.assertEqual(len(move.line_ids), 2)
        liquidity = move.line_ids.filtered(lambda line: line.account_id == payment.outstanding_account_id)
        counterpart = move.line_ids - liquidity
        self.assertAlmostEqual(liquidity.debit, amount)
        self.assertEqual(liquidity.credit, 0)
        self.assertEqual(counterpart.account_id, self.receivable(invoice).account_id)
        self.assertAlmostEqual(counterpart.credit, amount)
        self.assertEqual(counterpart.partner_id, invoice.commercial_partner_id)
        self.assertIn(counterpart, self.receivable(invoice).matched_credit_ids.credit_move_id)
        self.assertIn(payment, invoice.matched_payment_ids)
        return counterpart

    def assertPaid(self, invoice):
        self.assertEqual(invoice.payment_state, invoice._get_invoice_in_payment_state())
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertAlmostEqual(invoice.amount_residual, 0)
        receivable = self.receivable(invoice)
        self.assertTrue(receivable.reconciled)
        self.assertAlmostEqual(sum(receivable.matched_credit_ids.mapped("amount")), invoice.amount_total)

    def assertNothingRegistered(self, invoice):
        self.assertFalse(invoice.bigcommerce_payment_id | invoice.bigcommerce_store_credit_payment_id
                         | invoice.bigcommerce_gift_certificate_payment_id)
        self.assertFalse(invoice.matched_payment_ids)
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertAlmostEqual(invoice.amount_residual, invoice.amount_total)
        receivable = self.receivable(invoice)
        self.assertFalse(receivable.matched_credit_ids)
        self.assertAlmostEqual(receivable.amount_residual, invoice.amount_total)
        self.assertFalse(self.env["account.payment"].search(
            [("partner_id", "=", invoice.commercial_partner_id.id)]))

    def last_message(self, invoice):
        return invoice.message_ids[:1].body or ""


class TestCashSalePayments(CashSaleCase):

    def test_full_capture_posts_paid(self):
        order, invoice = self.import_order()
        self.assertAlmostEqual(invoice.bigcommerce_payment_amount, float(order["total_inc_tax"]))
        self.assertEqual(invoice.bigcommerce_payment_status, "captured")
        self.assertFalse(invoice.bigcommerce_payment_note)
        invoice.action_post()
        self.assertPayment(invoice.bigcommerce_payment_id, invoice, self.bank, invoice.amount_total)
        self.assertPaid(invoice)
        self.assertIn("registered on", self.last_message(invoice))

    def test_immediate_payment_term(self):
        _order, invoice = self.import_order()
        self.assertEqual(invoice.invoice_payment_term_id,
                         self.env.ref("account.account_payment_term_immediate"))
        invoice.action_post()
        self.assertEqual(invoice.invoice_date_due, invoice.invoice_date)
        self.assertEqual(self.receivable(invoice).date_maturity, invoice.invoice_date)

    def test_partial_refund_registers_captured_less_refunded(self):
        order, invoice = self.import_order(PARTIALLY_REFUNDED, payment_status="partially refunded",
                                           refunded_amount="10.0000")
        total = float(order["total_inc_tax"])
        self.assertAlmostEqual(invoice.bigcommerce_payment_amount, total - 10)
        self.assertAlmostEqual(invoice.bigcommerce_refunded_amount, 10)
        self.assertIn("Partially refunded", invoice.bigcommerce_payment_note)
        invoice.action_post()
        self.assertPayment(invoice.bigcommerce_payment_id, invoice, self.bank, total - 10)
        self.assertEqual(invoice.payment_state, "partial")
        self.assertAlmostEqual(invoice.amount_residual, 10)
        self.assertFalse(self.receivable(invoice).reconciled)
        self.assertIn("Partially refunded", self.last_message(invoice))

    def test_full_refund_registers_none_and_says_why(self):
        _order, invoice = self.import_order(REFUNDED, payment_status="refunded", refund_all=True)
        self.assertEqual(invoice.bigcommerce_payment_amount, 0)
        self.assertIn("Refunded in BigCommerce", invoice.bigcommerce_payment_reason)
        self.assertIn("Refunded in BigCommerce", invoice.bigcommerce_payment_note)
        invoice.action_post()
        self.assertNothingRegistered(invoice)
        self.assertIn("Refunded in BigCommerce", invoice.bigcommerce_payment_note)
        self.assertIn("Refunded in BigCommerce", self.last_message(invoice))

    def test_void_and_declined_register_none(self):
        for status_id, payment_status in ((CANCELLED, "void"), (DECLINED, "declined"),
                                          (CANCELLED, "void pending")):
            with self.subTest(payment_status):
                _order, invoice = self.import_order(status_id, payment_status=payment_status,
                                                    store_credit_amount="5.0000")
                self.cart.store_credit_journal_id = self.store_credit_journal
                self.assertEqual(
                    (invoice.bigcommerce_payment_amount, invoice.bigcommerce_store_credit_amount), (0, 0))
                self.assertIn("not charged", invoice.bigcommerce_payment_note)
                invoice.action_post()
                self.assertNothingRegistered(invoice)
                self.assertIn(f"payment status '{payment_status}'", self.last_message(invoice))

    def test_lowered_invoice_registers_full_amount_and_leaves_a_credit(self):
        order, invoice = self.import_order()
        captured = float(order["total_inc_tax"])
        pen = invoice.invoice_line_ids.filtered(lambda line: line.product_id.default_code == "PEN")
        invoice.write({"invoice_line_ids": [Command.unlink(pen.id)]})
        self.assertLess(invoice.amount_total, captured)
        credit = captured - invoice.amount_total
        self.assertIn("keeps a credit", invoice.bigcommerce_payment_note)
        invoice.action_post()
        counterpart = self.assertPayment(invoice.bigcommerce_payment_id, invoice, self.bank, captured)
        self.assertPaid(invoice)
        # What the invoice no longer asks for stays open on the payment: the customer's credit.
        self.assertFalse(counterpart.reconciled)
        self.assertAlmostEqual(counterpart.amount_residual, -credit)
        self.assertAlmostEqual(invoice.commercial_partner_id.credit, -credit)
        message = self.last_message(invoice)
        self.assertIn("keeps a credit of", message)
        self.assertIn(f"keeps a credit of $&nbsp;{credit:.2f}", message)

    def test_store_credit_and_gift_certificate_on_their_journals(self):
        self.cart.write({"store_credit_journal_id": self.store_credit_journal.id,
                         "gift_certificate_journal_id": self.gift_journal.id})
        order, invoice = self.import_order(store_credit_amount="5.0000", gift_certificate_amount="10.0000")
        total = float(order["total_inc_tax"])
        self.assertAlmostEqual(invoice.bigcommerce_payment_amount, total - 15)
        self.assertAlmostEqual(invoice.bigcommerce_store_credit_amount, 5)
        self.assertAlmostEqual(invoice.bigcommerce_gift_certificate_amount, 10)
        self.assertFalse(invoice.bigcommerce_payment_note)
        invoice.action_post()
        self.assertPayment(invoice.bigcommerce_payment_id, invoice, self.bank, total - 15)
        self.assertPayment(invoice.bigcommerce_store_credit_payment_id, invoice, self.store_credit_journal, 5)
        self.assertPayment(invoice.bigcommerce_gift_certificate_payment_id, invoice, self.gift_journal, 10)
        self.assertEqual(len(invoice.matched_payment_ids), 3)
        self.assertPaid(invoice)

    def test_store_credit_and_gift_certificate_without_journals_stay_open(self):
        self.assertFalse(self.cart.store_credit_journal_id or self.cart.gift_certificate_journal_id)
        order, invoice = self.import_order(store_credit_amount="5.0000", gift_certificate_amount="10.0000")
        total = float(order["total_inc_tax"])
        note = invoice.bigcommerce_payment_note
        self.assertIn("Store credit of", note)
        self.assertIn("Gift certificates of", note)
        invoice.action_post()
        self.assertPayment(invoice.bigcommerce_payment_id, invoice, self.bank, total - 15)
        self.assertFalse(invoice.bigcommerce_store_credit_payment_id
                         | invoice.bigcommerce_gift_certificate_payment_id)
        self.assertEqual(invoice.payment_state, "partial")
        self.assertAlmostEqual(invoice.amount_residual, 15)
        self.assertAlmostEqual(self.receivable(invoice).amount_residual, 15)
        note = invoice.bigcommerce_payment_note
        self.assertIn("Store credit of %s is not registered" % invoice.currency_id.format(5), note)
        self.assertIn("Gift certificates of %s is not registered" % invoice.currency_id.format(10), note)
        self.assertIn("Store credit of", self.last_message(invoice))

    def test_invoicing_user_without_sales_rights_posts(self):
        self.cart.store_credit_journal_id = self.store_credit_journal
        order, invoice = self.import_order(store_credit_amount="5.0000", gift_certificate_amount="2.0000")
        accountant = self.make_user("bc_invoicing", "account.group_account_invoice")
        self.assertFalse(accountant.has_group("sales_team.group_sale_salesman"))
        with self.assertRaises(AccessError):
            self.cart.with_user(accountant).read(["name"])
        invoice = invoice.with_user(accountant)
        # The ORM cache is shared by every user of the transaction: empty it, so the
        # accountant's reads go to the database and meet their access rights.
        self.env.invalidate_all()
        self.assertIn("Gift certificates of", invoice.bigcommerce_payment_note)
        self.env.invalidate_all()
        invoice.action_post()
        self.env.invalidate_all()
        total = float(order["total_inc_tax"])
        self.assertPayment(invoice.bigcommerce_payment_id, invoice, self.bank, total - 7)
        self.assertPayment(invoice.bigcommerce_store_credit_payment_id, invoice, self.store_credit_journal, 5)
        self.assertEqual(invoice.bigcommerce_payment_id.create_uid, accountant)
        self.assertEqual(invoice.payment_state, "partial")
        self.assertAlmostEqual(invoice.amount_residual, 2)
        self.assertIn("is not registered", invoice.bigcommerce_payment_note)
        # The invoice form opens for them, cart and notes included.
        invoice.get_views([(False, "form")])
        [values] = invoice.web_read({
            "bigcommerce_cart_id": {"fields": {"display_name": {}}}, "bigcommerce_payment_note": {},
            "bigcommerce_payment_id": {"fields": {"display_name": {}}},
            "bigcommerce_store_credit_amount": {}, "bigcommerce_gift_certificate_amount": {}})
        self.assertEqual(values["bigcommerce_cart_id"]["display_name"], self.cart.name)
        self.assertEqual(values["bigcommerce_gift_certificate_amount"], 2)

    def test_reset_to_draft_and_post_again_keeps_one_payment(self):
        _order, invoice = self.import_order()
        invoice.action_post()
        payment = invoice.bigcommerce_payment_id
        invoice.button_draft()
        # Odoo un-reconciles, keeps the payment: the invoice is open again.
        self.assertEqual(payment.state, "in_process")
        self.assertFalse(self.receivable(invoice).matched_credit_ids)
        invoice.action_post()
        self.assertEqual(invoice.bigcommerce_payment_id, payment)
        self.assertEqual(self.env["account.payment"].search_count(
            [("partner_id", "=", invoice.commercial_partner_id.id)]), 1)
        self.assertPayment(payment, invoice, self.bank, invoice.amount_total)
        self.assertPaid(invoice)
        self.assertIn("reconciled again", self.last_message(invoice))

    def test_cancelled_payment_is_registered_anew(self):
        _order, invoice = self.import_order()
        invoice.action_post()
        old = invoice.bigcommerce_payment_id
        invoice.button_draft()
        old.action_cancel()
        self.assertEqual(old.state, "canceled")
        invoice.action_post()
        new = invoice.bigcommerce_payment_id
        self.assertNotEqual(new, old)
        self.assertPayment(new, invoice, self.bank, invoice.amount_total)
        self.assertPaid(invoice)
        live = self.env["account.payment"].search([("partner_id", "=", invoice.commercial_partner_id.id),
                                                   ("state", "!=", "canceled")])
        self.assertEqual(live, new)

    def test_payment_reset_to_draft_by_the_user_is_posted_again(self):
        _order, invoice = self.import_order()
        invoice.action_post()
        payment = invoice.bigcommerce_payment_id
        invoice.button_draft()
        payment.action_draft()
        self.assertEqual(payment.move_id.state, "draft")
        invoice.action_post()
        self.assertEqual(invoice.bigcommerce_payment_id, payment)
        self.assertPayment(payment, invoice, self.bank, invoice.amount_total)
        self.assertPaid(invoice)

    def test_cash_sale_in_a_foreign_currency(self):
        eur = self.set_up_currency("EUR", rate=0.9)
        self.cart.store_credit_journal_id = self.store_credit_journal
        order, invoice = self.import_order(currency="EUR", store_credit_amount="4.0000")
        self.assertEqual(invoice.currency_id, eur)
        invoice.action_post()
        total = float(order["total_inc_tax"])
        for payment, amount in ((invoice.bigcommerce_payment_id, total - 4),
                                (invoice.bigcommerce_store_credit_payment_id, 4)):
            # In the company's currency the lines are converted; in EUR they are the store's amounts.
            self.assertEqual((payment.currency_id, payment.move_id.state), (eur, "posted"))
            liquidity = payment.move_id.line_ids.filtered(
                lambda ln, account=payment.outstanding_account_id: ln.account_id == account)
            receivable = payment.move_id.line_ids - liquidity
            self.assertAlmostEqual(liquidity.amount_currency, amount)
            self.assertAlmostEqual(receivable.amount_currency, -amount)
            self.assertEqual(receivable.account_id, self.receivable(invoice).account_id)
            self.assertIn(receivable, self.receivable(invoice).matched_credit_ids.credit_move_id)
        self.assertEqual(invoice.payment_state, invoice._get_invoice_in_payment_state())
        self.assertAlmostEqual(invoice.amount_residual, 0)
        self.assertTrue(self.receivable(invoice).reconciled)
