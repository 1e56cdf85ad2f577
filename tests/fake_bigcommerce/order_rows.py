"""The rows of a priced order (orderProducts, orderShippingAddress, fees, V3
transactions), built by ``factory.order`` from its line specs and money.py's prices."""
import copy

from . import factory  # its id counters (factory imports this module first)
from .store import cents, v2_money, v3_number

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
        'gateway_transaction_id': 'txn_%08d' % factory._take('gateway'),
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
