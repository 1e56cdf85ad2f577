"""Refunds in the fake store: the rules of the Orders V3 refund endpoints.

Part of lifecycle.py (reached through it: ``lifecycle.create_refund`` ...);
sources and the ⚠️ convention as there. Options are ``FakeStore`` attributes
(lifecycle.OPTIONS), overridable per call.

A refund is given ``items`` as in ``RefundRequest_Post`` (``factory.refund_*``
build them). For each item the store computes ``ex``, ``inc`` and ``tax``
(``money.refund_units`` / ``money.refund_amount``), in cents:

* PRODUCT (``item_id`` = order line id, ``quantity`` q): of the line's
  *paid* amount, i.e. after its discounts: paid basis P =
  ``discounted_total_inc_tax`` (tax-inclusive store) or
  ``discounted_total_inc_tax - total_tax`` (exclusive store), paid tax T =
  the line's ``total_tax``; with Q = ``quantity`` and r units refunded
  before: basis = ``cents(P*(r+q)/Q) - cents(P*r/Q)``, tax =
  ``cents(T*(r+q)/Q) - cents(T*r/Q)``; inc = basis + tax (exclusive) or
  basis (inclusive), ex = inc - tax. ⚠️ BigCommerce does not publish its
  per-unit rule; this one is pro rata per unit with cumulative rounding,
  so refunding all units (in any steps) gives back exactly the line.
* GIFT_WRAPPING (``item_id`` = order line id, ``quantity``): the same rule
  on the line's ``wrapping_cost_*`` (``factory.line(wrapping=...)``; refused
  when the line has none). The order-level ``wrapping_cost`` of
  ``factory.order`` belongs to no line: only an ORDER item gives it back.
* SHIPPING / HANDLING (``item_id`` = order address id, ``amount`` a): a is
  read on the side of option ``refund_charge_side``: ``'basis'`` (default:
  ex-tax on an exclusive store, inc-tax on an inclusive one), ``'ex'`` or
  ``'inc'``. ⚠️ Not settled by the spec; the refunds article's example
  (product 10.00 + tax 0.83, shipping amount 10 -> total 20.83, quote
  21.83 with a 1.00 ORDER item) shows amounts given before tax on an
  exclusive store, hence the default. Paid on that side: the address's
  ``cost_*`` (``handling_cost_*``) less its share of the shipping coupons'
  discount (in proportion to each address's shipping, as money.py prices
  it) when ``shipping_cost_*`` are before the coupon. Tax = the
  charged tax (``cost_tax`` / ``handling_cost_tax``) pro rata to the
  amount, cumulative: ``cents(T*(d+a)/P) - cents(T*d/P)`` with d the amount
  refunded before on that side; the other side = a + tax ('ex') or a - tax
  ('inc').
* FEE (``item_id`` = fee id, ``amount``): as SHIPPING, on the fee's ``cost_*``.
  Read back, option ``refund_fee_item_id``: ``'fee'`` (default, as asked:
  FeeItem "Numeric ID of the fee in the order") or ``'order'`` (⚠️
  ``RefundID_Get``: "order.id corresponding to the item_type of ORDER, FEE").
* ORDER (``amount``): "When item_type is set to ORDER, tax is not
  re-calculated" (TaxExemptItem): ex = inc = a, tax 0. ``item_id`` is not
  checked (the examples use the order id).

Refund: ``total_amount`` = sum of the items' inc (what the shopper gets
back), ``total_tax`` = sum of the items' tax; on a tax-inclusive store the
same rule holds (inc = the amounts, tax carved out of them).
``merchant_calculated_override {total_amount, total_tax}`` replaces both
(``uses_merchant_override_values`` true); ``tax_adjustment_amount`` x makes a
refund with no items, total_amount = total_tax = x.
Item ``requested_amount`` (a JSON number, schema ``Amount``; the
``RefundID_Get`` schema says string): SHIPPING / HANDLING / FEE / ORDER the
amount asked; PRODUCT / GIFT_WRAPPING option ``refund_item_amounts``:
``'amount'`` (default, the refunds article's example: the basis share) or
``'null'`` (the ``RefundID_Get`` example). ``quantity`` is only on PRODUCT
items ("will only be populated for item_type PRODUCT").

Refused with 422 (``RefundError``): unknown item type or item id, quantity
< 1 or more than is left, an amount <= 0 or more than is left of that
charge, refunds of the order beyond its ``total_inc_tax`` ("Order refunds
should be processed sequentially": each refund counts what earlier ones
took), ``payments`` whose amounts do not add up to ``total_amount``, store
credit for a guest ("Unable to provide store credit for a guest
customer.", the documented 422), PRODUCT ``adjustments`` (not modelled),
and, option ``refund_requires_payment`` (default True, refunds article:
"You must receive payment of the order before you can issue a refund"),
an order whose ``payment_status`` is pending, authorized, declined, void,
void pending, held for review or capture pending ('' is allowed).

The order after a refund (``date_modified`` moves to ``created``, unless
option ``refund_moves_date_modified`` is False: ⚠️ no document says that a
refund touches the order's ``date_modified``):

* ``payment_status`` 'refunded' when the order's refunds add up to its
  ``total_inc_tax``, else 'partially refunded';
* ``status_id`` 4 Refunded or 14 Partially Refunded likewise, unless option
  ``refund_sets_status`` is False (⚠️ the store may leave the status alone);
* lines: ``quantity_refunded`` += q; ``is_refunded`` (option
  ``refund_line_is_refunded``: ``'all'`` default = every unit refunded,
  ``'any'`` = at least one, ⚠️ "Whether the product has been refunded");
* ``refunded_amount`` (order) and ``refund_amount`` (line, sum of its PRODUCT
  items' inc), option ``refund_amount_fields``: ``'sum'`` (default) or
  ``'zero'``: ⚠️ the spec says of both "The amount refunded from this
  transaction; always returns `0`" (``refund_amount`` is deprecated).
* payments: default one payment of ``total_amount`` to the gateway of the
  order's purchase/authorization transaction (``offline`` when that
  transaction's method is offline), else to 'custom' (offline). Option
  ``refund_transactions`` (default True): each payment against a recorded
  transaction adds an Orders V3 transaction ``event: 'refund'`` and carries
  its id as ``transaction_id`` (⚠️ the schema has the field; when
  BigCommerce writes the transaction is not documented).
"""
import copy
from decimal import InvalidOperation

