"""The taxes BigCommerce applied to an order (V2 ``GET /orders/{id}/taxes?details=true``).

One row per tax rate applied to one taxed piece of the order (orders.v2.oas2.yml,
``orderTaxes_Base``): ``rate`` is the percentage ('8.2500'), ``line_amount`` the
tax it gave; with ``details=true`` also ``line_item_type`` (item, shipping,
handling, gift-wrapping) and ``order_product_id`` (the order line's id, a
string, for items; null otherwise). A piece taxed by several rates (a state and
a county tax) has several rows; ``priority`` is "the order in which the tax is
applied". A store using a tax provider may omit ``order_address_id``.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from .payload_fields import RAW, _Fields

ITEM = 'item'
SHIPPING = 'shipping'
HANDLING = 'handling'
GIFT_WRAPPING = 'gift-wrapping'


@dataclass(frozen=True)
class OrderTax:
    """One row of an order's taxes; rates are Decimal percentages."""
    id: int
    order_address_id: int          # 0 when not sent
    line_item_type: str            # '' without details=true
    order_product_id: int | None   # items only
    name: str
    class_name: str                # the row's `class`, e.g. 'Default Tax Class'
    sales_tax_id: str
    rate: Decimal
    priority: int
    line_amount: Decimal
    raw: dict = field(**RAW)

    @classmethod
    def from_json(cls, data, label='Order tax'):
        f = _Fields(data, label)
        return cls(
            id=f.int('id', optional=True),
            order_address_id=f.int('order_address_id', optional=True),
            line_item_type=f.str('line_item_type').strip().lower(),
            order_product_id=f.int('order_product_id', optional=True, default=None),
            name=f.str('name'),
            class_name=f.str('class'),
            sales_tax_id=f.str('sales_tax_id'),
            rate=f.money('rate'),
            priority=f.int('priority', optional=True),
            line_amount=f.money('line_amount', optional=True),
            raw=data,
        )


def parse_order_taxes(rows, order_id):
    """[OrderTax] of the raw rows of one order; a row that does not parse raises
    BigCommercePayloadError naming the order and the row."""
    return [OrderTax.from_json(row, f"Order {order_id}: tax {n}") for n, row in enumerate(rows, 1)]
