"""Order shipments (V2 ``/orders/{order_id}/shipments``): plain Python, no ORM.

A delivery done in Odoo becomes one shipment per BigCommerce shipping address
(``order_address_id``), its items given as ``order_product_id`` (the order
line id, never the catalog product id) with the quantities actually done.

A shipment is never made twice, even when the answer to a POST was lost on
the way: before posting, the order's shipments are read, and one made for the
same delivery (same address, same items and quantities, same tracking number,
not already kept by another delivery) is taken instead of posting again. On a
retry (an attempt failed, or its outcome is unknown) the tracking number may
have been typed since: there the match ignores the tracking number, and the
shipment found gets the delivery's tracking with a PUT. Quantities are capped
at what the order holds less what its shipments already shipped, in Odoo's
document and in BigCommerce's own order lines. A first attempt whose order
lines show nothing shipped yet skips the read of the shipments (none can be
this delivery's).

A tracking number (or carrier) set once the shipment was sent is put on the
shipments kept (``update_tracking``: PUT /v2/orders/{id}/shipments/{id}),
never posted again.

Each send reads the order first (one GET, its lines embedded): its status (no
shipment for a cancelled or declined order), its lines (quantity, quantity
shipped, shipping address) and, for moves that do not say which order line
they are (orders imported before shipments were sent), the line they match
by BigCommerce product / variant id or SKU.
"""
from dataclasses import dataclass, field

from .errors import BigCommerceError, _lt

MAX_TRACKING_NUMBER = 50     # orderShipment_Post.tracking_number maxLength
# Order statuses that ship nothing (orders.v2 /order_statuses).
CANCELLED_STATUSES = (5, 6)     # Cancelled, Declined
# Refusals that a retry does not change: refused (400/422), gone (404), not allowed (403).
LASTING_KINDS = frozenset({'bad_request', 'not_found', 'scope'})
ORDER_PARAMS = {'include': 'consignments.line_items', 'consignment_structure': 'object'}


@dataclass
class OrderLine:
    """A BigCommerce order line (orderProducts), as far as shipping goes."""
    id: int
    address_id: int
    quantity: int
    quantity_shipped: int
    product_id: int = 0
    variant_id: int = 0
    sku: str = ''

    @property
    def left(self):
        return max(self.quantity - self.quantity_shipped, 0)


@dataclass
class OrderState:
    """What a send needs of the order: its status, its lines (by id) and shipping addresses."""
    id: int
    status_id: int
    status: str
    lines: dict
    address_ids: list


@dataclass
class MoveRow:
    """What one done move ships: its order line and address when known (else 0), how
    many (in the order line's unit), and what tells its product in BigCommerce."""
    line_id: int
    address_id: int
    quantity: float
    product_id: int = 0         # BigCommerce product id of the Odoo product (its link), 0 unknown
    variant_id: int = 0
    skus: tuple = ()
    name: str = ''              # the product, for a note when nothing matches


@dataclass
class PlannedShipment:
    """What one delivery ships to one BigCommerce shipping address."""
    address_id: int
    items: dict                       # order line id -> whole quantity
    tracking_number: str = ''
    shipping_provider: str = ''
    tracking_carrier: str = ''

    def tracking(self):
        """What a PUT of a shipment's tracking sends (orderShipment_Put)."""
        return {'tracking_number': self.tracking_number[:MAX_TRACKING_NUMBER],
                'shipping_provider': self.shipping_provider or '',
                'tracking_carrier': self.tracking_carrier or ''}

    def payload(self, items=None):
        items = self.items if items is None else items
        return {
            'order_address_id': self.address_id,
            'items': [{'order_product_id': line_id, 'quantity': quantity}
                      for line_id, quantity in sorted(items.items())],
            **self.tracking(),
        }


@dataclass
class SendResult:
    """Shipment ids kept for a delivery, what happened, and the failure that stopped it."""
    ids: list = field(default_factory=list)
    posted: list = field(default_factory=list)       # ids created by this run
    found: list = field(default_factory=list)        # ids found already made (a lost answer)
    updated: list = field(default_factory=list)      # ids whose tracking was put (PUT)
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


def left_to_ship(line_id, ordered, shipped, order=None):
    """What order line `line_id` may still ship: Odoo's ordered quantity less what the
    order's shipments shipped, and BigCommerce's quantity less quantity_shipped."""
    caps = []
    if line_id in ordered:
        caps.append(ordered[line_id] - shipped.get(line_id, 0))
    line = order.lines.get(line_id) if order else None
    if line:
        caps.append(line.left)
    return max(min(caps), 0) if caps else 0


