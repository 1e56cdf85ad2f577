"""A spec-faithful fake of the BigCommerce REST API (V2 orders, V3 catalog).

Behaviour follows shared/bigcommerce/API-FACTS.md; section numbers (§n) in
comments point there. Pure stdlib: ThreadingHTTPServer on 127.0.0.1.
"""
import datetime as dt
import json
import math
import re
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

from . import factory, lifecycle, money
from .hooks import HooksMixin
from .inventory import InventoryRoutes
from .shipments import ShipmentRoutes
from .store import FakeStore, as_utc, dec, parse_datetime, v3_number

ALL_SCOPES = frozenset({
    'store_v2_products', 'store_v2_orders', 'store_v2_information',
    'store_v2_transactions', 'store_v2_marketing', 'store_v2_customers',
    'store_inventory'})   # inventory.v3.yml: Store Inventory (modify)
DEFAULT_LIMIT, MAX_LIMIT = 50, 250          # §2 / §3
UNLIMITED_QUOTA = 1000000   # header value when no quota is enforced (never runs low in a test)
ERROR_TYPE = 'https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes'
V2_NOT_FOUND = 'The requested resource was not found.'          # §9, 404_Resp
V3_NOT_FOUND = 'The resource at that URL is not found.'         # §9


@dataclass
class RecordedRequest:
    """One request as the server saw it; ``path`` has no query string."""
    method: str
    path: str
    query: dict
    headers: dict
    body: bytes
    target: str = ''  # raw request target, path + query

    def json(self):
        return json.loads(self.body) if self.body else None

    def header(self, name, default=None):
        """Header value by case-insensitive name."""
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return default


class ApiError(Exception):
    """Raised by a route handler; becomes the HTTP error response."""

    def __init__(self, status, body, headers=None):
        super().__init__(status)
        self.status, self.body, self.headers = status, body, headers or {}


def error_body(version, status, message=None):
    """V2 errors are an array of {status, message}; V3 an object {status,
    title, type} (§9)."""
    if message is None:
        if status == 404:
            message = V2_NOT_FOUND if version == 'v2' else V3_NOT_FOUND
        else:
            message = HTTPStatus(status).phrase
    if version == 'v2':
        return [{'status': status, 'message': message}]
    return {'status': status, 'title': message, 'type': ERROR_TYPE}


@dataclass
class _Rule:
    count: int
    path_contains: str = None
    status: int = None
    headers: dict = None
    body: object = None
    seconds: float = 0.0


@dataclass
class _Req:
    method: str
    version: str
    rest: str
    query: dict
    body: bytes
    params: dict = field(default_factory=dict)


_PAYMENT_SCOPES = ('store_v2_orders', 'store_v2_transactions')
# (version, pattern after /vN/, {method: handler}, scope or tuple of
# alternatives)  — scopes per §1
_ROUTES = [
    ('v2', r'store', {'GET': '_v2_store'}, 'store_v2_information'),
    ('v2', r'time', {'GET': '_v2_time'}, 'store_v2_information'),
    ('v2', r'order_statuses', {'GET': '_v2_statuses'}, 'store_v2_orders'),
    ('v2', r'order_statuses/(?P<sid>\d+)', {'GET': '_v2_status'}, 'store_v2_orders'),
    ('v2', r'orders', {'GET': '_v2_orders', 'POST': '_v2_create_order'}, 'store_v2_orders'),
    ('v2', r'orders/count', {'GET': '_v2_orders_count'}, 'store_v2_orders'),
    ('v2', r'orders/(?P<oid>\d+)', {'GET': '_v2_order', 'PUT': '_v2_update_order'}, 'store_v2_orders'),
    ('v2', r'orders/(?P<oid>\d+)/products', {'GET': '_v2_order_products'}, 'store_v2_orders'),
    ('v2', r'orders/(?P<oid>\d+)/products/(?P<rid>\d+)', {'GET': '_v2_order_product'}, 'store_v2_orders'),
    ('v2', r'orders/(?P<oid>\d+)/shipping_addresses', {'GET': '_v2_order_addresses'}, 'store_v2_orders'),
    ('v2', r'orders/(?P<oid>\d+)/shipping_addresses/(?P<rid>\d+)', {'GET': '_v2_order_address'}, 'store_v2_orders'),
    ('v2', r'orders/(?P<oid>\d+)/coupons', {'GET': '_v2_order_coupons'}, 'store_v2_orders'),
    ('v2', r'orders/(?P<oid>\d+)/consignments', {'GET': '_v2_order_consignments'}, 'store_v2_orders'),
    # shipments (shipments.py)
    ('v2', r'orders/(?P<oid>\d+)/shipments', {'GET': '_v2_shipments', 'POST': '_v2_shipments'},
     'store_v2_orders'),
    ('v2', r'orders/(?P<oid>\d+)/shipments/count', {'GET': '_v2_shipments'}, 'store_v2_orders'),
    ('v2', r'orders/(?P<oid>\d+)/shipments/(?P<sid>\d+)', {'GET': '_v2_shipments', 'DELETE': '_v2_shipments'},
     'store_v2_orders'),
    ('v3', r'catalog/products', {'GET': '_v3_products'}, 'store_v2_products'),
    ('v3', r'catalog/products/(?P<pid>\d+)', {'GET': '_v3_product'}, 'store_v2_products'),
    ('v3', r'catalog/products/(?P<pid>\d+)/variants', {'GET': '_v3_product_variants'}, 'store_v2_products'),
    ('v3', r'catalog/products/(?P<pid>\d+)/variants/(?P<vid>\d+)', {'GET': '_v3_product_variant'}, 'store_v2_products'),
    ('v3', r'catalog/variants', {'GET': '_v3_variants'}, 'store_v2_products'),
    ('v3', r'orders/(?P<oid>\d+)/transactions', {'GET': '_v3_transactions'}, 'store_v2_transactions'),
    # payment actions: "at least one of" store_v2_orders / store_v2_transactions
    # (their _read_only variants for GET), orders.v3.yml
    ('v3', r'orders/(?P<oid>\d+)/payment_actions/refunds',
     {'GET': '_v3_order_refunds', 'POST': '_v3_create_refund'}, _PAYMENT_SCOPES),
    ('v3', r'orders/(?P<oid>\d+)/payment_actions/refund_quotes',
     {'POST': '_v3_refund_quote'}, _PAYMENT_SCOPES),
    ('v3', r'orders/payment_actions/refunds', {'GET': '_v3_refunds'}, _PAYMENT_SCOPES),
    ('v3', r'orders/payment_actions/refunds/(?P<rid>\d+)', {'GET': '_v3_refund'}, _PAYMENT_SCOPES),
    # webhooks: the default scope, which every API account has (None: always allowed)
    ('v3', r'hooks', {'GET': '_v3_hooks', 'POST': '_v3_create_hook'}, None),
    ('v3', r'hooks/(?P<hid>\d+)', {'GET': '_v3_get_hook', 'PUT': '_v3_update_hook',
                                   'DELETE': '_v3_delete_hook'}, None),
    # inventory (inventory.py): scope Store Inventory
    ('v3', r'inventory/adjustments/absolute', {'PUT': '_v3_inventory_absolute'}, 'store_inventory'),
    ('v3', r'inventory/items', {'GET': '_v3_inventory_items'}, 'store_inventory'),
    ('v3', r'inventory/locations/(?P<lid>\d+)/items', {'GET': '_v3_location_items'}, 'store_inventory'),
]
_ROUTES = [(v, re.compile(p + r'\Z'), m, s) for v, p, m, s in _ROUTES]
_PREFIX = re.compile(r'/stores/(?P<hash>[^/]+)/(?P<version>v2|v3)(?:/(?P<rest>.*))?\Z')

