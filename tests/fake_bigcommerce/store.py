"""In-memory data of the fake BigCommerce store, plus the format helpers.

Formats follow shared/bigcommerce/API-FACTS.md §4: V2 money is a 4-decimal
string, V2 dates are RFC 2822 in UTC (``+0000``), V3 money is a JSON number,
V3 dates are ISO 8601 with offset.
"""
import copy
import datetime as dt
import email.utils
import functools
import threading
import uuid
from decimal import ROUND_HALF_UP, Decimal

from .inventory import DEFAULT_LOCATIONS

UTC = dt.timezone.utc
FOUR = Decimal('0.0001')
CENT = Decimal('0.01')

# ---------------------------------------------------------------- formats


def dec(value):
    """Decimal from a number, a numeric string or a Decimal (None -> 0)."""
    if value is None or value == '':
        return Decimal('0')
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def cents(value):
    """Round to the cent, half up (how the factory rounds every amount)."""
    return dec(value).quantize(CENT, ROUND_HALF_UP)


def v2_money(value):
    """V2 money: string with 4 decimals, e.g. '225.0000' (API-FACTS §4)."""
    return str(dec(value).quantize(FOUR, ROUND_HALF_UP))


def v3_number(value):
    """V3 money/measure: a JSON number (int when integral, like the examples)."""
    if value is None:
        return None
    d = dec(value)
    return int(d) if d == d.to_integral_value() else float(d)


def rfc2822(when):
    """'Tue, 05 Mar 2019 21:40:11 +0000' (V2 dates are always UTC, §4)."""
    return email.utils.format_datetime(as_utc(when).replace(microsecond=0))


def iso8601(when):
    """'2018-08-15T14:48:46+00:00' (V3 dates, §4)."""
    return as_utc(when).replace(microsecond=0).isoformat()


def as_utc(when):
    """Aware UTC datetime from a datetime (naive = UTC) or a date string."""
    if isinstance(when, str):
        return parse_datetime(when)
    if isinstance(when, dt.datetime):
        return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    if isinstance(when, dt.date):
        return dt.datetime(when.year, when.month, when.day, tzinfo=UTC)
    raise TypeError('not a date: %r' % (when,))


@functools.lru_cache(maxsize=65536)
def parse_datetime(text):
    """Parse RFC 2822 or ISO 8601 (V2 filters accept both, §2) to aware UTC.

    Raises ValueError when the text is neither.
    """
    text = (text or '').strip()
    if not text:
        raise ValueError('empty date')
    if text.isdigit():  # unix seconds (accepted by some V3 filters)
        return dt.datetime.fromtimestamp(int(text), UTC)
    try:
        parsed = dt.datetime.fromisoformat(text.replace('Z', '+00:00'))
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            raise ValueError('invalid date: %r' % text) from None
        if parsed is None:
            raise ValueError('invalid date: %r' % text) from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


# ---------------------------------------------------------------- reference data

