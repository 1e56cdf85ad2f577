"""Order shipments in the fake store: ``/v2/orders/{order_id}/shipments``.

Sources: ``orders.v2.oas2.yml`` (getOrderShipments, createOrderShipments,
getOrderShipmentsCount, getOrderShipment, deleteOrderShipment(s);
orderShipment, orderShipment_Post, shipping_provider_standard/custom) and
LIFECYCLE-FACTS.md §2.

* POST: ``order_address_id`` and ``items[{order_product_id, quantity}]`` are
  required. ``order_product_id`` is the order line id (never the catalog
  product id) of a line of this order shipped to that address; ``quantity``
  a whole number from 1 to what is left to ship (ordered less shipped).
  ``tracking_number`` at most 50 characters, ``tracking_link`` at most 500,
  ``shipping_provider`` one of the enum, ``""`` or ``carrier_{id}``. Any
  fault: 400 with the V2 error array. Success: 201 with the shipment (``id``,
  ``items`` with ``product_id``, ``generated_tracking_link``...); the lines'
  ``quantity_shipped``, the address's and the order's ``items_shipped`` grow,
  ``date_shipped`` and ``date_modified`` move to the store clock.
* GET: the order's shipments, a bare array, 204 when there are none.
* PUT ``/shipments/{shipment_id}`` (updateOrderShipment, orderShipment_Put):
  only the fields of orderShipment_Put (``order_address_id``,
  ``tracking_number``, ``merchant_shipping_cost``, ``shipping_method``,
  ``shipping_provider``, ``tracking_carrier``, ``tracking_link``,
  ``comments``); another field (``items``...), a value of the wrong type,
  a provider outside the enum, an address of another order or not the one
  of its lines, a text over its length: 400. An unknown order or shipment:
  404. Success: 200 with the shipment, ``generated_tracking_link`` following
  the new tracking number; the quantities shipped do not move. ⚠️ The
  spec gives ``tracking_number`` no length on PUT: the POST's 50 is kept.

Options (``FakeStore`` attributes):

* ``shipment_sets_status`` (True): ⚠️ the spec does not settle whether a
  shipment moves the order to Shipped (2) / Partially Shipped (3) by itself;
  True does it as the control panel's *Ship Items* does.
* ``shipment_lost_responses`` (0): the next N shipments are recorded, then
  the connection is closed without an answer (a response lost on the way:
  the client cannot tell whether the store got it).
"""
from .store import rfc2822

SHIPPING_PROVIDERS = ('auspost', 'canadapost', 'endicia', 'usps', 'fedex', 'ups', 'upsready',
                      'upsonline', 'shipperhq', 'royalmail', '')
PROVIDER_NAMES = {'auspost': 'Australia Post', 'canadapost': 'Canada Post', 'endicia': 'Endicia',
                  'usps': 'USPS', 'fedex': 'FedEx', 'ups': 'UPS', 'upsready': 'UPS',
                  'upsonline': 'UPS', 'shipperhq': 'ShipperHQ', 'royalmail': 'Royal Mail'}
ADDRESS_KEYS = ('first_name', 'last_name', 'company', 'street_1', 'street_2', 'city', 'state', 'zip',
                'country', 'country_iso2', 'phone', 'email')
SHIPPED, PARTIALLY_SHIPPED = 2, 3


def _errors():
    from .server import ApiError, error_body  # the server imports this module
    return ApiError, error_body


def _bad(message):
    return _error(400, message)


def _error(status, message=None):
    ApiError, error_body = _errors()
    return ApiError(status, error_body('v2', status, message))


def _invalid(name):
    return _bad("The field '%s' is invalid." % name)


def _order(fake, req):
    order = fake.store.orders.get(int(req.params['oid']))
    if order is None:
        raise _error(404)
    return order


def _shipments(fake, order):
    return fake.store.order_shipments.setdefault(order['id'], [])


class ShipmentRoutes:
    """The server's shipment routes (FakeBigCommerce inherits them)."""

    def _v2_shipments(self, req):
        if req.rest.endswith('/count'):
            return count_shipments(self, req)
        if 'sid' in req.params:
            if req.method == 'PUT':
                return update_shipment(self, req)
            return get_shipment(self, req) if req.method == 'GET' else delete_shipment(self, req)
        return list_shipments(self, req) if req.method == 'GET' else create_shipment(self, req)


