"""After the order is placed: status changes, edits and refunds in the fake store.

The store-side half of ``PUT /v2/orders/{id}`` and of the Orders V3 refund
endpoints (server.py). ``FakeStore.set_status``, ``edit_order``,
``create_refund``, ``refund_quote``, ``refundable`` and ``full_refund_items``
call these functions. Sources: ``orders.v2.oas2.yml`` (updateAnOrder,
order_Put, orderProducts), ``orders.v3.yml`` (payment_actions/refunds,
refund_quotes, Refund, RefundItem), ``docs/store-operations_orders_refunds.mdx``
and ``LIFECYCLE-FACTS.md``. ⚠️ marks what those files do not settle; each such
behaviour is an option (a ``FakeStore`` attribute, overridable per call).

Status changes
--------------
``set_status(order, status_id)``: ``status`` and ``custom_status`` from the
status table, ``date_modified`` moves to the store clock (or ``when``). No
other field changes (⚠️ the documents do not say that setting 4 Refunded or
5 Cancelled by PUT creates refunds, voids payments or moves
``payment_status``; the fake does none of it).

Edits
-----
``edit_order`` reprices the order with ``factory.order`` and the arguments it
was built with (``FakeStore.order_specs``): one pricing implementation
(money.py), so every identity of money.py holds after an edit. Row and
address ids, dates, status, payment fields, refunds and shipments stay; the
money fields of the order, its lines, shipping addresses (cost fields and
``items_total``), coupon rows and fees are replaced; ``date_modified`` moves.

Discounts of edited lines, option ``edit_discounts``: the spec says "After
the update, the PUT request clears all discounts and promotions applied to
the changed order line items" (updateAnOrder), which does not say what
happens to an order-level discount spread over several lines.

* ``'clear_changed'`` (default, the spec's sentence): a changed or added
  line has no ``applied_discounts``; every other line keeps its entries
  exactly (coupon shares, promotions, manual-discount shares, frozen as
  line-level amounts), so ``coupon_discount`` and ``discount_amount`` drop by
  what the changed lines had; coupon rows keep their ids, ``discount`` = what
  their code still holds on the lines. Shipping coupons (types 3, 4) stay.
  A new ``discount_amount`` (or ``coupon``) given to the edit replaces the
  frozen manual (coupon) shares and is spread over all lines again.
* ``'keep'``: reprice as at checkout: coupons, promotions and the manual
  discount spread again over the new lines.

⚠️ Refused (ValueError; 400 over HTTP): a line quantity below what was
already refunded or shipped, removing such a line, changing
``tax_inclusive`` or ``currency``, and any money edit of an order not built
by ``factory.order`` (no spec to reprice).

Refunds
-------
The rules of refunds and their options are in ``refunds.py`` (its functions
are reached through this module: ``lifecycle.create_refund`` ...).
"""
import copy
from decimal import Decimal

from . import factory, money
from .store import as_utc, cents, dec, rfc2822, v3_number

ZERO = Decimal('0.00')
PRODUCT, GIFT_WRAPPING, SHIPPING, HANDLING, ORDER, FEE = (
    'PRODUCT', 'GIFT_WRAPPING', 'SHIPPING', 'HANDLING', 'ORDER', 'FEE')
ITEM_TYPES = (PRODUCT, GIFT_WRAPPING, SHIPPING, HANDLING, ORDER, FEE)
UNPAID = frozenset({'pending', 'authorized', 'declined', 'void', 'void pending',
                    'held for review', 'capture pending'})
REFUNDED, PARTIALLY_REFUNDED = 4, 14

OPTIONS = {
    'edit_discounts': ('clear_changed', 'keep'),
    'refund_item_amounts': ('amount', 'null'),
    'refund_charge_side': ('basis', 'ex', 'inc'),
    'refund_amount_fields': ('sum', 'zero'),
    'refund_line_is_refunded': ('all', 'any'),
    'refund_sets_status': (True, False),
    'refund_transactions': (True, False),
    'refund_requires_payment': (True, False),
    'refunds_meta': ('pagination', 'empty'),      # server.py, _v3_refunds
    'refund_moves_date_modified': (True, False),  # refunds.py
    'refund_fee_item_id': ('fee', 'order'),       # refunds.py
}
DEFAULTS = {name: values[0] for name, values in OPTIONS.items()}


