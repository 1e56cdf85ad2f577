"""What a refund gives back, item by item, as the fake store computes it (the rules
are described in refunds.py's docstring): ``compute_refund`` and its helpers."""
from decimal import Decimal, InvalidOperation

from . import money
from .lifecycle import (
    FEE,
    GIFT_WRAPPING,
    HANDLING,
    ITEM_TYPES,
    ORDER,
    PRODUCT,
    SHIPPING,
    UNPAID,
    ZERO,
    RefundError,
    _int,
    _option,
)
from .store import cents, dec, v2_money, v3_number


def _amount(item, index):
    raw = item.get('amount')
    try:
        amount = dec(raw) if raw is not None else None
    except (InvalidOperation, ValueError, TypeError):
        amount = None
    if amount is None or amount != amount.quantize(Decimal('0.01')) or amount <= 0:
        raise RefundError('Invalid refund amount.',
                          {'items.%d.amount' % index: 'A positive amount with at most 2 decimals '
                                                      'is required.'})
    return cents(amount)


def _done(store, oid):
    """What earlier refunds of the order took: {(type, id): [units, ex, inc, tax]}."""
    done = {}
    for refund in store.refunds.values():
        if refund['order_id'] != oid:
            continue
        for piece in store.refund_pieces.get(refund['id'], ()):
            acc = done.setdefault((piece['type'], piece['id']), [0, ZERO, ZERO, ZERO])
            acc[0] += piece['units']
            acc[1] += piece['ex']
            acc[2] += piece['inc']
            acc[3] += piece['tax']
    return done


def _refunded_total(store, oid):
    return sum((dec(r['total_amount']) for r in store.refunds.values() if r['order_id'] == oid),
               ZERO)


def _charge_paid(store, order, kind, row):
    """(paid ex, paid inc, tax) of a SHIPPING / HANDLING address or a fee row."""
    if kind == FEE:
        return dec(row['cost_ex_tax']), dec(row['cost_inc_tax']), dec(row['cost_tax'])
    prefix = 'cost' if kind == SHIPPING else 'handling_cost'
    ex, inc, tax = (dec(row['%s_%s' % (prefix, s)]) for s in ('ex_tax', 'inc_tax', 'tax'))
    if kind == SHIPPING:
        d = _shipping_coupon_share(store, order, row)
        ex, inc = ex - d, inc - d
    return ex, inc, tax


def _shipping_coupon_share(store, order, row):
    """The part of the shipping coupons' discount (types 3, 4) an address's
    ``cost_*`` still hold: none when they are after the coupon
    (``shipping_discount_in_cost``), else the address's share of it, spread
    as money.py prices it: in proportion to each address's shipping
    (``base_cost``, the shipping before the coupon)."""
    spec = store.order_specs.get(order['id']) or {}
    addresses = store.order_shipping_addresses.get(order['id'], [])
    if spec.get('shipping_discount_in_cost') or not any(a is row for a in addresses):
        return ZERO
    d = sum((dec(c['discount']) for c in store.order_coupons.get(order['id'], [])
             if c.get('type') in (3, 4)), ZERO)
    parts = [dec(a['base_cost']) for a in addresses]
    if not d or sum(parts) <= 0:
        return ZERO
    index = next(i for i, a in enumerate(addresses) if a is row)
    return money.allocate(d, parts)[index]


def _side(store, order, given):
    side = _option(store, 'refund_charge_side', given)
    if side == 'basis':
        return 'inc' if order.get('is_tax_inclusive_pricing') else 'ex'
    return side