_V2_ORDER_SORTS = {'id', 'customer_id', 'date_created', 'date_modified', 'status_id',
                   'channel_id', 'external_id'}                                    # §2
_V3_PRODUCT_SORTS = {'id', 'name', 'sku', 'price', 'date_modified', 'date_last_imported',
                     'inventory_level', 'is_visible', 'total_sold', 'calculated_price'}  # §2
_PUT_WRITABLE = {'status_id', 'customer_id', 'customer_message', 'staff_notes', 'payment_method',
                 'payment_provider_id', 'external_source', 'external_id', 'external_merchant_id',
                 'external_order_id', 'customer_locale', 'is_email_opt_in', 'is_deleted',
                 'billing_address', 'channel_id', 'ip_address', 'ip_address_v6', 'order_source',
                 'date_created', 'ebay_order_id', 'geoip_country', 'geoip_country_iso2'}
# order_Put fields that edit the order (repriced by lifecycle.edit_order)
_PUT_EDITS = {'products', 'discount_amount', 'shipping_addresses',
              'base_shipping_cost', 'shipping_cost_ex_tax', 'shipping_cost_inc_tax',
              'base_handling_cost', 'handling_cost_ex_tax', 'handling_cost_inc_tax',
              'base_wrapping_cost', 'wrapping_cost_ex_tax', 'wrapping_cost_inc_tax'}
# order_Put fields the fake does not model (subtotal/total overrides, counts,
# fees, consignments): 400 saying so, rather than a silent success
_PUT_UNSUPPORTED = {'subtotal_ex_tax', 'subtotal_inc_tax', 'total_ex_tax', 'total_inc_tax',
                    'items_total', 'items_shipped', 'order_is_digital', 'refunded_amount',
                    'fees', 'consignments'}
_PUT_LINE_KEYS = {'id', 'quantity', 'price_ex_tax', 'price_inc_tax', 'name', 'name_customer',
                  'name_merchant', 'sku', 'upc'}
_REFUND_BODY_KEYS = {'items', 'payments', 'merchant_calculated_override', 'tax_adjustment_amount',
                     'order_id', 'reason'}