class RefundError(ValueError):
    """A refund the store refuses (422). ``errors``: {field: message}."""

    def __init__(self, title, errors=None):
        super().__init__(title)
        self.title, self.errors = title, dict(errors or {})


def _option(store, name, given):
    value = getattr(store, name, DEFAULTS[name]) if given is None else given
    if value not in OPTIONS[name]:
        raise ValueError('%s must be one of %r, got %r' % (name, OPTIONS[name], value))
    return value


def _stamp(store, when):
    return as_utc(when) if when is not None else store.now()


# ---------------------------------------------------------------- status

def set_status(store, order_id, status_id, when=None):
    """Status change as the merchant makes it (module doc)."""
    with store.lock:
        order = store.orders[int(order_id)]
        status = store.status(status_id)      # KeyError for an unknown id
        order['status_id'] = status['id']
        order['status'] = status['name']
        order['custom_status'] = status['custom_label']
        order['date_modified'] = rfc2822(_stamp(store, when))
        return order


# ---------------------------------------------------------------- edits

# order fields an edit replaces with the repriced values
ORDER_MONEY_KEYS = (
    'subtotal_ex_tax', 'subtotal_inc_tax', 'subtotal_tax',
    'base_shipping_cost', 'shipping_cost_ex_tax', 'shipping_cost_inc_tax', 'shipping_cost_tax',
    'shipping_cost_tax_class_id', 'base_handling_cost', 'handling_cost_ex_tax',
    'handling_cost_inc_tax', 'handling_cost_tax', 'handling_cost_tax_class_id',
    'base_wrapping_cost', 'wrapping_cost_ex_tax', 'wrapping_cost_inc_tax', 'wrapping_cost_tax',
    'wrapping_cost_tax_class_id', 'total_ex_tax', 'total_inc_tax', 'total_tax',
    'items_total', 'discount_amount', 'coupon_discount', 'tax_provider_id')
# line fields an edit replaces (names/sku only when the edit gives them)
ROW_MONEY_KEYS = (
    'base_price', 'price_ex_tax', 'price_inc_tax', 'price_tax', 'base_total', 'total_ex_tax',
    'total_inc_tax', 'total_tax', 'quantity', 'applied_discounts', 'discounted_total_inc_tax',
    'wrapping_id', 'wrapping_name', 'base_wrapping_cost', 'wrapping_cost_ex_tax',
    'wrapping_cost_inc_tax', 'wrapping_cost_tax')
ADDRESS_MONEY_KEYS = (
    'base_cost', 'cost_ex_tax', 'cost_inc_tax', 'cost_tax', 'cost_tax_class_id',
    'base_handling_cost', 'handling_cost_ex_tax', 'handling_cost_inc_tax', 'handling_cost_tax',
    'handling_cost_tax_class_id')
ADDRESS_TEXT_KEYS = ('first_name', 'last_name', 'company', 'street_1', 'street_2', 'city',
                     'state', 'zip', 'country', 'country_iso2', 'phone', 'email',
                     'shipping_method', 'form_fields')
# factory.order arguments an edit may change
EDITABLE_ORDER_ARGS = frozenset({
    'shipping_cost', 'handling_cost', 'wrapping_cost', 'tax_rate', 'coupon', 'discount_amount',
    'promotions', 'fees', 'shipping_tax_rate', 'handling_tax_rate', 'wrapping_tax_rate',
    'tax_before_discount', 'shipping_discount_in_cost'})
LINE_CHANGE_KEYS = frozenset({'id', 'quantity', 'qty', 'price', 'price_ex_tax', 'price_inc_tax',
                              'tax_rate', 'name', 'name_customer', 'name_merchant', 'sku', 'upc',
                              'wrapping'})