def list_shipments(fake, req):
    """GET /v2/orders/{id}/shipments: bare array; 204 with no shipment."""
    return fake._v2_page(req, _shipments(fake, _order(fake, req)))


def count_shipments(fake, req):
    return 200, {'count': len(_shipments(fake, _order(fake, req)))}


def get_shipment(fake, req):
    for shipment in _shipments(fake, _order(fake, req)):
        if shipment['id'] == int(req.params['sid']):
            return 200, shipment
    raise _error(404)


def create_shipment(fake, req):
    """POST /v2/orders/{id}/shipments (orderShipment_Post)."""
    store = fake.store
    order = _order(fake, req)
    body = fake._json_body(req)
    for name in ('order_address_id', 'items'):
        if body.get(name) in (None, '', []):
            raise _bad("The required field '%s' was not supplied." % name)
    address = _address(store, order, body['order_address_id'])
    items = _items(store, order, address, body['items'])
    for name, limit in (('tracking_number', 50), ('tracking_link', 500), ('comments', 65535)):
        value = body.get(name, '')
        if not isinstance(value, str) or len(value) > limit:
            raise _invalid(name)
    provider = body.get('shipping_provider', '')
    if not _provider_ok(provider):
        raise _invalid('shipping_provider')
    carrier = body.get('tracking_carrier', '')
    if not isinstance(carrier, str):
        raise _invalid('tracking_carrier')
    shipment = _record(store, order, address, items, body, provider, carrier)
    lost = getattr(store, 'shipment_lost_responses', 0)
    if lost:
        store.shipment_lost_responses = lost - 1
        return None, None        # recorded; the server closes the connection unanswered
    return 201, shipment


PUT_FIELDS = ('order_address_id', 'tracking_number', 'merchant_shipping_cost', 'shipping_method',
              'shipping_provider', 'tracking_carrier', 'tracking_link', 'comments')


def update_shipment(fake, req):
    """PUT /v2/orders/{id}/shipments/{shipment_id} (orderShipment_Put): 200 with the shipment."""
    store = fake.store
    order = _order(fake, req)
    shipment = next((s for s in _shipments(fake, order) if s['id'] == int(req.params['sid'])), None)
    if shipment is None:
        raise _error(404)
    body = fake._json_body(req)
    for name in body:
        if name not in PUT_FIELDS:
            raise _bad("The field '%s' cannot be updated." % name)
    for name, limit in (('tracking_number', 50), ('tracking_link', 500), ('comments', 65535),
                        ('shipping_method', 250), ('merchant_shipping_cost', 20), ('tracking_carrier', 100)):
        if name in body and (not isinstance(body[name], str) or len(body[name]) > limit):
            raise _invalid(name)
    provider = body.get('shipping_provider', shipment['shipping_provider'])
    if not _provider_ok(provider):
        raise _invalid('shipping_provider')
    address = None
    if 'order_address_id' in body:
        address = _address(store, order, body['order_address_id'])
        lines = {row['id']: row for row in store.order_products.get(order['id'], [])}
        if any(lines[item['order_product_id']].get('order_address_id') != address['id']
               for item in shipment['items']):
            raise _invalid('order_address_id')
    for name in PUT_FIELDS:
        if name in body and name != 'order_address_id':
            shipment[name] = body[name]
    if address is not None:
        shipment['order_address_id'] = address['id']
        shipment['shipping_address'] = {k: address.get(k, '') for k in ADDRESS_KEYS}
    shipment['shipping_provider_display_name'] = PROVIDER_NAMES.get(provider, provider)
    shipment['generated_tracking_link'] = _generated_link(shipment['tracking_number'], shipment['tracking_link'],
                                                          shipment['tracking_carrier'])
    return 200, shipment


def _provider_ok(provider):
    return isinstance(provider, str) and (provider in SHIPPING_PROVIDERS
                                          or (provider.startswith('carrier_') and len(provider) > 8))


def _generated_link(tracking, link, carrier):
    if tracking and not link:
        return 'https://track.aftership.com/%s%s' % (carrier + '/' if carrier else '', tracking)
    return ''


