"""BigCommerce refunds (Orders V3 payment actions): value objects and the batch read.

``GET /v3/orders/payment_actions/refunds?order_id:in=...`` reads the refunds of
many orders in one call (orders.v3.yml); a refund lists what it gave back
(``items``: PRODUCT by order line id and quantity, SHIPPING / HANDLING by
order address id, GIFT_WRAPPING, ORDER for an order-level amount that does
not change the tax, FEE; another type is read as an amount only) and its
``total_amount`` and ``total_tax``. A refund with no item and nothing given back
is left out.
"""
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from . import const
from .errors import BigCommercePayloadError
from .payload_fields import RAW, _Fields

PRODUCT, SHIPPING, HANDLING, GIFT_WRAPPING, ORDER, FEE = (
    "PRODUCT", "SHIPPING", "HANDLING", "GIFT_WRAPPING", "ORDER", "FEE")
ITEM_TYPES = (PRODUCT, SHIPPING, HANDLING, GIFT_WRAPPING, ORDER, FEE)
# Ids per request: the ids go in the query string.
REFUND_BATCH = 100


@dataclass(frozen=True)
class RefundItem:
    item_type: str
    item_id: int
    quantity: Decimal
    requested_amount: Decimal | None     # None when BigCommerce leaves it out


@dataclass(frozen=True)
class RefundPayment:
    provider_id: str
    amount: Decimal
    offline: bool
    is_declined: bool


@dataclass(frozen=True)
class Refund:
    id: int
    order_id: int
    created: datetime | None
    reason: str
    total_amount: Decimal
    total_tax: Decimal
    items: tuple                 # tuple[RefundItem]
    payments: tuple              # tuple[RefundPayment]
    raw: dict = field(**RAW)

    @classmethod
    def from_json(cls, data):
        f = _Fields(data, "Refund")
        f = _Fields(data, f"Refund {f.int('id')}", data.get("id"))
        items = []
        for index, raw_item in enumerate(f.list("items"), 1):
            i = _Fields(raw_item, f"{f.label}: item {index}", f.object_id)
            item_type = i.str("item_type").upper()
            if item_type not in ITEM_TYPES:
                # Another type (the spec's AmountBoundItem also has TAX): an amount only.
                items.append(RefundItem(item_type, _int_or_zero(raw_item.get("item_id")), Decimal(0),
                                        i.money_or_none("requested_amount")))
                continue
            items.append(RefundItem(item_type, i.int("item_id", optional=True),
                                    Decimal(i.int("quantity", optional=True)),
                                    i.money_or_none("requested_amount")))
        payments = []
        for index, raw_payment in enumerate(f.list("payments"), 1):
            p = _Fields(raw_payment, f"{f.label}: payment {index}", f.object_id)
            payments.append(RefundPayment(p.str("provider_id"), p.money("amount", optional=True),
                                          p.bool("offline"), p.bool("is_declined")))
        return cls(
            id=f.int("id"),
            order_id=f.int("order_id"),
            created=f.date("created"),
            reason=f.str("reason"),
            total_amount=f.money("total_amount"),
            total_tax=f.money("total_tax", optional=True),
            items=tuple(items),
            payments=tuple(payments),
            raw=data,
        )

    @property
    def paid_back(self):
        """What reached the shopper: the refund's payments not declined."""
        return sum((p.amount for p in self.payments if not p.is_declined), Decimal(0))

    @property
    def is_empty(self):
        """No item and nothing given back: nothing to credit."""
        return not self.items and not self.total_amount and not self.total_tax


def _int_or_zero(value):
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def read_refunds(client, order_ids, on_payload_error=None):
    """{order id: [Refund, ascending id]} for `order_ids`, REFUND_BATCH orders per
    request, every page. `on_payload_error(error, raw)` hears of a refund that does
    not parse (else the error is raised)."""
    found = {}
    wanted = sorted(set(order_ids))
    for start in range(0, len(wanted), REFUND_BATCH):
        ids = ",".join(str(i) for i in wanted[start:start + REFUND_BATCH])
        for raw in client.iter_v3("/orders/payment_actions/refunds", {"order_id:in": ids},
                                  page_size=const.MAX_PAGE_SIZE):
            try:
                refund = Refund.from_json(raw)
            except BigCommercePayloadError as error:
                if on_payload_error is None:
                    raise
                on_payload_error(error, raw)
                continue
            if not refund.is_empty:
                found.setdefault(refund.order_id, []).append(refund)
    for refunds in found.values():
        refunds.sort(key=lambda r: r.id)
    return found
