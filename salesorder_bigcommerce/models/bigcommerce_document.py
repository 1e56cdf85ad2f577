from odoo import fields, models


class BigCommerceDocumentMixin(models.AbstractModel):
    """Fields shared by the documents an order import makes (sale.order, account.move)."""

    _name = "bigcommerce.document.mixin"
    _description = "Document imported from BigCommerce"

    bigcommerce_cart_id = fields.Many2one(
        "bigcommerce.cart", string="BigCommerce Cart", readonly=True, copy=False, index="btree_not_null")
    bigcommerce_order_id = fields.Integer(string="BigCommerce Order", readonly=True, copy=False)
    bigcommerce_total_mismatch = fields.Boolean(
        string="Totals Differ from BigCommerce", readonly=True, copy=False,
        help="Set when the document's totals could not be made equal to the store's.")
    bigcommerce_check = fields.Text(
        string="BigCommerce Totals Check", readonly=True, copy=False,
        help="How the document's totals compare with the store's, and any adjustment made.")

    # Set when BigCommerce changed the order after the document could no longer follow
    # (posted, delivered): what changed and what to do. Never cleared silently.
    bigcommerce_attention = fields.Text(
        string="Changed in BigCommerce", readonly=True, copy=False,
        help="What BigCommerce changed on the order after this document was posted or "
             "delivered, and what to do about it (the document itself was left as it is).")
    # What was signalled already (one activity per change, however many passes see it).
    bigcommerce_attention_key = fields.Char(readonly=True, copy=False)

    _bigcommerce_constraints = [
        ("bigcommerce_order_unique", "unique(bigcommerce_cart_id, bigcommerce_order_id)",
         "This BigCommerce order already has a document for this cart."),
    ]
