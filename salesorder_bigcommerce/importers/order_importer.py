"""BigCommerce orders -> pending Odoo documents.

By the cart's *Import Cart Orders as*: a draft quotation (sale.order), a
draft customer invoice, or a draft customer invoice marked as a cash sale
that carries the payment BigCommerce captured.

The pieces, each in its own module: customers (partners and delivery
addresses), order_lines (products, names, taxes) over order_maths (the
Decimal maths of amounts and rates, no ORM), documents (create values per
type), totals (the check against the store's totals). Here: claiming orders,
savepoints, batches and the report.

Money stays Decimal until it is written.
"""
import logging
from dataclasses import dataclass, field

import psycopg2

from odoo.exceptions import UserError, ValidationError

from ..exceptions import error_message
from ..services.errors import BigCommerceError
from .customers import CustomerResolver
from .documents import DocumentValues
from .order_lines import LineBuilder
from .order_snapshot import snapshot
from .results import ALREADY, CREATED, FAILED, ImportReport, Outcome
from .ship_to import assign_shipping_partners
from .taxes import TaxResolver
from .totals import TotalsCheck

_logger = logging.getLogger(__name__)

BATCH_SIZE = 100   # documents per create() call


@dataclass
class PreparedOrder:
    """An order checked and turned into document values, not created yet."""
    order: object              # payloads.Order
    currency: object           # res.currency
    lines: list                # [order_lines.DocumentLine]
    values: dict               # create() values of the document
    notes: list = field(default_factory=list)   # what the document's reader should know


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
        self.customers = CustomerResolver(cart, self.quiet_env)
        self.taxes = TaxResolver(cart)
        self.line_builder = LineBuilder(cart, self.taxes)
        self.document_values = DocumentValues(cart)
        self.totals = TotalsCheck(cart, self.document_values)

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
                               FAILED, error_message(self.env, error)))
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
        self.line_builder.prepare_page(to_import)
        self.customers.prefetch(to_import)
        prepared = []
        for order in to_import:
            try:
                with self.env.cr.savepoint():
                    prepared.append(self._prepare(order))
            except (UserError, ValidationError, BigCommerceError, psycopg2.Error) as error:
                cause = getattr(error, "bigcommerce_error", error)
                if isinstance(cause, BigCommerceError) and cause.kind == "rate_limited":
                    raise   # a wait, not a fault of this order: the caller stops and resumes
                # A database error (e.g. a row made meanwhile by another run) fails this order only.
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
                if one.notes:
                    outcome.flags.extend(one.notes)
                    outcome.reason = "\n".join(one.notes)
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
                    "date_modified": order.date_modified, "snapshot": snapshot(order)}
        if not orders:
            return {}
        try:
            with self.env.cr.savepoint():
                bindings = self.OrderBinding.create([values(o) for o in orders])
            return {b.bigcommerce_order_id: b for b in bindings}
        except (psycopg2.IntegrityError, psycopg2.errors.SerializationFailure) as error:
            _logger.info("BigCommerce: some orders were claimed meanwhile (%s); claiming one by one", error)
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
        message = error_message(self.env, error)
        _logger.info("BigCommerce order %s not imported: %s", order.id, message)
        report.add(Outcome(order.id, self._label(order), FAILED, str(message)))

    def _forget_created_records(self):
        """A rolled back savepoint may have taken records cached here with it."""
        self.taxes.forget()
        self.document_values.forget()
        self.customers.forget()

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

    def _prepare(self, order):
        """Everything the order's document needs, checked; creates the customer if new."""
        self._check_order(order)
        currency = self.document_values.currency(order.currency_code)
        partner, shipping_partner = self.customers.partners(order)
        lines, notes = self.line_builder.document_lines(order, currency)
        assign_shipping_partners(self.customers, order, partner, lines)
        values = self.document_values.values(order, partner, shipping_partner, currency, lines)
        return PreparedOrder(order, currency, lines, values, notes)

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
            check, mismatch = self.totals.reconcile(document, p.order, p.currency, p.lines)
            if p.notes:
                check = "\n".join([check] + p.notes)
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
