"""Order writes in the fake store: POST /v2/orders (a new order, priced as
BigCommerce prices it: money.py) and PUT /v2/orders/{id} (status, addresses,
edits: lifecycle.py). A mixin of FakeBigCommerce.
"""
from decimal import Decimal

from . import factory, lifecycle, money
from .api import ApiError, _as_int, error_body
from .store import as_utc, dec

_PUT_WRITABLE = {'status_id', 'customer_id', 'customer_message', 'staff_notes', 'payment_method',
                 'payment_provider_id', 'external_source', 'external_id', 'external_merchant_id',
                 'external_order_id', 'customer_locale', 'is_email_opt_in', 'is_deleted',
                 'billing_address', 'channel_id', 'ip_address', 'ip_address_v6', 'order_source',
                 'date_created', 'ebay_order_id', 'geoip_country', 'geoip_country_iso2'}
# order_Put fields that edit the order (repriced by lifecycle.edit_order)
_PUT_EDITS = {'products', 'discount_amount', 'shipping_addresses',
              'base_shipping_cost', 'shipping_cost_ex_tax', 'shipping_cost_inc_tax',
              'base_handling_cost', 'handling_cost_ex_tax', 'handling_cost_inc_tax',
              'base_wrapping_cost', 'wrapping_cost_ex_tax', 'wrapping_cost_inc_tax'}
# order_Put fields the fake does not model (subtotal/total overrides, counts,
# fees, consignments): 400 saying so, rather than a silent success
_PUT_UNSUPPORTED = {'subtotal_ex_tax', 'subtotal_inc_tax', 'total_ex_tax', 'total_inc_tax',
                    'items_total', 'items_shipped', 'order_is_digital', 'refunded_amount',
                    'fees', 'consignments'}
_PUT_LINE_KEYS = {'id', 'quantity', 'price_ex_tax', 'price_inc_tax', 'name', 'name_customer',
                  'name_merchant', 'sku', 'upc'}


