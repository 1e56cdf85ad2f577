"""Builders of spec-shaped BigCommerce payloads for tests.

    p = factory.product(name='Mug', sku='MUG', price=Decimal('8.50'))
    o = factory.order(lines=[factory.line(p, 2)], tax_rate=Decimal('0.2'))
    server.store.add_product(p); server.store.add_order(o)

Shapes follow the examples in shared/bigcommerce/examples (product_Full,
order_Resp, orderProducts, orderShippingAddress, coupons, transactions).
Ids: products/variants/options get ids here (process-wide counters, see
``reset``); order-level ids (order, lines, addresses, coupons, transactions)
are assigned by ``FakeStore.add_order``.

Money (``order``)
-----------------
``order`` prices lines, discounts, charges and fees with ``money.price_order``;
the exact meaning of every money field, the options
(``tax_before_discount``, ``shipping_discount_in_cost``, per-charge tax
rates) and the identities that hold to the cent are in the docstring of
``fake_bigcommerce/money.py``. In short: amounts are given in the pricing
basis (ex-tax, or inc-tax when ``tax_inclusive``); BigCommerce taxes each
line on its amount after its applied_discounts, line ``total_*`` and
``subtotal_*`` stay undiscounted, ``discounted_total_inc_tax`` is what the
shopper pays for the line.

The rows of a priced order are built in order_rows.py, refund request items in
refund_items.py, ready-made orders and the sandbox in sample_data.py; all are
reached from here (``factory.refund_product``, ``factory.orders`` ...).
"""
import copy
import itertools
import random
import re
from decimal import Decimal

from . import money
from .order_rows import _fee_row, _order_product_row, _shipping_row, _transactions
from .store import CURRENCY_IDS, cents, dec, iso8601, normalize_product, v2_money, v3_number

_START = {'product': 100, 'variant': 300, 'sku': 500, 'option': 10,
          'option_value': 60, 'coupon': 1, 'gateway': 1000}
_counters = {}


def reset():
    """Restart the id counters (products from 100, variants from 300, ...)."""
    _counters.clear()
    _counters.update({k: itertools.count(v) for k, v in _START.items()})


def _take(kind, wanted=None):
    """Next id of a kind, or ``wanted`` when given (the counter then skips past it)."""
    if wanted is not None:
        cur = next(_counters[kind])
        _counters[kind] = itertools.count(max(cur, int(wanted) + 1))
        return int(wanted)
    return next(_counters[kind])


reset()

# ---------------------------------------------------------------- addresses

# iso2 -> (country name, default state, city, zip, street)
COUNTRIES = {
    'US': ('United States', 'Texas', 'Austin', '78751', '555 Main Street'),
    'GB': ('United Kingdom', 'Greater London', 'London', 'SW1A 1AA', '10 Downing Street'),
    'DE': ('Germany', 'Berlin', 'Berlin', '10115', 'Invalidenstraße 117'),
    'FR': ('France', 'Île-de-France', 'Paris', '75001', '1 Rue de Rivoli'),
    'CA': ('Canada', 'Ontario', 'Toronto', 'M5V 2T6', '290 Bremner Blvd'),
    'AU': ('Australia', 'New South Wales', 'Sydney', '2000', '1 Macquarie St'),
    'NL': ('Netherlands', 'Noord-Holland', 'Amsterdam', '1012 AB', 'Dam 1'),
    'BE': ('Belgium', 'Brussels', 'Brussels', '1000', 'Grand-Place 1'),
    'IT': ('Italy', 'Lazio', 'Rome', '00184', 'Via Nazionale 1'),
    'ES': ('Spain', 'Madrid', 'Madrid', '28013', 'Calle Mayor 1'),
    'IE': ('Ireland', 'Dublin', 'Dublin', 'D02 X285', '1 Grafton Street'),
    'MX': ('Mexico', 'Ciudad de México', 'Mexico City', '06000', 'Av. Juárez 1'),
}


