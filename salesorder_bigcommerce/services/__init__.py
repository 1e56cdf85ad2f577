"""Plain-Python BigCommerce services: no Odoo import anywhere in this package.

client   -- BigCommerceClient, the one gateway to the REST API (V2 + V3)
payloads -- value objects parsed from BigCommerce JSON (orders in order_payloads,
            the typed field reader in payload_fields)
parsing  -- API Path / API Key / money / date parsing
errors   -- BigCommerceError, the one exception type
const    -- every external constant
inventory -- stock levels to BigCommerce (absolute inventory adjustments)
"""
from . import client, const, errors, inventory, parsing, payloads  # noqa: F401
from .client import BigCommerceClient
from .errors import BigCommerceError, BigCommercePayloadError
from .parsing import ApiKey, ApiPath, format_rfc2822, parse_api_key, parse_api_path, parse_datetime, parse_money
from .payloads import (
    Address, AppliedDiscount, Fee, OptionValue, Order, OrderLine, OrderStatus, Product,
    ProductOption, ShippingConsignment, StoreInfo, Variant,
)

__all__ = [
    'client', 'const', 'errors', 'inventory', 'parsing', 'payloads',
    'BigCommerceClient', 'BigCommerceError', 'BigCommercePayloadError',
    'ApiKey', 'ApiPath', 'format_rfc2822', 'parse_api_key', 'parse_api_path', 'parse_datetime',
    'parse_money',
    'Address', 'AppliedDiscount', 'Fee', 'OptionValue', 'Order', 'OrderLine', 'OrderStatus',
    'Product', 'ProductOption', 'ShippingConsignment', 'StoreInfo', 'Variant',
]