from . import factory
from .lifecycle import (
    FEE,
    GIFT_WRAPPING,
    HANDLING,
    PARTIALLY_REFUNDED,
    PRODUCT,
    REFUNDED,
    SHIPPING,
    ZERO,
    RefundError,
    _option,
    _stamp,
)
from .refund_amounts import _charge_paid, _done, _refunded_total, _side, compute_refund
from .store import as_utc, cents, dec, iso8601, rfc2822, v2_money, v3_number


def _original_transaction(store, oid):
    for txn in store.order_transactions.get(oid, []):
        if txn.get('event') in ('purchase', 'authorization', 'capture'):
            return txn
    return None


def default_payment(store, order):
    """(provider_id, provider_description, offline) a refund goes back to."""
    txn = _original_transaction(store, order['id'])
    if txn is None:
        return 'custom', 'Custom', True
    return txn.get('gateway') or 'custom', order.get('payment_method') or txn.get('gateway'), \
        txn.get('method') == 'offline'


def refund_quote(store, order_id, items=None, **options):
    """RefundQuote_Full for ``items`` (POST .../refund_quotes): nothing recorded."""
    with store.lock:
        order = store.orders[int(order_id)]
        done = compute_refund(store, order_id, items, **options)
        provider, description, offline = default_payment(store, order)
        amount = v3_number(done['total_amount'])
        inclusive = bool(order.get('is_tax_inclusive_pricing'))
        methods = [[{'provider_id': provider, 'provider_description': description,
                     'amount': amount, 'offline': offline, 'offline_provider': offline,
                     'offline_reason': 'This is an offline payment provider.' if offline else ''}]]
        if provider != 'custom':
            methods.append([{'provider_id': 'custom', 'provider_description': 'Custom',
                             'amount': amount, 'offline': True, 'offline_provider': True,
                             'offline_reason': 'This is an offline payment provider.'}])
        return {'order_id': order['id'], 'total_refund_amount': amount,
                'total_refund_tax_amount': v3_number(done['total_tax']),
                'order_level_refund_amount': v3_number(done['order_level']),
                'rounding': 0, 'adjustment': 0,
                # the schema says tax_inclusive, the refunds article's example
                # is_tax_included: both are sent
                'tax_inclusive': inclusive, 'is_tax_included': inclusive,
                'refund_methods': methods}