def capped_items(planned, ordered, shipped, order=None):
    """The planned items less what cannot be shipped any more (ordered less shipped)."""
    items = {}
    for line_id, quantity in planned.items.items():
        quantity = min(quantity, left_to_ship(line_id, ordered, shipped, order))
        if quantity > 0:
            items[line_id] = quantity
    return items


def read_shipments(client, order_id):
    """The order's shipments (GET /v2/orders/{id}/shipments; 204 when none)."""
    return [row for row in client.iter_v2(f'/orders/{order_id}/shipments') if isinstance(row, dict)]


def read_order(client, order_id):
    """The order's status, lines and shipping addresses: one GET of the order with its
    lines embedded (consignments.line_items); its products read only when the store
    sent none (GET /v2/orders/{id}/products). 404 (a deleted order) raises not_found."""
    raw = client.get_v2(f'/orders/{order_id}', dict(ORDER_PARAMS))
    if not isinstance(raw, dict):
        raise BigCommerceError(_lt("BigCommerce sent no order %(order)s."), kind='not_found',
                               params={'order': order_id})
    consignments = raw.get('consignments')
    if isinstance(consignments, list):      # the legacy array form
        consignments = consignments[0] if consignments and isinstance(consignments[0], dict) else {}
    shipping = [c for c in (consignments or {}).get('shipping') or [] if isinstance(c, dict)]
    rows = [row for c in shipping for row in c.get('line_items') or [] if isinstance(row, dict)]
    if not rows:
        rows = [row for row in client.iter_v2(f'/orders/{order_id}/products') if isinstance(row, dict)]
    lines = {}
    for row in rows:
        line = OrderLine(_int(row.get('id')), _int(row.get('order_address_id')), _int(row.get('quantity')),
                         _int(row.get('quantity_shipped')), _int(row.get('product_id')),
                         _int(row.get('variant_id')), str(row.get('sku') or '').strip())
        if line.id:
            lines[line.id] = line
    addresses = [_int(c.get('id')) for c in shipping if _int(c.get('id'))]
    addresses = addresses or sorted({line.address_id for line in lines.values() if line.address_id})
    return OrderState(_int(raw.get('id')) or order_id, _int(raw.get('status_id')), str(raw.get('status') or ''),
                      lines, addresses)


def check_shippable(order):
    """Raise (a lasting refusal) when the order is cancelled or declined in BigCommerce."""
    if order.status_id in CANCELLED_STATUSES:
        raise BigCommerceError(
            _lt("BigCommerce order %(order)s is %(status)s there: no shipment is sent for a cancelled or "
                "declined order. Check the order in BigCommerce; send again once it is to be shipped."),
            kind='bad_request', params={'order': order.id, 'status': order.status or order.status_id})


def is_lasting(error):
    """Whether a retry would meet the same refusal (400/422, 403, 404, a cancelled order)."""
    return getattr(error, 'kind', None) in LASTING_KINDS


def plan_shipments(rows, order, tracking='', provider='', carrier=''):
    """PlannedShipments (one per address, whole quantities) of a delivery's MoveRows, and
    the rows that match no order line. A row without an address takes its line's, or
    the order's only shipping address; a row without a line takes the order lines of
    its product (BigCommerce product and variant id, else SKU), filling what each has
    left to ship first."""
    lines = order.lines if order else {}
    single = order.address_ids[0] if order and len(order.address_ids) == 1 else 0
    left = {line_id: line.left for line_id, line in lines.items()}
    by_address, unmatched = {}, []

    def add(address_id, line_id, quantity):
        items = by_address.setdefault(address_id, {})
        items[line_id] = items.get(line_id, 0) + quantity
        if line_id in left:
            left[line_id] -= quantity

    for row in sorted(rows, key=lambda r: not r.line_id):
        if row.line_id:
            address_id = row.address_id or (lines[row.line_id].address_id if row.line_id in lines else 0) or single
            if address_id:
                add(address_id, row.line_id, row.quantity)
            else:
                unmatched.append(row)
            continue
        candidates = _candidates(row, lines)
        if not candidates:
            unmatched.append(row)
            continue
        quantity = row.quantity
        for line in candidates:
            take = min(quantity, max(left[line.id], 0))
            if take > 1e-6:
                add(line.address_id, line.id, take)
                quantity -= take
        if quantity > 1e-6:       # more than the lines have left: the cap decides
            add(candidates[0].address_id, candidates[0].id, quantity)
    planned = []
    for address_id, items in sorted(by_address.items()):
        whole = {line_id: int(quantity + 1e-6) for line_id, quantity in items.items() if quantity >= 1 - 1e-6}
        if whole:
            planned.append(PlannedShipment(address_id, whole, tracking or '', provider, carrier))
    return planned, unmatched