def _rate_of(spec, line_spec=None, charge=None):
    if line_spec is not None and line_spec.get('_tax_rate') is not None:
        return line_spec['_tax_rate']
    if charge and spec.get(charge + '_tax_rate') is not None:
        return money.rate(spec[charge + '_tax_rate'])
    return money.rate(spec.get('tax_rate') or 0)


def basis_of(ex, inc, base, rate, inclusive):
    """(basis amount, rate or None) of a price or charge written as its ex-tax
    and/or inc-tax sides (PUT /v2/orders, "You can optionally override tax
    values by specifying price_inc_tax and price_ex_tax"): both sides give
    the rate (inc - ex) / ex and the basis side is taken; one side keeps
    ``rate`` (the other side converted at it, to the cent); ``base`` is the
    basis amount itself. Raises ValueError on a negative or odd pair."""
    ex = None if ex is None else dec(ex)
    inc = None if inc is None else dec(inc)
    base = None if base is None else dec(base)
    for value in (ex, inc, base):
        if value is not None and value < 0:
            raise ValueError('amounts cannot be negative')
    if ex is not None and inc is not None:
        if inc < ex:
            raise ValueError('price_inc_tax is below price_ex_tax')
        new_rate = (inc - ex) / ex if ex else None
        return cents(inc if inclusive else ex), new_rate
    if base is not None:
        return cents(base), None
    if inclusive:
        return (cents(inc) if inc is not None else cents(ex * (1 + rate))), None
    return (cents(ex) if ex is not None else cents(inc / (1 + rate))), None


def _frozen(row):
    """A row's applied_discounts as fixed line-level discount entries."""
    return [{'id': str(d['id']), 'amount': cents(d['amount']), 'name': d.get('name'),
             'code': d.get('code'), 'target': d.get('target', 'order')}
            for d in row.get('applied_discounts') or []]


def edit_order(store, order_id, lines=None, *, quantities=None, prices=None, remove=(), add=(),
               changed=(), billing_address=None, shipping_addresses=None, edit_discounts=None,
               when=None, **order_args):
    """Edit an order as staff do in the control panel (module doc).

    lines: the new line list, in order; each element is an existing line id
    (kept as is), a dict ``{'id': line id, 'quantity'|'price'|'price_ex_tax'|
    'price_inc_tax'|'tax_rate'|'name'|'name_merchant'|'sku'|'upc'|'wrapping': ...}``
    (that line changed; quantity 0 removes it; ``price`` is in the pricing
    basis) or a ``factory.line(...)`` spec (a new line). Lines left out are
    removed. Default: the current lines, then the shortcuts:
    quantities ``{line id: qty}``, prices ``{line id: unit price (basis)}``,
    remove ``[line id]``, add ``[factory.line(...)]``, changed ``[line id]``
    (count a line as changed without changing it).
    billing_address: fields merged into it; shipping_addresses: ``{address
    id: {field: value}}`` (names and street fields, not costs).
    order_args: factory.order money arguments (shipping_cost, handling_cost,
    wrapping_cost, discount_amount, coupon, promotions, fees, tax_rate, the
    *_tax_rate and the two tax modes). edit_discounts: the option (module
    doc). Returns the order; raises ValueError (nothing changed) when refused.
    """
    with store.lock:
        oid = int(order_id)
        order = store.orders[oid]
        unknown = set(order_args) - EDITABLE_ORDER_ARGS
        if unknown & {'tax_inclusive', 'currency'}:
            raise ValueError('an edit cannot change %s' % ', '.join(sorted(unknown)))
        if unknown:
            raise TypeError('edit_order() got unexpected arguments %s' % ', '.join(sorted(unknown)))
        reprice = (lines is not None or quantities or prices or remove or add or changed
                   or order_args)
        rows = store.order_products.get(oid, [])
        addresses = store.order_shipping_addresses.get(oid, [])
        if shipping_addresses:
            by_id = {a['id']: a for a in addresses}
            for aid, fields in shipping_addresses.items():
                if int(aid) not in by_id:
                    raise ValueError('order %s has no shipping address %s' % (oid, aid))
                bad = set(fields) - set(ADDRESS_TEXT_KEYS)
                if bad:
                    raise ValueError('cannot edit %s of a shipping address' % ', '.join(sorted(bad)))
        plan = None
        if reprice:
            plan = _plan_edit(store, order, rows, lines, quantities, prices, remove, add, changed,
                              _option(store, 'edit_discounts', edit_discounts), order_args)
        # ---- nothing below raises: apply
        if plan is not None:
            _apply_edit(store, order, rows, addresses, *plan)
        if billing_address:
            order['billing_address'] = dict(order.get('billing_address') or {}, **billing_address)
            spec = store.order_specs.get(oid)
            if spec is not None:
                spec['billing'] = copy.deepcopy(order['billing_address'])
        for aid, fields in (shipping_addresses or {}).items():
            next(a for a in addresses if a['id'] == int(aid)).update(fields)
        order['date_modified'] = rfc2822(_stamp(store, when))
        return order