def create_refund(store, order_id, items=None, payments=None, reason='', when=None, *,
                  tax_adjustment_amount=None, merchant_calculated_override=None,
                  refund_sets_status=None, refund_amount_fields=None, refund_line_is_refunded=None,
                  refund_transactions=None, refund_moves_date_modified=None, user_id=0, **options):
    """Record a refund of ``items`` (module doc) and update the V2 order.

    payments: ``[{provider_id, amount, offline}]`` (default: module doc).
    Options not given come from the store's attributes. Returns the refund
    (Refund schema) as served; raises RefundError (422) and records nothing
    when refused."""
    with store.lock:
        oid = int(order_id)
        order = store.orders[oid]
        sets_status = _option(store, 'refund_sets_status', refund_sets_status)
        amount_fields = _option(store, 'refund_amount_fields', refund_amount_fields)
        is_refunded_rule = _option(store, 'refund_line_is_refunded', refund_line_is_refunded)
        with_txn = _option(store, 'refund_transactions', refund_transactions)
        done = compute_refund(store, oid, items, tax_adjustment_amount=tax_adjustment_amount,
                              merchant_calculated_override=merchant_calculated_override, **options)
        total = done['total_amount']
        if payments is None:
            provider, _description, offline = default_payment(store, order)
            payments = [{'provider_id': provider, 'amount': total, 'offline': offline}]
        if not isinstance(payments, (list, tuple)) or not payments:
            raise RefundError('JSON data is missing or invalid', {'payments': 'Required.'})
        parsed = []
        for index, payment in enumerate(payments):
            try:
                amount = cents(payment['amount'])
                provider = str(payment['provider_id'])
            except (KeyError, TypeError, InvalidOperation, ValueError):
                raise RefundError('JSON data is missing or invalid',
                                  {'payments.%d' % index: 'provider_id and amount are required.'}) \
                    from None
            if amount < 0:
                raise RefundError('Invalid payment amount.', {'payments.%d.amount' % index: 'Negative.'})
            if provider == 'storecredit' and not order.get('customer_id'):
                raise RefundError('Unable to provide store credit for a guest customer.')
            parsed.append((provider, amount, bool(payment.get('offline'))))
        paid = sum((a for _p, a, _o in parsed), ZERO)
        if paid != total:
            raise RefundError('The payments do not match the refund amount.',
                              {'payments': '%s in payments, %s to refund.'
                                           % (v2_money(paid), v2_money(total))})
        # ---- accepted: record it
        created = _stamp(store, when)
        refund_id = store.next_id('refund')
        original = _original_transaction(store, oid) if with_txn else None
        rendered_payments = []
        for provider, amount, offline in parsed:
            entry = {'id': store.next_id('refund_payment'), 'provider_id': provider,
                     'amount': v3_number(amount), 'offline': offline, 'is_declined': False,
                     'declined_message': ''}
            if original is not None and provider == original.get('gateway'):
                txn = copy.deepcopy(original)
                txn.update(id=store.next_id('transaction'), event='refund', amount=v3_number(amount),
                           date_created=iso8601(created), reference_transaction_id=original['id'],
                           gateway_transaction_id='rfd_%08d' % refund_id)
                store.order_transactions.setdefault(oid, []).append(txn)
                entry['transaction_id'] = str(txn['id'])
            rendered_payments.append(entry)
        refund = {'id': refund_id, 'order_id': oid, 'user_id': int(user_id or 0),
                  'created': iso8601(created), 'reason': str(reason or ''),
                  'total_amount': v3_number(total), 'total_tax': v3_number(done['total_tax']),
                  'uses_merchant_override_values': done['override'],
                  'items': done['items'], 'payments': rendered_payments}
        store.refunds[refund_id] = refund
        store.refund_pieces[refund_id] = done['pieces']
        # the V2 order and its lines
        refunded = _refunded_total(store, oid)
        full = refunded >= dec(order['total_inc_tax'])
        order['payment_status'] = 'refunded' if full else 'partially refunded'
        if amount_fields == 'sum':
            order['refunded_amount'] = v2_money(refunded)
        if sets_status:
            status = store.status(REFUNDED if full else PARTIALLY_REFUNDED)
            order.update(status_id=status['id'], status=status['name'],
                         custom_status=status['custom_label'])
        rows = {r['id']: r for r in store.order_products.get(oid, [])}
        for piece in done['pieces']:
            if piece['type'] != PRODUCT:
                continue
            row = rows[piece['id']]
            row['quantity_refunded'] = int(row.get('quantity_refunded') or 0) + piece['units']
            if amount_fields == 'sum':
                row['refund_amount'] = v2_money(dec(row.get('refund_amount')) + piece['inc'])
            row['is_refunded'] = (row['quantity_refunded'] >= int(row['quantity'])
                                  if is_refunded_rule == 'all' else row['quantity_refunded'] > 0)
        if _option(store, 'refund_moves_date_modified', refund_moves_date_modified):
            order['date_modified'] = rfc2822(created)
        return refund


