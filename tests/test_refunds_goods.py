"""Refunded items are not shipped, refunds are taken once (issue 12, second audit).

Against the fake store over HTTP (tests/fake_bigcommerce); documents are posted or
confirmed where the flow does, their journal items and stock moves read."""
from decimal import Decimal

from test_order_changes import ChangesCase

from common import factory

D = Decimal


def shipped(pickings, code="outgoing"):
    """{product code: quantity} of the open moves of `pickings` of that type."""
    out = {}
    for move in pickings.filtered(lambda p: p.picking_type_id.code == code).move_ids:
        if move.state not in ("cancel",):
            out[move.product_id.default_code] = out.get(move.product_id.default_code, 0) + move.product_uom_qty
    return out


class GoodsCase(ChangesCase):

    def left(self, order, refunds):
        return (D(order["total_inc_tax"]) - sum(D(str(r["total_amount"])) for r in refunds),
                D(order["total_tax"]) - sum(D(str(r["total_tax"])) for r in refunds))

    def binding(self, order):
        return self.cart.order_binding_ids.filtered(lambda b: b.bigcommerce_order_id == order["id"])

    def tax_credit(self, move):
        return sum(move.line_ids.filtered("tax_line_id").mapped("credit"))


class TestDraftsLoseTheRefundedItems(GoodsCase):

    def test_refunded_quotation_confirmed_ships_only_what_was_kept(self):
        self.cart.import_orders_as = "sale_order"
        order, quotation = self.imported()
        refund = self.refund(order, [factory.refund_product(self.line_ids(order)[0], 1),
                                     factory.refund_shipping(self.address_id(order), D("2.00"))])
        self.sync()
        self.assertMoney(quotation, *self.left(order, [refund]))
        mug = quotation.order_line.filtered(lambda l: l.product_id.default_code == "MUG")
        self.assertEqual(mug.mapped("product_uom_qty"), [1.0], "the mug line lowered, no negative line")
        self.assertTrue(all(line.product_uom_qty > 0 for line in quotation.order_line
                            if line.product_id.is_storable))
        quotation.action_confirm()
        self.assertEqual(shipped(quotation.picking_ids), {"MUG": 1.0, "BOOK": 1.0})
        self.assertFalse(quotation.picking_ids.filtered(lambda p: p.picking_type_id.code == "incoming"),
                         "no receipt from Customers")

    def test_line_refunded_in_full_goes_and_a_draft_invoice_posts_to_the_cent(self):
        self.cart.import_orders_as = "sales_invoice"
        order, invoice = self.imported(lines=[factory.line(self.mug, 3, price=D("9.99")),
                                              factory.line(self.book, 1)])
        mug_line, book_line = self.line_ids(order)
        first = self.refund(order, [factory.refund_product(book_line, 1)])
        second = self.refund(order, [factory.refund_product(mug_line, 2)])
        self.sync()
        self.assertFalse(invoice.invoice_line_ids.filtered(lambda l: l.product_id.default_code == "BOOK"))
        mugs = invoice.invoice_line_ids.filtered(lambda l: l.product_id.default_code == "MUG")
        self.assertEqual(sum(mugs.mapped("quantity")), 1.0)
        self.assertTrue(all(line.quantity > 0 for line in mugs))
        total, tax = self.left(order, [first, second])
        self.assertMoney(invoice, total, tax)
        self.assertFalse(invoice.bigcommerce_total_mismatch, invoice.bigcommerce_check)
        invoice.action_post()
        self.assertAlmostEqual(self.tax_credit(invoice), float(tax), places=2)
        self.assertEqual(shipped(invoice.bigcommerce_picking_ids), {"MUG": 1.0})


class TestConfirmedOrderDelivery(GoodsCase):

    def test_refund_taken_off_the_draft_invoice_comes_off_the_open_delivery(self):
        self.cart.import_orders_as = "sale_order"
        order, sale = self.imported()
        sale.action_confirm()
        invoice = sale._create_invoices()
        self.assertEqual(shipped(sale.picking_ids), {"MUG": 2.0, "BOOK": 1.0})
        refund = self.refund(order, [factory.refund_product(self.line_ids(order)[0], 1)])
        log = self.sync()
        self.assertEqual(log.orders_failed, 0, log.error_text)
        self.assertEqual(shipped(sale.picking_ids), {"MUG": 1.0, "BOOK": 1.0})
        invoice.action_post()
        self.assertMoney(invoice, *self.left(order, [refund]))
        self.assertAlmostEqual(self.tax_credit(invoice), float(self.left(order, [refund])[1]), places=2)
        self.sync()     # again: nothing more comes off
        self.assertEqual(shipped(sale.picking_ids), {"MUG": 1.0, "BOOK": 1.0})
        self.assertFalse(self.credit_notes(order))