class FakeBigCommerce(HooksMixin, InventoryRoutes, ShipmentRoutes):
    """Fake BigCommerce store API on 127.0.0.1 (bound at construction).

    Attributes meant for tests: ``store`` (FakeStore), ``requests`` (list of
    RecordedRequest), ``scopes`` (set), ``quota`` (None = unlimited, else
    requests per ``window_ms``), ``max_limit_behaviour`` ('clamp' | '413').

    After the import (store rules and options: lifecycle.py):
    PUT /v2/orders/{id} (status, billing and shipping address fields,
    products, charges, discount_amount), GET/POST
    /v3/orders/{id}/payment_actions/refunds, POST
    /v3/orders/{id}/payment_actions/refund_quotes, GET
    /v3/orders/payment_actions/refunds[/{id}] (meta: ``store.refunds_meta``).
    """

    def __init__(self, store_hash='abc123', access_token='TOKEN', client_id='CLIENTID',
                 port=0, host='127.0.0.1'):
        self.store_hash, self.access_token, self.client_id = store_hash, access_token, client_id
        self.scopes = set(ALL_SCOPES)
        self.quota = None
        self.window_ms = 30000          # quotas refresh every 30 s (§8)
        self.max_limit_behaviour = 'clamp'
        self.verbose = False
        self.requests = []
        self._rules, self._delays = [], []
        self._rules_lock = threading.Lock()
        self._window_start, self._window_count = None, 0
        handler = type('Handler', (_Handler,), {'fake': self})
        self._httpd = ThreadingHTTPServer((host, port), handler)
        self._httpd.daemon_threads = True
        self.host, self.port = host, self._httpd.server_address[1]
        self.store = FakeStore(store_hash, api_base=self.base_url)
        self._thread = None

    # -- public ----------------------------------------------------------

    @property
    def base_url(self):
        return 'http://%s:%s' % (self.host, self.port)

    @property
    def api_path(self):
        """What the merchant pastes as API Path (§1): .../stores/{hash}/v3/"""
        return '%s/stores/%s/v3/' % (self.base_url, self.store_hash)

    @property
    def api_key(self):
        return '%s:%s' % (self.client_id, self.access_token)

    def start(self):
        if self._thread is None:
            self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,),
                                            name='FakeBigCommerce:%s' % self.port, daemon=True)
            self._thread.start()
        return self

    def stop(self):
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def reset_requests(self):
        del self.requests[:]

    def reset(self):
        """Empty store, all scopes, no quota/injections/recorded requests."""
        self.store = FakeStore(self.store_hash, api_base=self.base_url)
        self.scopes = set(ALL_SCOPES)
        self.quota, self.window_ms, self.max_limit_behaviour = None, 30000, 'clamp'
        self._window_start, self._window_count = None, 0
        self.clear_injections()
        self.reset_requests()

    def inject(self, status, count=1, headers=None, body=None, path_contains=None):
        """The next ``count`` requests whose target (path + query) contains
        ``path_contains`` get this response. body: None = default error body
        (empty for 429, §8), bytes/str as is, else JSON. A header value of
        None removes that header (e.g. a 429 without rate-limit headers)."""
        with self._rules_lock:
            self._rules.append(_Rule(count, path_contains, status, dict(headers or {}), body))

    def inject_delay(self, seconds, count=1, path_contains=None):
        """Delay the next ``count`` matching responses by ``seconds``."""
        with self._rules_lock:
            self._delays.append(_Rule(count, path_contains, seconds=seconds))

    def clear_injections(self):
        with self._rules_lock:
            self._rules.clear()
            self._delays.clear()

    def __repr__(self):
        return '<FakeBigCommerce %s>' % self.api_path

    # -- dispatch --------------------------------------------------------

    def _take_rule(self, rules, target):
        with self._rules_lock:
            for rule in rules:
                if rule.path_contains is None or rule.path_contains in target:
                    rule.count -= 1
                    if rule.count <= 0:
                        rules.remove(rule)
                    return rule
        return None

    def _rate_headers(self, limited_check):
        """Rate-limit headers for this response (§8); returns (headers, over_quota)."""
        with self._rules_lock:
            now = time.monotonic()
            window = self.window_ms / 1000.0
            if self._window_start is None or now - self._window_start >= window:
                self._window_start, self._window_count = now, 0
            reset_ms = max(1, int((self._window_start + window - now) * 1000))
            quota = self.quota if self.quota is not None else UNLIMITED_QUOTA
            over = limited_check and self.quota is not None and self._window_count >= quota
            if not over:
                self._window_count += 1
            headers = {'X-Rate-Limit-Time-Window-Ms': str(self.window_ms),
                       'X-Rate-Limit-Time-Reset-Ms': str(reset_ms),
                       'X-Rate-Limit-Requests-Quota': str(quota),
                       'X-Rate-Limit-Requests-Left': str(max(0, quota - self._window_count))}
            if over:
                headers['X-Retry-After'] = str(math.ceil(reset_ms / 1000))
            return headers, over

    def _dispatch(self, method, target, headers, body):
        """Handle one request; returns (status, headers, payload bytes)."""
        split = urlsplit(target)
        path = split.path
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        self.requests.append(RecordedRequest(method, path, query, dict(headers.items()), body, target))
        version = 'v2' if '/v2/' in path + '/' else 'v3'

        delay = self._take_rule(self._delays, target)
        if delay:
            time.sleep(delay.seconds)
        rule = self._take_rule(self._rules, target)
        if rule:
            return self._injected(rule, version)

        rate, over = self._rate_headers(True)
        if over:  # 429 with headers only (§8)
            rate['X-Rate-Limit-Requests-Left'] = '0'
            return 429, rate, b''
        try:
            status, data = self._route(method, path, query, headers, body)
        except ApiError as exc:
            status, data = exc.status, _encode(exc.body)
            rate.update(exc.headers)
        return status, rate, data or b''

    def _injected(self, rule, version):
        rate, _ = self._rate_headers(False)
        if rule.status == 429:
            rate.update({'X-Rate-Limit-Requests-Left': '0', 'X-Rate-Limit-Time-Reset-Ms': '1000',
                         'X-Retry-After': '1'})
        for key, value in rule.headers.items():
            for existing in [k for k in rate if k.lower() == key.lower()]:
                del rate[existing]
            if value is not None:
                rate[key] = str(value)
        body = rule.body
        if body is None:
            body = b'' if rule.status == 429 else _encode(error_body(version, rule.status))
        elif isinstance(body, str):
            body = body.encode()
        elif not isinstance(body, bytes):
            body = _encode(body)
        return rule.status, rate, body

    def _route(self, method, path, query, headers, body):
        match = _PREFIX.match(path.rstrip('/') if path != '/' else path)
        if not match:
            raise ApiError(404, error_body('v2' if '/v2/' in path else 'v3', 404))
        version, rest = match.group('version'), match.group('rest') or ''
        if match.group('hash') != self.store_hash:
            raise ApiError(404, error_body(version, 404))
        # X-Auth-Token is the only credential; X-Auth-Client is ignored (§1).
        # 401/403 use the V3-style object on both versions (§9, unverified).
        if headers.get('X-Auth-Token') != self.access_token:
            raise ApiError(401, error_body('v3', 401, 'Unauthorized'))
        for route_version, pattern, methods, scope in _ROUTES:
            if route_version != version:
                continue
            found = pattern.match(rest)
            if not found:
                continue
            if method not in methods:
                raise ApiError(405, error_body(version, 405), {'Allow': ', '.join(sorted(methods))})
            if scope is not None and not self._has_scope(scope, write=method != 'GET'):
                raise ApiError(403, error_body(
                    'v3', 403, "You don't have a required scope to access the endpoint"))
            req = _Req(method, version, rest, query, body, found.groupdict())
            with self.store.lock:  # encode under the lock: payloads are live store dicts
                status, payload = getattr(self, methods[method])(req)
                return status, None if payload is None else _encode(payload)
        raise ApiError(404, error_body(version, 404))

    def _has_scope(self, scope, write):
        if isinstance(scope, tuple):
            return any(self._has_scope(s, write) for s in scope)
        return scope in self.scopes or (not write and scope + '_read_only' in self.scopes)

    # -- query helpers ---------------------------------------------------

    def _invalid(self, req, name, message=None):
        if req.version == 'v2':  # e.g. "The field 'type' is invalid." (§9)
            return ApiError(400, error_body('v2', 400, message or "The field '%s' is invalid." % name))
        body = error_body('v3', 422, 'Invalid field(s): %s' % name)
        body['errors'] = {name: message or 'The field is invalid.'}
        return ApiError(422, body)

    def _int(self, req, name, default=None):
        raw = req.query.get(name)
        if raw is None or raw == '':
            return default
        try:
            return int(raw)
        except ValueError:
            raise self._invalid(req, name) from None

    def _ints(self, req, name):
        raw = req.query.get(name)
        if raw is None or raw == '':
            return None
        try:
            return {int(x) for x in raw.split(',') if x.strip()}
        except ValueError:
            raise self._invalid(req, name) from None

    def _date(self, req, name):
        raw = req.query.get(name)
        if not raw:
            return None
        try:
            if req.version == 'v3' and re.fullmatch(r'\d{4}-\d{2}-\d{2}', raw.strip()):
                # "If ... does not include hours, minutes and seconds, the API
                # automatically adds the current time of the request" (§2).
                day = dt.date.fromisoformat(raw.strip())
                return dt.datetime.combine(day, self.store.now().timetz())
            return parse_datetime(raw)  # V2: RFC 2822 or ISO 8601 (§2)
        except ValueError:
            raise self._invalid(req, name) from None

    def _bool(self, req, name):
        raw = req.query.get(name)
        if raw is None or raw == '':
            return None
        if raw.lower() in ('1', 'true'):
            return True
        if raw.lower() in ('0', 'false'):
            return False
        raise self._invalid(req, name)

    def _paging(self, req):
        page = self._int(req, 'page', 1)
        limit = self._int(req, 'limit', DEFAULT_LIMIT)
        if page < 1:
            raise self._invalid(req, 'page')
        if limit < 1:
            raise self._invalid(req, 'limit')
        if limit > MAX_LIMIT:
            # 413 = "the limit parameter exceeded the maximum"; what the real
            # server does is unverified, hence configurable (§2, §11).
            if self.max_limit_behaviour == '413':
                raise ApiError(413, error_body(
                    req.version, 413, 'The limit parameter exceeded the maximum of %d.' % MAX_LIMIT))
            limit = MAX_LIMIT
        return page, limit

    def _v2_page(self, req, rows):
        """V2 collections: bare array; 204 with empty body when no rows (§3)."""
        page, limit = self._paging(req)
        chunk = rows[(page - 1) * limit:page * limit]
        return (200, chunk) if chunk else (204, None)

    def _v3_page(self, req, rows, render=lambda r: r, meta=True):
        """V3 collections: {data, meta: {pagination}} (§3); ``meta=False``:
        the page is cut the same way but meta is ``{}``."""
        page, limit = self._paging(req)
        chunk = rows[(page - 1) * limit:page * limit]
        if not meta:
            return 200, {'data': [render(r) for r in chunk], 'meta': {}}
        total_pages = math.ceil(len(rows) / limit)
        others = [(k, v) for k, v in req.query.items() if k not in ('page', 'limit')]

        def link(p):
            return '?' + urlencode(others + [('page', p), ('limit', limit)], safe=',:')
        links = {}
        if page > 1:
            links['previous'] = link(min(page - 1, max(total_pages, 1)))
        links['current'] = link(page)
        if page < total_pages:
            links['next'] = link(page + 1)
        meta = {'pagination': {'total': len(rows), 'count': len(chunk), 'per_page': limit,
                               'current_page': page, 'total_pages': total_pages,
                               'links': links}}
        return 200, {'data': [render(r) for r in chunk], 'meta': meta}

    def _json_body(self, req):
        try:
            body = json.loads(req.body or b'null', parse_float=Decimal)
        except ValueError:
            raise ApiError(400, error_body(req.version, 400, 'The request body is not valid JSON.')) from None
        if not isinstance(body, dict):
            raise ApiError(400, error_body(req.version, 400, 'The request body must be a JSON object.'))
        return body

    # -- V2 store ----------------------------------------------------------

    def _v2_store(self, req):
        return 200, self.store.info        # bare object (§2)

    def _v2_time(self, req):
        return 200, {'time': int(self.store.now().timestamp())}

    def _v2_statuses(self, req):
        return 200, self.store.order_statuses

    def _v2_status(self, req):
        try:
            return 200, self.store.status(req.params['sid'])
        except KeyError:
            raise ApiError(404, error_body('v2', 404)) from None

    # -- V2 orders ---------------------------------------------------------

    def _filtered_orders(self, req):
        q, orders = req.query, list(self.store.orders.values())
        for name, key, op in (('min_id', 'id', '>='), ('max_id', 'id', '<='),
                              ('status_id', 'status_id', '=='), ('customer_id', 'customer_id', '=='),
                              ('channel_id', 'channel_id', '==')):
            value = self._int(req, name)
            if value is not None:
                orders = [o for o in orders if _cmp(o.get(key), op, value)]
        for name, op in (('min_total', '>='), ('max_total', '<=')):
            if q.get(name):
                try:
                    value = Decimal(q[name])
                except ArithmeticError:
                    raise self._invalid(req, name) from None
                orders = [o for o in orders if _cmp(dec(o['total_inc_tax']), op, value)]
        if q.get('email'):
            email = q['email'].strip().lower()
            orders = [o for o in orders if (o.get('billing_address') or {}).get('email', '').lower() == email]
        for name in ('payment_method', 'cart_id', 'external_order_id'):
            if q.get(name):
                orders = [o for o in orders if str(o.get(name)) == q[name]]
        for name, key, op in (('min_date_created', 'date_created', '>='),
                              ('max_date_created', 'date_created', '<='),
                              ('min_date_modified', 'date_modified', '>='),
                              ('max_date_modified', 'date_modified', '<=')):
            value = self._date(req, name)
            if value is not None:
                orders = [o for o in orders if _cmp(parse_datetime(o[key]), op, value)]
        # is_deleted: the query parameter was dropped from the spec in 2024 and
        # hiding archived orders by default is unverified (§2); we hide them
        # unless ?is_deleted=true is sent.
        deleted = self._bool(req, 'is_deleted') or False
        orders = [o for o in orders if bool(o.get('is_deleted')) == deleted]
        return orders

    def _sort_orders(self, req, orders):
        # sort=field[:asc|:desc]; default id ascending (§2)
        field_, _, direction = (req.query.get('sort') or 'id').partition(':')
        if field_ not in _V2_ORDER_SORTS or direction not in ('', 'asc', 'desc'):
            raise self._invalid(req, 'sort')
        if field_ in ('date_created', 'date_modified'):
            key = lambda o: (parse_datetime(o[field_]), o['id'])  # noqa: E731
        else:
            key = lambda o: (o.get(field_) is None, o.get(field_) or 0, o['id'])  # noqa: E731
        return sorted(orders, key=key, reverse=direction == 'desc')

    def _render_order(self, req, order):
        """Order with ``include`` handled: consignments (object form with
        consignment_structure=object), consignments.line_items, fees (§2)."""
        includes = set(filter(None, (req.query.get('include') or '').split(',')))
        out = dict(order)
        if includes & {'consignments', 'consignments.line_items'}:
            obj = self._consignments(order, 'consignments.line_items' in includes)
            # Without consignment_structure=object the legacy (array) shape is
            # returned; its exact form is unverified, connectors should send
            # consignment_structure=object (§2).
            out['consignments'] = obj if req.query.get('consignment_structure') == 'object' else [obj]
        if 'fees' in includes:
            out['fees'] = self.store.order_fees.get(order['id'], [])
        return out

    def _consignments(self, order, full_lines):
        """orderConsignment_Get for an order: shipping consignments are its
        shipping addresses, money as JSON numbers as in the spec schema."""
        oid, link = order['id'], self.store.link
        lines = self.store.order_products.get(oid, [])

        def items(rows):
            if full_lines:
                return rows
            return [link('/orders/%s/products/%s' % (oid, r['id'])) for r in rows]
        shipping = []
        for a in self.store.order_shipping_addresses.get(oid, []):
            mine = [r for r in lines if r.get('order_address_id') == a['id']]
            entry = {'id': a['id']}
            entry.update({k: a.get(k) for k in ('first_name', 'last_name', 'company', 'street_1',
                                                 'street_2', 'city', 'state', 'zip', 'country',
                                                 'country_iso2', 'phone', 'email', 'form_fields',
                                                 'shipping_method')})
            entry['line_items'] = items(mine)
            entry.update(items_total=a['items_total'], items_shipped=a['items_shipped'])
            for key in ('base_cost', 'cost_ex_tax', 'cost_inc_tax', 'cost_tax', 'base_handling_cost',
                        'handling_cost_ex_tax', 'handling_cost_inc_tax', 'handling_cost_tax'):
                entry[key] = v3_number(a[key])
            entry.update(cost_tax_class_id=a['cost_tax_class_id'],
                         handling_cost_tax_class_id=a['handling_cost_tax_class_id'],
                         shipping_zone_id=a['shipping_zone_id'],
                         shipping_zone_name=a['shipping_zone_name'],
                         shipping_quotes=link('/orders/%s/consignments/shipping/%s/shipping_quotes'
                                              % (oid, a['id'])))
            shipping.append(entry)
        unshipped = [r for r in lines if not r.get('order_address_id')]
        downloads = [{'recipient_email': (order.get('billing_address') or {}).get('email', ''),
                      'line_items': items(unshipped)}] if unshipped else []
        return {'pickups': [], 'shipping': shipping, 'downloads': downloads,
                'email': {'gift_certificates': []}}

    def _order_or_404(self, req):
        order = self.store.orders.get(int(req.params['oid']))
        if order is None:
            raise ApiError(404, error_body(req.version, 404))
        return order

    def _v2_orders(self, req):
        orders = self._sort_orders(req, self._filtered_orders(req))
        status, chunk = self._v2_page(req, orders)
        return status, chunk and [self._render_order(req, o) for o in chunk]

    def _v2_orders_count(self, req):
        orders = self._filtered_orders(req)
        counts = {}
        for o in orders:
            counts[o['status_id']] = counts.get(o['status_id'], 0) + 1
        statuses = [{'id': s['id'], 'name': s['name'], 'system_label': s['system_label'],
                     'custom_label': s['custom_label'], 'system_description': s['system_description'],
                     'count': counts.get(s['id'], 0), 'sort_order': s['order']}
                    for s in sorted(self.store.order_statuses, key=lambda s: s['order'])]
        return 200, {'statuses': statuses, 'count': len(orders)}

    def _v2_order(self, req):
        return 200, self._render_order(req, self._order_or_404(req))

    def _sub_rows(self, req, table):
        order = self._order_or_404(req)
        return table.get(order['id'], [])

    def _v2_order_products(self, req):
        return self._v2_page(req, self._sub_rows(req, self.store.order_products))

    def _v2_order_addresses(self, req):
        return self._v2_page(req, self._sub_rows(req, self.store.order_shipping_addresses))

    def _v2_order_coupons(self, req):
        return self._v2_page(req, self._sub_rows(req, self.store.order_coupons))

    def _sub_row(self, req, table):
        for row in self._sub_rows(req, table):
            if row['id'] == int(req.params['rid']):
                return 200, row
        raise ApiError(404, error_body('v2', 404))

    def _v2_order_product(self, req):
        return self._sub_row(req, self.store.order_products)

    def _v2_order_address(self, req):
        return self._sub_row(req, self.store.order_shipping_addresses)

    def _v2_order_consignments(self, req):
        order = self._order_or_404(req)
        full = 'consignments.line_items' in (req.query.get('include') or '')
        return 200, self._consignments(order, full)

    def _v2_create_order(self, req):
        """POST /v2/orders (order_Post): products + billing_address required."""
        body = self._json_body(req)
        for name in ('billing_address', 'products'):
            if not body.get(name):
                raise ApiError(400, error_body('v2', 400, "The required field '%s' was not supplied." % name))
        billing = body['billing_address']
        if not isinstance(billing, dict) or len(str(billing.get('zip') or '')) < 2:
            raise self._invalid(req, 'zip')   # zip required, >= 2 chars (§5)
        if not isinstance(body['products'], list):
            raise self._invalid(req, 'products')
        status_id = _as_int(body.get('status_id', 1))  # defaults to 1 (§2)
        if status_id is None or not 0 <= status_id <= 14:
            raise self._invalid(req, 'status_id')
        lines = [self._post_line(req, p) for p in body['products']]
        ship_rate, ship_basis = _charge(body, 'shipping_cost')
        hand_rate, hand_basis = _charge(body, 'handling_cost')
        wrap_rate, wrap_basis = _charge(body, 'wrapping_cost')
        charge_rate = next((r for r in (ship_rate, hand_rate, wrap_rate) if r), Decimal('0'))
        shipping = [self._post_address(a) for a in body.get('shipping_addresses') or []]
        extra = {k: body[k] for k in ('customer_message', 'staff_notes', 'external_source',
                                      'external_id', 'external_merchant_id', 'external_order_id',
                                      'channel_id', 'ip_address', 'ip_address_v6', 'customer_locale',
                                      'is_email_opt_in', 'geoip_country', 'geoip_country_iso2',
                                      'ebay_order_id', 'payment_provider_id') if k in body}
        try:
            created = as_utc(body['date_created']) if body.get('date_created') else self.store.now()
            spec = factory.order(
                lines=lines, customer_id=_as_int(body.get('customer_id', 0)) or 0,
                billing=self._post_address(billing), shipping=shipping or None,
                shipping_cost=ship_basis, handling_cost=hand_basis, wrapping_cost=wrap_basis,
                tax_rate=charge_rate, discount_amount=dec(body.get('discount_amount')),
                currency=body.get('default_currency_code') or self.store.info['currency'],
                status_id=status_id, payment_method=body.get('payment_method', ''),
                payment_status=body.get('payment_status', ''), date_created=created,
                shipping_method=None, order_source=body.get('order_source', 'external'),
                tax_provider_id='', **extra)
            spec['order_is_digital'] = not shipping
        except (ValueError, TypeError, ArithmeticError) as exc:
            raise ApiError(400, error_body('v2', 400, str(exc))) from None
        for address, given in zip(spec['_shipping_addresses'], body.get('shipping_addresses') or []):
            if given.get('shipping_method'):
                address['shipping_method'] = given['shipping_method']
        order = self.store.add_order(spec)
        return 201, self._render_order(req, order)

    def _post_line(self, req, item, order=None):
        """factory.line of a POSTed product; with ``order`` (a product added
        by PUT) the price is in that order's basis and, without both price
        sides, the line is taxed at the order's rate."""
        if not isinstance(item, dict):
            raise self._invalid(req, 'products')
        qty = _as_int(item.get('quantity'))
        if qty is None or qty < 1:
            raise self._invalid(req, 'quantity')
        ex, inc = item.get('price_ex_tax'), item.get('price_inc_tax')
        if order is None:
            # Explicit prices: tax per line = inc - ex (rate derived from them).
            # Without both prices the line is untaxed (the fake has no tax settings).
            rate = (dec(inc) - dec(ex)) / dec(ex) if ex is not None and inc is not None and dec(ex) \
                else Decimal('0')
            price = ex if ex is not None else inc
        elif ex is None and inc is None:
            price, rate = None, None
        else:
            spec = self.store.order_specs.get(order['id']) or {}
            try:
                price, rate = lifecycle.basis_of(ex, inc, None, dec(spec.get('tax_rate')),
                                                 bool(order.get('is_tax_inclusive_pricing')))
            except (ValueError, ArithmeticError):
                raise self._invalid(req, 'price_ex_tax') from None
        if item.get('product_id'):
            product = self.store.products.get(_as_int(item['product_id']))
            if product is None:
                raise self._invalid(req, 'product_id')
            variant = self._post_variant(req, product, item)
            name = item.get('name') or item.get('name_customer')
            try:
                return factory.line(product, qty, variant=variant, price=price, name=name,
                                    tax_rate=rate)
            except ValueError as exc:
                raise ApiError(400, error_body('v2', 400, str(exc))) from None
        name = item.get('name') or item.get('name_customer') or item.get('name_merchant')
        if not name:
            raise self._invalid(req, 'name')
        if ex is None or inc is None:   # required for custom products (orderCustomProduct_Post)
            raise self._invalid(req, 'price_ex_tax' if ex is None else 'price_inc_tax')
        try:
            return factory.line(None, qty, name=name, sku=item.get('sku', ''), price=price,
                                tax_rate=rate, upc=item.get('upc', ''))
        except ValueError as exc:
            raise ApiError(400, error_body('v2', 400, str(exc))) from None

    def _post_variant(self, req, product, item):
        variants = product.get('variants', [])
        if item.get('variant_id'):
            for v in variants:
                if v['id'] == _as_int(item['variant_id']):
                    return v
            raise self._invalid(req, 'variant_id')
        if not any(v.get('option_values') for v in variants):
            return None
        # product_options [{id: option id, value: option value id}] pick the variant
        wanted = {(_as_int(o.get('id')), str(o.get('value'))) for o in item.get('product_options') or []}
        for v in variants:
            if {(ov['option_id'], str(ov['id'])) for ov in v['option_values']} == wanted:
                return v
        raise self._invalid(req, 'product_options')

    def _post_address(self, given):
        """Address as posted: missing fields are '' (country name from iso2)."""
        keys = ('first_name', 'last_name', 'company', 'street_1', 'street_2', 'city', 'state',
                'zip', 'country', 'country_iso2', 'phone', 'email')
        out = {k: str(given.get(k) or '') for k in keys}
        if out['country_iso2'] and not out['country']:
            out['country'] = factory.COUNTRIES.get(out['country_iso2'].upper(), ('',))[0]
        out['form_fields'] = list(given.get('form_fields') or [])
        return out

    def _v2_update_order(self, req):
        """PUT /v2/orders/{id} (updateAnOrder, order_Put); date_modified moves.

        * merchant-writable fields (``_PUT_WRITABLE``): status_id (status and
          custom_status follow), billing_address (merged), notes, ...;
        * edits, repriced by lifecycle.edit_order with money.py (the order's
          option ``edit_discounts`` says what happens to discounts):
          ``products`` — with ``id``: update quantity (0 removes the line),
          price_ex_tax / price_inc_tax, names, sku, upc; without ``id``: add
          a catalog or custom product (as in POST); ``discount_amount``;
          ``shipping_cost_*`` / ``handling_cost_*`` / ``wrapping_cost_*`` and
          their ``base_*`` (both sides give the rate, one side keeps it);
          ``shipping_addresses`` with ``id``: address fields (not costs).
        Errors: 400 with the V2 array, nothing changed: unknown or read-only
        fields ("cannot be written to", the documented message), fields of
        order_Put the fake does not model (``_PUT_UNSUPPORTED``: "not
        supported by the fake store"), invalid values ("The field 'x' is
        invalid."), edits the store refuses (lifecycle.py).
        """
        order = self._order_or_404(req)
        body = self._json_body(req)
        for key in body:
            if key in _PUT_UNSUPPORTED:
                raise ApiError(400, error_body('v2', 400, "The field '%s' is not supported by the "
                                               "fake store." % key))
            if key not in _PUT_WRITABLE and key not in _PUT_EDITS:
                # message format of the documented 400 (§9)
                raise ApiError(400, error_body('v2', 400, "The field '%s' cannot be written to. Please "
                                               "remove it from your request before trying again." % key))
        simple = {k: v for k, v in body.items() if k in _PUT_WRITABLE}
        if 'status_id' in simple:
            sid = _as_int(simple['status_id'])
            if sid is None or not 0 <= sid <= 14:
                raise self._invalid(req, 'status_id')
            simple['status_id'] = sid
        if 'billing_address' in simple:
            if not isinstance(simple['billing_address'], dict):
                raise self._invalid(req, 'billing_address')
            simple['billing_address'] = dict(order['billing_address'], **simple['billing_address'])
        edit = self._put_edit(req, order, body)
        if edit:
            try:
                self.store.edit_order(order['id'], **edit)
            except (ValueError, TypeError, ArithmeticError) as exc:
                raise ApiError(400, error_body('v2', 400, str(exc))) from None
        try:
            self.store.update_order(order['id'], **simple)
        except ValueError as exc:
            raise ApiError(400, error_body('v2', 400, str(exc))) from None
        return 200, self._render_order(req, order)

    def _put_money(self, req, body, name):
        try:
            value = dec(body[name])
        except (ArithmeticError, ValueError, TypeError):
            raise self._invalid(req, name) from None
        if value < 0 or not value.is_finite():     # "The value can't be negative."
            raise self._invalid(req, name)
        return value

    def _put_edit(self, req, order, body):
        """edit_order keyword arguments of a PUT body (validated)."""
        edit = {}
        inclusive = bool(order.get('is_tax_inclusive_pricing'))
        if 'products' in body:
            edit['lines'] = self._put_lines(req, order, body['products'])
        spec = self.store.order_specs.get(order['id']) or {}
        for prefix, arg in (('shipping_cost', 'shipping'), ('handling_cost', 'handling'),
                            ('wrapping_cost', 'wrapping')):
            names = (prefix + '_ex_tax', prefix + '_inc_tax', 'base_' + prefix)
            if not any(n in body for n in names):
                continue
            ex, inc, base = (self._put_money(req, body, n) if n in body else None for n in names)
            try:
                basis, rate = lifecycle.basis_of(ex, inc, base, lifecycle._rate_of(spec, charge=arg)
                                                 if spec else Decimal('0'), inclusive)
                edit[arg + '_cost'] = basis
                if rate is not None:
                    edit[arg + '_tax_rate'] = money.rate(rate)
            except (ValueError, ArithmeticError):
                raise self._invalid(req, names[0]) from None
        if 'discount_amount' in body:
            edit['discount_amount'] = self._put_money(req, body, 'discount_amount')
        if 'shipping_addresses' in body:
            given = body['shipping_addresses']
            if not isinstance(given, list):
                raise self._invalid(req, 'shipping_addresses')
            known = {a['id'] for a in self.store.order_shipping_addresses.get(order['id'], [])}
            changes = {}
            for address in given:
                aid = _as_int(address.get('id')) if isinstance(address, dict) else None
                if aid is None:
                    raise ApiError(400, error_body('v2', 400, 'Adding a shipping address is not '
                                                   'supported by the fake store.'))
                if aid not in known:
                    raise self._invalid(req, 'id')
                fields = {k: v for k, v in address.items() if k != 'id'}
                bad = sorted(set(fields) - set(lifecycle.ADDRESS_TEXT_KEYS))
                if bad:
                    raise ApiError(400, error_body('v2', 400, "The field '%s' is not supported by the "
                                                   "fake store." % bad[0]))
                changes[aid] = fields
            edit['shipping_addresses'] = changes
        return edit

    def _put_lines(self, req, order, items):
        """The ``lines`` argument of edit_order for PUT ``products``: lines named
        by ``id`` are changed (their discounts cleared by default, lifecycle.py),
        quantity 0 removes a line, items without ``id`` are added."""
        if not isinstance(items, list):
            raise self._invalid(req, 'products')
        ids = [r['id'] for r in self.store.order_products.get(order['id'], [])]
        changes, added = {}, []
        for item in items:
            if not isinstance(item, dict):
                raise self._invalid(req, 'products')
            if item.get('id') is None:
                added.append(self._post_line(req, item, order=order))
                continue
            rid = _as_int(item['id'])
            if rid not in ids:
                raise self._invalid(req, 'id')
            changes.setdefault(rid, {'id': rid}).update(self._put_line_change(req, item))
        # "To remove a product from an order, set that product's quantity to 0."
        kept = [changes.get(rid, rid) for rid in ids if changes.get(rid, {}).get('quantity') != 0]
        return kept + added

    def _put_line_change(self, req, item):
        """The change of an existing order product (orderCatalogProduct_Put /
        orderCustomProduct_Put: only the fields given are updated)."""
        bad = sorted(set(item) - _PUT_LINE_KEYS)
        if bad:   # product_id, variant_id, product_options, wrapping_*: not modelled
            raise ApiError(400, error_body('v2', 400, "The field '%s' is not supported by the "
                                           "fake store for an existing order product." % bad[0]))
        change = {}
        if 'quantity' in item:
            change['quantity'] = _as_int(item['quantity'])
            if change['quantity'] is None or change['quantity'] < 0:
                raise self._invalid(req, 'quantity')
        for key in ('price_ex_tax', 'price_inc_tax'):
            if key in item:
                change[key] = self._put_money(req, item, key)
        names = {item[k] for k in ('name', 'name_customer') if k in item}
        if len(names) > 1:   # "If both fields ... are present, they must have the same value."
            raise ApiError(400, error_body('v2', 400, "The fields 'name' and 'name_customer' "
                                           "must have the same value."))
        for key in ('name', 'name_customer', 'name_merchant'):
            if key in item and not item[key]:   # "Empty strings '' and null are invalid"
                raise self._invalid(req, key)
        if names:
            change['name'] = names.pop()
        change.update({k: item[k] for k in ('name_merchant', 'sku', 'upc') if k in item})
        return change

    # -- V3 catalog --------------------------------------------------------

    def _render_product(self, req, product):
        """Product without sub-resources unless ``include`` asks (§2 spec gap:
        emit variants/images only when requested)."""
        includes = set(filter(None, (req.query.get('include') or '').split(',')))
        out = {k: v for k, v in product.items() if k not in ('variants', 'images')}
        out = _select_fields(req, out)
        if 'variants' in includes:
            out['variants'] = product.get('variants', [])   # include_fields applies to the product only
        if 'images' in includes:
            out['images'] = product.get('images', [])
        if 'primary_image' in includes:
            images = product.get('images') or []
            out['primary_image'] = next((i for i in images if i.get('is_thumbnail')), images[0] if images else None)
        if 'options' in includes:
            out['options'] = _options_of(product)
        for name in ('custom_fields', 'bulk_pricing_rules', 'modifiers', 'videos', 'reviews',
                     'parent_relations', 'channels'):
            if name in includes:
                out[name] = []
        return out

    def _product_or_404(self, req):
        product = self.store.products.get(int(req.params['pid']))
        if product is None:
            raise ApiError(404, error_body('v3', 404))
        return product

    def _v3_products(self, req):  # noqa: C901 - one branch per documented filter
        q, rows = req.query, list(self.store.products.values())
        ids = self._ints(req, 'id:in')
        for name, op in (('id', '=='), ('id:min', '>='), ('id:max', '<='),
                         ('id:greater', '>'), ('id:less', '<'), ('brand_id', '==')):
            value = self._int(req, name)
            if value is not None:
                rows = [p for p in rows if _cmp(p.get(name.split(':')[0]), op, value)]
        if ids is not None:
            rows = [p for p in rows if p['id'] in ids]
        not_in = self._ints(req, 'id:not_in')
        if not_in:
            rows = [p for p in rows if p['id'] not in not_in]
        cats = self._ints(req, 'categories:in')
        if cats:
            rows = [p for p in rows if cats & set(p.get('categories') or [])]
        if q.get('name'):
            rows = [p for p in rows if p['name'] == q['name']]
        if q.get('name:like'):
            rows = [p for p in rows if q['name:like'].lower() in p['name'].lower()]
        if 'sku' in q:   # main SKU only; variant SKUs via /catalog/variants (§2)
            rows = [p for p in rows if p['sku'] == q['sku']]
        if q.get('sku:in'):
            skus = set(q['sku:in'].split(','))
            rows = [p for p in rows if p['sku'] in skus]
        if q.get('keyword'):  # name, description or sku, case-insensitive (§2)
            kw = q['keyword'].lower()
            rows = [p for p in rows if any(kw in (p.get(k) or '').lower()
                                           for k in ('name', 'description', 'sku'))]
        for name in ('type', 'availability', 'upc', 'mpn'):
            if q.get(name):
                rows = [p for p in rows if p.get(name) == q[name]]
        visible = self._bool(req, 'is_visible')
        if visible is not None:
            rows = [p for p in rows if bool(p.get('is_visible')) == visible]
        for name, op in (('date_modified', '=='), ('date_modified:min', '>='),
                         ('date_modified:max', '<=')):
            value = self._date(req, name)
            if value is not None:
                rows = [p for p in rows if _cmp(parse_datetime(p['date_modified']), op, value)]
        sort = q.get('sort') or 'id'
        direction = (q.get('direction') or 'asc').lower()
        if sort not in _V3_PRODUCT_SORTS:
            raise self._invalid(req, 'sort')
        if direction not in ('asc', 'desc'):
            raise self._invalid(req, 'direction')
        rows.sort(key=lambda p: (_sort_key(p.get(sort)), p['id']), reverse=direction == 'desc')
        return self._v3_page(req, rows, lambda p: self._render_product(req, p))

    def _v3_product(self, req):
        return 200, {'data': self._render_product(req, self._product_or_404(req)), 'meta': {}}

    def _v3_product_variants(self, req):
        product = self._product_or_404(req)
        return self._v3_page(req, product.get('variants', []),
                             lambda v: _select_fields(req, v, variant=True))

    def _v3_product_variant(self, req):
        product = self._product_or_404(req)
        for v in product.get('variants', []):
            if v['id'] == int(req.params['vid']):
                return 200, {'data': _select_fields(req, v, variant=True), 'meta': {}}
        raise ApiError(404, error_body('v3', 404))

    def _v3_variants(self, req):
        q, rows = req.query, sorted(self.store.iter_variants(), key=lambda v: v['id'])
        for name, key in (('id', 'id'), ('product_id', 'product_id')):
            value = self._int(req, name)
            if value is not None:
                rows = [v for v in rows if v[key] == value]
        for name, key in (('id:in', 'id'), ('product_id:in', 'product_id')):
            values = self._ints(req, name)
            if values is not None:
                rows = [v for v in rows if v[key] in values]
        if 'sku' in q:     # variant SKU (§2)
            rows = [v for v in rows if v['sku'] == q['sku']]
        if q.get('sku:in'):
            skus = set(q['sku:in'].split(','))
            rows = [v for v in rows if v['sku'] in skus]
        if q.get('upc'):
            rows = [v for v in rows if v.get('upc') == q['upc']]
        return self._v3_page(req, rows, lambda v: _select_fields(req, v, variant=True))

    # -- V3 orders ---------------------------------------------------------

    def _refund_error(self, exc, wrap):
        """422 of a refused refund: POST .../refunds documents ``{data: [error]}``,
        POST .../refund_quotes the plain 422 object (orders.v3.yml)."""
        body = error_body('v3', 422, exc.title)
        if exc.errors:
            body['errors'] = exc.errors
        return ApiError(422, {'data': [body]} if wrap else body)

    def _refund_request(self, req, wrap):
        body = self._json_body(req)
        bad = sorted(set(body) - _REFUND_BODY_KEYS)
        if bad:
            raise self._refund_error(lifecycle.RefundError(
                'JSON data is missing or invalid', {bad[0]: 'Unknown field.'}), wrap)
        return body

    def _v3_order_refunds(self, req):
        """GET /v3/orders/{id}/payment_actions/refunds: the order's refunds,
        ascending id, ``meta: {}`` (RefundCollection_Resp); ``transaction_id``."""
        order = self._order_or_404(req)
        rows = self.store.order_refunds(order['id'])
        if req.query.get('transaction_id'):
            rows = [r for r in rows if any(p.get('transaction_id') == req.query['transaction_id']
                                           for p in r['payments'])]
        return 200, {'data': rows, 'meta': {}}

    def _v3_create_refund(self, req):
        """POST /v3/orders/{id}/payment_actions/refunds (RefundRequest_Post):
        201 ``{data: Refund, meta: {}}``; 422 ``{data: [error]}`` when refused."""
        order = self._order_or_404(req)
        body = self._refund_request(req, wrap=True)
        if 'tax_adjustment_amount' not in body and 'payments' not in body:
            # RefundRequest_Post_Items: required items, payments
            raise self._refund_error(lifecycle.RefundError(
                'JSON data is missing or invalid', {'payments': 'Required.'}), True)
        try:
            refund = self.store.create_refund(
                order['id'], body.get('items'), body.get('payments'), reason=body.get('reason') or '',
                tax_adjustment_amount=body.get('tax_adjustment_amount'),
                merchant_calculated_override=body.get('merchant_calculated_override'))
        except lifecycle.RefundError as exc:
            raise self._refund_error(exc, True) from None
        return 201, {'data': refund, 'meta': {}}

    def _v3_refund_quote(self, req):
        """POST /v3/orders/{id}/payment_actions/refund_quotes: 201
        ``{data: RefundQuote_Full, meta: {}}``; nothing is recorded."""
        order = self._order_or_404(req)
        body = self._refund_request(req, wrap=False)
        try:
            quote = self.store.refund_quote(order['id'], body.get('items'),
                                            tax_adjustment_amount=body.get('tax_adjustment_amount'))
        except lifecycle.RefundError as exc:
            raise self._refund_error(exc, False) from None
        return 201, {'data': quote, 'meta': {}}

    def _v3_refunds(self, req):
        """GET /v3/orders/payment_actions/refunds: refunds of many orders,
        ascending id; ``order_id:in``, ``id:in``, ``created:min`` /
        ``created:max`` (inclusive, RFC 3339), ``transaction_id``, ``page``,
        ``limit`` (default 50, at most 250 as elsewhere, ⚠️ not stated for this
        endpoint). Meta, option ``store.refunds_meta``: ⚠️ the spec documents
        ``page`` and ``limit`` here but answers ``metaEmpty_Full`` (an object
        open to any property): 'pagination' (default) sends meta.pagination as
        the other V3 collections do, 'empty' sends ``{}``."""
        rows = self.store.list_refunds(
            order_ids=self._ints(req, 'order_id:in'), ids=self._ints(req, 'id:in'),
            created_min=self._date(req, 'created:min'), created_max=self._date(req, 'created:max'),
            transaction_id=req.query.get('transaction_id') or None)
        return self._v3_page(req, rows, meta=self.store.refunds_meta != 'empty')

    def _v3_refund(self, req):
        """GET /v3/orders/payment_actions/refunds/{refund_id}."""
        refund = self.store.refunds.get(int(req.params['rid']))
        if refund is None:
            raise ApiError(404, error_body('v3', 404))
        return 200, {'data': refund, 'meta': {}}

    def _v3_transactions(self, req):
        order = self._order_or_404(req)
        rows = self.store.order_transactions.get(order['id'], [])
        if not rows:
            return 204, None   # "No content found to fulfill request" (orders.v3 spec)
        return self._v3_page(req, rows)


