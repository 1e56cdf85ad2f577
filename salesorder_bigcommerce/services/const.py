"""Every external constant of the BigCommerce API used by the services layer.

Sources: shared/bigcommerce/API-FACTS.md and the official OpenAPI files next to it.
"""

# --- Credentials and URLs ---------------------------------------------------------

API_PATH_EXAMPLE = 'https://api.bigcommerce.com/stores/{store_hash}/v3/'
API_KEY_EXAMPLE = 'CLIENT_ID:ACCESS_TOKEN'
# Plain http is only accepted for a server on this machine (tests, the sandbox store).
LOCAL_HOSTS = frozenset({'localhost', '127.0.0.1', '::1'})
LOCAL_HOSTS_TEXT = 'localhost, 127.0.0.1 or ::1'
# The API Path ends with /stores/{store_hash}, optionally followed by /v2 or /v3.
API_PATH_REGEX = r'^(?P<prefix>(?:/[^/]+)*?)/stores/(?P<store_hash>[A-Za-z0-9_-]+)(?:/(?P<version>v[23]))?/?$'

# --- HTTP -------------------------------------------------------------------------

HEADER_AUTH_TOKEN = 'X-Auth-Token'
USER_AGENT = 'salesorder_bigcommerce (Odoo connector)'
# Rate limits (API-FACTS §8). Header names are case-insensitive; requests handles that.
HEADER_RATE_LIMIT_LEFT = 'X-Rate-Limit-Requests-Left'
HEADER_RATE_LIMIT_RESET_MS = 'X-Rate-Limit-Time-Reset-Ms'
HEADER_RETRY_AFTER = 'X-Retry-After'  # seconds
# Wait used when a 429 carries no rate-limit header ("platform load": retry later).
DEFAULT_RATE_LIMIT_WAIT = 5.0
# How many 429 answers one request may wait through before giving up.
MAX_RATE_LIMIT_RETRIES = 5
# Longest store message kept in an error (they can be whole HTML pages).
MAX_STORE_MESSAGE_LENGTH = 300
# A client for a button the user waits on (BigCommerceClient(quick=True)): one attempt,
# this timeout in seconds (connect and each read), and rate-limit waits up to this long.
QUICK_TIMEOUT = 5.0
QUICK_MAX_RATE_LIMIT_WAIT = 2.0

# --- Pagination -------------------------------------------------------------------

MAX_PAGE_SIZE = 250          # `limit` maximum for V2 and V3 collections
ID_IN_CHUNK_SIZE = 250       # ids per `id:in` filter (keeps URLs well under 4 kB)
# BigCommerce documents no cap on `include=variants`, but an embedded list as long as
# a page is treated as possibly cut and re-read from /catalog/products/{id}/variants.
EMBEDDED_VARIANTS_CAP = 250
# The item search reads at most this many pages of /catalog/variants (250 variants
# each) to match option values and partial variant SKUs, which no API filter covers.
VARIANT_SCAN_MAX_PAGES = 40

# --- Orders -----------------------------------------------------------------------

# Embeds each order's line items (the /orders/{id}/products rows) and its fees, so
# listing orders needs no call per order (API-FACTS §2, orders.v2 `order_includes`).
ORDER_INCLUDE = 'consignments,consignments.line_items,fees'
ORDER_CONSIGNMENT_STRUCTURE = 'object'
# The consignment kinds that carry line items in `consignment_structure=object`.
CONSIGNMENT_KINDS = ('shipping', 'pickups', 'downloads')
# payment_status values (orders.v2 `order_Shared`) meaning the money was taken.
PAID_PAYMENT_STATUSES = frozenset({'captured', 'paid', 'partially refunded'})
MAX_LINE_QUANTITY = 1_000_000

# System order statuses (API-FACTS §2, "Order statuses (V2)").
ORDER_STATUSES = {
    0: 'Incomplete',
    1: 'Pending',
    2: 'Shipped',
    3: 'Partially Shipped',
    4: 'Refunded',
    5: 'Cancelled',
    6: 'Declined',
    7: 'Awaiting Payment',
    8: 'Awaiting Pickup',
    9: 'Awaiting Shipment',
    10: 'Completed',
    11: 'Awaiting Fulfillment',
    12: 'Manual Verification Required',
    13: 'Disputed',
    14: 'Partially Refunded',
}

# --- OAuth scopes -----------------------------------------------------------------

# API path prefix -> the scope's name in BigCommerce's "Create API Account" screen,
# used to tell the merchant which scope a 403 is about. First match wins.
SCOPE_BY_PATH_PREFIX = (
    ('/v2/store', 'Information & Settings'),
    ('/v2/time', 'Information & Settings'),
    ('/v3/orders', 'Order Transactions'),
    ('/v2/order', 'Orders'),           # /v2/orders and /v2/order_statuses
    ('/v3/catalog', 'Products'),
    ('/v2/coupons', 'Marketing'),
    ('/v3/customers', 'Customers'),
    ('/v2/customers', 'Customers'),
)