def address(first_name='Jane', last_name='Doe', email='janedoe@example.com',
            country_iso2='US', state=None, city=None, zip=None, street_1=None,
            street_2='', company='', phone='555-123-4567', form_fields=None, **overrides):
    """V2 billing/shipping address (billingAddress_Resp); country name from iso2."""
    country, d_state, d_city, d_zip, d_street = COUNTRIES.get(
        country_iso2.upper(), (country_iso2.upper(), '', 'City', '00000', '1 Main Street'))
    result = {
        'first_name': first_name, 'last_name': last_name, 'company': company,
        'street_1': street_1 if street_1 is not None else d_street, 'street_2': street_2,
        'city': city if city is not None else d_city,
        'state': state if state is not None else d_state,
        'zip': zip if zip is not None else d_zip,
        'country': country, 'country_iso2': country_iso2.upper(),
        'phone': phone, 'email': email, 'form_fields': list(form_fields or []),
    }
    result.update(overrides)
    return result


# ---------------------------------------------------------------- catalog

def variant(sku, price=None, options=None, **overrides):
    """V3 variant (schema productVariant_Full). ``options`` maps option name ->
    value label; ``product()`` gives the option ids. ``price=None`` inherits."""
    result = {
        'id': None, 'product_id': None, 'sku': sku, 'sku_id': None,
        'price': v3_number(price), 'calculated_price': None,
        'sale_price': None, 'retail_price': None, 'map_price': None,
        'weight': None, 'calculated_weight': None,
        'width': None, 'height': None, 'depth': None,
        'is_free_shipping': False, 'fixed_cost_shipping_price': None,
        'purchasing_disabled': False, 'purchasing_disabled_message': '',
        'image_url': '', 'cost_price': None, 'upc': '', 'mpn': '', 'gtin': '',
        'inventory_level': 0, 'inventory_warning_level': 0, 'bin_picking_number': '',
        'option_values': [
            {'id': None, 'label': str(label), 'option_id': None, 'option_display_name': name}
            for name, label in (options or {}).items()
        ],
    }
    result.update(overrides)
    return result


def _slug(text):
    return re.sub(r'[^a-z0-9]+', '-', text.lower()).strip('-')


def product(id=None, name='Sample Product', sku=None, price=Decimal('10.00'),
            description=None, variants=None, **overrides):
    """V3 product (product_Full fields) with its ``variants``.

    Without ``variants``: one base variant (sku = product sku, no option
    values, sku_id and price null). Option ids are consistent per option
    name, value ids per (option, label), within the product.
    """
    pid = _take('product', id)
    sku = 'SKU-%d' % pid if sku is None else sku
    result = {
        'id': pid, 'name': name, 'type': 'physical', 'sku': sku,
        'description': '<p><span>%s</span></p>' % name if description is None else description,
        'weight': 1, 'width': 0, 'depth': 0, 'height': 0,
        'price': v3_number(price), 'cost_price': 0, 'retail_price': 0,
        'sale_price': 0, 'map_price': 0, 'tax_class_id': 0, 'product_tax_code': '',
        'calculated_price': v3_number(price), 'categories': [23], 'brand_id': 0,
        'option_set_id': None, 'option_set_display': 'right',
        'inventory_level': 0, 'inventory_warning_level': 0, 'inventory_tracking': 'none',
        'reviews_rating_sum': 0, 'reviews_count': 0, 'total_sold': 0,
        'fixed_cost_shipping_price': 0, 'is_free_shipping': False,
        'is_visible': True, 'is_featured': False, 'related_products': [-1],
        'warranty': '', 'bin_picking_number': '', 'layout_file': 'product.html',
        'upc': '', 'mpn': '', 'gtin': '', 'search_keywords': '',
        'availability': 'available', 'availability_description': '',
        'gift_wrapping_options_type': 'any', 'gift_wrapping_options_list': [],
        'sort_order': 0, 'condition': 'New', 'is_condition_shown': False,
        'order_quantity_minimum': 0, 'order_quantity_maximum': 0,
        'page_title': '', 'meta_keywords': [], 'meta_description': '',
        'date_created': None, 'date_modified': None,  # store clock when added
        'view_count': 0, 'preorder_release_date': None, 'preorder_message': '',
        'is_preorder_only': False, 'is_price_hidden': False, 'price_hidden_label': '',
        'custom_url': {'url': '/%s/' % _slug(name), 'is_customized': False},
        'base_variant_id': None, 'open_graph_type': 'product', 'open_graph_title': '',
        'open_graph_description': '', 'open_graph_use_meta_description': True,
        'open_graph_use_product_name': True, 'open_graph_use_image': True,
        'images': [],
    }
    if variants is None:
        variants = [variant(sku)]
    option_ids, value_ids, built = {}, {}, []
    for v in variants:
        v = copy.deepcopy(v)
        v['id'] = _take('variant', v.get('id'))
        v['product_id'] = pid
        for ov in v['option_values']:
            name_ = ov['option_display_name']
            if ov.get('option_id') is None:
                ov['option_id'] = option_ids.setdefault(name_, _take('option'))
            if ov.get('id') is None:
                ov['id'] = value_ids.setdefault((name_, ov['label']), _take('option_value'))
        if v['option_values'] and v.get('sku_id') is None:
            v['sku_id'] = _take('sku')
        built.append(v)
    result['variants'] = built
    if any(v['option_values'] for v in built):
        result['inventory_tracking'] = 'variant'
        result['option_set_id'] = None
    for key in ('price', 'cost_price', 'retail_price', 'sale_price', 'map_price', 'weight'):
        if key in overrides:
            overrides[key] = v3_number(overrides[key])
    result.update(overrides)
    for key in ('date_created', 'date_modified'):
        if result[key] is not None:
            result[key] = iso8601(result[key])
    return normalize_product(result)


