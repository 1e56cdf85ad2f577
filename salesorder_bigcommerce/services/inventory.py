"""Stock levels to BigCommerce: absolute inventory adjustments (plain Python, no Odoo).

``PUT /v3/inventory/adjustments/absolute`` (inventory.v3.yml,
docs/store-operations_catalog_inventory-adjustments.mdx; LIFECYCLE-FACTS §3)
takes ``{reason, items[{location_id, variant_id | product_id | sku,
quantity}]}``, at most 2,000 items, and answers ``{transaction_id}``. The
page's advice is followed: absolute adjustments, items grouped by location,
one request at a time (the next one leaves when the previous one answered).

A 422 refuses the whole request ("Incorrect entity"), naming the refused
items in its title (``[Item with variant_id 106 is tracked by product, please
update stock by product id]``). The push then sends the same request again
without the items named; a 422 that names none of the request's items is
narrowed down by halves, so that one bad item never holds back the others.
"""
import math
import re
from collections import deque
from dataclasses import dataclass, field

from . import const
from .errors import BigCommerceError

ADJUSTMENT_PATH = '/v3/inventory/adjustments/absolute'
MAX_ITEMS_PER_REQUEST = 2000       # "Limit of 2000 items for payload length"
MAX_QUANTITY = 2147483647          # per item and location (inventory-adjustments.mdx)
DEFAULT_LOCATION_ID = 1            # every store has location 1 (locations.v3.yml)
TRACKING_VALUES = ('none', 'product', 'variant')    # a product's inventory_tracking
# A 422 naming none of the request's items is narrowed down by halves, at most this
# many times per push; past that, such a request's items are all reported refused.
MAX_BLIND_SPLITS = 32

# "Item with variant_id 106 ...", "Items with identity: [product_id 113] ...".
_ITEM_START = re.compile(r'(?=\bItems? with\b)', re.IGNORECASE)
_ITEM_REF = re.compile(r'\b(variant_id|product_id)\b[\s:=\[]*(\d+)')
_TRACKED_BY = re.compile(r'\btracked by (product|variant)\b', re.IGNORECASE)


def whole_quantity(value):
    """What BigCommerce is sent for an Odoo quantity: a whole number (rounded
    down: half a unit cannot be sold), never negative, at most MAX_QUANTITY."""
    value = float(value or 0.0)
    if not math.isfinite(value) or value <= 0:
        return 0
    # round() first: 2.9999999999 left by float sums is 3, not 2.
    return min(int(math.floor(round(value, 6))), MAX_QUANTITY)


@dataclass(frozen=True)
class StockItem:
    """One inventory item at one BigCommerce location, with the quantity to set.

    ``variant_id`` 0 addresses the item by ``product_id`` (an item tracked by product)."""
    product_id: int
    variant_id: int
    location_id: int
    quantity: int

    @property
    def key(self):
        return (self.product_id, self.variant_id, self.location_id)

    def payload(self):
        ident = {'variant_id': self.variant_id} if self.variant_id else {'product_id': self.product_id}
        return {'location_id': self.location_id, **ident, 'quantity': self.quantity}


@dataclass(frozen=True)
class Refusal:
    """An item the store refused: its words, and how it tracks the item when it says so."""
    item: StockItem
    message: str
    tracked_by: str = ''    # 'product' / 'variant' from "... is tracked by product ..."
    error: object = None    # the BigCommerceError, when the store said nothing of its own


@dataclass
class PushResult:
    accepted: list = field(default_factory=list)      # StockItem
    refused: list = field(default_factory=list)       # Refusal
    requests: int = 0
    transaction_ids: list = field(default_factory=list)


