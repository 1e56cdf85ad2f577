"""A spec-faithful fake of the BigCommerce REST API (V2 orders, V3 catalog).

Behaviour follows shared/bigcommerce/API-FACTS.md; section numbers (§n) in
comments point there. Pure stdlib: ThreadingHTTPServer on 127.0.0.1.

This file holds the server, the routing table, paging and the order reads; the
other routes are mixins, one file each: catalog_routes (products, variants),
order_writes (POST/PUT orders), refund_routes, shipments, inventory, hooks,
order_taxes (GET /v2/orders/{id}/taxes).
What every route shares (request, errors, filters) is in api.py.
"""
import datetime as dt
import json
import math
import re
import threading
import time
from dataclasses import dataclass
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

from .api import DEFAULT_LIMIT, MAX_LIMIT, UNLIMITED_QUOTA, ApiError, _cmp, _Req, error_body
from .catalog_routes import CatalogRoutes
from .hooks import HooksMixin
from .inventory import InventoryRoutes
from .order_taxes import OrderTaxRoutes
from .order_writes import OrderWriteRoutes
from .refund_routes import RefundRoutes
from .shipments import ShipmentRoutes
from .store import FakeStore, dec, parse_datetime, v3_number

ALL_SCOPES = frozenset({
    'store_v2_products', 'store_v2_orders', 'store_v2_information',
    'store_v2_transactions', 'store_v2_marketing', 'store_v2_customers',
    'store_inventory'})   # inventory.v3.yml: Store Inventory (modify)


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


@dataclass
class _Rule:
    count: int
    path_contains: str = None
    status: int = None
    headers: dict = None
    body: object = None
    seconds: float = 0.0


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
    ('v2', r'orders/(?P<oid>\d+)/taxes', {'GET': '_v2_order_taxes'}, 'store_v2_orders'),   # order_taxes.py
    # shipments (shipments.py)
    ('v2', r'orders/(?P<oid>\d+)/shipments', {'GET': '_v2_shipments', 'POST': '_v2_shipments'},
     'store_v2_orders'),
    ('v2', r'orders/(?P<oid>\d+)/shipments/count', {'GET': '_v2_shipments'}, 'store_v2_orders'),
    ('v2', r'orders/(?P<oid>\d+)/shipments/(?P<sid>\d+)', {'GET': '_v2_shipments', 'PUT': '_v2_shipments',
                                                     'DELETE': '_v2_shipments'},
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


class FakeBigCommerce(HooksMixin, InventoryRoutes, ShipmentRoutes, OrderWriteRoutes, CatalogRoutes,
                      RefundRoutes, OrderTaxRoutes):
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


__all__ = ['FakeBigCommerce', 'RecordedRequest', 'ApiError', 'error_body', 'ALL_SCOPES']
