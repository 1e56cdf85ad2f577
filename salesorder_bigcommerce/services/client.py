"""HTTP client for the BigCommerce REST API (V2 + V3), in the manner of payment_stripe.

``_request`` is the single gateway to the API: it authenticates, retries, waits on
rate limits and turns every HTTP failure into a BigCommerceError. Catalog reads
(products, item search) live in catalog.py, order reads in orders.py.
"""
import logging
import math
import socket
import time
from urllib.parse import urlsplit

import requests

from . import const
from .catalog import CatalogReads
from .errors import BigCommerceError, BigCommercePayloadError, Text, _lt
from .orders import OrderReads
from .parsing import parse_api_key, parse_api_path
from .payloads import OrderStatus, StoreInfo

_logger = logging.getLogger(__name__)

_IDEMPOTENT_METHODS = frozenset({'GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'})


class BigCommerceClient(CatalogReads, OrderReads):
    """One store's API account. Not thread-safe (one requests.Session).

    The defaults suit sync passes: retries with backoff, patience with rate limits.
    `quick=True` suits a button the user waits on (Test Connection): one attempt
    (no retry, no backoff), a timeout of at most const.QUICK_TIMEOUT and rate-limit
    waits of at most const.QUICK_MAX_RATE_LIMIT_WAIT, so a refused connection or an
    unknown host fails at once.
    """

    def __init__(self, api_path, api_key, *, timeout=30, max_retries=3, max_rate_limit_wait=60.0,
                 backoff=1.0, sleep=time.sleep, session=None, quick=False):
        path = parse_api_path(api_path)
        key = parse_api_key(api_key)
        if quick:
            timeout = min(timeout, const.QUICK_TIMEOUT)
            max_retries = 0
            max_rate_limit_wait = min(max_rate_limit_wait, const.QUICK_MAX_RATE_LIMIT_WAIT)
        self.root_url = path.root_url
        self.store_hash = path.store_hash
        self.host = path.host
        self.client_id = key.client_id
        self.__token = key.access_token   # name-mangled: only _request and _scrub read it
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_rate_limit_wait = max_rate_limit_wait
        self.backoff = backoff
        self.sleep = sleep
        self.session = session or requests.Session()
        self.request_count = 0
        self.rate_limit_left = None
        self.rate_limit_reset_ms = None

    def __repr__(self):
        return f"<BigCommerceClient store_hash={self.store_hash!r}>"

    # --- gateway ----------------------------------------------------------------------

    def _scrub(self, text):
        """Remove the access token from any text that might echo it."""
        text = str(text)
        return text.replace(self.__token, '***') if self.__token else text

    def _request(self, method, path, params=None, json=None):
        """Send one API call; `path` starts with '/v2/' or '/v3/'. Returns the decoded
        JSON, or None for an empty answer (204)."""
        method = method.upper()
        url = self.root_url + path
        headers = {
            const.HEADER_AUTH_TOKEN: self.__token,
            'Accept': 'application/json',
            'User-Agent': const.USER_AGENT,
        }
        if json is not None:
            headers['Content-Type'] = 'application/json'
        # Retrying a POST after a 5xx or a read timeout could create the object twice.
        idempotent = method in _IDEMPOTENT_METHODS
        failures = rate_limited = 0
        while True:
            started = time.monotonic()
            self.request_count += 1
            try:
                response = self.session.request(
                    method, url, params=params, json=json, headers=headers, timeout=self.timeout)
            except requests.exceptions.Timeout as e:
                elapsed = time.monotonic() - started
                self._log(method, path, params, 'timeout', elapsed)
                sent = not isinstance(e, requests.exceptions.ConnectTimeout)
                if failures < self.max_retries and (idempotent or not sent):
                    failures = self._backoff(failures)
                    continue
                seconds = max(self.timeout) if isinstance(self.timeout, tuple) else self.timeout
                message = (_lt("BigCommerce did not answer within %(seconds)s s (%(request)s, %(attempts)s "
                               "attempts). Try again later.") if failures else
                           _lt("BigCommerce did not answer within %(seconds)s s (%(request)s, 1 attempt). "
                               "Try again later."))
                params = {'seconds': f"{seconds:g}", 'request': f"{method} {path}", 'attempts': failures + 1}
                raise BigCommerceError(message, kind='timeout', params=params) from None
            except requests.exceptions.RequestException as e:
                # ConnectionError (DNS, refused, TLS, Odoo's BlockedRequest) and friends
                self._log(method, path, params, 'unreachable', time.monotonic() - started)
                # (a POST is not retried: the failure may come after the store got it)
                if failures < self.max_retries and idempotent:
                    failures = self._backoff(failures)
                    continue
                message = (_lt("Could not reach %(host)s (%(attempts)s attempts): %(reason)s. Check the "
                               "Cart Connect URL and the network.") if failures else
                           _lt("Could not reach %(host)s: %(reason)s. Check the Cart Connect URL and the "
                               "network."))
                raise BigCommerceError(message, kind='unreachable', params={
                    'host': urlsplit(url).netloc, 'attempts': failures + 1,
                    'reason': _exception_reason(e, self._scrub)}) from None

            status = response.status_code
            self._log(method, path, params, status, time.monotonic() - started)
            self._remember_rate_limit(response)
            if status == 429:
                wait = self._rate_limit_wait(response)
                if wait > self.max_rate_limit_wait or rate_limited >= const.MAX_RATE_LIMIT_RETRIES:
                    raise BigCommerceError(
                        _lt("BigCommerce rate limit reached; retry in %(seconds)s s."),
                        kind='rate_limited', status=429, retry_after=wait,
                        params={'seconds': math.ceil(wait)})
                rate_limited += 1
                _logger.debug("BigCommerce rate limit: waiting %.1f s", wait)
                self.sleep(wait)
                continue
            if status >= 500 and idempotent and failures < self.max_retries:
                failures = self._backoff(failures)
                continue
            if 200 <= status < 300:
                return self._decode(response, method, path)
            raise self._http_error(response, method, path)

    def _backoff(self, failures):
        self.sleep(self.backoff * (2 ** failures))
        return failures + 1

    def _log(self, method, path, params, status, elapsed):
        # Never headers: they hold the token.
        _logger.debug("BigCommerce %s %s params=%s -> %s (%.0f ms)",
                      method, path, self._scrub(params or {}), status, elapsed * 1000)

    def _remember_rate_limit(self, response):
        left = _header_number(response, const.HEADER_RATE_LIMIT_LEFT)
        reset = _header_number(response, const.HEADER_RATE_LIMIT_RESET_MS)
        if left is not None:
            self.rate_limit_left = int(left)
        if reset is not None:
            self.rate_limit_reset_ms = int(reset)

    def _rate_limit_wait(self, response):
        """Seconds to wait after a 429 (API-FACTS §8)."""
        reset_ms = _header_number(response, const.HEADER_RATE_LIMIT_RESET_MS)
        if reset_ms is not None:
            return max(reset_ms, 0) / 1000.0
        retry_after = _header_number(response, const.HEADER_RETRY_AFTER)
        if retry_after is None:
            retry_after = _header_number(response, 'Retry-After')
        if retry_after is not None:
            return max(retry_after, 0.0)
        return const.DEFAULT_RATE_LIMIT_WAIT

    def _decode(self, response, method, path):
        if response.status_code == 204 or not response.content.strip():
            return None
        try:
            return response.json()
        except ValueError:
            raise BigCommercePayloadError(
                _lt("BigCommerce answered %(request)s with a body that is not JSON (HTTP %(status)s)."),
                params={'request': f"{method} {path}", 'status': response.status_code}) from None

    def _http_error(self, response, method, path):
        status = response.status_code
        said = self._store_message(response)
        params = {'status': status, 'request': f"{method} {path}", 'said': said}
        if status == 401:
            return BigCommerceError(
                _lt("BigCommerce rejected the credentials (HTTP 401). Check the access token part "
                    "of the API Key (%(example)s)."),
                kind='auth', status=status, params={'example': const.API_KEY_EXAMPLE})
        if status == 403:
            params['scope'] = _scope_for(path)
            message = (_lt("The API account lacks the OAuth scope for %(scope)s (HTTP 403 on %(request)s). "
                           "In BigCommerce, edit the API account and grant read access to %(scope)s.")
                       if method == 'GET' else
                       _lt("The API account lacks the OAuth scope for %(scope)s (HTTP 403 on %(request)s). "
                           "In BigCommerce, edit the API account and grant modify access to %(scope)s."))
            return BigCommerceError(message, kind='scope', status=status, params=params)
        # Each message twice: without, then with the store's own words.
        if status == 404:
            params['store_hash'] = self.store_hash
            message = (_lt("Store or URL not found (HTTP 404 on %(request)s): check the Cart Connect URL "
                           "(store hash %(store_hash)s)."),
                       _lt("Store or URL not found (HTTP 404 on %(request)s): check the Cart Connect URL "
                           "(store hash %(store_hash)s). BigCommerce said: %(said)s"))
            kind = 'not_found'
        elif status in (400, 422):
            message = (_lt("BigCommerce refused the request (HTTP %(status)s on %(request)s)."),
                       _lt("BigCommerce refused the request (HTTP %(status)s on %(request)s). "
                           "BigCommerce said: %(said)s"))
            kind = 'bad_request'
        elif status >= 500:
            message = (_lt("BigCommerce store error (HTTP %(status)s on %(request)s); try again later."),
                       _lt("BigCommerce store error (HTTP %(status)s on %(request)s); try again later. "
                           "BigCommerce said: %(said)s"))
            kind = 'store_error'
        else:
            message = (_lt("Unexpected answer from BigCommerce (HTTP %(status)s on %(request)s)."),
                       _lt("Unexpected answer from BigCommerce (HTTP %(status)s on %(request)s). "
                           "BigCommerce said: %(said)s"))
            kind = 'store_error'
        return BigCommerceError(message[bool(said)], kind=kind, status=status, params=params)

    def _store_message(self, response):
        """The store's own error text: V2 `[{status, message}]`, V3 `{title, detail,
        errors}`, or a short plain-text body. Scrubbed and shortened."""
        try:
            body = response.json()
        except ValueError:
            body = response.text.strip() if 'html' not in response.headers.get('Content-Type', '') else ''
        parts = []
        if isinstance(body, list):
            parts = [str(item.get('message') or '') for item in body if isinstance(item, dict)]
        elif isinstance(body, dict):
            parts = [str(body[key]) for key in ('title', 'message', 'error', 'detail')
                     if isinstance(body.get(key), (str, int)) and body.get(key) != '']
            errors = body.get('errors')
            if isinstance(errors, dict):
                parts += [f"{name}: {text}" for name, text in errors.items()]
            elif isinstance(errors, list):
                parts += [str(text) for text in errors]
        elif isinstance(body, str):
            parts = [body]
        text = ' '.join(' '.join(p.split()) for p in parts if p)
        text = self._scrub(text)
        if len(text) > const.MAX_STORE_MESSAGE_LENGTH:
            text = text[:const.MAX_STORE_MESSAGE_LENGTH - 1] + '…'
        return text

    # --- raw access -------------------------------------------------------------------

    def get_v2(self, path, params=None):
        return self._request('GET', '/v2' + _slash(path), params)

    def get_v3(self, path, params=None):
        return self._request('GET', '/v3' + _slash(path), params)

    def post_v2(self, path, json):
        return self._request('POST', '/v2' + _slash(path), json=json)

    def iter_v2(self, path, params=None, page_size=const.MAX_PAGE_SIZE):
        """All rows of a V2 collection (bare arrays): pages until a short or empty page or a 204."""
        page = 1
        while True:
            rows = self.get_v2(path, {**(params or {}), 'page': page, 'limit': page_size})
            if not rows:
                return
            if not isinstance(rows, list):
                raise BigCommercePayloadError(
                    _lt("BigCommerce answered GET %(path)s with an object where a list was expected."),
                    params={'path': '/v2' + _slash(path)})
            yield from rows
            if len(rows) < page_size:
                return
            page += 1

    def iter_v3(self, path, params=None, page_size=const.MAX_PAGE_SIZE):
        """All items of a V3 collection, following meta.pagination."""
        for data, _more in self._iter_v3_pages(path, params, page_size):
            yield from data

    def _iter_v3_pages(self, path, params=None, page_size=const.MAX_PAGE_SIZE):
        """(items, more pages follow) for each page of a V3 collection, one request each."""
        page = 1
        while True:
            body = self.get_v3(path, {**(params or {}), 'page': page, 'limit': page_size})
            if body is None:
                return
            data = body.get('data') if isinstance(body, dict) else None
            if not isinstance(data, list):
                raise BigCommercePayloadError(_lt("BigCommerce answered GET %(path)s without a 'data' list."),
                                              params={'path': '/v3' + _slash(path)})
            pagination = (body.get('meta') or {}).get('pagination') or {}
            total_pages = pagination.get('total_pages')
            links = pagination.get('links')
            if not data:
                more = False
            elif isinstance(total_pages, int):
                more = page < total_pages
            elif isinstance(links, dict):
                more = bool(links.get('next'))
            else:
                more = len(data) >= page_size
            yield data, more
            if not more:
                return
            page += 1

    # --- store ------------------------------------------------------------------------

    def get_store(self):
        """GET /v2/store -> StoreInfo (also the connection test)."""
        return StoreInfo.from_json(self.get_v2('/store'))

    def get_order_statuses(self):
        return [OrderStatus.from_json(row) for row in self.get_v2('/order_statuses') or []]

# --- helpers --------------------------------------------------------------------------

def _slash(path):
    return path if path.startswith('/') else '/' + path


def _header_number(response, name):
    value = response.headers.get(name)
    if value in (None, ''):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _scope_for(path):
    for prefix, label in const.SCOPE_BY_PATH_PREFIX:
        if path.startswith(prefix):
            return label
    return Text(_lt("this resource"))


def _exception_reason(exc, scrub):
    """A short reason for a connection failure: what went wrong, then the innermost cause
    (its text passed through `scrub`)."""
    chain, reason = [exc], exc
    while reason.__context__ is not None and reason.__context__ not in chain:
        reason = reason.__context__
        chain.append(reason)
    text = scrub(str(reason) or type(reason).__name__)
    if len(text) > 200:
        text = text[:199] + '…'
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        return Text(_lt("connection refused (nothing answers at that address and port)"))
    if any(isinstance(e, socket.gaierror) for e in chain):
        return Text(_lt("unknown host name (%(detail)s)"), detail=text)
    if isinstance(exc, requests.exceptions.SSLError):
        return Text(_lt("secure connection (TLS) failed (%(detail)s)"), detail=text)
    return text