class TestPostedInvoiceDelivery(GoodsCase):

    def test_partial_refund_credited_lowers_the_open_delivery_then_a_full_one_cancels_it(self):
        order, invoice = self.imported()
        invoice.action_post()
        self.assertEqual(shipped(invoice.bigcommerce_picking_ids), {"MUG": 2.0, "BOOK": 1.0})
        mug_line, book_line = self.line_ids(order)
        first = self.refund(order, [factory.refund_product(mug_line, 1)])
        self.sync()
        credit = self.credit_notes(order)
        self.assertMoney(credit, first["total_amount"], first["total_tax"])
        self.assertAlmostEqual(sum(credit.line_ids.filtered("tax_line_id").mapped("debit")),
                               float(first["total_tax"]), places=2)
        self.assertEqual(shipped(invoice.bigcommerce_picking_ids), {"MUG": 1.0, "BOOK": 1.0})
        self.refund(order, [factory.refund_product(mug_line, 1), factory.refund_product(book_line, 1)])
        self.sync()
        self.assertEqual(len(self.credit_notes(order)), 2)
        self.assertEqual(set(invoice.bigcommerce_picking_ids.mapped("state")), {"cancel"})
        # Posted again after a reset, it ships nothing refunded.
        self.sync()
        self.assertEqual(shipped(invoice.bigcommerce_picking_ids), {})

    def test_goods_already_delivered_are_flagged_for_a_return(self):
        order, invoice = self.imported()
        invoice.action_post()
        picking = invoice.bigcommerce_picking_ids
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.refund(order, [factory.refund_product(self.line_ids(order)[0], 1)])
        self.sync()
        self.assertEqual(len(self.credit_notes(order)), 1)
        self.assertIn("a return is needed", invoice.bigcommerce_attention)
        self.assertEqual(picking.state, "done")
        self.assertEqual(len(invoice.activity_ids), 1)


class TestResetToDraftAfterACreditNote(GoodsCase):

    def test_refund_is_not_taken_twice_and_the_edit_is_flagged(self):
        order, invoice = self.imported()
        invoice.action_post()
        total, tax = invoice.amount_total, invoice.amount_tax
        refund = self.refund(order, [factory.refund_product(self.line_ids(order)[0], 1)])
        self.sync()
        credit = self.credit_notes(order)
        self.assertEqual(len(credit), 1)
        invoice.button_draft()
        self.store.advance(60)
        self.store.edit_order(order["id"], quantities={self.line_ids(order)[1]: 2})
        log = self.sync()
        self.assertEqual(log.orders_failed, 0, log.error_text)
        self.assertEqual(invoice.state, "draft")
        self.assertAlmostEqual(invoice.amount_total, total, places=2)
        self.assertFalse(invoice.invoice_line_ids.filtered(lambda l: l.quantity < 0))
        self.assertIn("Edited in BigCommerce", invoice.bigcommerce_attention)
        invoice.action_post()
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(self.credit_notes(order), credit)
        self.assertMoney(credit, refund["total_amount"], refund["total_tax"])
        self.assertAlmostEqual(self.tax_credit(invoice), tax, places=2)
        self.assertEqual(invoice.matched_payment_ids, invoice.bigcommerce_payment_id)


class TestRefundWaitingForTheInvoice(GoodsCase):

    def confirmed_and_refunded(self):
        self.cart.import_orders_as = "sale_order"
        order, sale = self.imported()
        sale.action_confirm()
        refund = self.refund(order, [factory.refund_product(self.line_ids(order)[0], 1)])
        self.sync()
        self.assertIn("no posted invoice to credit yet", sale.bigcommerce_attention)
        self.assertEqual(self.binding(order).pending_refund_ids, str(refund["id"]))
        invoice = sale._create_invoices()
        invoice.action_post()
        return order, sale, invoice, refund

    def test_credited_by_the_next_pass_once_the_invoice_is_posted(self):
        order, sale, invoice, refund = self.confirmed_and_refunded()
        log = self.sync()      # nothing changed in BigCommerce
        self.assertEqual(log.orders_failed, 0, log.error_text)
        credit = self.credit_notes(order)
        self.assertEqual(len(credit), 1)
        self.assertEqual((credit.state, credit.reversed_entry_id), ("posted", invoice))
        self.assertMoney(credit, refund["total_amount"], refund["total_tax"])
        self.assertAlmostEqual(sum(credit.line_ids.filtered("tax_line_id").mapped("debit")),
                               float(refund["total_tax"]), places=2)
        self.assertFalse(self.binding(order).pending_refund_ids)
        self.assertEqual(shipped(sale.picking_ids), {"MUG": 1.0, "BOOK": 1.0}, "the refunded mug stays")
        self.sync()
        self.assertEqual(len(self.credit_notes(order)), 1)
        self.assertEqual(shipped(sale.picking_ids), {"MUG": 1.0, "BOOK": 1.0})

    def test_a_credit_note_made_by_hand_is_linked_not_doubled(self):
        order, sale, invoice, refund = self.confirmed_and_refunded()
        wizard = self.env["account.move.reversal"].with_context(
            active_model="account.move", active_ids=invoice.ids).create({"journal_id": invoice.journal_id.id})
        wizard.refund_moves()
        hand = self.env["account.move"].search([("reversed_entry_id", "=", invoice.id)])
        line = hand.invoice_line_ids.filtered(lambda l: l.product_id.default_code == "MUG")
        hand.write({"invoice_line_ids": [(1, line.id, {"quantity": 1})] + [
            (2, other.id) for other in hand.invoice_line_ids - line]})
        self.assertMoney(hand, refund["total_amount"], refund["total_tax"])
        hand.action_post()
        self.sync()
        moves = self.env["account.move"].search([("reversed_entry_id", "=", invoice.id)])
        self.assertEqual(moves, hand)
        self.assertEqual(hand.bigcommerce_refund_id, refund["id"])
        self.assertFalse(self.binding(order).pending_refund_ids)