def compute_refund(store, order_id, items=None, *, tax_adjustment_amount=None,
                   merchant_calculated_override=None, refund_charge_side=None,
                   refund_item_amounts=None, refund_requires_payment=None):
    """What a refund of ``items`` gives back, without recording it.

    Returns a dict: ``items`` (rendered RefundItem dicts), ``pieces`` (per
    item: type, id, units, ex, inc, tax), ``total_amount``, ``total_tax``,
    ``order_level`` (sum of ORDER amounts), ``override`` (bool). Raises
    RefundError (422) or KeyError (unknown order)."""
    oid = int(order_id)
    order = store.orders[oid]
    if _option(store, 'refund_requires_payment', refund_requires_payment) and \
            (order.get('payment_status') or '') in UNPAID:
        raise RefundError('The order has not been paid: it cannot be refunded.',
                          {'order_id': 'payment_status is %r' % order.get('payment_status')})
    refunding = _Refunding(store, order, _side(store, order, refund_charge_side),
                           _option(store, 'refund_item_amounts', refund_item_amounts))
    if tax_adjustment_amount is not None:
        if items:
            raise RefundError('Give items or tax_adjustment_amount, not both.')
        total_amount = total_tax = _amount({'amount': tax_adjustment_amount}, 0)
    else:
        if not isinstance(items, (list, tuple)) or not items:
            raise RefundError('JSON data is missing or invalid',
                              {'items': 'At least one item is required.'})
        for index, item in enumerate(items):
            refunding.add(index, item)
        total_amount = sum((p['inc'] for p in refunding.pieces), ZERO)
        total_tax = sum((p['tax'] for p in refunding.pieces), ZERO)
    override = merchant_calculated_override is not None
    if override:
        total_amount, total_tax = _override(merchant_calculated_override)
    left = dec(order['total_inc_tax']) - _refunded_total(store, oid)
    if total_amount > left:
        raise RefundError('Refund amount exceeds the refundable amount of the order.',
                          {'total_amount': '%s requested, %s left to refund.'
                                           % (v2_money(total_amount), v2_money(max(left, ZERO)))})
    return {'items': refunding.rendered, 'pieces': refunding.pieces, 'total_amount': total_amount,
            'total_tax': total_tax, 'order_level': refunding.order_level, 'override': override}


def _override(given):
    """(total_amount, total_tax) of a merchant_calculated_override."""
    try:
        total_amount = cents(given['total_amount'])
        total_tax = cents(given.get('total_tax', 0) or 0)
    except (KeyError, InvalidOperation, ValueError, TypeError, AttributeError):
        raise RefundError('Invalid merchant_calculated_override.',
                          {'merchant_calculated_override': 'total_amount and total_tax.'}) from None
    if total_amount < 0:
        raise RefundError('Invalid merchant_calculated_override.',
                          {'merchant_calculated_override.total_amount': 'Cannot be negative.'})
    return total_amount, total_tax


