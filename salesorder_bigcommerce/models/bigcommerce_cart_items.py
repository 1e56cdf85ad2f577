"""The cart's items: fetch them from the store, import them as products, list them."""

from odoo import _, models

from ..exceptions import BigCommerceUserError
from ..importers.item_importer import ItemImporter
from ..importers.results import NOT_IN_STORE, SKIPPED, Outcome
from ..services.errors import BigCommerceError


class BigCommerceCart(models.Model):
    _inherit = "bigcommerce.cart"

    # ------------------------------------------------------------------
    # Items
    # ------------------------------------------------------------------

    def _get_product_category(self):
        """The category for imported products, its accounts filled from the
        company's defaults where still empty."""
        self.ensure_one()
        category = self.product_categ_id.with_company(self.company_id)
        fallback = self.env.ref("product.product_category_all").with_company(self.company_id)
        missing = {}
        for name in ("property_account_income_categ_id", "property_account_expense_categ_id",
                     "property_stock_valuation_account_id", "property_stock_account_input_categ_id",
                     "property_stock_account_output_categ_id", "property_stock_journal"):
            if name in category._fields and not category[name] and fallback[name]:
                missing[name] = fallback[name].id
        if missing:
            category.sudo().write(missing)
        return category

    def _fetch_products(self, product_ids=None, keyword=None):
        """Parsed products from the store, and the (error, raw) pairs of those that did not parse.

        `product_ids`: those products. Else `keyword`: the item search (name, description,
        brand, main or variant SKU, option value; see BigCommerceClient.search_products).
        Else every product."""
        self.ensure_one()
        errors = []

        def on_payload_error(error, raw):
            errors.append((error, raw))
        try:
            client = self._get_client()
            if product_ids is None and keyword and keyword.strip():
                products = client.search_products(keyword, on_payload_error=on_payload_error)
            else:
                products = list(client.iter_products(ids=product_ids, on_payload_error=on_payload_error))
        except BigCommerceError as error:
            raise BigCommerceUserError.from_error(self.env, error) from None
        return products, errors

    def _import_items(self, product_ids):
        """Import the given BigCommerce product ids; returns the ImportReport."""
        self.ensure_one()
        self = self.with_company(self.company_id)  # noqa: PLW0642 - documents belong to the cart's company
        product_ids = [int(pid) for pid in product_ids]
        products, errors = self._fetch_products(product_ids=product_ids)
        report = ItemImporter(self).import_products(products, parse_errors=errors)
        seen = {o.bigcommerce_id for o in report.outcomes}
        for missing in (pid for pid in dict.fromkeys(product_ids) if pid not in seen):
            report.add(Outcome(missing, str(missing), SKIPPED,
                               _("Product %(id)s was not found in the store.", id=missing),
                               flags=[NOT_IN_STORE]))
        return report

    def import_items(self, product_ids):
        """Import BigCommerce products (by id) as Odoo products, one
        product.product per variant SKU, created or updated.
        Returns the product.product records."""
        self.check_access("write")   # BigCommerce managers only, also over RPC
        report = self._import_items(product_ids)
        products = self.env["product.product"]
        for outcome in report.outcomes:
            if outcome.records:
                products |= outcome.records
        return products

    def action_list_items(self):
        """Open the item import screen listing the store's items matching the search."""
        self.ensure_one()
        wizard = self.env["bigcommerce.item.import"].create({
            "cart_id": self.id, "search": self.item_search})
        wizard.action_list()
        return wizard._reopen()

    def action_view_products(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("BigCommerce Products"),
            "res_model": "product.product",
            "view_mode": "list,form",
            "domain": [("id", "in", self.product_binding_ids.product_id.ids)],
        }
