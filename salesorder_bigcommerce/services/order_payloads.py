"""Value objects of BigCommerce V2 orders: the order, its lines, addresses,
consignments, discounts and fees (see payloads.py for the conventions)."""
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from . import const
from .errors import BigCommercePayloadError, _lt
from .parsing import _show
from .payload_fields import RAW, _Fields

# --- Orders -------------------------------------------------------------------------

@dataclass(frozen=True)
class Address:
    first_name: str
    last_name: str
    company: str
    street_1: str
    street_2: str
    city: str
    state: str
    zip: str
    country: str
    country_iso2: str
    phone: str
    email: str

    @classmethod
    def from_json(cls, data, label='Address'):
        f = _Fields(data if data is not None else {}, label)
        return cls(**{name: f.str(name).strip() for name in cls.__dataclass_fields__})

    @property
    def name(self):
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True)
class AppliedDiscount:
    id: str              # 'total-coupon', 'manual-discount', a rule id...
    amount: Decimal
    name: str
    code: str            # '' for manual discounts
    target: str          # 'order' | 'product'


@dataclass(frozen=True)
class ProductOption:
    """An option chosen on an order line (size, engraving text, uploaded file...)."""
    id: int
    option_id: int
    name: str            # display_name, e.g. 'Size'
    value: str           # display_value, e.g. 'S'
    type: str


@dataclass(frozen=True)
class OrderLine:
    """One order product (V2 /orders/{id}/products row, or embedded in consignments)."""
    id: int
    product_id: int      # 0 = custom product
    variant_id: int      # 0 when unknown
    sku: str
    name: str
    quantity: Decimal
    base_price: Decimal
    price_ex_tax: Decimal
    price_inc_tax: Decimal
    price_tax: Decimal
    total_ex_tax: Decimal
    total_inc_tax: Decimal
    total_tax: Decimal
    applied_discounts: tuple     # tuple[AppliedDiscount]
    product_options: tuple       # tuple[ProductOption]
    type: str                    # physical | digital | giftcertificate
    parent_line_id: int | None   # set on the items of a bundle
    is_bundled: bool             # bundle item (priced on its parent line)
    address_id: int              # order_address_id: the shipping consignment it ships in
    raw: dict = field(**RAW)

    @classmethod
    def from_json(cls, data, label='Line'):
        f = _Fields(data, label)
        quantity = f.money('quantity')
        if not 0 < quantity <= const.MAX_LINE_QUANTITY:
            raise f._error(_lt("%(field)s %(value)s is out of range"), 'quantity',
                           value=_show(data.get('quantity')))
        discounts = []
        for index, raw_discount in enumerate(f.list('applied_discounts'), 1):
            d = _Fields(raw_discount, f"{label}: discount {index}")
            discounts.append(AppliedDiscount(
                id=d.str('id'), amount=d.money('amount'), name=d.str('name'),
                code=d.str('code'), target=d.str('target')))
        options = []
        for index, raw_option in enumerate(f.list('product_options'), 1):
            o = _Fields(raw_option, f"{label}: option {index}")
            option_key = 'option_id' if 'option_id' in raw_option else 'option id'  # typo in BC docs
            options.append(ProductOption(
                id=o.int('id', optional=True),
                option_id=o.int(option_key, optional=True),
                name=o.str('display_name') or o.str('name'),
                value=o.str('display_value'),
                type=o.str('type')))
        parent = data.get('parent_order_product_id')
        return cls(
            id=f.int('id'),
            product_id=f.int('product_id', optional=True),
            variant_id=f.int('variant_id', optional=True),
            sku=f.str('sku'),
            name=f.str('name') or f.str('name_customer'),
            quantity=quantity,
            base_price=f.money('base_price', optional=True),
            price_ex_tax=f.money('price_ex_tax'),
            price_inc_tax=f.money('price_inc_tax'),
            price_tax=f.money('price_tax', optional=True),
            total_ex_tax=f.money('total_ex_tax'),
            total_inc_tax=f.money('total_inc_tax'),
            total_tax=f.money('total_tax', optional=True),
            applied_discounts=tuple(discounts),
            product_options=tuple(options),
            type=f.str('type'),
            parent_line_id=f.int('parent_order_product_id') if parent not in (None, '', 0) else None,
            is_bundled=f.bool('is_bundled_product'),
            address_id=f.int('order_address_id', optional=True),
            raw=data,
        )

    @property
    def is_custom(self):
        """A custom product typed into the order, not from the catalog."""
        return not self.product_id

    @property
    def discount_amount(self):
        return sum((d.amount for d in self.applied_discounts), Decimal('0'))