_ADJ = ['Classic', 'Organic', 'Vintage', 'Modern', 'Rustic', 'Deluxe', 'Compact', 'Sturdy',
        'Linen', 'Ceramic', 'Bamboo', 'Copper']
_NOUN = ['Mug', 'Towel', 'Jar', 'Notebook', 'Lamp', 'Basket', 'Apron', 'Candle', 'Bowl',
         'Tote', 'Blanket', 'Kettle']
SIZES = ['S', 'M', 'L']
COLOURS = ['Red', 'Blue']


def catalog(n, variants_every=None, seed=0, store=None, **overrides):
    """``n`` deterministic products; every ``variants_every``-th product has
    Size (S/M/L) x Color (Red/Blue) variants, one of them custom priced.
    With ``store`` the products are added and the stored dicts returned."""
    rng = random.Random(seed)
    result = []
    for i in range(n):
        name = '%s %s %d' % (rng.choice(_ADJ), rng.choice(_NOUN), i + 1)
        price = cents(Decimal(rng.randint(199, 19999)) / 100)
        sku = 'CAT-%05d' % (i + 1)
        variants = None
        if variants_every and (i + 1) % variants_every == 0:
            variants = [variant('%s-%s-%s' % (sku, s, c), options={'Size': s, 'Color': c},
                                price=(price + 2 if (s, c) == ('L', 'Blue') else None))
                        for s in SIZES for c in COLOURS]
        p = product(name=name, sku=sku, price=price, variants=variants,
                    description='<p>%s, item %d.</p>' % (name, i + 1), **overrides)
        result.append(store.add_product(p) if store is not None else p)
    return result


# ---------------------------------------------------------------- order pieces

