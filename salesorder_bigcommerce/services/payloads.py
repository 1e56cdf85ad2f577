"""Value objects wrapping BigCommerce payloads (in the manner of google_event.py).

Each ``from_json`` validates and parses the raw dict (money -> Decimal, dates ->
naive UTC datetime, ids -> int) and raises BigCommercePayloadError naming the
object and the field; the dict itself stays available as ``raw``.

Here: the store, order statuses and the catalog; orders are in order_payloads
(re-exported here, so ``payloads.Order`` is the one name to use).
"""
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from html.parser import HTMLParser

from .payload_fields import RAW, _Fields

# --- HTML description -> text -----------------------------------------------------

_BLOCK_TAGS = frozenset({
    'address', 'article', 'aside', 'blockquote', 'br', 'dd', 'div', 'dl', 'dt', 'figcaption',
    'figure', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main',
    'nav', 'ol', 'p', 'pre', 'section', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul',
})
_SKIPPED_TAGS = frozenset({'script', 'style', 'head', 'title', 'template', 'noscript'})


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED_TAGS:
            self.skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append('\n')

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self.parts.append('\n')

    def handle_endtag(self, tag):
        if tag in _SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append('\n')

    def handle_data(self, data):
        if not self.skipping:
            # source line breaks are mere spaces in HTML; only block tags break lines
            self.parts.append(re.sub(r'\s+', ' ', data))


def html_to_text(markup) -> str:
    """Product description HTML -> safe plain text.

    Tags are dropped (script/style with their content), entities unescaped, block
    tags become line breaks, runs of spaces collapse and empty lines are removed.
    """
    if not markup:
        return ''
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    lines = (re.sub(r'\s+', ' ', line).strip() for line in ''.join(parser.parts).split('\n'))
    return '\n'.join(line for line in lines if line)


# --- Store --------------------------------------------------------------------------

@dataclass(frozen=True)
class StoreInfo:
    """GET /v2/store."""
    store_hash: str
    name: str
    domain: str
    secure_url: str
    currency: str
    currency_symbol: str
    decimal_places: int
    timezone_name: str
    is_price_entered_with_tax: bool
    admin_email: str
    raw: dict = field(**RAW)

    @classmethod
    def from_json(cls, data):
        f = _Fields(data, 'Store information')
        tz = data.get('timezone')
        return cls(
            store_hash=f.str('id'),
            name=f.str('name'),
            domain=f.str('domain'),
            secure_url=f.str('secure_url'),
            currency=f.str('currency'),
            currency_symbol=f.str('currency_symbol'),
            decimal_places=f.int('decimal_places', optional=True, default=2),
            timezone_name=(tz.get('name') or '') if isinstance(tz, dict) else '',
            is_price_entered_with_tax=f.bool('is_price_entered_with_tax'),
            admin_email=f.str('admin_email'),
            raw=data,
        )


@dataclass(frozen=True)
class OrderStatus:
    """One row of GET /v2/order_statuses."""
    id: int
    name: str
    custom_label: str
    system_label: str
    order: int
    raw: dict = field(**RAW)

    @classmethod
    def from_json(cls, data):
        f = _Fields(data, 'Order status')
        f = _Fields(data, f"Order status {f.int('id')}", data.get('id'))
        return cls(
            id=f.int('id'),
            name=f.str('name'),
            custom_label=f.str('custom_label') or f.str('name'),
            system_label=f.str('system_label') or f.str('name'),
            order=f.int('order', optional=True),
            raw=data,
        )

    @property
    def label(self):
        """The merchant's label (what the store's admin shows)."""
        return self.custom_label or self.name


# --- Catalog ------------------------------------------------------------------------

@dataclass(frozen=True)
class OptionValue:
    option_id: int
    option_name: str     # option_display_name, e.g. 'Color'
    value_id: int
    label: str           # e.g. 'Beige'


@dataclass(frozen=True)
class Variant:
    """A V3 catalog variant: one sellable SKU."""
    id: int
    product_id: int
    sku: str
    price: Decimal | None        # None: inherits the product's price
    sale_price: Decimal | None
    option_values: tuple         # tuple[OptionValue]
    is_base: bool                # the base variant of a product without options
    raw: dict = field(**RAW)

    @classmethod
    def from_json(cls, data, label=None):
        f = _Fields(data, label or 'Variant')
        f = _Fields(data, f"{label}: variant {f.int('id')}" if label else f"Variant {f.int('id')}",
                    data.get('id'))
        values = []
        for index, raw_value in enumerate(f.list('option_values'), 1):
            v = _Fields(raw_value, f"{f.label}: option value {index}", f.object_id)
            values.append(OptionValue(
                option_id=v.int('option_id'),
                option_name=v.str('option_display_name'),
                value_id=v.int('id'),
                label=v.str('label'),
            ))
        return cls(
            id=f.int('id'),
            product_id=f.int('product_id', optional=True),
            sku=f.str('sku'),
            price=f.money_or_none('price'),
            sale_price=f.money_or_none('sale_price'),
            option_values=tuple(values),
            is_base=not values,
            raw=data,
        )

    @property
    def options_label(self):
        """'Color: Beige, Size: S' ('' for a base variant)."""
        return ', '.join(f"{v.option_name}: {v.label}" for v in self.option_values)


@dataclass(frozen=True)
class Product:
    """A V3 catalog product, with its variants when fetched with include=variants."""
    id: int
    name: str
    sku: str
    description_html: str
    description_text: str
    price: Decimal
    sale_price: Decimal
    type: str
    is_visible: bool
    date_modified: datetime | None
    variants: tuple              # tuple[Variant]
    raw: dict = field(**RAW)

    @classmethod
    def from_json(cls, data, variants=None):
        """`variants` (raw dicts) replaces the embedded list, e.g. when that was cut."""
        f = _Fields(data, 'Product')
        f = _Fields(data, f"Product {f.int('id')}", data.get('id'))
        raw_variants = f.list('variants') if variants is None else variants
        description = f.str('description')
        return cls(
            id=f.int('id'),
            name=f.str('name'),
            sku=f.str('sku'),
            description_html=description,
            description_text=html_to_text(description),
            price=f.money('price'),
            sale_price=f.money('sale_price', optional=True),
            type=f.str('type'),
            is_visible=f.bool('is_visible', default=True),
            date_modified=f.date('date_modified'),
            variants=tuple(Variant.from_json(v, f.label) for v in raw_variants),
            raw=data,
        )

    @property
    def has_options(self):
        return any(v.option_values for v in self.variants)

    def effective_price(self, variant=None):
        """The variant's own price, else the product's."""
        if variant is not None and variant.price is not None:
            return variant.price
        return self.price


from .order_payloads import (  # noqa: E402, I001  (re-exported: payloads.Order and friends)
    Address,
    AppliedDiscount,
    Fee,
    Order,
    OrderLine,
    ProductOption,
    ShippingConsignment,
)

__all__ = [
    "Address", "AppliedDiscount", "Fee", "OptionValue", "Order", "OrderLine", "OrderStatus",
    "Product", "ProductOption", "ShippingConsignment", "StoreInfo", "Variant", "html_to_text",
]