def _candidates(row, lines):
    shippable = [line for line in sorted(lines.values(), key=lambda line: line.id)
                 if line.address_id and (not row.address_id or line.address_id == row.address_id)]
    by_id = [line for line in shippable if row.product_id and line.product_id == row.product_id
             and (not row.variant_id or not line.variant_id or line.variant_id == row.variant_id)]
    if by_id:
        return by_id
    skus = {sku for sku in row.skus if sku}
    return [line for line in shippable if line.sku and line.sku in skus]


def send_shipments(client, order_id, planned_shipments, ordered, *, own=(), taken=(), order=None, retry=False):
    """Make sure BigCommerce has one shipment per PlannedShipment; returns a SendResult.

    `ordered`: {order line id: quantity ordered}; `own`: shipment ids this delivery
    already kept; `taken`: ids kept by the order's other deliveries; `order`: the
    OrderState read before (its lines cap the quantities too); `retry`: an attempt
    before failed or may have (its answer lost): a shipment of the same address and
    items is this delivery's whatever its tracking number, which is then put right.
    A failure (BigCommerceError) stops the run and is returned with what was done
    before it."""
    result = SendResult()
    taken = set(taken)
    try:
        first_time = not retry and not own and nothing_shipped(planned_shipments, order)
        shipments = [] if first_time else read_shipments(client, order_id)
        shipped = shipped_quantities(shipments)
        for planned in planned_shipments:
            found = find_shipment(planned, shipments, taken, own)
            items = capped_items(planned, ordered, shipped, order) if found is None else None
            if found is None and (retry or items != {k: v for k, v in planned.items.items() if v}):
                # A retry, or less is left than the delivery holds: perhaps it was shipped
                # already, with another tracking number typed since.
                found = find_shipment(planned, shipments, taken, own, loose=True)
            if found is not None:
                taken.add(found)
                result.ids.append(found)
                result.found.append(found)
                shipment = next(s for s in shipments if _int(s.get('id')) == found)
                if _tracking_differs(shipment, planned):
                    put_tracking(client, order_id, found, planned.tracking())
                    shipment.update(planned.tracking())
                    result.updated.append(found)
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
                if order and line_id in order.lines:
                    order.lines[line_id].quantity_shipped += quantity
            taken.add(shipment_id)
            result.ids.append(shipment_id)
            result.posted.append(shipment_id)
    except BigCommerceError as error:
        result.error = error
    return result


def nothing_shipped(planned_shipments, order):
    """Whether the order just read shows nothing shipped on any line the delivery ships:
    then no shipment of the order can be the delivery's, and none needs reading."""
    line_ids = {line_id for planned in planned_shipments for line_id in planned.items}
    return bool(order and line_ids) and all(
        line_id in order.lines and order.lines[line_id].quantity_shipped == 0 for line_id in line_ids)


def _tracking_differs(shipment, planned):
    """Whether a shipment found needs the delivery's tracking: it has one (a found shipment's
    tracking number is never wiped) and the shipment holds another, or another carrier."""
    wanted = planned.tracking()
    return bool(wanted['tracking_number'].strip()) and any(
        str(shipment.get(key) or '').strip() != value.strip() for key, value in wanted.items())


def put_tracking(client, order_id, shipment_id, values):
    """PUT /v2/orders/{id}/shipments/{shipment_id} (orderShipment_Put) with the tracking
    number, shipping provider and tracking carrier: a shipment kept, put right."""
    return client._request('PUT', f'/v2/orders/{order_id}/shipments/{shipment_id}', json=dict(values))


def update_tracking(client, order_id, shipment_ids, values):
    """Put the delivery's tracking (`values`, PlannedShipment.tracking()) on each of its
    shipments; never a new shipment. A failure stops the run (the PUT is idempotent:
    the next run puts them all again)."""
    result = SendResult(ids=list(shipment_ids))
    try:
        for shipment_id in shipment_ids:
            put_tracking(client, order_id, shipment_id, values)
            result.updated.append(shipment_id)
    except BigCommerceError as error:
        result.error = error
    return result


def tracking_values(tracking='', provider='', carrier=''):
    return PlannedShipment(0, {}, tracking or '', provider or '', carrier or '').tracking()


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