def _plan_edit(store, order, rows, lines, quantities, prices, remove, add, changed, mode,
               order_args):
    """(repriced factory.order dict, kept, mode, coupons replaced): validates
    the whole edit; changes nothing. kept: (row id or None, changed) per line."""
    oid = order['id']
    spec = store.order_specs.get(oid)
    if spec is None:
        raise ValueError('order %s was not built by factory.order: the fake cannot reprice it' % oid)
    by_id = {ls['_row_id']: ls for ls in spec['lines']}
    row_by_id = {r['id']: r for r in rows}
    if lines is None:
        lines = _lines_from_shortcuts(oid, spec, quantities, prices, remove, add, changed)
    new_specs, kept, seen = [], [], set()
    for element in lines:
        if isinstance(element, dict) and '_price' in element:      # a factory.line spec
            new_specs.append(copy.deepcopy(element))
            kept.append((None, True))
            continue
        change = dict(element) if isinstance(element, dict) else {'id': element}
        rid = _int(change.get('id'))
        if rid is None:
            raise ValueError('a line change needs the line id')
        if rid not in by_id or rid not in row_by_id:
            raise ValueError('order %s has no line %s' % (oid, rid))
        if rid in seen:
            raise ValueError('line %s is listed twice' % rid)
        seen.add(rid)
        ls = _changed_line(spec, by_id[rid], change, row_by_id[rid])
        if ls is not None:                                # None: quantity 0, removed
            new_specs.append(ls)
            kept.append((rid, isinstance(element, dict)))
    if not new_specs:
        raise ValueError('an order needs lines')
    _check_floors(rows, kept, new_specs)
    args = copy.deepcopy(spec)
    args.update(copy.deepcopy(order_args))
    if mode == 'clear_changed':
        _keep_discounts_where_they_are(args, kept, new_specs, row_by_id, order_args)
    args['lines'] = new_specs
    for ls in new_specs:
        ls.pop('_row_id', None)
    try:
        priced = factory.order(**args)
    except ValueError as exc:
        raise ValueError('edit refused: %s' % exc) from None
    return priced, kept, mode, 'coupon' in order_args


def _lines_from_shortcuts(oid, spec, quantities, prices, remove, add, changed):
    """The ``lines`` list of edit_order's quantities / prices / remove / add / changed."""
    quantities, prices = dict(quantities or {}), dict(prices or {})
    removed = {int(i) for i in remove or ()}
    changed = {int(i) for i in changed or ()}
    both = removed & (set(quantities) | set(prices) | changed)
    if both:
        raise ValueError('line %s is both removed and changed' % min(both))
    known = {ls['_row_id'] for ls in spec['lines']}
    unknown = (set(quantities) | set(prices) | removed | changed) - known
    if unknown:
        raise ValueError('order %s has no line %s' % (oid, ', '.join(map(str, sorted(unknown)))))
    lines = []
    for ls in spec['lines']:
        rid = ls['_row_id']
        if rid in removed:
            continue
        change = {'quantity': quantities[rid]} if rid in quantities else {}
        if rid in prices:
            change['price'] = prices[rid]
        lines.append(dict(change, id=rid) if change or rid in changed else rid)
    return lines + list(add or ())