# ---------------------------------------------------------------- helpers

class _Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'      # keep-alive, so client sessions reuse connections
    server_version = 'FakeBigCommerce/1.0'
    timeout = 60
    # One buffered write per response and no Nagle: avoids 40 ms delayed-ACK
    # stalls on keep-alive connections (benchmarks make thousands of calls).
    wbufsize = -1
    disable_nagle_algorithm = True
    fake = None

    def _handle(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        status, headers, payload = self.fake._dispatch(self.command, self.path, self.headers, body)
        if status is None:   # processed, answer dropped (a lost response, shipments.py)
            self.close_connection = True
            return
        try:
            self.send_response(status)
            self.send_header('Content-Type', 'application/json')
            for key, value in headers.items():
                self.send_header(key, value)
            if status != 204:
                self.send_header('Content-Length', str(len(payload)))
            self.end_headers()
            if status != 204 and payload:
                self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True   # the client gave up (timeout tests)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle

    def log_message(self, fmt, *args):
        if self.fake.verbose:
            return super().log_message(fmt, *args)
        return None


def _encode(payload):
    return json.dumps(payload, default=_json_default).encode()


def _json_default(value):
    if isinstance(value, Decimal):
        return v3_number(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    raise TypeError(repr(value))


def _cmp(left, op, right):
    if left is None:
        return False
    return {'==': left == right, '>=': left >= right, '<=': left <= right,
            '>': left > right, '<': left < right}[op]


def _sort_key(value):
    if isinstance(value, str):
        return (1, value.lower())
    return (0 if value is not None else 2, value or 0)


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _charge(body, name):
    """(tax rate, ex-tax basis) of a POSTed charge from its _ex_tax/_inc_tax pair."""
    ex, inc = body.get(name + '_ex_tax'), body.get(name + '_inc_tax')
    if ex is None and inc is None:
        return None, Decimal('0')
    if ex is None or inc is None or not dec(ex):
        return None, dec(ex if ex is not None else inc)
    return (dec(inc) - dec(ex)) / dec(ex), dec(ex)


def _select_fields(req, row, variant=False):
    """include_fields / exclude_fields: the id (and product_id) always stay (§2)."""
    inc = [f for f in (req.query.get('include_fields') or '').split(',') if f]
    exc = [f for f in (req.query.get('exclude_fields') or '').split(',') if f]
    keep = {'id', 'product_id'} if variant else {'id'}
    if not inc and not exc:
        return row
    out = {k: v for k, v in row.items() if (not inc or k in inc or k in keep)}
    return {k: v for k, v in out.items() if k in keep or k not in exc}


def _options_of(product):
    """Variant options (include=options) derived from the variants' option values."""
    options = {}
    for v in product.get('variants', []):
        for ov in v.get('option_values', []):
            opt = options.setdefault(ov['option_id'], {
                'id': ov['option_id'], 'product_id': product['id'],
                'display_name': ov['option_display_name'], 'type': 'rectangles',
                'config': {}, 'sort_order': len(options), 'option_values': []})
            if all(x['id'] != ov['id'] for x in opt['option_values']):
                opt['option_values'].append({'id': ov['id'], 'label': ov['label'],
                                             'sort_order': len(opt['option_values']),
                                             'value_data': None, 'is_default': False})
    return list(options.values())


__all__ = ['FakeBigCommerce', 'RecordedRequest', 'ApiError', 'error_body', 'ALL_SCOPES']