class _Refunding:
    """The items of one refund being computed (module doc, "Refunds")."""

    def __init__(self, store, order, side, amounts_as):
        oid = order['id']
        self.store, self.order, self.side, self.amounts_as = store, order, side, amounts_as
        self.inclusive = bool(order.get('is_tax_inclusive_pricing'))
        self.done = _done(store, oid)      # earlier refunds, then this one's items
        self.rows = {r['id']: r for r in store.order_products.get(oid, [])}
        self.tables = {FEE: {f['id']: f for f in store.order_fees.get(oid, [])}}
        addresses = {a['id']: a for a in store.order_shipping_addresses.get(oid, [])}
        self.tables[SHIPPING] = self.tables[HANDLING] = addresses
        self.rendered, self.pieces, self.order_level = [], [], ZERO

    def add(self, index, item):
        if not isinstance(item, dict):
            raise RefundError('JSON data is missing or invalid', {'items.%d' % index: 'Not an object.'})
        kind = str(item.get('item_type') or '').upper()
        if kind not in ITEM_TYPES:
            raise RefundError('Invalid item type.', {'items.%d.item_type' % index:
                                                     'One of %s.' % ', '.join(ITEM_TYPES)})
        item_id = _int(item.get('item_id'))
        if item_id is None and kind != ORDER:
            raise RefundError('Invalid item id.', {'items.%d.item_id' % index: 'Required.'})
        out = {'item_type': kind, 'item_id': item_id if item_id is not None else self.order['id'],
               'reason': str(item.get('reason') or '')}
        before = self.done.setdefault((kind, out['item_id']), [0, ZERO, ZERO, ZERO])
        if kind in (PRODUCT, GIFT_WRAPPING):
            units, share = self._units(index, item, kind, item_id, before)
            if kind == PRODUCT:
                out['quantity'] = units
            out['requested_amount'] = v3_number(share.basis) if self.amounts_as == 'amount' else None
        elif kind == ORDER:
            amount = _amount(item, index)
            units, share = 0, money.Priced(ex=amount, inc=amount, tax=ZERO)
            self.order_level += amount
            out['requested_amount'] = v3_number(amount)
        else:
            units, share = 0, self._charge(index, item, kind, item_id, before)
            out['requested_amount'] = v3_number(_amount(item, index))
        for n, value in enumerate((units, share.ex, share.inc, share.tax)):
            before[n] += value
        self.pieces.append({'type': kind, 'id': out['item_id'], 'units': units, 'ex': share.ex,
                            'inc': share.inc, 'tax': share.tax})
        if kind == FEE and _option(self.store, 'refund_fee_item_id', None) == 'order':
            out['item_id'] = self.order['id']      # as RefundID_Get describes it read back
        self.rendered.append(out)

    def _units(self, index, item, kind, item_id, before):
        """PRODUCT / GIFT_WRAPPING: (units, share) pro rata per unit."""
        if item.get('adjustments'):
            raise RefundError('Refund item adjustments are not supported by the fake store.',
                              {'items.%d.adjustments' % index: 'Not supported.'})
        row = self.rows.get(item_id)
        if row is None:
            raise RefundError('Order product %s not found.' % item_id,
                              {'items.%d.item_id' % index: 'Unknown order product id.'})
        qty = _int(item.get('quantity'))
        if qty is None or qty < 1:
            raise RefundError('Invalid quantity.', {'items.%d.quantity' % index:
                                                    'A quantity of at least 1 is required.'})
        whole = int(row['quantity'])
        if before[0] + qty > whole:
            raise RefundError('Refund quantity exceeds the refundable quantity.',
                              {'items.%d.quantity' % index:
                               '%d of %d left to refund.' % (whole - before[0], whole)})
        if kind == PRODUCT:
            tax, paid_inc = dec(row['total_tax']), dec(row['discounted_total_inc_tax'])
            basis = paid_inc if self.inclusive else paid_inc - tax
        else:
            tax = dec(row.get('wrapping_cost_tax'))
            basis = dec(row.get('wrapping_cost_inc_tax' if self.inclusive else 'wrapping_cost_ex_tax'))
            if basis <= 0:
                raise RefundError('The order product has no gift wrapping.',
                                  {'items.%d.item_id' % index: 'No gift wrapping to refund.'})
        return qty, money.refund_units(basis, tax, before[0], qty, whole, self.inclusive)

    def _charge(self, index, item, kind, item_id, before):
        """SHIPPING / HANDLING / FEE: the share of ``amount``, tax pro rata."""
        row = self.tables[kind].get(item_id)
        if row is None:
            raise RefundError('%s %s not found.' % ('Fee' if kind == FEE else 'Order address', item_id),
                              {'items.%d.item_id' % index: 'Unknown id.'})
        amount = _amount(item, index)
        paid_ex, paid_inc, tax = _charge_paid(self.store, self.order, kind, row)
        paid, already = (paid_inc, before[2]) if self.side == 'inc' else (paid_ex, before[1])
        if amount > paid - already:
            raise RefundError('Refund amount exceeds the refundable amount.',
                              {'items.%d.amount' % index:
                               '%s left to refund.' % v2_money(max(paid - already, ZERO))})
        return money.refund_amount(paid, tax, already, amount, self.side)