def refusals_in(text, batch):
    """The items of ``batch`` (StockItem) that the store's 422 text names, as Refusals.

    An item is named by the id it was sent with (variant_id, or product_id for an
    item sent by product). A text cut short (ending with '…') loses its last item,
    whose id may be cut too."""
    by_variant = {i.variant_id: i for i in batch if i.variant_id}
    by_product = {i.product_id: i for i in batch if not i.variant_id}
    parts = [p.strip(' \t\n[],;') for p in _ITEM_START.split(text or '')]
    parts = [p for p in parts if p]
    if text and text.rstrip().endswith('…') and parts:
        parts = parts[:-1]
    refusals, seen = [], set()
    for part in parts:
        tracked = _TRACKED_BY.search(part)
        for name, value in _ITEM_REF.findall(part):
            item = (by_variant if name == 'variant_id' else by_product).get(int(value))
            if item is not None and item.key not in seen:
                seen.add(item.key)
                refusals.append(Refusal(item, part, tracked.group(1).lower() if tracked else ''))
    return refusals


def push_absolute(client, items, *, reason, batch_size=MAX_ITEMS_PER_REQUEST, on_accepted=None,
                  on_refused=None):
    """Set ``items`` (StockItem) in the store with absolute adjustments; returns a PushResult.

    Requests of at most ``batch_size`` items, grouped by location, sent one after
    the other. ``on_accepted(items, transaction_id)`` is called after each request
    the store accepted, ``on_refused(refusals)`` for the items it refused (422), so
    that the caller records them as the push goes. Any other failure (network,
    rate limit beyond the client's patience, 5xx after retries) is raised as the
    client's BigCommerceError: the items accepted before it stay accepted."""
    result = PushResult()
    ordered = sorted(items, key=lambda i: i.location_id)    # stable: grouped by location
    size = max(1, min(int(batch_size), MAX_ITEMS_PER_REQUEST))
    queue = deque(ordered[i:i + size] for i in range(0, len(ordered), size))
    blind_splits = MAX_BLIND_SPLITS
    while queue:
        batch = queue.popleft()
        result.requests += 1
        try:
            answer = client._request('PUT', ADJUSTMENT_PATH, json={
                'reason': reason, 'items': [item.payload() for item in batch]})
        except BigCommerceError as error:
            if error.status == 413 and len(batch) > 1:     # too large after all: halves
                queue.extendleft(reversed(_halves(batch)))
                continue
            if error.status != 422:
                raise
            said = (error.params or {}).get('said') or ''
            refused = refusals_in(said, batch)
            if not refused:
                if len(batch) > 1 and blind_splits > 0:
                    blind_splits -= 1
                    queue.extendleft(reversed(_halves(batch)))
                    continue
                refused = [Refusal(item, said or str(error), error=None if said else error) for item in batch]
            result.refused += refused
            if on_refused:
                on_refused(refused)
            named = {r.item.key for r in refused}
            rest = [item for item in batch if item.key not in named]
            if rest:
                queue.appendleft(rest)
            continue
        transaction_id = str((answer or {}).get('transaction_id') or '') if isinstance(answer, dict) else ''
        result.accepted += batch
        result.transaction_ids.append(transaction_id)
        if on_accepted:
            on_accepted(batch, transaction_id)
    return result


def read_inventory_tracking(client, product_ids):
    """{product id: inventory_tracking} read from the catalog, 250 products a request
    (``id:in`` with ``include_fields``). Products not in the store are missing."""
    wanted = sorted({int(i) for i in product_ids})
    tracking = {}
    chunk_size = min(const.ID_IN_CHUNK_SIZE, const.MAX_PAGE_SIZE)
    for start in range(0, len(wanted), chunk_size):
        chunk = wanted[start:start + chunk_size]
        params = {'id:in': ','.join(map(str, chunk)), 'include_fields': 'inventory_tracking'}
        for row in client.iter_v3('/catalog/products', params):
            value = row.get('inventory_tracking') if isinstance(row, dict) else None
            if value in TRACKING_VALUES and isinstance(row.get('id'), int):
                tracking[row['id']] = value
    return tracking


def _halves(batch):
    middle = len(batch) // 2
    return [batch[:middle], batch[middle:]]