def refundable(store, order_id, refund_charge_side=None):
    """What is left to refund: {'total': amount, PRODUCT: {line id: units},
    GIFT_WRAPPING: {line id: units}, SHIPPING / HANDLING: {address id:
    amount}, FEE: {fee id: amount}}; charge amounts on the side of option
    refund_charge_side (what a SHIPPING / HANDLING / FEE item takes)."""
    with store.lock:
        oid = int(order_id)
        order = store.orders[oid]
        side = _side(store, order, refund_charge_side)
        done = _done(store, oid)
        left = {'total': cents(dec(order['total_inc_tax']) - _refunded_total(store, oid)),
                PRODUCT: {}, GIFT_WRAPPING: {}, SHIPPING: {}, HANDLING: {}, FEE: {}}
        for row in store.order_products.get(oid, []):
            left[PRODUCT][row['id']] = int(row['quantity']) - done.get((PRODUCT, row['id']), [0])[0]
            if dec(row.get('wrapping_cost_inc_tax')) > 0:
                left[GIFT_WRAPPING][row['id']] = (int(row['quantity'])
                                                  - done.get((GIFT_WRAPPING, row['id']), [0])[0])
        for kind, rows in ((SHIPPING, store.order_shipping_addresses.get(oid, [])),
                           (HANDLING, store.order_shipping_addresses.get(oid, [])),
                           (FEE, store.order_fees.get(oid, []))):
            for row in rows:
                ex, inc, _tax = _charge_paid(store, order, kind, row)
                before = done.get((kind, row['id']), [0, ZERO, ZERO, ZERO])
                left[kind][row['id']] = cents((inc - before[2]) if side == 'inc' else (ex - before[1]))
        return left


def full_refund_items(store, order_id, refund_charge_side=None):
    """Items refunding everything left of the order's lines, wrapping,
    shipping, handling and fees (nothing when all is refunded)."""
    left = refundable(store, order_id, refund_charge_side)
    items = [factory.refund_product(i, q) for i, q in left[PRODUCT].items() if q > 0]
    items += [factory.refund_gift_wrapping(i, q) for i, q in left[GIFT_WRAPPING].items() if q > 0]
    for kind, make in ((SHIPPING, factory.refund_shipping), (HANDLING, factory.refund_handling),
                       (FEE, factory.refund_fee)):
        items += [make(i, a) for i, a in left[kind].items() if a > 0]
    return items


def list_refunds(store, order_ids=None, ids=None, created_min=None, created_max=None,
                 transaction_id=None):
    """Refunds, ascending id, filtered as GET /v3/orders/payment_actions/refunds."""
    from .store import parse_datetime
    out = []
    for rid in sorted(store.refunds):
        refund = store.refunds[rid]
        if order_ids is not None and refund['order_id'] not in order_ids:
            continue
        if ids is not None and rid not in ids:
            continue
        created = parse_datetime(refund['created'])
        if created_min is not None and created < as_utc(created_min):
            continue
        if created_max is not None and created > as_utc(created_max):
            continue
        if transaction_id is not None and not any(
                p.get('transaction_id') == str(transaction_id) for p in refund['payments']):
            continue
        out.append(refund)
    return out