def line(product=None, qty=1, variant=None, price=None, name=None, sku=None,
         discounts=None, tax_rate=None, ship_to=0, quantity=None, wrapping=None,
         wrapping_name='Gift Wrapping', **overrides):
    """An order line *spec*; ``order()`` prices it into an orderProducts row.

    product: V3 product dict, or None for a custom line (product_id 0; needs
    name and price). variant: variant dict, id or sku; default the base
    variant (required when the product has option variants). price: unit
    price in the pricing basis (default: the variant's calculated price).
    discounts: line-level discounts off the line total, in the pricing basis:
    Decimal amounts, or dicts {amount, id, name, code, target} (defaults
    'line-discount', 'Line Discount', None, 'product'); an automatic
    promotion is ``promotion(amount, id='3', name='Summer promo',
    target='product')``. tax_rate: this line's rate (0 = zero-rated), default
    the order's. ship_to: index of the shipping address. wrapping: gift
    wrapping price per unit in the pricing basis (the line's
    ``wrapping_cost_*`` = unit x quantity, taxed at the order's wrapping rate
    and counted in the order's ``wrapping_cost_*``, money.py).
    ``overrides`` are set on the resulting row (e.g. type='digital').
    """
    qty = quantity if quantity is not None else qty
    if int(qty) < 1:
        raise ValueError('quantity must be >= 1')
    spec = {'product_id': 0, 'variant_id': 0, 'name': name, 'sku': sku or '',
            'upc': '', 'type': 'physical', 'weight': 0, 'width': 0, 'height': 0,
            'depth': 0, 'option_set_id': None, 'brand': '', 'cost_price': 0,
            'product_options': []}
    if product is None:
        if name is None or price is None:
            raise ValueError('a custom line needs name= and price=')
    else:
        variants = product.get('variants') or []
        chosen = _pick_variant(product, variants, variant)
        spec.update(product_id=product['id'], variant_id=chosen['id'] if chosen else 0,
                    name=name or product['name'], upc=product.get('upc', ''),
                    type=product.get('type', 'physical'),
                    width=product.get('width', 0), height=product.get('height', 0),
                    depth=product.get('depth', 0), option_set_id=product.get('option_set_id'),
                    cost_price=product.get('cost_price') or 0)
        spec['sku'] = sku if sku is not None else (chosen or product)['sku']
        spec['weight'] = (chosen or {}).get('calculated_weight') or product.get('weight') or 0
        if price is None:
            price = (chosen or {}).get('calculated_price')
            if price is None:
                price = product.get('calculated_price', product.get('price'))
        for ov in (chosen or {}).get('option_values', []):
            spec['product_options'].append({
                'id': None, 'option_id': ov['option_id'], 'order_product_id': None,
                'product_option_id': ov['option_id'],
                'display_name': ov['option_display_name'],
                'display_name_customer': ov['option_display_name'],
                'display_name_merchant': ov['option_display_name'],
                'display_value': ov['label'], 'display_value_customer': ov['label'],
                'display_value_merchant': ov['label'], 'value': str(ov['id']),
                'type': 'Multiple choice', 'name': ov['option_display_name'],
                'display_style': 'Rectangle'})
    norm = []
    for d in discounts or []:
        d = d if isinstance(d, dict) else {'amount': d}
        norm.append({'id': str(d.get('id', 'line-discount')), 'amount': cents(d['amount']),
                     'name': d.get('name', 'Line Discount'), 'code': d.get('code'),
                     'target': d.get('target', 'product')})
    spec.update(_price=cents(price), _qty=int(qty), _discounts=norm,
                _tax_rate=None if tax_rate is None else money.rate(tax_rate),
                _ship_to=int(ship_to), _overrides=overrides,
                _wrapping=cents(wrapping) if wrapping else None, _wrapping_name=wrapping_name)
    return spec


def _pick_variant(product, variants, wanted):
    if wanted is None:
        if len(variants) > 1 or any(v.get('option_values') for v in variants):
            raise ValueError('product %s has variants: pass variant=' % product['id'])
        return variants[0] if variants else None
    for v in variants:
        if (isinstance(wanted, dict) and v['id'] == wanted.get('id')) or \
                (isinstance(wanted, int) and v['id'] == wanted) or \
                (isinstance(wanted, str) and v['sku'] == wanted):
            return v
    raise ValueError('variant %r not in product %s' % (wanted, product['id']))


def coupon(code='SAVE5', amount=Decimal('5.00'), type=2, coupon_id=None, name=None):
    """Coupon spec for ``order(coupon=...)``. type: 0 amount off each unit,
    1 percentage (amount = percent), 2 fixed off the order, 3 fixed off
    shipping, 4 free shipping (amount ignored), 5 promotion (as 2)."""
    if int(type) not in range(6):
        raise ValueError('coupon type must be 0..5')
    return {'code': code, 'amount': dec(amount), 'type': int(type),
            'coupon_id': coupon_id if coupon_id is not None else _take('coupon'),
            'name': name or ('%s%% off' % amount if int(type) == 1 else '$%s off' % amount)}


def promotion(amount, id='3', name='Summer promo', target='order', code=None):
    """An automatic promotion's discount (applied_discounts entry: rule id,
    name, code None). For ``order(promotions=[...])`` (target 'order', spread
    over the lines) or ``line(discounts=[...])`` (pass target='product')."""
    return {'id': str(id), 'name': name, 'amount': cents(amount), 'code': code, 'target': target}


def fee(name='Service fee', cost=Decimal('1.00'), tax_rate=None, type='custom_fee',
        source='AA', tax_class_id=None):
    """An order fee for ``order(fees=[...])`` (orderFees: ``/orders/{id}/fees``,
    ``include=fees``). cost is in the pricing basis; tax_rate defaults to
    the order's."""
    return {'name': name, 'cost': cents(cost), 'type': type, 'source': source,
            'tax_rate': None if tax_rate is None else money.rate(tax_rate),
            'tax_class_id': tax_class_id}


_SAME_AS_BILLING = object()


