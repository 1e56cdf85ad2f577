"""Order shipments (V2 ``/orders/{order_id}/shipments``): plain Python, no ORM.

A delivery done in Odoo becomes one shipment per BigCommerce shipping address
(``order_address_id``), its items given as ``order_product_id`` (the order
line id, never the catalog product id) with the quantities actually done.

A shipment is never made twice, even when the answer to a POST was lost on
the way: before posting, the order's shipments are read, and one made for the
same delivery (same address, same items and quantities, same tracking number,
not already kept by another delivery) is taken instead of posting again.
Quantities are capped at what the order holds less what its shipments
already shipped.
"""
from dataclasses import dataclass, field

from .errors import BigCommerceError, _lt

MAX_TRACKING_NUMBER = 50     # orderShipment_Post.tracking_number maxLength


@dataclass
class PlannedShipment:
    """What one delivery ships to one BigCommerce shipping address."""
    address_id: int
    items: dict                       # order line id -> whole quantity
    tracking_number: str = ''
    shipping_provider: str = ''
    tracking_carrier: str = ''

    def payload(self, items=None):
        items = self.items if items is None else items
        return {
            'order_address_id': self.address_id,
            'items': [{'order_product_id': line_id, 'quantity': quantity}
                      for line_id, quantity in sorted(items.items())],
            'tracking_number': self.tracking_number[:MAX_TRACKING_NUMBER],
            'shipping_provider': self.shipping_provider or '',
            'tracking_carrier': self.tracking_carrier or '',
        }


@dataclass
class SendResult:
    """Shipment ids kept for a delivery, what happened, and the failure that stopped it."""
    ids: list = field(default_factory=list)
    posted: list = field(default_factory=list)       # ids created by this run
    found: list = field(default_factory=list)        # ids found already made (a lost answer)
    nothing_left: list = field(default_factory=list)   # PlannedShipments already fully shipped
    error: BigCommerceError = None


def shipment_items(shipment):
    """{order line id: quantity} of a shipment as BigCommerce returns it."""
    items = {}
    for item in shipment.get('items') or []:
        if isinstance(item, dict):
            line_id, quantity = _int(item.get('order_product_id')), _int(item.get('quantity'))
            if line_id:
                items[line_id] = items.get(line_id, 0) + quantity
    return items


def shipped_quantities(shipments):
    """{order line id: quantity shipped} over all of an order's shipments."""
    shipped = {}
    for shipment in shipments:
        for line_id, quantity in shipment_items(shipment).items():
            shipped[line_id] = shipped.get(line_id, 0) + quantity
    return shipped


def find_shipment(planned, shipments, taken, own=(), loose=False):
    """The id of a shipment already made for `planned`, or None.

    Same address and items (and tracking number unless `loose`); never one kept by
    another delivery (`taken`); the delivery's own ids (`own`) first."""
    tracking = planned.tracking_number[:MAX_TRACKING_NUMBER].strip()
    candidates = []
    for shipment in shipments:
        shipment_id = _int(shipment.get('id'))
        if not shipment_id or shipment_id in taken:
            continue
        if _int(shipment.get('order_address_id')) != planned.address_id:
            continue
        if shipment_items(shipment) != {k: v for k, v in planned.items.items() if v}:
            continue
        if not loose and (shipment.get('tracking_number') or '').strip() != tracking:
            continue
        candidates.append(shipment_id)
    candidates.sort(key=lambda shipment_id: (shipment_id not in own, shipment_id))
    return candidates[0] if candidates else None


def capped_items(planned, ordered, shipped):
    """The planned items less what cannot be shipped any more (ordered less shipped)."""
    items = {}
    for line_id, quantity in planned.items.items():
        left = max(ordered.get(line_id, 0) - shipped.get(line_id, 0), 0)
        quantity = min(quantity, left)
        if quantity > 0:
            items[line_id] = quantity
    return items


def read_shipments(client, order_id):
    """The order's shipments (GET /v2/orders/{id}/shipments; 204 when none)."""
    return [row for row in client.iter_v2(f'/orders/{order_id}/shipments') if isinstance(row, dict)]


def send_shipments(client, order_id, planned_shipments, ordered, *, own=(), taken=()):
    """Make sure BigCommerce has one shipment per PlannedShipment; returns a SendResult.

    `ordered`: {order line id: quantity ordered}; `own`: shipment ids this delivery
    already kept; `taken`: ids kept by the order's other deliveries. A failure
    (BigCommerceError) stops the run and is returned with what was done before it."""
    result = SendResult()
    taken = set(taken)
    try:
        shipments = read_shipments(client, order_id)
        shipped = shipped_quantities(shipments)
        for planned in planned_shipments:
            found = find_shipment(planned, shipments, taken, own)
            items = capped_items(planned, ordered, shipped) if found is None else None
            if found is None and items != {k: v for k, v in planned.items.items() if v}:
                # Less is left than the delivery holds: perhaps it was shipped already,
                # with another tracking number typed since.
                found = find_shipment(planned, shipments, taken, own, loose=True)
            if found is not None:
                taken.add(found)
                result.ids.append(found)
                result.found.append(found)
                continue
            if not items:
                result.nothing_left.append(planned)
                continue
            shipment = client.post_v2(f'/orders/{order_id}/shipments', planned.payload(items)) or {}
            shipment_id = _int(shipment.get('id'))
            if not shipment_id:
                raise BigCommerceError(
                    _lt("BigCommerce created a shipment for order %(order)s but sent no shipment id back."),
                    kind='store_error', params={'order': order_id})
            shipment.setdefault('items', [{'order_product_id': k, 'quantity': v} for k, v in items.items()])
            shipments.append(shipment)
            for line_id, quantity in items.items():
                shipped[line_id] = shipped.get(line_id, 0) + quantity
            taken.add(shipment_id)
            result.ids.append(shipment_id)
            result.posted.append(shipment_id)
    except BigCommerceError as error:
        result.error = error
    return result


def parse_ids(text):
    """Shipment ids kept as text ("12,13") -> [12, 13]."""
    return [int(part) for part in (text or '').replace(' ', '').split(',') if part.isdigit()]


def format_ids(ids):
    return ','.join(str(i) for i in dict.fromkeys(ids)) or False


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
