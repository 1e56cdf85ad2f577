"""An order's lines -> the lines of its Odoo document: products, names, taxes.

The amounts and rates come from order_maths.plan_order; here they meet Odoo:
catalog lines find their product by the cart's item links (product, variant),
then by SKU, importing unknown items on the way (one catalog request per 250
items); the charges and discounts use the cart's service products; each rate
becomes the cart's mapped tax (taxes.TaxResolver).

Where the plan would use a rate the cart does not know yet (a new tax would be
made), the taxes BigCommerce applied to that order are read (one request) and
the order planned again with them: the rate BigCommerce applied to a line is
used when it reproduces the line's tax. Once a store's rates are known, orders
need no such read. A read that fails leaves the inferred rates, noted; a rate
limit stops the run as any read does.

A line whose item cannot be a product (deleted from the store, refused by the
item import: e.g. a SKU used twice in the store) lands on the cart's *Custom
Item* product with the line's name and SKU, and the order still imports, noted.
"""
from dataclasses import dataclass
from decimal import Decimal

from odoo.exceptions import UserError

from ..exceptions import BigCommerceUserError, error_message
from ..services.errors import BigCommerceError
from . import order_maths, refund_maths
from .results import NOT_IN_STORE


@dataclass
class DocumentLine:
    """One line of the document to make, before it is an ORM value."""
    product: object            # product.product
    name: str
    quantity: Decimal
    price_unit: Decimal
    tax: object                # account.tax (possibly empty)
    # What an item line stands for in BigCommerce (deliveries and shipments): the order
    # line id, its shipping address id, its type; the delivery contact of that address
    # when the order ships to several (set by the importer, see ship_to.py).
    line_id: int = 0
    address_id: int = 0
    line_type: str = ''
    shipping_partner: object = None