def order(id=None, lines=None, customer_id=0, billing=None, shipping=_SAME_AS_BILLING,
          shipping_cost=Decimal('0'), handling_cost=Decimal('0'), wrapping_cost=Decimal('0'),
          tax_rate=Decimal('0'), tax_inclusive=False, coupon=None, discount_amount=Decimal('0'),
          currency='USD', status_id=11, payment_method='Credit Card', payment_status='captured',
          date_created=None, date_modified=None, shipping_method=None, store_currency=None,
          exchange_rate=Decimal('1'), shipping_tax_rate=None, handling_tax_rate=None,
          wrapping_tax_rate=None, tax_before_discount=False, shipping_discount_in_cost=False,
          promotions=None, fees=None, **overrides):
    """V2 order (order_Resp) with every money field computed (money.py doc).

    lines: ``line(...)`` specs. shipping: an address, a list of addresses, or
    None (no shipping, e.g. digital); default: the billing address.
    Money, all in the pricing basis (ex-tax, or inc-tax when
    ``tax_inclusive``): shipping_cost / handling_cost / wrapping_cost;
    shipping_cost and handling_cost (and shipping_tax_rate /
    handling_tax_rate) may be lists, one per shipping address: BigCommerce
    prices and taxes them per address; one amount over several addresses is
    spread by the items each receives (``_spread_over_addresses``);
    coupon: ``coupon(...)`` or a list; discount_amount: the manual discount;
    promotions: ``promotion(...)`` list (automatic promotions off the order);
    fees: ``fee(...)`` list. Rates are fractions: tax_rate (order default),
    a line's own ``tax_rate``, shipping_tax_rate / handling_tax_rate /
    wrapping_tax_rate (default tax_rate). Modes: tax_before_discount (line
    tax on the undiscounted amount), shipping_discount_in_cost (shipping_cost_*
    net of shipping coupons).

    Returns the order dict with its rows under ``_products``,
    ``_shipping_addresses``, ``_coupons``, ``_transactions``, ``_fees`` for
    ``FakeStore.add_order``; ``overrides`` are set on the order last.
    ``_spec`` keeps these arguments: the store reprices an edited order with
    them (lifecycle.edit_order), so an edit follows exactly the same rules.
    """
    if not lines:
        raise ValueError('an order needs lines')
    arguments = dict(locals())
    inclusive = bool(tax_inclusive)
    billing = billing if billing is not None else address()
    if shipping is _SAME_AS_BILLING:
        shipping = [copy.deepcopy(billing)]
    elif shipping is None:
        shipping = []
    elif isinstance(shipping, dict):
        shipping = [shipping]
    arguments.update(billing=billing, shipping=shipping)
    overrides_ = arguments.pop('overrides')
    arguments.update(overrides_)
    arguments = copy.deepcopy(arguments)
    coupons = [] if coupon is None else ([coupon] if isinstance(coupon, dict) else list(coupon))
    priced = money.price_order(
        lines, tax_rate=tax_rate, inclusive=inclusive, coupons=coupons,
        manual=discount_amount, promotions=promotions or (),
        shipping=_spread_over_addresses(shipping_cost, lines, len(shipping)),
        handling=_spread_over_addresses(handling_cost, lines, len(shipping)), wrapping=wrapping_cost, fees=fees or (),
        shipping_tax_rate=shipping_tax_rate, handling_tax_rate=handling_tax_rate,
        wrapping_tax_rate=wrapping_tax_rate, tax_before_discount=tax_before_discount,
        shipping_discount_in_cost=shipping_discount_in_cost)
    ship, hand, wrap = priced.shipping, priced.handling, priced.wrapping
    sub_ex, sub_inc, sub_tax = priced.subtotal

    def charge_fields(prefix, c, class_id):
        return {'base_%s' % prefix: v2_money(c.base), '%s_ex_tax' % prefix: v2_money(c.ex),
                '%s_inc_tax' % prefix: v2_money(c.inc), '%s_tax' % prefix: v2_money(c.tax),
                '%s_tax_class_id' % prefix: class_id if c.rate else 0}

    currency_id = CURRENCY_IDS.get(currency, 1)
    result = {
        'id': id, 'customer_id': customer_id,
        'date_created': date_created, 'date_modified': date_modified, 'date_shipped': '',
        'status_id': status_id, 'status': None,
        'subtotal_ex_tax': v2_money(sub_ex), 'subtotal_inc_tax': v2_money(sub_inc),
        'subtotal_tax': v2_money(sub_tax),
        **charge_fields('shipping_cost', ship, 2),
        **charge_fields('handling_cost', hand, 2),
        **charge_fields('wrapping_cost', wrap, 3),
        'total_ex_tax': v2_money(priced.total_ex), 'total_inc_tax': v2_money(priced.total_inc),
        'total_tax': v2_money(priced.total_tax), 'is_tax_inclusive_pricing': inclusive,
        'items_total': sum(s['_qty'] for s in lines), 'items_shipped': 0,
        'payment_method': payment_method, 'payment_provider_id': '',
        'payment_status': payment_status, 'refunded_amount': '0.0000',
        'order_is_digital': not shipping, 'store_credit_amount': '0.0000',
        'gift_certificate_amount': '0.0000', 'ip_address': '', 'ip_address_v6': '',
        'geoip_country': '', 'geoip_country_iso2': '',
        'currency_id': currency_id, 'currency_code': currency,
        'currency_exchange_rate': '1.0000000000',
        'default_currency_id': currency_id, 'default_currency_code': currency,
        'staff_notes': '', 'customer_message': '',
        'discount_amount': v2_money(priced.discount_amount),
        'coupon_discount': v2_money(priced.coupon_discount),
        'shipping_address_count': len(shipping), 'is_deleted': False,
        'ebay_order_id': '0', 'cart_id': None,
        'billing_address': copy.deepcopy(billing), 'is_email_opt_in': False,
        'credit_card_type': None, 'order_source': 'www', 'channel_id': 1,
        'external_source': None,
        'consignments': None, 'products': None, 'shipping_addresses': None, 'coupons': None,
        'external_id': None, 'external_merchant_id': None,
        'tax_provider_id': 'BasicTaxProvider' if priced.taxed else '',
        'store_default_currency_code': store_currency or currency,
        'store_default_to_transactional_exchange_rate': '%.10f' % dec(exchange_rate),
        'custom_status': None, 'customer_locale': 'en', 'external_order_id': '',
    }
    result.update(overrides)
    result['_products'] = [_order_product_row(spec, p) for spec, p in zip(lines, priced.lines)]
    result['_shipping_addresses'] = [
        _shipping_row(a, lines, i, len(shipping), priced.shipping_parts[i], priced.handling_parts[i],
                      shipping_method)
        for i, a in enumerate(shipping)]
    result['_coupons'] = [{'id': None, 'coupon_id': c['coupon_id'], 'order_id': None,
                           'code': c['code'], 'amount': v3_number(c['amount']),
                           'type': c['type'], 'discount': v3_number(c['discount'])}
                          for c in priced.coupon_rows]
    result['_fees'] = [_fee_row(n, f, c) for n, (f, c) in enumerate(zip(fees or (), priced.fees), 1)]
    result['_transactions'] = _transactions(payment_method, payment_status, priced.total_inc,
                                            currency)
    result['_spec'] = arguments
    return result