@dataclass(frozen=True)
class ShippingConsignment:
    """A shipping consignment (or, for orders read without consignments, a shipping address)."""
    id: int
    address: Address
    shipping_method: str
    cost_ex_tax: Decimal
    cost_inc_tax: Decimal
    cost_tax: Decimal
    handling_cost_ex_tax: Decimal
    handling_cost_inc_tax: Decimal
    handling_cost_tax: Decimal
    line_ids: tuple              # ids of the OrderLines shipped in it
    raw: dict = field(**RAW)

    @classmethod
    def from_json(cls, data, label='Shipping consignment', line_ids=None):
        f = _Fields(data, label)
        if line_ids is None:
            line_ids = tuple(item['id'] for item in _line_item_dicts(data.get('line_items'))
                             if isinstance(item.get('id'), int))
        return cls(
            id=f.int('id'),
            address=Address.from_json(data, label),
            shipping_method=f.str('shipping_method'),
            cost_ex_tax=f.money('cost_ex_tax', optional=True),
            cost_inc_tax=f.money('cost_inc_tax', optional=True),
            cost_tax=f.money('cost_tax', optional=True),
            handling_cost_ex_tax=f.money('handling_cost_ex_tax', optional=True),
            handling_cost_inc_tax=f.money('handling_cost_inc_tax', optional=True),
            handling_cost_tax=f.money('handling_cost_tax', optional=True),
            line_ids=tuple(line_ids),
            raw=data,
        )


@dataclass(frozen=True)
class Fee:
    """An order fee (only sent with include=fees)."""
    id: int
    name: str
    cost_ex_tax: Decimal
    cost_inc_tax: Decimal
    cost_tax: Decimal
    raw: dict = field(**RAW)

    @classmethod
    def from_json(cls, data, label='Fee'):
        f = _Fields(data, label)
        # BigCommerce's own examples spell it both cost_ex_tax and cost_exc_tax.
        ex_key = 'cost_ex_tax' if data.get('cost_ex_tax') not in (None, '') else 'cost_exc_tax'
        return cls(
            id=f.int('id', optional=True),
            name=f.str('display_name_merchant') or f.str('display_name_customer'),
            cost_ex_tax=f.money(ex_key, optional=True),
            cost_inc_tax=f.money('cost_inc_tax', optional=True),
            cost_tax=f.money('cost_tax', optional=True),
            raw=data,
        )


def _line_item_dicts(items):
    """Embedded line items of a consignment: a list (or, in one spec example, a single
    object); link objects {url, resource} carry no data and are left out."""
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        return []
    return [item for item in items if isinstance(item, dict) and 'id' in item]


def _consignment_line_items(consignments):
    """(all embedded line item dicts, whether every consignment had them embedded)."""
    found, complete = [], True
    groups = [consignments.get(kind) or [] for kind in const.CONSIGNMENT_KINDS]
    email = consignments.get('email')
    if isinstance(email, dict):
        groups.append(email.get('gift_certificates') or [])
    for group in groups:
        for consignment in group if isinstance(group, list) else [group]:
            if not isinstance(consignment, dict):
                continue
            items = consignment.get('line_items')
            dicts = _line_item_dicts(items)
            raw_count = len(items) if isinstance(items, list) else int(bool(items))
            complete = complete and len(dicts) == raw_count
            found.extend(dicts)
    return found, complete