def _changed_line(spec, line_spec, change, row):
    """A copy of ``line_spec`` with ``change`` applied (None: quantity 0)."""
    bad = set(change) - LINE_CHANGE_KEYS
    if bad:
        raise ValueError('cannot change %s of a line' % ', '.join(sorted(bad)))
    ls = copy.deepcopy(line_spec)
    qty = change.get('quantity', change.get('qty'))
    if qty is not None:
        if int(qty) < 0:
            raise ValueError('quantity cannot be negative')
        if int(qty) == 0:
            return None
        ls['_qty'] = int(qty)
    if 'tax_rate' in change:
        ls['_tax_rate'] = None if change['tax_rate'] is None else money.rate(change['tax_rate'])
    if {'price', 'price_ex_tax', 'price_inc_tax'} & set(change):
        basis, new_rate = basis_of(change.get('price_ex_tax'), change.get('price_inc_tax'),
                                   change.get('price'), _rate_of(spec, ls),
                                   bool(spec.get('tax_inclusive')))
        ls['_price'] = basis
        if new_rate is not None:
            ls['_tax_rate'] = money.rate(new_rate)
    if 'wrapping' in change:
        ls['_wrapping'] = cents(change['wrapping']) if change['wrapping'] else None
    name = change.get('name', change.get('name_customer'))
    if name is not None:
        if not str(name):
            raise ValueError('a line name cannot be empty')
        ls['name'] = str(name)
        # "if you omit name_merchant from the request, it will not be updated"
        ls['_overrides'] = dict(ls.get('_overrides') or {},
                                name_merchant=row.get('name_merchant', name))
    if change.get('name_merchant'):
        ls['_overrides'] = dict(ls.get('_overrides') or {}, name_merchant=change['name_merchant'])
    for key in ('sku', 'upc'):
        if key in change:
            ls[key] = str(change[key] or '')
    return ls


def _check_floors(rows, kept, new_specs):
    """A line keeps at least the units already refunded or shipped (⚠️)."""
    quantity_of = {rid: ls['_qty'] for (rid, _), ls in zip(kept, new_specs, strict=True)
                   if rid is not None}
    for row in rows:
        floor = max(int(row.get('quantity_refunded') or 0), int(row.get('quantity_shipped') or 0))
        if not floor:
            continue
        if row['id'] not in quantity_of:
            raise ValueError('line %s was refunded or shipped: it cannot be removed' % row['id'])
        if quantity_of[row['id']] < floor:
            raise ValueError('line %s: quantity below what was refunded or shipped (%s)'
                             % (row['id'], floor))


def _keep_discounts_where_they_are(args, kept, new_specs, row_by_id, order_args):
    """edit_discounts='clear_changed': changed lines lose their discounts, the
    others keep theirs as fixed line-level entries; what those entries already
    hold is taken out of the order-level arguments (module doc)."""
    new_manual, new_coupons = 'discount_amount' in order_args, 'coupon' in order_args
    for (rid, is_changed), ls in zip(kept, new_specs, strict=True):
        if is_changed:
            ls['_discounts'] = []
            continue
        frozen = _frozen(row_by_id[rid])
        if new_manual:
            frozen = [d for d in frozen if d['id'] != 'manual-discount']
        if new_coupons:
            frozen = [d for d in frozen if d['id'] != money.COUPON_ID]
        ls['_discounts'] = frozen
    coupons = args.get('coupon')
    coupons = [] if coupons is None else ([coupons] if isinstance(coupons, dict) else list(coupons))
    if not new_coupons:
        coupons = [c for c in coupons if c['type'] in (3, 4)]
    args['coupon'] = coupons or None
    if not new_manual:
        args['discount_amount'] = ZERO
    if 'promotions' not in order_args:
        args['promotions'] = None