def _spread_over_addresses(cost, specs, count):
    """A shipping or handling cost per shipping address: a list is taken as it is
    (one amount per address); one amount for an order shipping to several
    addresses is spread over them in proportion to the items each receives
    (all on the first when none has items)."""
    if isinstance(cost, (list, tuple)):
        if count and len(cost) != count:
            raise ValueError('one cost per shipping address: %d costs for %d addresses' % (len(cost), count))
        return list(cost)
    if count <= 1:
        return [cost]
    items = [sum(s['_qty'] for s in specs if min(s['_ship_to'], count - 1) == i) for i in range(count)]
    return money.allocate(cents(cost), items) if any(items) else [cents(cost)] + [money.ZERO] * (count - 1)


def bundled(product, parent_index, qty=1, **kwargs):
    """A bundle's picked item (a "Product Pick List" option of the line at `parent_index`
    in the order's lines): its own order line, priced 0 (the bundle's line carries the
    price), ``is_bundled_product`` true and ``parent_order_product_id`` the bundle line's
    id (orders.v2.oas2.yml, example order 149, line 66)."""
    return line(product, qty, price=Decimal('0'), is_bundled_product=True, _bundled_in=int(parent_index), **kwargs)


# Builders kept in files of their own, reached from here as before.
from .refund_items import (  # noqa: E402, F401
    refund_fee,
    refund_gift_wrapping,
    refund_handling,
    refund_order,
    refund_product,
    refund_shipping,
)
from .sample_data import _FIRST, _LAST, orders, populate_sandbox  # noqa: E402, F401
