"""BigCommerce orders -> pending Odoo documents.

By the cart's *Import Cart Orders as*: a draft quotation (sale.order), a
draft customer invoice, or a draft customer invoice marked as a cash sale
that carries the payment BigCommerce captured.

Money stays Decimal until it is written. Each document is checked against
the store's totals (untaxed, tax, total) and a rounding difference of a few
cents is resolved with visible adjustment lines; a larger one is imported
unchanged and flagged.
"""
import logging
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import psycopg2

from odoo import fields
from odoo.exceptions import UserError, ValidationError

from ..exceptions import BigCommerceUserError
from ..services.errors import BigCommerceError
from .results import ALREADY, CREATED, FAILED, NOT_IN_STORE, ImportReport, Outcome

_logger = logging.getLogger(__name__)

ZERO = Decimal("0")
HUNDRED = Decimal("100")


BATCH_SIZE = 100   # documents per create() call
ADDRESS_FIELDS = ("street", "street2", "city", "zip", "country_id", "state_id")


@dataclass
class DocumentLine:
    """One line of the document to make, before it is an ORM value."""
    product: object            # product.product
    name: str
    quantity: Decimal
    price_unit: Decimal
    tax: object                # account.tax (possibly empty)


@dataclass
class PreparedOrder:
    """An order checked and turned into document values, not created yet."""
    order: object              # payloads.Order
    currency: object           # res.currency
    lines: list                # [DocumentLine]
    values: dict               # create() values of the document