def _apply_edit(store, order, rows, addresses, priced, kept, mode, coupons_replaced):
    """Write a planned edit into the stored order, in place (ids kept)."""
    oid = order['id']
    for key in ORDER_MONEY_KEYS:
        order[key] = priced[key]
    _apply_rows(store, order, rows, addresses, priced['_products'], kept)
    for address, new_address in zip(addresses, priced['_shipping_addresses'], strict=True):
        address.update({k: new_address[k] for k in ADDRESS_MONEY_KEYS})
        address['items_total'] = sum(r['quantity'] for r in rows
                                     if r.get('order_address_id') == address['id'])
    _apply_coupons(store, oid, rows, priced['_coupons'], mode, coupons_replaced)
    store.order_fees.setdefault(oid, [])[:] = priced['_fees']
    spec = priced['_spec']
    for ls, row in zip(spec['lines'], rows, strict=True):
        ls['_row_id'] = row['id']
    store.order_specs[oid] = spec


def _apply_rows(store, order, rows, addresses, new_rows, kept):
    """Kept lines: money fields (and names, sku, upc) replaced in the same dict,
    everything else (ids, refunds, shipments) kept; new lines get ids."""
    old_rows = {r['id']: r for r in rows}
    address_ids = [a['id'] for a in addresses]
    result = []
    for (rid, _changed), new_row in zip(kept, new_rows, strict=True):
        ship_to = new_row.pop('_ship_to', 0)
        if rid is not None:
            row = old_rows[rid]
            row.update({k: new_row[k] for k in ROW_MONEY_KEYS})
            row.update({k: new_row[k] for k in ('name', 'name_customer', 'name_merchant', 'sku', 'upc')})
        else:
            row = new_row
            row['id'] = store.next_id('order_product')
            row['order_id'] = order['id']
            if address_ids and not row.get('order_address_id'):
                row['order_address_id'] = address_ids[min(ship_to, len(address_ids) - 1)]
            for option in row.get('product_options', []):
                option['id'] = store.next_id('option', option.get('id'))
                option['order_product_id'] = row['id']
        result.append(row)
    rows[:] = result
    store.order_products[order['id']] = rows


def _apply_coupons(store, oid, rows, new_rows, mode, replaced):
    """Coupon rows after an edit: new coupons replace them; 'keep' takes the
    repriced discounts; 'clear_changed' the shares still on the lines."""
    stored = store.order_coupons.setdefault(oid, [])
    if replaced:
        for row in new_rows:
            row['id'] = store.next_id('coupon')
            row['order_id'] = oid
        stored[:] = new_rows
        return
    if mode == 'keep':
        for row, new in zip(stored, new_rows, strict=False):
            row.update(amount=new['amount'], discount=new['discount'])
        return
    held = {}
    for row in rows:
        for d in row.get('applied_discounts') or []:
            if d['id'] == money.COUPON_ID:
                held[d.get('code')] = held.get(d.get('code'), ZERO) + dec(d['amount'])
    shipping = {c['code']: c for c in new_rows}
    for row in stored:
        if row['type'] not in (3, 4):
            row['discount'] = v3_number(held.get(row['code'], ZERO))
        elif row['code'] in shipping:
            row['discount'] = shipping[row['code']]['discount']


# ---------------------------------------------------------------- refunds

def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# The refund half lives in refunds.py; imported last, as it builds on the above.
from .refunds import (  # noqa: E402
    compute_refund,
    create_refund,
    default_payment,
    full_refund_items,
    list_refunds,
    refund_quote,
    refundable,
)

__all__ = ['RefundError', 'compute_refund', 'create_refund', 'default_payment', 'edit_order',
           'full_refund_items', 'list_refunds', 'refund_quote', 'refundable', 'set_status']