# Verbatim from examples/order_statuses_v2__list.json (API-FACTS §2, "Order
# statuses"). The custom labels of 0 and 10 differ from the names on purpose:
# an order's `status` is the name, `custom_status` the merchant's label.
_STATUS_ROWS = [
    (0, 'Incomplete', 'Incomplete - Testing', 0,
     'An incomplete order happens when a shopper reached the payment page, but did not complete the transaction.'),
    (1, 'Pending', 'Pending', 1,
     'Customer started the checkout process, but did not complete it.'),
    (2, 'Shipped', 'Shipped', 8,
     'Order has been shipped, but receipt has not been confirmed; seller has used the Ship Items action.'),
    (3, 'Partially Shipped', 'Partially Shipped', 6,
     'Only some items in the order have been shipped, due to some products being pre-order only or other reasons.'),
    (4, 'Refunded', 'Refunded', 11, 'Seller has used the Refund action.'),
    (5, 'Cancelled', 'Cancelled', 9,
     'Seller has cancelled an order, due to a stock inconsistency or other reasons.'),
    (6, 'Declined', 'Declined', 10,
     'Seller has marked the order as declined for lack of manual payment, or other reasons.'),
    (7, 'Awaiting Payment', 'Awaiting Payment', 2,
     'Customer has completed checkout process, but payment has yet to be confirmed.'),
    (8, 'Awaiting Pickup', 'Awaiting Pickup', 5,
     'Order has been pulled, and is awaiting customer pickup from a seller-specified location.'),
    (9, 'Awaiting Shipment', 'Awaiting Shipment', 4,
     'Order has been pulled and packaged, and is awaiting collection from a shipping provider.'),
    (10, 'Completed', 'Completed - Testing', 7,
     'Client has paid for their digital product and their file(s) are available for download.'),
    (11, 'Awaiting Fulfillment', 'Awaiting Fulfillment', 3,
     'Customer has completed the checkout process and payment has been confirmed.'),
    (12, 'Manual Verification Required', 'Manual Verification Required', 13,
     'Order is on hold while some aspect needs to be manually confirmed.'),
    (13, 'Disputed', 'Disputed', 12,
     'Customer has initiated a dispute resolution process for the PayPal transaction that paid for the order.'),
    (14, 'Partially Refunded', 'Partially Refunded', 14, 'Seller has partially refunded the order.'),
]
ORDER_STATUSES = [
    {'id': i, 'name': name, 'system_label': name, 'custom_label': label,
     'system_description': desc, 'order': order}
    for i, name, label, order, desc in _STATUS_ROWS
]

# examples/store_v2__get.json; `id` is replaced by the store hash.
STORE_INFO = {
    'id': 'abc123',
    'account_uuid': '8d4d492f-17a1-4d95-b396-e1c5720815a5',
    'domain': 'my-awesome.store',
    'secure_url': 'https://my-awesome.store',
    'control_panel_base_url': 'https://store-{store_hash}.mybigcommerce.com',
    'status': 'live',
    'name': 'BigCommerce',
    'first_name': 'Jane',
    'last_name': 'Doe',
    'address': 'BigCommerce',
    'country': 'United States',
    'country_code': 'US',
    'phone': '555-123-4567',
    'admin_email': 'jane.does@example.com',
    'order_email': 'info@janedoes.mybigcommerce.com',
    'favicon_url': 'https://cdn8.bigcommerce.com/r-8816ba2f48b0bcf4bec0c1a954c00e0fc36b/img/bc_favicon.ico',
    'timezone': {
        'name': 'America/Chicago', 'raw_offset': -21600, 'dst_offset': -18000,
        'dst_correction': True,
        'date_format': {'display': 'M jS Y', 'export': 'M jS Y',
                        'extended_display': 'M jS Y @ g:i A'},
    },
    'language': 'en',
    'currency': 'USD',
    'currency_symbol': '$',
    'decimal_separator': '.',
    'thousands_separator': ',',
    'decimal_places': 2,
    'currency_symbol_location': 'left',
    'weight_units': 'Ounces',
    'dimension_units': 'Inches',
    'dimension_decimal_places': 2,
    'dimension_decimal_token': '.',
    'dimension_thousands_token': ',',
    'plan_name': 'Standard',
    'plan_level': 'Standard',
    'plan_is_trial': False,
    'industry': 'Technology',
    'logo': {'url': 'https://cdn8.bigcommerce.com/s-{store_hash}/product_images/screen_shot_2018-05-15_at_12.22.26_pm__05547_1529512135.png'},
    'is_price_entered_with_tax': False,
    'store_id': 4884484848484,
    'default_channel_id': 1,
    'default_site_id': 1000,
    'active_comparison_modules': [],
    'features': {
        'stencil_enabled': True, 'sitewidehttps_enabled': True,
        'facebook_catalog_id': '', 'checkout_type': 'optimized',
        'wishlists_enabled': True, 'graphql_storefront_api_enabled': True,
        'shopper_consent_tracking_enabled': True,
        'multi_storefront_enabled': True,
        'storefront_limits': {'active': 3, 'total_including_inactive': 4},
    },
}