class OrderImporter:
    """Imports parsed BigCommerce orders (payloads.Order) for one cart."""

    def __init__(self, cart):
        self.cart = cart
        self.env = cart.env
        self.company = cart.company_id
        self.OrderBinding = self.env["bigcommerce.order.binding"]
        # Imported records need no creation message, tracking or follower.
        self.quiet_env = self.env(context=dict(
            self.env.context, tracking_disable=True, mail_create_nolog=True,
            mail_create_nosubscribe=True, mail_notrack=True))
        self._countries = {}
        self._gone_products = set()         # catalog product ids the store no longer has
        self._currencies = {}
        self._pricelists = {}
        self._taxes = {}
        self._partners_by_email = {}        # lower-case email -> res.partner
        self._partners_by_customer = {}     # BigCommerce customer id -> res.partner (linked)
        self._customers_looked_up = set()   # customer ids whose link was searched for
        self._customer_emails = {}          # new customer id -> email of its partner
        self._deliveries = {}               # _partner_key -> delivery res.partner

    # ------------------------------------------------------------------
    # Entry point
    # ------------------------------------------------------------------

    def import_orders(self, orders, parse_errors=(), report=None):
        """Import `orders`; returns an ImportReport.

        First each order is *claimed*: its binding row is inserted, so that an
        order imported meanwhile by another run is reported and left alone.
        Then, for speed without giving up isolation, each order is *prepared*
        in its own savepoint (checks, customer, lines, taxes); the
        prepared orders are then *created* together, up to BATCH_SIZE per
        create() call, in one savepoint. Should that batch fail, its orders are
        created again one by one, each in its own savepoint, so a bad order
        never takes the others with it and never leaves half a document.
        """
        report = report or ImportReport()
        for error, raw in parse_errors:
            raw = raw if isinstance(raw, dict) else {}
            report.add(Outcome(raw.get("id") or 0, self.env._("Order %s", raw.get("id") or "?"),
                               FAILED, str(error)))
        if not orders:
            return report
        bindings = self.OrderBinding.search(
            [("cart_id", "=", self.cart.id), ("bigcommerce_order_id", "in", [o.id for o in orders])])
        # A binding whose document was deleted in Odoo lets the order be imported again.
        orphans = bindings.filtered(lambda b: not b.sale_order_id and not b.move_id)
        orphans.unlink()
        existing = {b.bigcommerce_order_id: b for b in bindings - orphans}
        for order in orders:
            binding = existing.get(order.id)
            if binding:
                document = binding.sale_order_id or binding.move_id
                report.add(Outcome(order.id, self._label(order), ALREADY,
                                   self.env._("Already imported as %s.", document.display_name),
                                   records=document))
        claims = self._claim([o for o in orders if o.id not in existing], report)
        to_import = [o for o in orders if o.id in claims]
        products, product_problems = self._resolve_products(to_import)
        self._prefetch_partners(to_import)
        prepared = []
        for order in to_import:
            try:
                with self.env.cr.savepoint():
                    prepared.append(self._prepare(order, products, product_problems))
            except (UserError, ValidationError, BigCommerceError) as error:
                self._forget_created_records()
                self._fail(report, order, error, claims)
        for start in range(0, len(prepared), BATCH_SIZE):
            batch = prepared[start:start + BATCH_SIZE]
            try:
                with self.env.cr.savepoint():
                    results = self._create_documents(batch, claims)
            except (psycopg2.Error, UserError, ValidationError) as error:
                _logger.info("BigCommerce: a batch of %s orders failed (%s); importing them one by one",
                             len(batch), error)
                results = [self._create_document_alone(one, claims, report) for one in batch]
            for one, result in zip(batch, results):
                if result is None:
                    continue
                document, check, mismatch = result
                outcome = report.add(Outcome(one.order.id, self._label(one.order), CREATED, records=document))
                if mismatch:
                    outcome.flags.append(check)
                    outcome.reason = check
        position = {order.id: index for index, order in enumerate(orders)}
        report.outcomes.sort(key=lambda o: position.get(o.bigcommerce_id, -1))
        return report

    def _claim(self, orders, report):
        """Insert the binding of each order before anything else is done for it.

        The binding's unique constraint makes a concurrent import of the same
        order wait for this transaction, then fail here: such orders are
        reported as already imported and left alone. Returns {order id: binding}."""
        def values(order):
            return {"cart_id": self.cart.id, "bigcommerce_order_id": order.id,
                    "date_modified": order.date_modified}
        if not orders:
            return {}
        try:
            with self.env.cr.savepoint():
                bindings = self.OrderBinding.create([values(o) for o in orders])
            return {b.bigcommerce_order_id: b for b in bindings}
        except (psycopg2.IntegrityError, psycopg2.errors.SerializationFailure):
            pass
        claims = {}
        for order in orders:
            try:
                with self.env.cr.savepoint():
                    claims[order.id] = self.OrderBinding.create(values(order))
            except (psycopg2.IntegrityError, psycopg2.errors.SerializationFailure):
                report.add(Outcome(order.id, self._label(order), ALREADY,
                                   self.env._("Imported meanwhile by another run.")))
        return claims

    def _label(self, order):
        return self.env._("Order %s", order.id)

    def _fail(self, report, order, error, claims):
        """Report the order as failed and release its claim, so that it can be imported later."""
        claims.pop(order.id).unlink()
        message = error.args[0] if error.args else str(error)
        _logger.info("BigCommerce order %s not imported: %s", order.id, message)
        report.add(Outcome(order.id, self._label(order), FAILED, str(message)))

    def _forget_created_records(self):
        """A rolled back savepoint may have taken records cached here with it."""
        self._taxes.clear()
        self._pricelists.clear()
        self._partners_by_email.clear()
        self._partners_by_customer.clear()
        self._customers_looked_up.clear()
        self._customer_emails.clear()
        self._deliveries.clear()

    def _create_document_alone(self, prepared, claims, report):
        """Create one prepared order in its own savepoint; None (and a report line) on failure."""
        try:
            with self.env.cr.savepoint():
                return self._create_documents([prepared], claims)[0]
        except (psycopg2.Error, UserError, ValidationError) as error:
            self._fail(report, prepared.order, error, claims)
        return None

    # ------------------------------------------------------------------
    # One order
    # ------------------------------------------------------------------

    def _prepare(self, order, products, product_problems):
        """Everything the order's document needs, checked; creates the customer if new."""
        self._check_order(order)
        partner, shipping_partner = self._partners(order)
        currency = self._currency(order.currency_code)
        lines = self._document_lines(order, products, product_problems)
        if self.cart.import_orders_as == "sale_order":
            values = self._sale_order_values(order, partner, shipping_partner, currency, lines)
        else:
            values = self._invoice_values(order, partner, shipping_partner, currency, lines)
        return PreparedOrder(order, currency, lines, values)

    def _create_documents(self, batch, claims):
        """Create the documents of prepared orders with one create() call and link
        them to their bindings. Returns [(document, check, mismatch)] in order."""
        model = "sale.order" if self.cart.import_orders_as == "sale_order" else "account.move"
        field = "sale_order_id" if model == "sale.order" else "move_id"
        documents = self.quiet_env[model].with_context(
            default_move_type="out_invoice").create([p.values for p in batch])
        for p, document in zip(batch, documents):
            claims[p.order.id][field] = document
        results, checks = [], {}
        for p, document in zip(batch, documents):
            check, mismatch = self._reconcile(document, p.order, p.currency, p.lines)
            checks.setdefault((check, mismatch), self.env[model])
            checks[(check, mismatch)] |= document
            results.append((document, check, mismatch))
        for (check, mismatch), group in checks.items():
            group.write({"bigcommerce_check": check, "bigcommerce_total_mismatch": mismatch})
        return results

    def _check_order(self, order):
        if not order.lines:
            raise UserError(self.env._("Order %(id)s has no lines.", id=order.id))
        if not (order.email or "").strip():
            raise UserError(self.env._("Order %(id)s has no billing email address: the customer cannot be "
                              "identified.", id=order.id))
        if not order.currency_code:
            raise UserError(self.env._("Order %(id)s has no currency.", id=order.id))
        if not order.date_created:
            raise UserError(self.env._("Order %(id)s has no creation date.", id=order.id))

    # ------------------------------------------------------------------
    # Customers
    # ------------------------------------------------------------------

    def _prefetch_partners(self, orders):
        """Find, then create in one go, the customers and delivery addresses of a page
        (a few queries and two create() calls, instead of several per order).

        Orders whose addresses are invalid are left out here; they fail, with their
        reason, when they are prepared."""
        customer_ids = {o.customer_id for o in orders if o.customer_id}
        if customer_ids:
            for binding in self.env["bigcommerce.partner.binding"].search([
                    ("cart_id", "=", self.cart.id), ("bigcommerce_customer_id", "in", list(customer_ids))]):
                self._partners_by_customer[binding.bigcommerce_customer_id] = binding.partner_id
            self._customers_looked_up |= customer_ids
        emails = {(o.email or "").strip().lower() for o in orders} - {""}
        if emails:
            for partner in self.env["res.partner"].search(self._partner_domain() + [
                    ("email", "in", list(emails))], order="id desc"):
                self._partners_by_email[partner.email.lower()] = partner
        new_customers = {}
        for order in orders:
            email = (order.email or "").strip().lower()
            if not email:
                continue
            if order.customer_id and order.customer_id not in self._partners_by_customer:
                # A registered customer is one partner, whatever email later orders show.
                email = self._customer_emails.setdefault(order.customer_id, email)
            if self._known_partner(order, email) or email in new_customers:
                continue
            try:
                new_customers[email] = self._customer_values(order.billing_address, email, order)
            except UserError:
                continue
        self._create_partners(new_customers.values())
        new_deliveries = {}
        for order in orders:
            partner = self._known_partner(order, (order.email or "").strip().lower())
            shipping = order.shipping_consignments[0].address if order.shipping_consignments else None
            if not partner or shipping is None:
                continue
            try:
                key, values = self._delivery_key(partner, shipping, order)
            except UserError:
                continue
            if key and key not in self._deliveries and key not in new_deliveries:
                new_deliveries[key] = values
        if new_deliveries:
            for child in self.env["res.partner"].search([
                    ("parent_id", "in", list({k[0] for k in new_deliveries})), ("type", "=", "delivery")]):
                self._deliveries.setdefault(self._partner_key(child.parent_id.id, child), child)
            self._create_partners(v for k, v in new_deliveries.items() if k not in self._deliveries)

    def _create_partners(self, values_list):
        values_list = list(values_list)
        if not values_list:
            return
        try:
            with self.env.cr.savepoint():
                partners = self.quiet_env["res.partner"].create(values_list)
        except (psycopg2.Error, UserError, ValidationError):
            return   # each order then makes its own, and reports its own error
        for partner in partners:
            if partner.parent_id:
                self._deliveries[self._partner_key(partner.parent_id.id, partner)] = partner
            else:
                self._partners_by_email[partner.email] = partner

    def _known_partner(self, order, email):
        """The partner already found or made for the order's customer, if any."""
        if order.customer_id:
            if order.customer_id in self._partners_by_customer:
                return self._partners_by_customer[order.customer_id]
            email = self._customer_emails.get(order.customer_id, email)
        return self._partners_by_email.get(email)

    def _partner_domain(self):
        return [("parent_id", "=", False), ("type", "=", "contact"),
                ("company_id", "in", [False, self.company.id])]

    def _customer_values(self, billing, email, order):
        address = self._address_values(billing, self.env._("billing address of order %s", order.id))
        return dict(address, email=email, customer_rank=1,
                    name=billing.name or billing.company or email,
                    company_name=billing.company or False)

    def _partners(self, order):
        """(customer, delivery address) for the order; creates what is missing."""
        billing = order.billing_address
        email = billing.email.strip().lower()
        values = self._customer_values(billing, email, order)
        partner = self._known_partner(order, email)
        if not partner and order.customer_id and order.customer_id not in self._customers_looked_up:
            partner = self.env["bigcommerce.partner.binding"].search([
                ("cart_id", "=", self.cart.id), ("bigcommerce_customer_id", "=", order.customer_id)],
                limit=1).partner_id
            self._customers_looked_up.add(order.customer_id)
            if partner:
                self._partners_by_customer[order.customer_id] = partner
        if not partner:
            partner = self.env["res.partner"].search(
                self._partner_domain() + [("email", "=ilike", email)], order="id", limit=1)
        if not partner:
            partner = self.quiet_env["res.partner"].create(values)
        elif not partner.street and not partner.country_id:
            partner.write({k: values[k] for k in ADDRESS_FIELDS + ("phone",)})
        if order.customer_id and order.customer_id not in self._partners_by_customer:
            self.env["bigcommerce.partner.binding"].create({
                "cart_id": self.cart.id, "partner_id": partner.id,
                "bigcommerce_customer_id": order.customer_id})
            self._partners_by_customer[order.customer_id] = partner
        self._partners_by_email.setdefault(email, partner)
        shipping = order.shipping_consignments[0].address if order.shipping_consignments else None
        return partner, self._delivery_partner(partner, shipping, order)

    def _address_values(self, address, where):
        country = self._country(address.country_iso2, address.country, where)
        return {
            "street": address.street_1 or False,
            "street2": address.street_2 or False,
            "city": address.city or False,
            "zip": address.zip or False,
            "country_id": country.id,
            "state_id": self._state(country, address.state).id,
            "phone": address.phone or False,
        }

    @staticmethod
    def _partner_key(parent_id, record):
        """What makes two delivery addresses of a customer the same one."""
        def value(field):
            v = record[field]
            return v.id if hasattr(v, "id") else (v or False)
        return (parent_id, record["name"]) + tuple(value(f) for f in ADDRESS_FIELDS)

    def _delivery_key(self, partner, shipping, order):
        """(key, create values) of the delivery contact for `shipping`, or (None, None)
        when it is the customer's own address."""
        values = self._address_values(shipping, self.env._("shipping address of order %s", order.id))
        values.update(type="delivery", parent_id=partner.id, name=shipping.name or partner.name,
                      email=(shipping.email or "").strip().lower() or False)
        key = self._partner_key(partner.id, values)
        if key[1:] == self._partner_key(partner.id, partner)[1:]:
            return None, None
        return key, values

    def _delivery_partner(self, partner, shipping, order):
        if shipping is None:
            return partner
        key, values = self._delivery_key(partner, shipping, order)
        if key is None:
            return partner
        if key not in self._deliveries:
            for child in partner.child_ids.filtered(lambda c: c.type == "delivery"):
                self._deliveries.setdefault(self._partner_key(partner.id, child), child)
        if key not in self._deliveries:
            self._deliveries[key] = self.quiet_env["res.partner"].create(values)
        return self._deliveries[key]

    def _country(self, code, name, where):
        """The country by ISO code, or by name when the address has no code."""
        code = (code or "").strip().upper()
        key = code or ("name", (name or "").strip().lower())
        if key not in self._countries:
            Country = self.env["res.country"]
            if code:
                self._countries[key] = Country.search([("code", "=", code)], limit=1)
            else:
                self._countries[key] = Country.search([("name", "=ilike", name.strip())], limit=1) \
                    if (name or "").strip() else Country
        country = self._countries[key]
        if not country:
            raise UserError(self.env._("Unknown country %(country)r (ISO code %(code)r) in the %(where)s.",
                              country=name, code=code, where=where))
        return country

    def _state(self, country, state):
        state = (state or "").strip()
        if not state or not country.state_ids:
            return self.env["res.country.state"]
        key = (country.id, state.lower())
        if key not in self._countries:
            self._countries[key] = country.state_ids.filtered(
                lambda s: s.name.lower() == state.lower() or s.code.lower() == state.lower())[:1]
        return self._countries[key]

    # ------------------------------------------------------------------
    # Products
    # ------------------------------------------------------------------

    def _resolve_products(self, orders):
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
                problems = dict.fromkeys(unknown, str(error.args[0]))
                return found, problems
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

    # ------------------------------------------------------------------
    # Lines and taxes
    # ------------------------------------------------------------------

    def _document_lines(self, order, products, product_problems):
        inclusive = order.is_tax_inclusive
        rate_hint = self._rate_hint(order)
        lines, discounts = [], {}
        for line in order.lines:
            if line.is_bundled and not line.total_inc_tax:
                continue   # a bundle's items are priced on the bundle's line
            if line.is_custom:
                product = self.cart.custom_product_id
            else:
                product = products.get((line.product_id, line.variant_id, line.sku.strip()))
                if not product and line.product_id in self._gone_products:
                    # Deleted from the catalog since the order was placed: the order is
                    # still imported, on the generic product, with the line's name and SKU.
                    product = self.cart.custom_product_id
                if not product:
                    why = product_problems.get(line.product_id) or self.env._("no Odoo product has SKU %s", line.sku or "-")
                    raise UserError(self.env._("Order %(id)s, line %(line)s: item %(sku)s could not be matched "
                                      "or imported: %(why)s", id=order.id, line=line.name,
                                      sku=line.sku or line.product_id, why=why))
            total = line.total_inc_tax if inclusive else line.total_ex_tax
            tax = self._tax_for(total, line.total_tax, inclusive, rate_hint)
            name = line.name or product.display_name
            if product == self.cart.custom_product_id and line.sku and line.sku not in name:
                name = f"[{line.sku}] {name}"
            options = ", ".join(f"{o.name}: {o.value}" for o in line.product_options if o.name)
            if options and options not in name:
                name = f"{name} ({options})"
            lines.append(DocumentLine(product, name, line.quantity, total / line.quantity, tax))
            for discount in line.applied_discounts:
                label = (self.env._("Coupon %s", discount.code) if discount.code
                         else discount.name or self.env._("Discount"))
                key = (label, tax.id)
                amount, _tax = discounts.get(key, (ZERO, tax))
                discounts[key] = (amount + discount.amount, tax)
        charges = (
            (self.cart.shipping_product_id, order.shipping_cost_ex_tax, order.shipping_cost_inc_tax,
             order.shipping_cost_tax, self._shipping_label(order)),
            (self.cart.handling_product_id, order.handling_cost_ex_tax, order.handling_cost_inc_tax,
             order.handling_cost_tax, self.env._("Handling")),
            (self.cart.wrapping_product_id, order.wrapping_cost_ex_tax, order.wrapping_cost_inc_tax,
             order.wrapping_cost_tax, self.env._("Gift Wrapping")),
        ) + tuple((self.cart.handling_product_id, fee.cost_ex_tax, fee.cost_inc_tax, fee.cost_tax,
                   fee.name or self.env._("Fee")) for fee in order.fees)
        shipping_tax = self.env["account.tax"]
        for product, ex, inc, tax_amount, label in charges:
            amount = inc if inclusive else ex
            if not amount:
                continue
            tax = self._tax_for(amount, tax_amount, inclusive, rate_hint)
            if product == self.cart.shipping_product_id:
                shipping_tax = tax
            lines.append(DocumentLine(product, label, Decimal(1), amount, tax))
        for (label, _tax_id), (amount, tax) in discounts.items():
            if amount:
                lines.append(DocumentLine(self.cart.discount_product_id, label, Decimal(1), -amount, tax))
        # Order-level discounts not spread over the lines (e.g. a shipping coupon).
        spread = sum((amount for amount, _tax in discounts.values()), ZERO)
        rest = order.coupon_discount + order.discount_amount - spread
        if rest > 0:
            lines.append(DocumentLine(self.cart.discount_product_id, self.env._("Discount"), Decimal(1), -rest,
                                      shipping_tax))
        return lines

    def _shipping_label(self, order):
        methods = sorted({c.shipping_method for c in order.shipping_consignments if c.shipping_method})
        return self.env._("Shipping: %s", ", ".join(methods)) if methods else self.env._("Shipping")

    @staticmethod
    def _taxed_items(order):
        """(amount in the pricing basis, tax) of every taxed line and charge."""
        inclusive = order.is_tax_inclusive
        items = [(l.total_inc_tax if inclusive else l.total_ex_tax, l.total_tax) for l in order.lines]
        items += [(inc if inclusive else ex, tax) for ex, inc, tax in (
            (order.shipping_cost_ex_tax, order.shipping_cost_inc_tax, order.shipping_cost_tax),
            (order.handling_cost_ex_tax, order.handling_cost_inc_tax, order.handling_cost_tax),
            (order.wrapping_cost_ex_tax, order.wrapping_cost_inc_tax, order.wrapping_cost_tax))]
        return [(amount, tax) for amount, tax in items if amount and tax]

    @classmethod
    def _rate_interval(cls, amount, tax, inclusive):
        """The rates (%) that turn `amount` into `tax` once rounded to the cent."""
        half = Decimal("0.005")
        if inclusive:
            ex = amount - tax
            if ex - half <= 0:
                return None
            return ((amount / (ex + half) - 1) * HUNDRED, (amount / (ex - half) - 1) * HUNDRED)
        return ((tax - half) / amount * HUNDRED, (tax + half) / amount * HUNDRED)

    @classmethod
    def _roundest_rate(cls, interval, amount=None, tax=None, inclusive=False):
        """The rate with the fewest decimals in `interval` (that reproduces `tax` if given)."""
        low, high = interval
        for places in range(0, 5):
            step = Decimal(1).scaleb(-places)
            candidate = (low / step).to_integral_value(rounding="ROUND_CEILING") * step
            while candidate <= high:
                if candidate > 0 and (tax is None or cls._tax_amount(amount, candidate, inclusive) == tax):
                    return candidate
                candidate += step
                if candidate > low + 3 * step:
                    break
        return None

    def _rate_hint(self, order):
        """One rate (%) that reproduces the tax of every taxed item of the order, or None
        (several rates in the order)."""
        low, high = Decimal("-Infinity"), Decimal("Infinity")
        for amount, tax in self._taxed_items(order):
            interval = self._rate_interval(amount, tax, order.is_tax_inclusive)
            if interval is None:
                continue
            low, high = max(low, interval[0]), min(high, interval[1])
        if low > high or low == Decimal("-Infinity"):
            return None
        return self._roundest_rate((low, high))

    def _tax_for(self, amount, tax_amount, inclusive, rate_hint):
        """The Odoo tax whose rate reproduces BigCommerce's `tax_amount` on `amount`."""
        if not tax_amount or not amount:
            return self.env["account.tax"]
        if rate_hint is not None and self._tax_amount(amount, rate_hint, inclusive) == tax_amount:
            return self._tax(rate_hint, inclusive)
        interval = self._rate_interval(amount, tax_amount, inclusive)
        rate = interval and self._roundest_rate(interval, amount, tax_amount, inclusive)
        if rate is None:   # no rate fits (e.g. a tax larger than the amount): the check will tell
            ex = amount - tax_amount if inclusive else amount
            rate = (tax_amount / ex * HUNDRED).quantize(Decimal("0.0001"), ROUND_HALF_UP)
        return self._tax(rate, inclusive)

    @staticmethod
    def _tax_amount(amount, rate, inclusive):
        """Tax on `amount` at `rate` %, rounded to the cent as BigCommerce and Odoo do."""
        cent = Decimal("0.01")
        if inclusive:
            return amount - (amount / (1 + rate / HUNDRED)).quantize(cent, ROUND_HALF_UP)
        return (amount * rate / HUNDRED).quantize(cent, ROUND_HALF_UP)

    def _tax(self, rate, inclusive):
        """The cart's mapped tax for (rate, inclusive), mapping a matching or new sales tax."""
        key = (float(rate), bool(inclusive))
        if key in self._taxes:
            return self._taxes[key]
        TaxMap = self.env["bigcommerce.tax.map"]
        mapping = TaxMap.search([("cart_id", "=", self.cart.id), ("rate", "=", key[0]),
                                 ("price_include", "=", key[1])], limit=1)
        tax = mapping.tax_id
        if not tax:
            Tax = self.env["account.tax"].with_company(self.company)
            candidates = Tax.search([
                ("company_id", "=", self.company.id), ("type_tax_use", "=", "sale"),
                ("amount_type", "=", "percent"), ("amount", "=", key[0])])
            tax = candidates.filtered(lambda t: t.price_include == key[1] and not t.children_tax_ids)[:1]
            if not tax:
                label = self.env._("%(rate)s%% (BigCommerce%(incl)s)", rate=f"{rate.normalize():f}",
                          incl=self.env._(", included") if inclusive else "")
                tax = Tax.create({
                    "name": label,
                    "amount": key[0],
                    "amount_type": "percent",
                    "type_tax_use": "sale",
                    "price_include_override": "tax_included" if inclusive else "tax_excluded",
                    "company_id": self.company.id,
                    "description": label,
                })
            TaxMap.create({"cart_id": self.cart.id, "rate": key[0], "price_include": key[1],
                           "tax_id": tax.id})
        self._taxes[key] = tax
        return tax

    # ------------------------------------------------------------------
    # Documents
    # ------------------------------------------------------------------

    def _currency(self, code):
        if code not in self._currencies:
            currency = self.env["res.currency"].with_context(active_test=False).search(
                [("name", "=", code.upper())], limit=1)
            if not currency:
                raise UserError(self.env._("Currency %(code)s is unknown to Odoo.", code=code))
            if not currency.active:
                currency.sudo().active = True
            self._currencies[code] = currency
        return self._currencies[code]

    def _pricelist(self, currency):
        if currency not in self._pricelists:
            Pricelist = self.env["product.pricelist"]
            pricelist = Pricelist.search([("currency_id", "=", currency.id),
                                          ("company_id", "in", [False, self.company.id])], limit=1)
            self._pricelists[currency] = pricelist or Pricelist.create({
                "name": self.env._("BigCommerce %s", currency.name), "currency_id": currency.id,
                "company_id": self.company.id})
        return self._pricelists[currency]

    def _common_values(self, order):
        return {
            "company_id": self.company.id,
            "bigcommerce_cart_id": self.cart.id,
            "bigcommerce_order_id": order.id,
            "fiscal_position_id": False,
        }

    def _sale_order_values(self, order, partner, shipping_partner, currency, lines):
        return dict(
            self._common_values(order),
            partner_id=partner.id,
            partner_invoice_id=partner.id,
            partner_shipping_id=shipping_partner.id,
            pricelist_id=self._pricelist(currency).id,
            date_order=order.date_created,
            client_order_ref=str(order.id),
            origin=self.env._("BigCommerce order %s", order.id),
            user_id=self.cart.user_id.id,
            note=order.customer_message or False,
            order_line=[(0, 0, self._sale_line_values(line, sequence))
                        for sequence, line in enumerate(lines, 1)],
        )

    @staticmethod
    def _sale_line_values(line, sequence):
        return {
            "sequence": sequence,
            "product_id": line.product.id,
            "name": line.name,
            "product_uom_qty": float(line.quantity),
            "product_uom": line.product.uom_id.id,
            "price_unit": float(line.price_unit),
            "discount": 0.0,
            "tax_id": [(6, 0, line.tax.ids)],
        }

    def _invoice_values(self, order, partner, shipping_partner, currency, lines):
        cash_sale = self.cart.import_orders_as == "cash_sale"
        values = dict(
            self._common_values(order),
            move_type="out_invoice",
            partner_id=partner.id,
            partner_shipping_id=shipping_partner.id,
            currency_id=currency.id,
            invoice_date=fields.Date.to_date(order.date_created),
            ref=str(order.id),
            invoice_origin=self.env._("BigCommerce order %s", order.id),
            invoice_user_id=self.cart.user_id.id,
            narration=order.customer_message or False,
            invoice_line_ids=[(0, 0, self._invoice_line_values(line, sequence))
                              for sequence, line in enumerate(lines, 1)],
        )
        if cash_sale:
            values.update(
                bigcommerce_cash_sale=True,
                bigcommerce_payment_method=order.payment_method or False,
                bigcommerce_payment_amount=float(self._captured_amount(order)),
                bigcommerce_payment_reference=order.payment_provider_id or self.env._("BigCommerce order %s", order.id),
            )
        return values

    @staticmethod
    def _captured_amount(order):
        """What the shopper paid through the store's payment method."""
        if not order.is_paid:
            return ZERO
        return max(order.total_inc_tax - order.store_credit_amount - order.gift_certificate_amount, ZERO)

    @staticmethod
    def _invoice_line_values(line, sequence):
        return {
            "sequence": sequence,
            "product_id": line.product.id,
            "name": line.name,
            "quantity": float(line.quantity),
            "product_uom_id": line.product.uom_id.id,
            "price_unit": float(line.price_unit),
            "discount": 0.0,
            "tax_ids": [(6, 0, line.tax.ids)],
        }

    # ------------------------------------------------------------------
    # Totals
    # ------------------------------------------------------------------

    @staticmethod
    def _amounts(document, currency):
        def dec(value):
            return Decimal(str(currency.round(value)))
        return dec(document.amount_untaxed), dec(document.amount_tax), dec(document.amount_total)

    def _reconcile(self, document, order, currency, lines):
        """Make the document's totals equal the store's, or say why they don't.

        Returns (check text, mismatch flag)."""
        # BigCommerce sends 4 decimals; the document holds the currency's.
        cent = Decimal(str(currency.rounding))
        target = tuple(amount.quantize(cent, ROUND_HALF_UP)
                       for amount in (order.total_ex_tax, order.total_tax, order.total_inc_tax))
        got = self._amounts(document, currency)
        if got == target:
            return self.env._("Totals equal BigCommerce's."), False
        tolerance = cent * max(3, len(lines))
        d_untaxed, d_tax = target[0] - got[0], target[1] - got[1]
        first_untaxed, first_tax = d_untaxed, d_tax
        if abs(d_untaxed) > tolerance or abs(d_tax) > tolerance:
            return self._mismatch_text(target, got, currency), True
        adjustments = []
        tax = self._main_tax(lines)
        if d_tax and tax:
            pair = self._tax_adjustment(d_tax, tax, cent)
            if pair:
                adjustments.extend(pair)
        self._add_lines(document, adjustments)
        got = self._amounts(document, currency)
        d_untaxed = target[0] - got[0]
        if d_untaxed:
            rest = [DocumentLine(self.cart.rounding_product_id, self.env._("Rounding (BigCommerce)"),
                                 Decimal(1), d_untaxed, self.env["account.tax"])]
            self._add_lines(document, rest)
            adjustments.extend(rest)
            got = self._amounts(document, currency)
        if got == target:
            return self.env._("Totals equal BigCommerce's after rounding adjustment lines "
                     "(untaxed %(untaxed)s, tax %(tax)s).",
                     untaxed=currency.format(float(first_untaxed)),
                     tax=currency.format(float(first_tax))), False
        return self._mismatch_text(target, got, currency), True

    def _mismatch_text(self, target, got, currency):
        labels = (self.env._("untaxed"), self.env._("tax"), self.env._("total"))
        parts = [self.env._("%(label)s %(odoo)s in Odoo, %(store)s in BigCommerce", label=label,
                   odoo=currency.format(float(o)), store=currency.format(float(t)))
                 for label, o, t in zip(labels, got, target) if o != t]
        return self.env._("Totals differ from BigCommerce: %s. Check the document before confirming it.",
                 "; ".join(parts))

    @staticmethod
    def _main_tax(lines):
        weights = {}
        for line in lines:
            if line.tax and len(line.tax) == 1 and line.tax.amount:
                weights[line.tax] = weights.get(line.tax, ZERO) + abs(line.price_unit * line.quantity)
        return max(weights, key=weights.get) if weights else None

    def _tax_adjustment(self, d_tax, tax, step):
        """Two lines of opposite amounts, one taxed, one not, whose tax is `d_tax`."""
        rate = Decimal(str(tax.amount))
        inclusive = tax.price_include
        guess = d_tax * ((1 + rate / HUNDRED) if inclusive else 1) / (rate / HUNDRED)
        guess = guess.quantize(step, ROUND_HALF_UP)
        for delta in range(0, 50):
            for x in (guess + delta * step, guess - delta * step):
                if x and self._tax_amount(x, rate, inclusive) == d_tax:
                    name = self.env._("Tax rounding (BigCommerce)")
                    product = self.cart.rounding_product_id
                    return [DocumentLine(product, name, Decimal(1), x, tax),
                            DocumentLine(product, name, Decimal(1), -x, self.env["account.tax"])]
        return []

    def _add_lines(self, document, lines):
        if not lines:
            return
        start = len(document.order_line if document._name == "sale.order" else document.invoice_line_ids) + 100
        if document._name == "sale.order":
            document.write({"order_line": [(0, 0, self._sale_line_values(l, start + i))
                                           for i, l in enumerate(lines)]})
        else:
            document.write({"invoice_line_ids": [(0, 0, self._invoice_line_values(l, start + i))
                                                 for i, l in enumerate(lines)]})