class OrderWriteRoutes:

    def _v2_create_order(self, req):
        """POST /v2/orders (order_Post): products + billing_address required."""
        body = self._json_body(req)
        for name in ('billing_address', 'products'):
            if not body.get(name):
                raise ApiError(400, error_body('v2', 400, "The required field '%s' was not supplied." % name))
        billing = body['billing_address']
        if not isinstance(billing, dict) or len(str(billing.get('zip') or '')) < 2:
            raise self._invalid(req, 'zip')   # zip required, >= 2 chars (§5)
        if not isinstance(body['products'], list):
            raise self._invalid(req, 'products')
        status_id = _as_int(body.get('status_id', 1))  # defaults to 1 (§2)
        if status_id is None or not 0 <= status_id <= 14:
            raise self._invalid(req, 'status_id')
        lines = [self._post_line(req, p) for p in body['products']]
        ship_rate, ship_basis = _charge(body, 'shipping_cost')
        hand_rate, hand_basis = _charge(body, 'handling_cost')
        wrap_rate, wrap_basis = _charge(body, 'wrapping_cost')
        charge_rate = next((r for r in (ship_rate, hand_rate, wrap_rate) if r), Decimal('0'))
        shipping = [self._post_address(a) for a in body.get('shipping_addresses') or []]
        extra = {k: body[k] for k in ('customer_message', 'staff_notes', 'external_source',
                                      'external_id', 'external_merchant_id', 'external_order_id',
                                      'channel_id', 'ip_address', 'ip_address_v6', 'customer_locale',
                                      'is_email_opt_in', 'geoip_country', 'geoip_country_iso2',
                                      'ebay_order_id', 'payment_provider_id') if k in body}
        try:
            created = as_utc(body['date_created']) if body.get('date_created') else self.store.now()
            spec = factory.order(
                lines=lines, customer_id=_as_int(body.get('customer_id', 0)) or 0,
                billing=self._post_address(billing), shipping=shipping or None,
                shipping_cost=ship_basis, handling_cost=hand_basis, wrapping_cost=wrap_basis,
                tax_rate=charge_rate, discount_amount=dec(body.get('discount_amount')),
                currency=body.get('default_currency_code') or self.store.info['currency'],
                status_id=status_id, payment_method=body.get('payment_method', ''),
                payment_status=body.get('payment_status', ''), date_created=created,
                shipping_method=None, order_source=body.get('order_source', 'external'),
                tax_provider_id='', **extra)
            spec['order_is_digital'] = not shipping
        except (ValueError, TypeError, ArithmeticError) as exc:
            raise ApiError(400, error_body('v2', 400, str(exc))) from None
        for address, given in zip(spec['_shipping_addresses'], body.get('shipping_addresses') or []):
            if given.get('shipping_method'):
                address['shipping_method'] = given['shipping_method']
        order = self.store.add_order(spec)
        return 201, self._render_order(req, order)

    def _post_line(self, req, item, order=None):
        """factory.line of a POSTed product; with ``order`` (a product added
        by PUT) the price is in that order's basis and, without both price
        sides, the line is taxed at the order's rate."""
        if not isinstance(item, dict):
            raise self._invalid(req, 'products')
        qty = _as_int(item.get('quantity'))
        if qty is None or qty < 1:
            raise self._invalid(req, 'quantity')
        ex, inc = item.get('price_ex_tax'), item.get('price_inc_tax')
        if order is None:
            # Explicit prices: tax per line = inc - ex (rate derived from them).
            # Without both prices the line is untaxed (the fake has no tax settings).
            rate = (dec(inc) - dec(ex)) / dec(ex) if ex is not None and inc is not None and dec(ex) \
                else Decimal('0')
            price = ex if ex is not None else inc
        elif ex is None and inc is None:
            price, rate = None, None
        else:
            spec = self.store.order_specs.get(order['id']) or {}
            try:
                price, rate = lifecycle.basis_of(ex, inc, None, dec(spec.get('tax_rate')),
                                                 bool(order.get('is_tax_inclusive_pricing')))
            except (ValueError, ArithmeticError):
                raise self._invalid(req, 'price_ex_tax') from None
        if item.get('product_id'):
            product = self.store.products.get(_as_int(item['product_id']))
            if product is None:
                raise self._invalid(req, 'product_id')
            variant = self._post_variant(req, product, item)
            name = item.get('name') or item.get('name_customer')
            try:
                return factory.line(product, qty, variant=variant, price=price, name=name,
                                    tax_rate=rate)
            except ValueError as exc:
                raise ApiError(400, error_body('v2', 400, str(exc))) from None
        name = item.get('name') or item.get('name_customer') or item.get('name_merchant')
        if not name:
            raise self._invalid(req, 'name')
        if ex is None or inc is None:   # required for custom products (orderCustomProduct_Post)
            raise self._invalid(req, 'price_ex_tax' if ex is None else 'price_inc_tax')
        try:
            return factory.line(None, qty, name=name, sku=item.get('sku', ''), price=price,
                                tax_rate=rate, upc=item.get('upc', ''))
        except ValueError as exc:
            raise ApiError(400, error_body('v2', 400, str(exc))) from None

    def _post_variant(self, req, product, item):
        variants = product.get('variants', [])
        if item.get('variant_id'):
            for v in variants:
                if v['id'] == _as_int(item['variant_id']):
                    return v
            raise self._invalid(req, 'variant_id')
        if not any(v.get('option_values') for v in variants):
            return None
        # product_options [{id: option id, value: option value id}] pick the variant
        wanted = {(_as_int(o.get('id')), str(o.get('value'))) for o in item.get('product_options') or []}
        for v in variants:
            if {(ov['option_id'], str(ov['id'])) for ov in v['option_values']} == wanted:
                return v
        raise self._invalid(req, 'product_options')

    def _post_address(self, given):
        """Address as posted: missing fields are '' (country name from iso2)."""
        keys = ('first_name', 'last_name', 'company', 'street_1', 'street_2', 'city', 'state',
                'zip', 'country', 'country_iso2', 'phone', 'email')
        out = {k: str(given.get(k) or '') for k in keys}
        if out['country_iso2'] and not out['country']:
            out['country'] = factory.COUNTRIES.get(out['country_iso2'].upper(), ('',))[0]
        out['form_fields'] = list(given.get('form_fields') or [])
        return out

    def _v2_update_order(self, req):
        """PUT /v2/orders/{id} (updateAnOrder, order_Put); date_modified moves.

        * merchant-writable fields (``_PUT_WRITABLE``): status_id (status and
          custom_status follow), billing_address (merged), notes, ...;
        * edits, repriced by lifecycle.edit_order with money.py (the order's
          option ``edit_discounts`` says what happens to discounts):
          ``products`` — with ``id``: update quantity (0 removes the line),
          price_ex_tax / price_inc_tax, names, sku, upc; without ``id``: add
          a catalog or custom product (as in POST); ``discount_amount``;
          ``shipping_cost_*`` / ``handling_cost_*`` / ``wrapping_cost_*`` and
          their ``base_*`` (both sides give the rate, one side keeps it);
          ``shipping_addresses`` with ``id``: address fields (not costs).
        Errors: 400 with the V2 array, nothing changed: unknown or read-only
        fields ("cannot be written to", the documented message), fields of
        order_Put the fake does not model (``_PUT_UNSUPPORTED``: "not
        supported by the fake store"), invalid values ("The field 'x' is
        invalid."), edits the store refuses (lifecycle.py).
        """
        order = self._order_or_404(req)
        body = self._json_body(req)
        for key in body:
            if key in _PUT_UNSUPPORTED:
                raise ApiError(400, error_body('v2', 400, "The field '%s' is not supported by the "
                                               "fake store." % key))
            if key not in _PUT_WRITABLE and key not in _PUT_EDITS:
                # message format of the documented 400 (§9)
                raise ApiError(400, error_body('v2', 400, "The field '%s' cannot be written to. Please "
                                               "remove it from your request before trying again." % key))
        simple = {k: v for k, v in body.items() if k in _PUT_WRITABLE}
        if 'status_id' in simple:
            sid = _as_int(simple['status_id'])
            if sid is None or not 0 <= sid <= 14:
                raise self._invalid(req, 'status_id')
            simple['status_id'] = sid
        if 'billing_address' in simple:
            if not isinstance(simple['billing_address'], dict):
                raise self._invalid(req, 'billing_address')
            simple['billing_address'] = dict(order['billing_address'], **simple['billing_address'])
        edit = self._put_edit(req, order, body)
        if edit:
            try:
                self.store.edit_order(order['id'], **edit)
            except (ValueError, TypeError, ArithmeticError) as exc:
                raise ApiError(400, error_body('v2', 400, str(exc))) from None
        try:
            self.store.update_order(order['id'], **simple)
        except ValueError as exc:
            raise ApiError(400, error_body('v2', 400, str(exc))) from None
        return 200, self._render_order(req, order)

    def _put_money(self, req, body, name):
        try:
            value = dec(body[name])
        except (ArithmeticError, ValueError, TypeError):
            raise self._invalid(req, name) from None
        if value < 0 or not value.is_finite():     # "The value can't be negative."
            raise self._invalid(req, name)
        return value

    def _put_edit(self, req, order, body):
        """edit_order keyword arguments of a PUT body (validated)."""
        edit = {}
        inclusive = bool(order.get('is_tax_inclusive_pricing'))
        if 'products' in body:
            edit['lines'] = self._put_lines(req, order, body['products'])
        spec = self.store.order_specs.get(order['id']) or {}
        for prefix, arg in (('shipping_cost', 'shipping'), ('handling_cost', 'handling'),
                            ('wrapping_cost', 'wrapping')):
            names = (prefix + '_ex_tax', prefix + '_inc_tax', 'base_' + prefix)
            if not any(n in body for n in names):
                continue
            ex, inc, base = (self._put_money(req, body, n) if n in body else None for n in names)
            try:
                basis, rate = lifecycle.basis_of(ex, inc, base, lifecycle._rate_of(spec, charge=arg)
                                                 if spec else Decimal('0'), inclusive)
                edit[arg + '_cost'] = basis
                if rate is not None:
                    edit[arg + '_tax_rate'] = money.rate(rate)
            except (ValueError, ArithmeticError):
                raise self._invalid(req, names[0]) from None
        if 'discount_amount' in body:
            edit['discount_amount'] = self._put_money(req, body, 'discount_amount')
        if 'shipping_addresses' in body:
            given = body['shipping_addresses']
            if not isinstance(given, list):
                raise self._invalid(req, 'shipping_addresses')
            known = {a['id'] for a in self.store.order_shipping_addresses.get(order['id'], [])}
            changes = {}
            for address in given:
                aid = _as_int(address.get('id')) if isinstance(address, dict) else None
                if aid is None:
                    raise ApiError(400, error_body('v2', 400, 'Adding a shipping address is not '
                                                   'supported by the fake store.'))
                if aid not in known:
                    raise self._invalid(req, 'id')
                fields = {k: v for k, v in address.items() if k != 'id'}
                bad = sorted(set(fields) - set(lifecycle.ADDRESS_TEXT_KEYS))
                if bad:
                    raise ApiError(400, error_body('v2', 400, "The field '%s' is not supported by the "
                                                   "fake store." % bad[0]))
                changes[aid] = fields
            edit['shipping_addresses'] = changes
        return edit

    def _put_lines(self, req, order, items):
        """The ``lines`` argument of edit_order for PUT ``products``: lines named
        by ``id`` are changed (their discounts cleared by default, lifecycle.py),
        quantity 0 removes a line, items without ``id`` are added."""
        if not isinstance(items, list):
            raise self._invalid(req, 'products')
        ids = [r['id'] for r in self.store.order_products.get(order['id'], [])]
        changes, added = {}, []
        for item in items:
            if not isinstance(item, dict):
                raise self._invalid(req, 'products')
            if item.get('id') is None:
                added.append(self._post_line(req, item, order=order))
                continue
            rid = _as_int(item['id'])
            if rid not in ids:
                raise self._invalid(req, 'id')
            changes.setdefault(rid, {'id': rid}).update(self._put_line_change(req, item))
        # "To remove a product from an order, set that product's quantity to 0."
        kept = [changes.get(rid, rid) for rid in ids if changes.get(rid, {}).get('quantity') != 0]
        return kept + added

    def _put_line_change(self, req, item):
        """The change of an existing order product (orderCatalogProduct_Put /
        orderCustomProduct_Put: only the fields given are updated)."""
        bad = sorted(set(item) - _PUT_LINE_KEYS)
        if bad:   # product_id, variant_id, product_options, wrapping_*: not modelled
            raise ApiError(400, error_body('v2', 400, "The field '%s' is not supported by the "
                                           "fake store for an existing order product." % bad[0]))
        change = {}
        if 'quantity' in item:
            change['quantity'] = _as_int(item['quantity'])
            if change['quantity'] is None or change['quantity'] < 0:
                raise self._invalid(req, 'quantity')
        for key in ('price_ex_tax', 'price_inc_tax'):
            if key in item:
                change[key] = self._put_money(req, item, key)
        names = {item[k] for k in ('name', 'name_customer') if k in item}
        if len(names) > 1:   # "If both fields ... are present, they must have the same value."
            raise ApiError(400, error_body('v2', 400, "The fields 'name' and 'name_customer' "
                                           "must have the same value."))
        for key in ('name', 'name_customer', 'name_merchant'):
            if key in item and not item[key]:   # "Empty strings '' and null are invalid"
                raise self._invalid(req, key)
        if names:
            change['name'] = names.pop()
        change.update({k: item[k] for k in ('name_merchant', 'sku', 'upc') if k in item})
        return change

    # -- V3 catalog --------------------------------------------------------


def _charge(body, name):
    """(tax rate, ex-tax basis) of a POSTed charge from its _ex_tax/_inc_tax pair."""
    ex, inc = body.get(name + '_ex_tax'), body.get(name + '_inc_tax')
    if ex is None and inc is None:
        return None, Decimal('0')
    if ex is None or inc is None or not dec(ex):
        return None, dec(ex if ex is not None else inc)
    return (dec(inc) - dec(ex)) / dec(ex), dec(ex)