CURRENCY_IDS = {'USD': 1, 'EUR': 2, 'GBP': 3, 'CAD': 4, 'AUD': 5, 'JPY': 6, 'CHF': 7}


# ---------------------------------------------------------------- the store

class FakeStore:
    """Everything the fake server serves, kept in plain dicts.

    products:  id -> V3 product (``variants`` and ``images`` kept inside;
               the server strips them unless ``include`` asks, API-FACTS §2)
    orders:    id -> V2 order (bare object as GET /v2/orders/{id} returns it)
    order_products / order_shipping_addresses / order_coupons /
    order_transactions / order_fees: order id -> list of rows
    order_specs: order id -> the factory.order arguments (edits reprice with them)
    refunds:   refund id -> V3 Refund (as served); refund_pieces: refund id
               -> what each item took (lifecycle.py)

    After the order is placed (lifecycle.py has the rules): ``set_status``,
    ``edit_order``, ``create_refund``, ``refund_quote``, ``refundable``,
    ``full_refund_items``, ``refund_everything``, ``order_refunds``,
    ``list_refunds``. Options for what the documents leave open are
    attributes (defaults first; each also a keyword of the call):
    ``edit_discounts`` ('clear_changed' | 'keep'), ``refund_item_amounts``
    ('amount' | 'null'), ``refund_charge_side`` ('basis' | 'ex' | 'inc'),
    ``refund_amount_fields`` ('sum' | 'zero'), ``refund_line_is_refunded``
    ('all' | 'any'), ``refund_sets_status`` (True | False),
    ``refund_transactions`` (True | False), ``refund_requires_payment``
    (True | False), ``refunds_meta`` ('pagination' | 'empty', the meta of
    GET /v3/orders/payment_actions/refunds, server.py).
    """

    def __init__(self, store_hash='abc123', api_base='https://api.bigcommerce.com'):
        self.store_hash = store_hash
        self.api_base = api_base  # used in {url, resource} links
        self.lock = threading.RLock()
        self.info = copy.deepcopy(STORE_INFO)
        self.info['id'] = store_hash
        for key in ('control_panel_base_url',):
            self.info[key] = self.info[key].replace('{store_hash}', store_hash)
        self.info['logo']['url'] = self.info['logo']['url'].replace('{store_hash}', store_hash)
        self.order_statuses = copy.deepcopy(ORDER_STATUSES)
        self.products = {}
        self.orders = {}
        self.hooks, self.next_hook_id = {}, 0     # webhooks (hooks.py)
        self.order_products = {}
        self.order_shipping_addresses = {}
        self.order_coupons = {}
        self.order_transactions = {}
        self.order_fees = {}
        self.order_specs = {}
        self.refunds = {}
        self.refund_pieces = {}
        # shipments (shipments.py): order id -> shipments; options
        self.order_shipments = {}
        self.shipment_sets_status, self.shipment_lost_responses = True, 0
        # inventory (inventory.py): locations, levels, accepted absolute adjustments
        self.locations = copy.deepcopy(DEFAULT_LOCATIONS)
        self.inventory, self.inventory_adjustments = {}, []
        from .lifecycle import DEFAULTS
        for name, value in DEFAULTS.items():   # options (lifecycle.py)
            setattr(self, name, value)
        self._next = {'product': 100, 'variant': 300, 'sku': 500, 'order': 100,
                      'order_product': 1, 'address': 1, 'coupon': 1,
                      'transaction': 1, 'option': 1, 'refund': 1, 'refund_payment': 1,
                      'shipment': 1}
        self._frozen = None          # fixed "now" (set_now)
        self._offset = dt.timedelta()  # added to real time (advance without set_now)

    # -- clock ---------------------------------------------------------

    def now(self):
        """Current store time: aware UTC, whole seconds (V2/V3 dates have no fraction)."""
        base = self._frozen if self._frozen is not None else dt.datetime.now(UTC) + self._offset
        return base.replace(microsecond=0)

    def deactivate_hook(self, hook_id):
        """What BigCommerce does to a hook after ~48 h of failed deliveries."""
        self.hooks[int(hook_id)]['is_active'] = False

    def set_now(self, when):
        """Freeze the clock at ``when`` (datetime or date string)."""
        self._frozen = as_utc(when)

    def advance(self, seconds):
        """Move the clock forward (frozen or running)."""
        delta = dt.timedelta(seconds=seconds)
        if self._frozen is not None:
            self._frozen += delta
        else:
            self._offset += delta

    @property
    def clock(self):
        return self.now()

    @clock.setter
    def clock(self, when):
        self.set_now(when)

    # -- ids / links ---------------------------------------------------

    def next_id(self, kind, wanted=None):
        """Return ``wanted`` (and keep the counter past it) or the next free id."""
        if wanted is None:
            wanted = self._next[kind]
        self._next[kind] = max(self._next[kind], int(wanted) + 1)
        return int(wanted)

    def link(self, resource):
        """V2 sub-resource link object {url, resource} (API-FACTS §2)."""
        return {'url': '%s/stores/%s/v2%s' % (self.api_base, self.store_hash, resource),
                'resource': resource}

    def status(self, status_id):
        for row in self.order_statuses:
            if row['id'] == int(status_id):
                return row
        raise KeyError('unknown order status %r' % (status_id,))

    # -- products ------------------------------------------------------

    def add_product(self, product):
        """Store a V3 product (from factory.product); ids assigned if missing.

        A product with an existing id replaces it. Returns the stored dict.
        """
        with self.lock:
            product = copy.deepcopy(product)
            product['id'] = self.next_id('product', product.get('id'))
            now = iso8601(self.now())
            product['date_created'] = product.get('date_created') or now
            product['date_modified'] = product.get('date_modified') or product['date_created']
            for key in ('date_created', 'date_modified'):
                product[key] = iso8601(product[key])
            variants = product.setdefault('variants', [])
            for variant in variants:
                variant['id'] = self.next_id('variant', variant.get('id'))
                variant['product_id'] = product['id']
                if variant.get('option_values') and variant.get('sku_id') is None:
                    variant['sku_id'] = self.next_id('sku')
            product.setdefault('images', [])
            normalize_product(product)
            self.products[product['id']] = product
            return product

    def update_product(self, product_id, **changes):
        """Change product fields; date_modified moves to the store clock."""
        with self.lock:
            product = self.products[int(product_id)]
            product.update(changes)
            product['date_modified'] = iso8601(changes.get('date_modified') or self.now())
            normalize_product(product)
            return product

    def iter_variants(self):
        for product in self.products.values():
            yield from product.get('variants', [])

    def find_variant(self, variant_id):
        """(product, variant) for a variant id, or (None, None)."""
        for product in self.products.values():
            for variant in product.get('variants', []):
                if variant['id'] == int(variant_id):
                    return product, variant
        return None, None

    # -- orders --------------------------------------------------------

    def add_order(self, order):
        """Store an order built by factory.order (sub-rows under ``_products``,
        ``_shipping_addresses``, ``_coupons``, ``_transactions``, ``_fees``).

        Assigns the order id and every row id, fills dates from the store
        clock, sets status names and the link objects. Returns the stored
        V2 order dict; rows are in ``order_products[id]`` etc.
        """
        with self.lock:
            order = copy.deepcopy(order)
            rows = {key: order.pop('_' + key, None) or []
                    for key in ('products', 'shipping_addresses', 'coupons', 'transactions', 'fees')}
            spec = order.pop('_spec', None)
            oid = order['id'] = self.next_id('order', order.get('id'))
            created = as_utc(order.get('date_created') or self.now())
            modified = as_utc(order.get('date_modified') or created)
            order['date_created'] = rfc2822(created)
            order['date_modified'] = rfc2822(modified)
            status = self.status(order.get('status_id', 1))
            order['status_id'] = status['id']
            order['status'] = status['name']
            order['custom_status'] = status['custom_label']
            if not order.get('cart_id'):
                order['cart_id'] = str(uuid.uuid5(uuid.NAMESPACE_URL, '%s/cart/%s' % (self.store_hash, oid)))

            address_ids = []
            for address in rows['shipping_addresses']:
                aid = address['id'] = self.next_id('address', address.get('id'))
                address['order_id'] = oid
                address['shipping_quotes'] = self.link(
                    '/orders/%s/shippingaddresses/%s/shippingquotes' % (oid, aid))
                address_ids.append(aid)
            for row in rows['products']:
                rid = row['id'] = self.next_id('order_product', row.get('id'))
                row['order_id'] = oid
                ship_to = row.pop('_ship_to', 0)
                bundled_in = row.pop('_bundled_in', None)    # factory.bundled: the bundle's line
                if bundled_in is not None:
                    row['parent_order_product_id'] = rows['products'][bundled_in]['id']
                if address_ids and not row.get('order_address_id'):
                    row['order_address_id'] = address_ids[min(ship_to, len(address_ids) - 1)]
                for option in row.get('product_options', []):
                    option['id'] = self.next_id('option', option.get('id'))
                    option['order_product_id'] = rid
            for coupon in rows['coupons']:
                coupon['id'] = self.next_id('coupon', coupon.get('id'))
                coupon['order_id'] = oid
            for txn in rows['transactions']:
                txn['id'] = self.next_id('transaction', txn.get('id'))
                txn['order_id'] = str(oid)  # a string in Orders V3 (API-FACTS §2)
                txn['date_created'] = iso8601(txn.get('date_created') or created)

            order['shipping_address_count'] = len(rows['shipping_addresses'])
            self._set_links(order)
            self.orders[oid] = order
            self.order_products[oid] = rows['products']
            self.order_shipping_addresses[oid] = rows['shipping_addresses']
            self.order_coupons[oid] = rows['coupons']
            self.order_transactions[oid] = rows['transactions']
            self.order_fees[oid] = rows['fees']
            # the arguments of factory.order, to reprice edits; kept only when
            # the rows still match them one to one
            if spec is not None and len(spec.get('lines') or ()) == len(rows['products']):
                for line_spec, row in zip(spec['lines'], rows['products'], strict=True):
                    line_spec['_row_id'] = row['id']
                spec['id'] = oid
                self.order_specs[oid] = spec
            else:
                self.order_specs.pop(oid, None)
            return order

    def _set_links(self, order):
        oid = order['id']
        # The spec spells the address link without underscore (API-FACTS §2).
        order['consignments'] = self.link('/orders/%s/consignments' % oid)
        order['products'] = self.link('/orders/%s/products' % oid)
        order['shipping_addresses'] = self.link('/orders/%s/shippingaddresses' % oid)
        order['coupons'] = self.link('/orders/%s/coupons' % oid)

    def update_order(self, order_id, **changes):
        """Change order fields as the merchant would (e.g. ``status_id=2``).

        ``status``/``custom_status`` follow ``status_id``; ``date_modified``
        moves to the store clock unless given. Returns the order.
        """
        with self.lock:
            order = self.orders[int(order_id)]
            for key, value in changes.items():
                if key in ('date_created', 'date_modified', 'date_shipped') and value:
                    value = rfc2822(value)
                order[key] = value
            if 'status_id' in changes:
                status = self.status(changes['status_id'])
                order['status_id'] = status['id']
                order['status'] = status['name']
                order['custom_status'] = status['custom_label']
            if 'date_modified' not in changes:
                order['date_modified'] = rfc2822(self.now())
            return order

    # -- after the order is placed (rules and options: lifecycle.py) ------

    def set_status(self, order_id, status_id, when=None):
        """Change the order status: status/custom_status from the status
        table, date_modified to ``when`` or the store clock. Returns the order."""
        from . import lifecycle
        try:
            return lifecycle.set_status(self, order_id, status_id, when)
        except KeyError:
            if int(order_id) not in self.orders:
                raise
            raise ValueError('unknown order status %r' % (status_id,)) from None

    def edit_order(self, order_id, lines=None, **kwargs):
        """Edit lines (quantities, prices, added/removed lines), charges,
        discounts, billing and shipping address fields; every money field is
        repriced by factory.order / money.py. Arguments: lifecycle.edit_order."""
        from . import lifecycle
        return lifecycle.edit_order(self, order_id, lines, **kwargs)

    def create_refund(self, order_id, items=None, payments=None, reason='', when=None, **kwargs):
        """Record a refund (items from factory.refund_*) and update the V2
        order; raises lifecycle.RefundError (422) when refused."""
        from . import lifecycle
        return lifecycle.create_refund(self, order_id, items, payments, reason, when, **kwargs)

    def refund_quote(self, order_id, items=None, **kwargs):
        """The refund quote (RefundQuote_Full) of ``items``; records nothing."""
        from . import lifecycle
        return lifecycle.refund_quote(self, order_id, items, **kwargs)

    def refundable(self, order_id, refund_charge_side=None):
        """What is left to refund, per item type (lifecycle.refundable)."""
        from . import lifecycle
        return lifecycle.refundable(self, order_id, refund_charge_side)

    def full_refund_items(self, order_id, refund_charge_side=None):
        """Items that refund everything left of the order."""
        from . import lifecycle
        return lifecycle.full_refund_items(self, order_id, refund_charge_side)

    def refund_everything(self, order_id, reason='', when=None, **kwargs):
        """Refund all that is left of the order's items and charges."""
        return self.create_refund(order_id, self.full_refund_items(
            order_id, kwargs.get('refund_charge_side')), reason=reason, when=when, **kwargs)

    def order_refunds(self, order_id):
        """The refunds of one order, ascending id."""
        return [self.refunds[i] for i in sorted(self.refunds)
                if self.refunds[i]['order_id'] == int(order_id)]

    def list_refunds(self, **filters):
        """Refunds filtered as GET /v3/orders/payment_actions/refunds
        (order_ids, ids, created_min, created_max, transaction_id)."""
        from . import lifecycle
        return lifecycle.list_refunds(self, **filters)


def normalize_product(product):
    """Recompute derived V3 fields: calculated prices/weights, base_variant_id.

    calculated_price "takes into account sale_price" (catalog spec): the sale
    price when set (> 0), else the price. A variant price of null means "use
    the product's value" (API-FACTS §2, Variants).
    """
    def calc(price, sale):
        return sale if sale not in (None, 0) and dec(sale) > 0 else price

    product['calculated_price'] = calc(product.get('price'), product.get('sale_price'))
    variants = product.get('variants', [])
    for variant in variants:
        variant['product_id'] = product['id']
        if variant.get('price') is None:
            variant['calculated_price'] = product['calculated_price']
        else:
            variant['calculated_price'] = calc(variant['price'], variant.get('sale_price'))
        weight = variant.get('weight')
        variant['calculated_weight'] = product.get('weight') if weight is None else weight
    base = [v for v in variants if not v.get('option_values')]
    # "base_variant_id: null for complex products" (API-FACTS §2).
    product['base_variant_id'] = base[0]['id'] if len(variants) == 1 and base else None
    return product