class LineBuilder:
    """Builds the DocumentLines of one cart's orders; caches products per page."""

    def __init__(self, cart, taxes):
        self.cart = cart
        self.env = cart.env
        self.company = cart.company_id
        self.taxes = taxes                  # taxes.TaxResolver
        self.products = {}                  # (product_id, variant_id, sku) -> product.product
        self.problems = {}                  # BigCommerce product id -> why it is not a product
        self._gone_products = set()         # catalog product ids the store no longer has
        self._unreadable = {}               # product id -> why the catalog could not be read
        precision = self.env["decimal.precision"].precision_get("Product Price")
        self.price_step = Decimal(1).scaleb(-precision)
        self._api = None                    # the cart's client, once a taxes read needs it
        self._store_rates = {}              # order id -> (rate hints or None, note or None)
        # Rates BigCommerce said it applied, met in this run's taxes reads: known from then
        # on, so the next orders at them read nothing (even before their tax is made, as
        # when parallel jobs meet a new rate at once).
        self._learned_rates = {True: [], False: []}

    def prepare_page(self, orders):
        """Find (or import) the products of every catalog line of a page of orders."""
        self._unreadable = {}
        self.products, self.problems = self.resolve_products(orders)

    # ------------------------------------------------------------------
    # Products
    # ------------------------------------------------------------------

    def resolve_products(self, orders):
        """Odoo products for every catalog line of `orders`, importing unknown
        items on the way (one catalog request per 250 items, not one per line).

        Returns ({(product_id, variant_id, sku): product.product}, {product_id: why not})."""
        keys = {(line.product_id, line.variant_id, line.sku.strip())
                for order in orders for line in order.lines if not line.is_custom}
        if not keys:
            return {}, {}
        found = self._match_products(keys)
        unknown = sorted({pid for key in keys if key not in found for pid in [key[0]]})
        problems = {}
        if unknown:
            try:
                report = self.cart._import_items(unknown)
            except BigCommerceUserError as error:
                if error.bigcommerce_error.kind == "rate_limited":
                    raise   # a wait, not a fault of these orders: the caller stops and resumes
                # The catalog could not be read: the orders needing these items fail
                # (and are tried again later); the others still import.
                self._unreadable = dict.fromkeys(unknown, str(error.args[0]))
                return found, {}
            for outcome in report.outcomes:
                if NOT_IN_STORE in outcome.flags:
                    self._gone_products.add(outcome.bigcommerce_id)
                elif not outcome.ok:
                    problems[outcome.bigcommerce_id] = outcome.reason
            found.update(self._match_products({k for k in keys if k not in found}))
        return found, problems

    def _match_products(self, keys):
        """Match by the cart's links (product, variant), then by SKU."""
        found = {}
        bindings = self.env["bigcommerce.product.binding"].search([
            ("cart_id", "=", self.cart.id),
            ("bigcommerce_product_id", "in", list({k[0] for k in keys}))])
        by_variant = {(b.bigcommerce_product_id, b.bigcommerce_variant_id): b.product_id for b in bindings}
        by_product = {}
        for b in bindings:
            by_product.setdefault(b.bigcommerce_product_id, self.env["product.product"])
            by_product[b.bigcommerce_product_id] |= b.product_id
        skus = {k[2] for k in keys if k[2]}
        by_sku = {}
        if skus:
            for product in self.env["product.product"].search([
                    ("default_code", "in", list(skus)), ("company_id", "in", [False, self.company.id])]):
                by_sku.setdefault(product.default_code, []).append(product)
        for key in keys:
            product_id, variant_id, sku = key
            match = by_variant.get((product_id, variant_id))
            if not match and sku and len(by_sku.get(sku, [])) == 1:
                match = by_sku[sku][0]
            if not match and len(by_product.get(product_id, [])) == 1:
                match = by_product[product_id]
            if match:
                found[key] = match
        return found

    def _product(self, line, notes):
        """The product of an order line; the cart's Custom Item (noted) when it has none."""
        generic = self.cart.custom_product_id
        if line.is_custom:
            return generic
        product = self.products.get((line.product_id, line.variant_id, line.sku.strip()))
        if product:
            return product
        if line.product_id in self._unreadable:
            # A passing fault: the order fails now and is tried again later.
            raise UserError(self.env._("Order line %(line)s: item %(item)s could not be read from the store: %(why)s",
                                       line=line.name, item=line.sku or line.product_id,
                                       why=self._unreadable[line.product_id]))
        if line.product_id in self._gone_products:
            why = self.env._("no longer in the store's catalog")
        else:
            why = self.problems.get(line.product_id) or self.env._("no Odoo product has SKU %s", line.sku or "-")
        notes.append(self.env._("Line %(line)s (item %(item)s) is on %(generic)s: %(why)s",
                                line=line.name, item=line.sku or line.product_id,
                                generic=generic.display_name, why=why))
        return generic

    # ------------------------------------------------------------------
    # Lines
    # ------------------------------------------------------------------

    def document_lines(self, order, currency):
        """(DocumentLines of the order's document, notes on lines that need a look)."""
        _plan, lines, notes = self.planned_lines(order, currency)
        return lines, notes

    def planned_lines(self, order, currency):
        """(order_maths.OrderPlan, its DocumentLines, notes on lines that need a look)."""
        step = order_maths.currency_step(currency.rounding)
        if self.price_step > step:
            # Odoo would round each unit price to Product Price's digits: fils or mills lost.
            raise UserError(self.env._(
                "Order amounts in %(currency)s have %(places)s decimals but Odoo keeps unit prices to "
                "%(digits)s (Settings › Technical › Decimal Accuracy › Product Price): raise it to at least "
                "%(places)s, then import the order again.", currency=currency.name,
                places=-step.as_tuple().exponent, digits=-self.price_step.as_tuple().exponent))
        learned = self._learned_rates[bool(order.is_tax_inclusive)]
        known = self.taxes.known_rates(order.is_tax_inclusive)
        known = learned + [rate for rate in known if rate not in learned]
        notes = []
        plan = self._plan(order, known, step)
        if any(line.rate and line.rate not in known for line in plan.lines):
            # A new tax would be made: take the rates BigCommerce applied, where they fit.
            hints = self.bigcommerce_rates(order, notes)
            if hints and hints.get(None):
                plan = self._plan(order, known, step, hints)
                # Only what the store applied and the plan used (not a guessed compound rate).
                learned += [rate for rate in plan.rates if rate in hints[None] and rate not in learned]
        return plan, self.to_document_lines(order, plan.lines, currency, notes), notes

    def _plan(self, order, known, step, hints=None):
        return order_maths.plan_order(order, known, price_step=self.price_step, step=step,
                                      rounding=self.company.tax_calculation_rounding_method, hints=hints)

    def bigcommerce_rates(self, order, notes):
        """The rate hints (order_maths.rate_hints) of the taxes BigCommerce applied to
        `order`, read once per order; None, with a note, when the store could not say."""
        if order.id not in self._store_rates:
            try:
                if self._api is None:
                    self._api = self.cart._get_client()
                taxes = self._api.get_order_taxes(order.id)
                self._store_rates[order.id] = (order_maths.rate_hints(taxes), None)
            except BigCommerceError as error:
                if error.kind == "rate_limited":
                    raise BigCommerceUserError.from_error(self.env, error) from None
                self._store_rates[order.id] = (None, self.env._(
                    "The tax rates BigCommerce applied could not be read (%s): the rates were inferred "
                    "from the amounts.", error_message(self.env, error)))
        hints, note = self._store_rates[order.id]
        if note:
            notes.append(note)
        return hints

    def refund_lines(self, order, plan, refund, currency):
        """The DocumentLines of a BigCommerce refund's credit note (positive amounts)."""
        step = order_maths.currency_step(currency.rounding)
        planned = refund_maths.plan_refund(refund, order, plan, price_step=self.price_step, step=step,
                                           rounding=self.company.tax_calculation_rounding_method)
        return self.to_document_lines(order, planned, currency, [])

    def to_document_lines(self, order, planned_lines, currency, notes):
        inclusive = order.is_tax_inclusive
        lines, products = [], {}
        for planned in planned_lines:
            tax = self.taxes.tax(planned.rate, inclusive) if planned.rate else self.env["account.tax"]
            product, name = self._product_and_name(order, planned, products, notes, currency)
            line = DocumentLine(product, name, planned.quantity, planned.price_unit, tax)
            source = planned.source
            if planned.kind == order_maths.ITEM and source is not None:
                line.line_id, line.address_id = source.id, source.address_id or 0
                line.line_type = source.type or 'physical'
            lines.append(line)
        return lines

    def _product_and_name(self, order, planned, products, notes, currency):
        cart = self.cart
        kind, source = planned.kind, planned.source
        if kind == order_maths.ITEM:
            if id(source) not in products:
                products[id(source)] = self._product(source, notes)
            product = products[id(source)]
            return product, self._item_name(source, product, planned.discounts, currency)
        if kind == refund_maths.REFUND_ADJUSTMENT:
            return cart.discount_product_id, self.env._("Refund adjustment")
        if kind == order_maths.TAX_ROUNDING:
            return cart.rounding_product_id, self.env._("Tax rounding (BigCommerce)")
        if kind == order_maths.DISCOUNT:
            return cart.discount_product_id, self._discount_label(planned.discounts, source)
        if kind == order_maths.SHIPPING:
            label = self._shipping_label(order, source) + self._address_label(source)
            if planned.discounts:
                label = self.env._("%(name)s, after %(discounts)s", name=label, discounts=self._discount_text(
                    planned.discounts, None, currency))
            return cart.shipping_product_id, label
        if kind == order_maths.HANDLING:
            return cart.handling_product_id, self.env._("Handling") + self._address_label(source)
        if kind == order_maths.WRAPPING:
            return cart.wrapping_product_id, self.env._("Gift Wrapping")
        if kind == order_maths.FEE:
            return cart.handling_product_id, source.name or self.env._("Fee")
        return cart.discount_product_id, self.env._("Discount")

    def _item_name(self, line, product, discounts, currency):
        name = line.name or product.display_name
        if product == self.cart.custom_product_id and line.sku and line.sku not in name:
            name = f"[{line.sku}] {name}"
        options = ", ".join(f"{o.name}: {o.value}" for o in line.product_options if o.name)
        if options and options not in name:
            name = f"{name} ({options})"
        if discounts:
            # The discount is in the price (BigCommerce taxes the discounted amount): say so.
            name = self.env._("%(name)s, after %(discounts)s", name=name,
                              discounts=self._discount_text(discounts, line, currency))
        return name

    @staticmethod
    def _address_label(consignment):
        """' (<name>, <city>)' of the shipping address a charge line is for ('' for the order's)."""
        if consignment is None:
            return ""
        address = consignment.address
        where = ", ".join(part for part in (address.name or address.company, address.city) if part)
        return f" ({where})" if where else f" (#{consignment.id})"

    def _discount_text(self, discounts, line, currency):
        return ", ".join(f"{self._discount_label((d,), line)} -{currency.format(float(d.amount))}"
                         for d in discounts)

    def _discount_label(self, discounts, line):
        labels = []
        for discount in discounts:
            label = (self.env._("Coupon %s", discount.code) if discount.code
                     else discount.name or self.env._("Discount"))
            if label not in labels:
                labels.append(label)
        return ", ".join(labels) or self.env._("Discount")

    def _shipping_label(self, order, consignment=None):
        """'Shipping: <methods>' of the order, or of one shipping address (`consignment`)."""
        consignments = [consignment] if consignment is not None else order.shipping_consignments
        methods = sorted({c.shipping_method for c in consignments if c.shipping_method})
        return self.env._("Shipping: %s", ", ".join(methods)) if methods else self.env._("Shipping")