def delete_shipment(fake, req):
    """DELETE /v2/orders/{id}/shipments/{shipment_id}: 204; the quantities go back."""
    order = _order(fake, req)
    shipments = _shipments(fake, order)
    for shipment in list(shipments):
        if shipment['id'] == int(req.params['sid']):
            shipments.remove(shipment)
            _count(fake.store, order, shipment, -1)
            return 204, None
    raise _error(404)


def _address(store, order, value):
    if not isinstance(value, int) or isinstance(value, bool):
        raise _invalid('order_address_id')
    for address in store.order_shipping_addresses.get(order['id'], []):
        if address['id'] == value:
            return address
    raise _invalid('order_address_id')


def _items(store, order, address, raw_items):
    """{order line id: quantity} of the posted items, checked against the order."""
    if not isinstance(raw_items, list):
        raise _invalid('items')
    lines = {row['id']: row for row in store.order_products.get(order['id'], [])}
    items = {}
    for item in raw_items:
        if not isinstance(item, dict):
            raise _invalid('items')
        line_id, quantity = item.get('order_product_id'), item.get('quantity')
        if not isinstance(line_id, int) or isinstance(line_id, bool) or line_id not in lines:
            raise _bad("Order product %s does not belong to order %s." % (line_id, order['id']))
        if lines[line_id].get('order_address_id') != address['id']:
            raise _bad("Order product %s is not shipped to address %s." % (line_id, address['id']))
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
            raise _invalid('quantity')
        items[line_id] = items.get(line_id, 0) + quantity
    for line_id, quantity in items.items():
        row = lines[line_id]
        left = int(row['quantity']) - int(row.get('quantity_shipped') or 0)
        if quantity > left:
            raise _bad("Quantity %s of order product %s is more than the %s left to ship."
                       % (quantity, line_id, left))
    return items


def _record(store, order, address, items, body, provider, carrier):
    lines = {row['id']: row for row in store.order_products.get(order['id'], [])}
    tracking = body.get('tracking_number', '')
    link = body.get('tracking_link', '')
    generated = _generated_link(tracking, link, carrier)
    shipment = {
        'id': store.next_id('shipment'), 'order_id': order['id'],
        'customer_id': order.get('customer_id', 0), 'order_address_id': address['id'],
        'date_created': rfc2822(store.now()), 'tracking_number': tracking,
        'merchant_shipping_cost': str(body.get('merchant_shipping_cost') or '0.0000'),
        'shipping_method': body.get('shipping_method') or 'None', 'comments': body.get('comments', ''),
        'shipping_provider': provider, 'tracking_carrier': carrier, 'tracking_link': link,
        'billing_address': {k: (order.get('billing_address') or {}).get(k, '') for k in ADDRESS_KEYS},
        'shipping_address': {k: address.get(k, '') for k in ADDRESS_KEYS},
        'items': [{'order_product_id': line_id, 'product_id': lines[line_id]['product_id'],
                   'quantity': quantity} for line_id, quantity in items.items()],
        'shipping_provider_display_name': PROVIDER_NAMES.get(provider, provider),
        'generated_tracking_link': generated,
    }
    store.order_shipments.setdefault(order['id'], []).append(shipment)
    _count(store, order, shipment, 1)
    return shipment


def _count(store, order, shipment, sign):
    """Move the shipped quantities of the lines, the address and the order by a shipment."""
    lines = {row['id']: row for row in store.order_products.get(order['id'], [])}
    total = 0
    for item in shipment['items']:
        row = lines[item['order_product_id']]
        row['quantity_shipped'] = int(row.get('quantity_shipped') or 0) + sign * item['quantity']
        total += item['quantity']
    for address in store.order_shipping_addresses.get(order['id'], []):
        if address['id'] == shipment['order_address_id']:
            address['items_shipped'] = int(address.get('items_shipped') or 0) + sign * total
    order['items_shipped'] = int(order.get('items_shipped') or 0) + sign * total
    now = rfc2822(store.now())
    order['date_modified'] = now
    if sign > 0:
        order['date_shipped'] = now
    if getattr(store, 'shipment_sets_status', True) and order['items_shipped'] > 0:
        left = sum(int(r['quantity']) - int(r.get('quantity_shipped') or 0) for r in lines.values()
                   if r.get('order_address_id'))
        status = store.status(PARTIALLY_SHIPPED if left > 0 else SHIPPED)
        order.update(status_id=status['id'], status=status['name'], custom_status=status['custom_label'])
