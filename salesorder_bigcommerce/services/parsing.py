"""Pure parsing helpers: credentials, money, dates."""
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlsplit

from . import const
from .errors import BigCommerceError, BigCommercePayloadError, Text, _lt


@dataclass(frozen=True)
class ApiPath:
    root_url: str     # e.g. 'https://api.bigcommerce.com/stores/abc123' (no version, no slash)
    store_hash: str
    host: str
    version: str | None = None   # 'v2' / 'v3' when the pasted path ended with one


@dataclass(frozen=True)
class ApiKey:
    client_id: str
    access_token: str = field(repr=False)   # never in repr, logs or messages

    def __str__(self):
        return f"{self.client_id}:***"


def _config_error(message, expected, **params):
    """A config error: `message` is an _lt template ending with %(expected)s, the
    shape expected (a Text)."""
    return BigCommerceError(message, kind='config', params=dict(params, expected=expected))


def parse_api_path(api_path) -> ApiPath:
    """The API Path of a BigCommerce API account -> ApiPath.

    Accepts '.../stores/{hash}', with or without a trailing '/v2' or '/v3' and slash;
    https, or plain http for a host of this machine only (const.LOCAL_HOSTS).
    """
    expected = Text(_lt("The Cart Connect URL must be the API Path shown by BigCommerce "
                        "(Settings › API › API Accounts), like %(example)s"),
                    example=const.API_PATH_EXAMPLE)
    if not isinstance(api_path, str) or not api_path.strip():
        raise _config_error(_lt("The Cart Connect URL is empty. %(expected)s"), expected)
    try:
        url = urlsplit(api_path.strip())
        host = url.hostname or ''
        # Reading the port raises ValueError on a bad one.
        url.port  # noqa: B018  # pylint: disable=pointless-statement
    except ValueError:
        raise _config_error(_lt("The Cart Connect URL is not a valid URL. %(expected)s"), expected) from None
    if url.scheme not in ('http', 'https') or not host:
        raise _config_error(_lt("The Cart Connect URL must start with https:// (plain http:// is accepted "
                                "only for a store on this machine (%(local_hosts)s), such as the sandbox "
                                "store). %(expected)s"), expected, local_hosts=const.LOCAL_HOSTS_TEXT)
    if url.scheme == 'http' and host not in const.LOCAL_HOSTS:
        raise _config_error(_lt("The Cart Connect URL must use https://, not http://: plain http:// is "
                                "accepted only for a store on this machine (%(local_hosts)s), such as the "
                                "sandbox store, not for %(host)s. %(expected)s"),
                            expected, local_hosts=const.LOCAL_HOSTS_TEXT, host=host)
    if url.username or url.password:
        raise _config_error(_lt("The Cart Connect URL must not contain a user name or password. "
                                "%(expected)s"), expected)
    if url.query or url.fragment:
        raise _config_error(_lt("The Cart Connect URL must not contain '?' or '#' parts. %(expected)s"),
                            expected)
    match = re.match(const.API_PATH_REGEX, url.path)
    if not match:
        raise _config_error(_lt("The Cart Connect URL does not contain /stores/{store_hash}. %(expected)s"),
                            expected)
    root = f"{url.scheme}://{url.netloc}{match['prefix']}/stores/{match['store_hash']}"
    return ApiPath(root_url=root, store_hash=match['store_hash'], host=host, version=match['version'])


def parse_api_key(api_key) -> ApiKey:
    """'CLIENT_ID:ACCESS_TOKEN' -> ApiKey. Error messages never echo the given value."""
    expected = Text(_lt("The API Key must be %(example)s: the Client ID and the Access Token of the "
                        "BigCommerce API account, joined by one colon, without spaces."),
                    example=const.API_KEY_EXAMPLE)
    if not isinstance(api_key, str) or not api_key:
        raise _config_error(_lt("The API Key is empty. %(expected)s"), expected)
    if any(ch.isspace() for ch in api_key):
        raise _config_error(_lt("The API Key contains spaces or line breaks. %(expected)s"), expected)
    count = api_key.count(':')
    if not count:
        raise _config_error(_lt("The API Key has no colon. %(expected)s"), expected)
    if count > 1:
        raise _config_error(_lt("The API Key has more than one colon. %(expected)s"), expected)
    client_id, access_token = api_key.split(':')
    if not client_id:
        raise _config_error(_lt("The Client ID part of the API Key (before the colon) is empty. "
                                "%(expected)s"), expected)
    if not access_token:
        raise _config_error(_lt("The Access Token part of the API Key (after the colon) is empty. "
                                "%(expected)s"), expected)
    return ApiKey(client_id, access_token)


def _show(value):
    """A short repr of a bad value, for payload error messages."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + '...'


def _value_error(message, name, value, field):
    return BigCommercePayloadError(message, field=field, params={'field': name, 'value': _show(value)})


def parse_money(value, field=None, *, optional=False) -> Decimal:
    """A BigCommerce amount -> Decimal.

    V2 sends strings ('225.0000', '924.47', '8'), V3 and coupons send numbers; floats go
    through str() so 7.95 stays Decimal('7.95'). None/'' is Decimal('0') when `optional`.
    """
    name = field or 'amount'
    if value is None or value == '':
        if optional:
            return Decimal('0')
        raise BigCommercePayloadError(_lt("%(field)s is missing"), field=field, params={'field': name})
    if isinstance(value, bool):  # bool is an int subclass: never an amount
        raise _value_error(_lt("%(field)s %(value)s is not a number"), name, value, field)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _value_error(_lt("%(field)s %(value)s is not a finite number"), name, value, field)
        value = str(value)
    if isinstance(value, int):
        return Decimal(value)
    if not isinstance(value, str):
        raise _value_error(_lt("%(field)s %(value)s is not a number"), name, value, field)
    try:
        amount = Decimal(value.strip())
    except InvalidOperation:
        raise _value_error(_lt("%(field)s %(value)s is not a number"), name, value, field) from None
    if not amount.is_finite():
        raise _value_error(_lt("%(field)s %(value)s is not a finite number"), name, value, field)
    return amount


def parse_datetime(value, field=None) -> datetime | None:
    """RFC 2822 (V2) or ISO 8601 (V3) -> naive UTC datetime (Odoo's convention).

    '' and None -> None. A date without an offset is taken as UTC (BigCommerce
    documents its API dates as UTC).
    """
    if value is None or value == '':
        return None
    name = field or 'date'
    if isinstance(value, str):
        text = value.strip()
        try:
            if text[:1].isdigit():
                # fromisoformat accepts 'Z' and fractions since Python 3.11
                moment = datetime.fromisoformat(text)
            else:
                moment = parsedate_to_datetime(text)
        except (ValueError, TypeError, IndexError):
            raise _value_error(_lt("%(field)s %(value)s is not a date"), name, value, field) from None
    else:
        raise _value_error(_lt("%(field)s %(value)s is not a date"), name, value, field)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def format_rfc2822(dt) -> str:
    """Naive-UTC or aware datetime -> 'Tue, 20 Nov 2012 00:00:00 +0000' (V2 filters)."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return format_datetime(dt.astimezone(timezone.utc).replace(microsecond=0))