@dataclass(frozen=True)
class Order:
    """A V2 order, with its lines when read with consignments.line_items."""
    id: int
    customer_id: int             # 0 = guest
    status_id: int
    status: str
    date_created: datetime | None
    date_modified: datetime | None
    currency_code: str           # transactional currency: what the shopper paid in
    display_currency_code: str
    is_tax_inclusive: bool
    subtotal_ex_tax: Decimal
    subtotal_inc_tax: Decimal
    subtotal_tax: Decimal
    shipping_cost_ex_tax: Decimal
    shipping_cost_inc_tax: Decimal
    shipping_cost_tax: Decimal
    handling_cost_ex_tax: Decimal
    handling_cost_inc_tax: Decimal
    handling_cost_tax: Decimal
    wrapping_cost_ex_tax: Decimal
    wrapping_cost_inc_tax: Decimal
    wrapping_cost_tax: Decimal
    total_ex_tax: Decimal
    total_inc_tax: Decimal
    total_tax: Decimal
    discount_amount: Decimal
    coupon_discount: Decimal
    store_credit_amount: Decimal
    gift_certificate_amount: Decimal
    refunded_amount: Decimal
    payment_method: str
    payment_status: str
    payment_provider_id: str
    billing_address: Address
    shipping_consignments: tuple     # tuple[ShippingConsignment]
    lines: tuple                     # tuple[OrderLine]
    fees: tuple                      # tuple[Fee]
    has_lines: bool
    customer_message: str
    staff_notes: str
    custom_status: str
    raw: dict = field(**RAW)

    @classmethod
    def from_json(cls, data, products=None, shipping_addresses=None):
        """Parse an order.

        Lines come from the embedded consignments (include=consignments.line_items,
        consignment_structure=object), or from `products` (the rows of
        /orders/{id}/products) when given; `shipping_addresses` (rows of
        /orders/{id}/shipping_addresses) stand in for missing shipping consignments.
        """
        f = _Fields(data, 'Order')
        order_id = f.int('id')
        label = f"Order {order_id}"
        f = _Fields(data, label, order_id)

        consignments = data.get('consignments')
        embedded = isinstance(consignments, dict) and 'url' not in consignments
        if products is not None:
            raw_lines, has_lines = products, True
        elif embedded:
            raw_lines, has_lines = _consignment_line_items(consignments)
            if not has_lines:   # some items are mere links: the caller reads /products
                raw_lines = []
        else:
            raw_lines, has_lines = [], False
        lines, seen = [], set()
        for position, raw_line in enumerate(raw_lines, 1):
            line_label = f"line {position}"
            if isinstance(raw_line, dict) and raw_line.get('id') is not None:
                line_label += f" (id {raw_line['id']})"
            try:
                line = OrderLine.from_json(raw_line, line_label)
            except BigCommercePayloadError as e:
                raise e.within(label, order_id) from None
            if line.id not in seen:   # a line may be listed in more than one consignment
                seen.add(line.id)
                lines.append(line)

        shipping = []
        if embedded and consignments.get('shipping'):
            for index, raw_c in enumerate(consignments['shipping'], 1):
                shipping.append(_within(label, order_id, ShippingConsignment.from_json,
                                        raw_c, f"shipping consignment {index}"))
        elif shipping_addresses:
            for index, raw_a in enumerate(shipping_addresses, 1):
                address_id = raw_a.get('id') if isinstance(raw_a, dict) else None
                line_ids = tuple(line.id for line in lines if line.address_id == address_id)
                shipping.append(_within(label, order_id, ShippingConsignment.from_json,
                                        raw_a, f"shipping address {index}", line_ids))

        fees = data.get('fees')
        fees = fees if isinstance(fees, list) else []   # a link object without include=fees
        # The 'Multiple Items' example of the docs misspells currency_code as 'currency_code"'.
        display_currency = f.str('currency_code') or f.str('currency_code"')
        return cls(
            id=order_id,
            customer_id=f.int('customer_id', optional=True),
            status_id=f.int('status_id'),
            status=f.str('status'),
            date_created=f.date('date_created'),
            date_modified=f.date('date_modified'),
            currency_code=f.str('default_currency_code') or display_currency,
            display_currency_code=display_currency or f.str('default_currency_code'),
            is_tax_inclusive=f.bool('is_tax_inclusive_pricing'),
            subtotal_ex_tax=f.money('subtotal_ex_tax'),
            subtotal_inc_tax=f.money('subtotal_inc_tax'),
            subtotal_tax=f.money('subtotal_tax', optional=True),
            shipping_cost_ex_tax=f.money('shipping_cost_ex_tax', optional=True),
            shipping_cost_inc_tax=f.money('shipping_cost_inc_tax', optional=True),
            shipping_cost_tax=f.money('shipping_cost_tax', optional=True),
            handling_cost_ex_tax=f.money('handling_cost_ex_tax', optional=True),
            handling_cost_inc_tax=f.money('handling_cost_inc_tax', optional=True),
            handling_cost_tax=f.money('handling_cost_tax', optional=True),
            wrapping_cost_ex_tax=f.money('wrapping_cost_ex_tax', optional=True),
            wrapping_cost_inc_tax=f.money('wrapping_cost_inc_tax', optional=True),
            wrapping_cost_tax=f.money('wrapping_cost_tax', optional=True),
            total_ex_tax=f.money('total_ex_tax'),
            total_inc_tax=f.money('total_inc_tax'),
            total_tax=f.money('total_tax', optional=True),
            discount_amount=f.money('discount_amount', optional=True),
            coupon_discount=f.money('coupon_discount', optional=True),
            store_credit_amount=f.money('store_credit_amount', optional=True),
            gift_certificate_amount=f.money('gift_certificate_amount', optional=True),
            refunded_amount=f.money('refunded_amount', optional=True),
            payment_method=f.str('payment_method'),
            payment_status=f.str('payment_status'),
            payment_provider_id=f.str('payment_provider_id'),
            billing_address=Address.from_json(data.get('billing_address'), f"{label}: billing address"),
            shipping_consignments=tuple(shipping),
            lines=tuple(lines),
            fees=tuple(_within(label, order_id, Fee.from_json, raw_fee, f"fee {index}")
                       for index, raw_fee in enumerate(fees, 1)),
            has_lines=has_lines,
            customer_message=f.str('customer_message'),
            staff_notes=f.str('staff_notes'),
            custom_status=f.str('custom_status') or f.str('status'),
            raw=data,
        )

    @property
    def email(self):
        return self.billing_address.email

    @property
    def is_paid(self):
        return self.payment_status.lower() in const.PAID_PAYMENT_STATUSES

    @property
    def is_guest(self):
        return not self.customer_id

    @property
    def shipping_address(self):
        """The first shipping consignment's address, or None (digital, pickup)."""
        return self.shipping_consignments[0].address if self.shipping_consignments else None



def _within(label, object_id, parse, data, sub_label, *args):
    try:
        return parse(data, sub_label, *args)
    except BigCommercePayloadError as e:
        raise e.within(label, object_id) from None
