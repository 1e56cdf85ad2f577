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
"""
import copy
import datetime as dt
import itertools
import random
import re
from decimal import Decimal

from . import money
from .store import CURRENCY_IDS, UTC, as_utc, cents, dec, iso8601, normalize_product, v2_money, v3_number

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


_PAYMENT = {  # payment_method -> (V3 transaction method, gateway)
    'credit card': ('credit_card', 'stripe'),
    'test payment gateway': ('credit_card', 'testgateway'),
    'paypal': ('offsite', 'paypalexpress'),
    'cash': ('offline', 'custom'),
    'cash on delivery': ('offline', 'cod'),
    'bank deposit': ('offline', 'bankdeposit'),
    'cheque': ('offline', 'cheque'),
    'money order': ('offline', 'moneyorder'),
    'store credit': ('store_credit', 'storecredit'),
    'gift certificate': ('gift_certificate', 'giftcertificate'),
}

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


def _order_product_row(spec, p):
    """orderProducts row of a line spec priced by money.price_order."""
    (u_ex, u_inc, u_tax) = p.unit
    cost = cents(spec['cost_price'])
    row = {
        'id': None, 'order_id': None, 'product_id': spec['product_id'],
        'variant_id': spec['variant_id'], 'order_pickup_method_id': 0, 'order_address_id': 0,
        'name': spec['name'], 'name_customer': spec['name'], 'name_merchant': spec['name'],
        'sku': spec['sku'], 'upc': spec['upc'], 'type': spec['type'],
        # base_* are the entered (pricing-basis) values: ex-tax in example 149,
        # inc-tax in the tax-inclusive example 240. total_ex/inc are undiscounted,
        # total_tax is the tax charged (money.py doc).
        'base_price': v2_money(spec['_price']), 'price_ex_tax': v2_money(u_ex),
        'price_inc_tax': v2_money(u_inc), 'price_tax': v2_money(u_tax),
        'base_total': v2_money(p.total), 'total_ex_tax': v2_money(p.total_ex),
        'total_inc_tax': v2_money(p.total_inc), 'total_tax': v2_money(p.total_tax),
        'weight': v2_money(spec['weight']), 'width': v2_money(spec['width']),
        'height': v2_money(spec['height']), 'depth': v2_money(spec['depth']),
        'quantity': spec['_qty'], 'base_cost_price': v2_money(cost),
        'cost_price_inc_tax': v2_money(cost), 'cost_price_ex_tax': v2_money(cost),
        'cost_price_tax': '0.0000', 'is_refunded': False, 'quantity_refunded': 0,
        'refund_amount': '0.0000', 'return_id': 0,
        'wrapping_id': 1 if p.wrapping else 0,
        'wrapping_name': (spec.get('_wrapping_name') or '') if p.wrapping else '',
        'base_wrapping_cost': v2_money(p.wrapping.base if p.wrapping else 0),
        'wrapping_cost_ex_tax': v2_money(p.wrapping.ex if p.wrapping else 0),
        'wrapping_cost_inc_tax': v2_money(p.wrapping.inc if p.wrapping else 0),
        'wrapping_cost_tax': v2_money(p.wrapping.tax if p.wrapping else 0),
        'wrapping_message': '', 'quantity_shipped': 0, 'event_name': None, 'event_date': None,
        'fixed_shipping_cost': '0.0000', 'ebay_item_id': '', 'ebay_transaction_id': '',
        'option_set_id': spec['option_set_id'], 'parent_order_product_id': None,
        'is_bundled_product': False, 'bin_picking_number': '', 'external_id': None,
        'brand': spec['brand'],
        'applied_discounts': [dict(d, amount=v2_money(d['amount'])) for d in p.applied],
        'product_options': copy.deepcopy(spec['product_options']),
        'configurable_fields': [], 'gift_certificate_id': None,
        'discounted_total_inc_tax': v2_money(p.discounted_inc),
        '_ship_to': spec['_ship_to'],  # resolved to order_address_id by the store
    }
    row.update(spec['_overrides'])
    return row


def _shipping_row(addr, specs, index, count, ship, handling, method):
    """orderShippingAddress row with the shipping and handling of this address (money.py)."""
    # lines whose ship_to is past the last address go to the last one (as the store does)
    items = sum(s['_qty'] for s in specs if min(s['_ship_to'], count - 1) == index)
    row = {k: addr.get(k, '') for k in ('first_name', 'last_name', 'company', 'street_1',
                                       'street_2', 'city', 'zip', 'country', 'country_iso2',
                                       'state', 'email', 'phone')}
    row = {'id': addr.get('id'), 'order_id': None, **row,
           'items_total': items, 'items_shipped': 0,
           'shipping_method': method or addr.get('shipping_method') or (
               'Flat Rate' if ship.base else 'Free Shipping'),
           'base_cost': v2_money(ship.base), 'cost_ex_tax': v2_money(ship.ex),
           'cost_inc_tax': v2_money(ship.inc), 'cost_tax': v2_money(ship.tax),
           'cost_tax_class_id': 2 if ship.rate else 0,
           'base_handling_cost': v2_money(handling.base),
           'handling_cost_ex_tax': v2_money(handling.ex),
           'handling_cost_inc_tax': v2_money(handling.inc),
           'handling_cost_tax': v2_money(handling.tax),
           'handling_cost_tax_class_id': 2 if handling.rate else 0,
           'shipping_zone_id': 1, 'shipping_zone_name': addr.get('country', ''),
           'shipping_quotes': None, 'form_fields': list(addr.get('form_fields') or [])}
    return row


def _fee_row(n, spec, c):
    """orderFees row (ids 1.. per order, as in the spec example)."""
    return {'id': n, 'type': spec['type'], 'display_name_customer': spec['name'],
            'display_name_merchant': spec['name'], 'source': spec['source'],
            'base_cost': v2_money(c.base), 'cost_ex_tax': v2_money(c.ex),
            'cost_inc_tax': v2_money(c.inc), 'cost_tax': v2_money(c.tax),
            'tax_class_id': spec['tax_class_id']}


def _transactions(payment_method, payment_status, total_inc, currency):
    """One Orders V3 transaction for a paid or authorized order, else none."""
    event = {'captured': 'purchase', 'paid': 'purchase',
             'authorized': 'authorization'}.get((payment_status or '').lower())
    if not event:
        return []
    method, gateway = _PAYMENT.get((payment_method or '').lower(), ('custom', 'custom'))
    return [{
        'id': None, 'order_id': None, 'event': event, 'method': method,
        'amount': v3_number(total_inc), 'currency': currency, 'gateway': gateway,
        'gateway_transaction_id': 'txn_%08d' % _take('gateway'),
        'date_created': None, 'payment_method_id': '%s.%s' % (gateway, method),
        'test': False, 'status': 'ok', 'fraud_review': False,
        'reference_transaction_id': None,
        'offline': {'display_name': payment_method} if method == 'offline' else None,
        'custom': {'payment_method': payment_method} if method == 'custom' else None,
        'credit_card': {'card_type': 'visa', 'card_iin': '411111', 'card_last4': '1111',
                        'card_expiry_month': 12, 'card_expiry_year': 2030}
        if method == 'credit_card' else None,
        'avs_result': {'code': '', 'message': '', 'street_match': '', 'postal_match': ''},
        'cvv_result': {'code': '', 'message': ''},
    }]


# ---------------------------------------------------------------- refund items
#
# Items of a refund request (orders.v3.yml ItemsRefund) for
# FakeStore.create_refund / refund_quote or the POST body. ``line``,
# ``address``, ``fee`` and ``order`` may be the stored row (its ``id`` is
# taken) or the id. Money rules: fake_bigcommerce/lifecycle.py.


def _id_of(row):
    return row['id'] if isinstance(row, dict) else int(row)


def _item(item_type, item_id, reason, **values):
    item = {'item_type': item_type, 'item_id': item_id, **values}
    if reason:
        item['reason'] = reason
    return item


def refund_product(line, quantity=1, reason=''):
    """PRODUCT: ``quantity`` units of an order line (item_id = order product id)."""
    return _item('PRODUCT', _id_of(line), reason, quantity=int(quantity))


def refund_gift_wrapping(line, quantity=1, reason=''):
    """GIFT_WRAPPING: the wrapping of ``quantity`` units of an order line."""
    return _item('GIFT_WRAPPING', _id_of(line), reason, quantity=int(quantity))


def refund_shipping(address, amount, reason=''):
    """SHIPPING: ``amount`` of the shipping of an order address (item_id = address id)."""
    return _item('SHIPPING', _id_of(address), reason, amount=v3_number(cents(amount)))


def refund_handling(address, amount, reason=''):
    """HANDLING: ``amount`` of the handling of an order address."""
    return _item('HANDLING', _id_of(address), reason, amount=v3_number(cents(amount)))


def refund_fee(fee, amount, reason=''):
    """FEE: ``amount`` of an order fee (item_id = the fee id)."""
    return _item('FEE', _id_of(fee), reason, amount=v3_number(cents(amount)))


def refund_order(order, amount, reason=''):
    """ORDER: an order-level amount, tax not recalculated (item_id = order id)."""
    return _item('ORDER', _id_of(order), reason, amount=v3_number(cents(amount)))


_FIRST = ['Jane', 'John', 'Alice', 'Bob', 'Carla', 'Dmitri', 'Emma', 'Farid', 'Greta', 'Hiro']
_LAST = ['Doe', 'Smith', 'Martin', 'Müller', 'Dubois', 'Jansen', 'Brown', 'Rossi', 'Garcia', 'Kelly']


def orders(n, products, seed=0, statuses=(11,), start=None, step_seconds=3600,
           store=None, **order_kwargs):
    """``n`` deterministic orders over ``products`` (1-3 lines, qty 1-3, a
    random variant when the product has options; ~30 % guests).
    date_created = start + i * step_seconds (default start 2025-01-01 UTC).
    With ``store`` they are added and the stored orders returned."""
    rng = random.Random(seed)
    start = as_utc(start) if start is not None else dt.datetime(2025, 1, 1, tzinfo=UTC)
    countries = ['US', 'US', 'US', 'GB', 'DE', 'FR', 'CA', 'AU', 'NL']
    result = []
    for i in range(n):
        picked = rng.sample(products, min(len(products), rng.randint(1, 3)))
        lines_ = []
        for p in picked:
            opts = [v for v in p.get('variants', []) if v.get('option_values')]
            lines_.append(line(p, rng.randint(1, 3), variant=rng.choice(opts) if opts else None))
        guest = rng.random() < 0.3
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        customer_id = 0 if guest else rng.randint(1, 50)
        email = '%s.%s%s@example.com' % (first.lower(), _slug(last), customer_id or '')
        kwargs = dict(customer_id=customer_id, status_id=statuses[i % len(statuses)],
                      billing=address(first, last, email, country_iso2=rng.choice(countries)),
                      shipping_cost=rng.choice([Decimal('0'), Decimal('5.00'), Decimal('9.99')]),
                      date_created=start + dt.timedelta(seconds=i * step_seconds))
        kwargs.update(order_kwargs)
        o = order(lines=lines_, **kwargs)
        result.append(store.add_order(o) if store is not None else o)
    return result


# ---------------------------------------------------------------- sandbox

def populate_sandbox(store):
    """Small deterministic sandbox (used by ``python -m fake_bigcommerce --seed``).

    Products 111-114 (simple), 115 (Hoodie: Size x Color variants, L/Blue
    custom priced); orders 101-106 in statuses 1, 11, 9, 10, 11 (EUR) and 11.
    Order dates are relative to the store clock (newest one hour ago).
    """
    simple = [
        product(id=111, name='Plain T-Shirt', sku='TSHIRT-PLAIN', price=Decimal('15.00'),
                description='<p>Cotton t-shirt.</p>', variants=[variant('TSHIRT-PLAIN', id=401)]),
        product(id=112, name='Coffee Mug', sku='MUG-01', price=Decimal('8.50'),
                description='<p>Stoneware mug, 350&nbsp;ml.</p>', variants=[variant('MUG-01', id=402)]),
        product(id=113, name='Notebook A5', sku='NB-A5', price=Decimal('4.25'),
                description='<p>Dotted <b>A5</b> notebook.</p>', variants=[variant('NB-A5', id=403)]),
        product(id=114, name='Linen Towel', sku='TOWEL-LIN', price=Decimal('12.00'),
                sale_price=Decimal('10.00'), description='<p>Linen towel.</p>',
                variants=[variant('TOWEL-LIN', id=404)]),
    ]
    hoodie_variants, vid = [], 410
    for size in SIZES:
        for colour in COLOURS:
            hoodie_variants.append(variant(
                'HOODIE-%s-%s' % (size, colour.upper()), id=vid,
                options={'Size': size, 'Color': colour},
                price=Decimal('42.00') if (size, colour) == ('L', 'Blue') else None))
            vid += 1
    hoodie = product(id=115, name='Hoodie', sku='HOODIE', price=Decimal('39.00'),
                     description='<p>Warm hoodie in three sizes and two colours.</p>',
                     variants=hoodie_variants)
    added = [store.add_product(p) for p in simple + [hoodie]]
    tshirt, mug, notebook, towel, hoodie = added
    l_blue = next(v for v in hoodie['variants'] if v['sku'] == 'HOODIE-L-BLUE')
    m_red = next(v for v in hoodie['variants'] if v['sku'] == 'HOODIE-M-RED')

    now = store.now()
    ago = lambda hours: now - dt.timedelta(hours=hours)  # noqa: E731
    jane = address('Jane', 'Doe', 'janedoe@example.com')
    john = address('John', 'Smith', 'john.smith@example.com', 'GB')
    anna = address('Anna', 'Müller', 'anna.mueller@example.com', 'DE')
    specs = [
        order(id=101, lines=[line(mug, 2)], customer_id=0, billing=jane, status_id=1,
              payment_status='pending', date_created=ago(120)),  # guest, Pending
        order(id=102, lines=[line(hoodie, 1, variant=l_blue), line(notebook, 3)],
              customer_id=7, billing=jane, status_id=11, shipping_cost=Decimal('5.00'),
              handling_cost=Decimal('2.00'), tax_rate=Decimal('0.0825'),
              date_created=ago(96)),  # registered, shipping + handling
        order(id=103, lines=[line(tshirt, 2), line(towel, 1)], customer_id=8, billing=john,
              status_id=9, coupon=coupon('SAVE5', Decimal('5.00'), coupon_id=1),
              shipping_cost=Decimal('4.95'), tax_rate=Decimal('0.20'), tax_inclusive=True,
              currency='GBP', date_created=ago(72)),  # coupon
        order(id=104, lines=[line(hoodie, 2, variant=m_red)], customer_id=7, billing=jane,
              status_id=10, tax_rate=Decimal('0.0825'), date_created=ago(48)),  # Completed
        order(id=105, lines=[line(mug, 1), line(tshirt, 1)], customer_id=0, billing=anna,
              status_id=11, currency='EUR', tax_rate=Decimal('0.19'), tax_inclusive=True,
              shipping_cost=Decimal('6.90'), payment_method='PayPal',
              date_created=ago(24)),  # EUR
        order(id=106, lines=[line(None, 1, name='Gift wrapping service', sku='SRV-WRAP',
                                  price=Decimal('3.50')), line(notebook, 1)],
              customer_id=9, billing=jane, status_id=11, discount_amount=Decimal('1.00'),
              payment_method='Cash', payment_status='', date_created=ago(1)),  # custom line
    ]
    return added, [store.add_order(o) for o in specs]