class TestStoreCreditRefund(GoodsCase):

    def setUp(self):
        super().setUp()
        self.store_credit = self.env["account.journal"].create(
            {"name": "BC Store Credit", "type": "bank", "code": "BCSR"})

    def store_credit_refund(self, order, items, store_credit=None):
        """A refund of `items` given back as store credit (`store_credit` of it, the rest to
        the order's gateway)."""
        total = D(str(self.store.refund_quote(order["id"], items)["total_refund_amount"]))
        part = total if store_credit is None else store_credit
        payments = [{"provider_id": "storecredit", "amount": str(part), "offline": True}]
        if total - part:
            payments.append({"provider_id": "custom", "amount": str(total - part), "offline": True})
        self.store.advance(60)
        return self.store.create_refund(order["id"], items, payments=payments)

    def customer_order(self):
        order, invoice = self.imported(customer_id=77, billing=factory.address("Bo", "Ek", "bo@example.com"))
        invoice.action_post()
        return order, invoice

    def test_store_credit_refund_is_paid_on_the_store_credit_journal(self):
        self.cart.store_credit_journal_id = self.store_credit
        order, invoice = self.customer_order()
        refund = self.store_credit_refund(order, [factory.refund_product(self.line_ids(order)[0], 1)])
        log = self.sync()
        self.assertEqual(log.orders_failed, 0, log.error_text)
        credit = self.credit_notes(order)
        self.assertMoney(credit, refund["total_amount"], refund["total_tax"])
        payment = credit.bigcommerce_store_credit_payment_id
        self.assertEqual((payment.journal_id, payment.payment_type), (self.store_credit, "outbound"))
        self.assertAlmostEqual(payment.amount, float(refund["total_amount"]), places=2)
        self.assertFalse(credit.bigcommerce_payment_id)
        self.assertIn(credit.payment_state, ("in_payment", "paid"))
        self.sync()
        self.assertEqual(len(self.env["account.payment"].search([("memo", "=", credit.ref)])), 1)

    def test_split_refund_and_no_store_credit_journal(self):
        self.cart.store_credit_journal_id = self.store_credit
        order, invoice = self.customer_order()
        mug_line, book_line = self.line_ids(order)
        split = self.store_credit_refund(order, [factory.refund_product(mug_line, 1)], store_credit=D("5.00"))
        self.sync()
        credit = self.credit_notes(order)
        self.assertEqual(credit.bigcommerce_store_credit_payment_id.journal_id, self.store_credit)
        self.assertAlmostEqual(credit.bigcommerce_store_credit_payment_id.amount, 5.0, places=2)
        self.assertEqual(credit.bigcommerce_payment_id.journal_id, self.cart.payment_journal_id)
        self.assertAlmostEqual(credit.bigcommerce_payment_id.amount, float(split["total_amount"]) - 5.0, places=2)
        self.assertIn(credit.payment_state, ("in_payment", "paid"))
        # No Store Credit Journal: on the payment journal, as before.
        self.cart.store_credit_journal_id = False
        self.store_credit_refund(order, [factory.refund_product(book_line, 1)])
        self.sync()
        second = self.credit_notes(order)[1]
        self.assertEqual(second.bigcommerce_payment_id.journal_id, self.cart.payment_journal_id)
        self.assertFalse(second.bigcommerce_store_credit_payment_id)
        self.assertIn(second.payment_state, ("in_payment", "paid"))
