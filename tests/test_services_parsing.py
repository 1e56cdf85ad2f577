"""Plain pytest: salesorder_bigcommerce.services.parsing (no Odoo needed)."""
import math
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from shared_examples import example

from odoo.addons.salesorder_bigcommerce.services import errors, parsing
from odoo.addons.salesorder_bigcommerce.services.errors import BigCommerceError, BigCommercePayloadError

# --- API Path -----------------------------------------------------------------------

@pytest.mark.parametrize('api_path', [
    'https://api.bigcommerce.com/stores/abc123',
    'https://api.bigcommerce.com/stores/abc123/',
    'https://api.bigcommerce.com/stores/abc123/v2',
    'https://api.bigcommerce.com/stores/abc123/v2/',
    'https://api.bigcommerce.com/stores/abc123/v3',
    'https://api.bigcommerce.com/stores/abc123/v3/',
    '  https://api.bigcommerce.com/stores/abc123/v3/\n',
])
def test_api_path_accepted_shapes(api_path):
    parsed = parsing.parse_api_path(api_path)
    assert parsed.root_url == 'https://api.bigcommerce.com/stores/abc123'
    assert parsed.store_hash == 'abc123'
    assert parsed.host == 'api.bigcommerce.com'


def test_api_path_version_is_kept():
    assert parsing.parse_api_path('https://api.bigcommerce.com/stores/abc123/v3/').version == 'v3'
    assert parsing.parse_api_path('https://api.bigcommerce.com/stores/abc123/v2').version == 'v2'
    assert parsing.parse_api_path('https://api.bigcommerce.com/stores/abc123').version is None


@pytest.mark.parametrize('api_path, root', [
    ('http://127.0.0.1:8123/stores/abc123/v3/', 'http://127.0.0.1:8123/stores/abc123'),
    ('http://localhost:8123/stores/abc123', 'http://localhost:8123/stores/abc123'),
    ('http://[::1]:8123/stores/abc123/v2/', 'http://[::1]:8123/stores/abc123'),
])
def test_api_path_http_only_for_this_machine(api_path, root):
    assert parsing.parse_api_path(api_path).root_url == root


@pytest.mark.parametrize('api_path, host', [
    ('http://example.com/stores/abc123/v3/', 'example.com'),
    ('http://api.bigcommerce.com/stores/abc123/v3/', 'api.bigcommerce.com'),
    ('http://127.0.0.2:8070/stores/abc123/v3/', '127.0.0.2'),   # only the three local names
    ('http://0.0.0.0:8070/stores/abc123/v3/', '0.0.0.0'),
    ('http://localhost.example.com/stores/abc123/v3/', 'localhost.example.com'),
])
def test_api_path_plain_http_message_says_what_is_accepted(api_path, host):
    with pytest.raises(BigCommerceError) as info:
        parsing.parse_api_path(api_path)
    message = str(info.value)
    assert 'must use https://' in message
    assert 'only for a store on this machine (localhost, 127.0.0.1 or ::1)' in message
    assert f'not for {host}.' in message
    assert 'https://api.bigcommerce.com/stores/{store_hash}/v3/' in message


def test_api_path_other_scheme_message_names_https_and_the_local_exception():
    with pytest.raises(BigCommerceError) as info:
        parsing.parse_api_path('ftp://api.bigcommerce.com/stores/abc123/v3/')
    assert 'must start with https://' in str(info.value)
    assert 'localhost, 127.0.0.1 or ::1' in str(info.value)


@pytest.mark.parametrize('api_path', [
    None,
    '',
    '   ',
    'api.bigcommerce.com/stores/abc123/v3/',           # no scheme
    'http://api.bigcommerce.com/stores/abc123/v3/',    # plain http to a remote host
    'ftp://api.bigcommerce.com/stores/abc123/v3/',
    'https:///stores/abc123/v3/',                      # no host
    'https://api.bigcommerce.com/v3/',                 # no /stores/{hash}
    'https://api.bigcommerce.com/stores//v3/',
    'https://api.bigcommerce.com/stores/abc123/v4/',
    'https://api.bigcommerce.com/stores/abc123/v3/catalog/products',
    'https://api.bigcommerce.com/stores/abc123/v3/?x=1',
    'https://api.bigcommerce.com/stores/abc123/v3/#frag',
    'https://user:pw@api.bigcommerce.com/stores/abc123/v3/',
    'https://api.bigcommerce.com:notaport/stores/abc123/v3/',
    'https://store-abc123.mybigcommerce.com/api/v2/',  # legacy basic-auth host
])
def test_api_path_rejected_with_expected_shape(api_path):
    with pytest.raises(BigCommerceError) as info:
        parsing.parse_api_path(api_path)
    assert info.value.kind == 'config'
    assert 'https://api.bigcommerce.com/stores/{store_hash}/v3/' in str(info.value)


# --- API Key ------------------------------------------------------------------------

def test_api_key_parsed_and_token_hidden():
    key = parsing.parse_api_key('CLIENTID:TOKENabc123')
    assert (key.client_id, key.access_token) == ('CLIENTID', 'TOKENabc123')
    assert 'TOKENabc123' not in repr(key)
    assert 'TOKENabc123' not in str(key)


@pytest.mark.parametrize('api_key', [
    None,
    '',
    'SECRETVALUE',                  # no colon
    'CLIENT:SECRET:VALUE',          # two colons
    ':SECRETVALUE',                 # empty client id
    'CLIENTSECRET:',                # empty token
    'CLIENT: SECRETVALUE',          # space
    'CLIENT:SECRETVALUE ',          # trailing space
    ' CLIENT:SECRETVALUE',
    'CLIENT:SECRET\tVALUE',
    'CLIENT:SECRETVALUE\n',
])
def test_api_key_rejected_without_echoing_it(api_key):
    with pytest.raises(BigCommerceError) as info:
        parsing.parse_api_key(api_key)
    message = str(info.value)
    assert info.value.kind == 'config'
    assert 'CLIENT_ID:ACCESS_TOKEN' in message
    for secret in ('SECRET', 'VALUE'):
        assert secret not in message
        assert secret not in repr(info.value)


# --- money --------------------------------------------------------------------------

@pytest.mark.parametrize('value, expected', [
    ('225.0000', Decimal('225')),
    ('924.47', Decimal('924.47')),
    ('8', Decimal('8')),
    ('0', Decimal('0')),
    ('-1.5900', Decimal('-1.59')),
    ('1.0000000000', Decimal('1')),
    (' 12.5 ', Decimal('12.5')),
    (7.95, Decimal('7.95')),        # via str(): no binary noise
    (0.1, Decimal('0.1')),
    (225, Decimal('225')),
    (5, Decimal('5')),
])
def test_parse_money(value, expected):
    assert parsing.parse_money(value) == expected


def test_parse_money_keeps_float_digits_exact():
    assert str(parsing.parse_money(7.95)) == '7.95'


def test_parse_money_every_verbatim_v2_amount():
    """All money strings of the verbatim order examples parse (4- and 2-decimal)."""
    fields = ('subtotal_ex_tax', 'subtotal_inc_tax', 'subtotal_tax', 'base_shipping_cost',
              'shipping_cost_ex_tax', 'shipping_cost_inc_tax', 'shipping_cost_tax',
              'total_ex_tax', 'total_inc_tax', 'total_tax', 'discount_amount', 'coupon_discount',
              'store_credit_amount', 'gift_certificate_amount', 'refunded_amount')
    orders = [example('order_v2__get_218.json'),
              example('order_v2__get_247_multiple_items.VERBATIM_has_typo_key.json'),
              *example('orders_v2__list.json')]
    for order in orders:
        for name in fields:
            assert isinstance(parsing.parse_money(order[name], name), Decimal)
    multiple = orders[1]
    assert parsing.parse_money(multiple['subtotal_ex_tax']) == Decimal('924.47')
    assert parsing.parse_money(multiple['base_shipping_cost']) == Decimal('8')


def test_parse_money_coupon_numbers():
    coupon = example('order_v2__coupons_order120.json')[0]
    assert parsing.parse_money(coupon['amount']) == Decimal('5')
    assert parsing.parse_money(coupon['discount']) == Decimal('5')


def test_parse_money_optional_empty():
    assert parsing.parse_money(None, 'x', optional=True) == Decimal('0')
    assert parsing.parse_money('', 'x', optional=True) == Decimal('0')
    with pytest.raises(BigCommercePayloadError, match='price is missing'):
        parsing.parse_money(None, 'price')
    with pytest.raises(BigCommercePayloadError):
        parsing.parse_money('', 'price')


@pytest.mark.parametrize('value', [
    'abc', '1,5', '12.5.1', 'NaN', 'nan', 'Infinity', '-inf', 'sNaN', '$5',
    math.nan, math.inf, -math.inf, True, {}, [], object(),
])
def test_parse_money_garbage(value):
    with pytest.raises(BigCommercePayloadError) as info:
        parsing.parse_money(value, 'price_ex_tax')
    assert info.value.kind == 'payload'
    assert info.value.field == 'price_ex_tax'
    assert 'price_ex_tax' in str(info.value)


# --- dates --------------------------------------------------------------------------

def test_parse_rfc2822():
    assert parsing.parse_datetime('Tue, 20 Nov 2012 00:00:00 +0000') == datetime(2012, 11, 20)
    # offsets are converted to UTC; the result is naive
    moment = parsing.parse_datetime('Thu, 20 Apr 2017 11:32:00 -0400')
    assert moment == datetime(2017, 4, 20, 15, 32) and moment.tzinfo is None


def test_parse_iso8601():
    assert parsing.parse_datetime('2018-08-15T14:48:46+00:00') == datetime(2018, 8, 15, 14, 48, 46)
    assert parsing.parse_datetime('2018-08-15T14:48:46Z') == datetime(2018, 8, 15, 14, 48, 46)
    assert parsing.parse_datetime('2017-04-20T11:32:00.000-04:00') == datetime(2017, 4, 20, 15, 32)
    assert parsing.parse_datetime('2025-01-15') == datetime(2025, 1, 15)
    assert parsing.parse_datetime('2018-08-15T14:48:46+02:00').tzinfo is None


def test_parse_every_verbatim_date():
    for order in [*example('orders_v2__list.json'), example('order_v2__get_218.json')]:
        for name in ('date_created', 'date_modified'):
            assert parsing.parse_datetime(order[name]).tzinfo is None
        assert parsing.parse_datetime(order['date_shipped']) is None     # '' = not shipped
    assert parsing.parse_datetime(example('orders_v2__list.json')[0]['date_modified']) \
        == datetime(2018, 12, 5, 20, 16, 55)
    product = example('product_v3__get_174.json')['data']
    assert parsing.parse_datetime(product['date_modified']) == datetime(2018, 9, 5, 20, 42, 7)


@pytest.mark.parametrize('value', [None, ''])
def test_parse_datetime_empty(value):
    assert parsing.parse_datetime(value) is None


@pytest.mark.parametrize('value', [
    'garbage', 'Tue, 32 Nov 2012 00:00:00 +0000', '2018-13-01T00:00:00Z', '2018-08-15T25:00:00',
    '20 Nov', 1529512970, {}, 12.5,
])
def test_parse_datetime_garbage(value):
    with pytest.raises(BigCommercePayloadError) as info:
        parsing.parse_datetime(value, 'date_modified')
    assert info.value.field == 'date_modified'
    assert 'date_modified' in str(info.value)


def test_format_rfc2822():
    assert parsing.format_rfc2822(datetime(2012, 11, 20)) == 'Tue, 20 Nov 2012 00:00:00 +0000'
    aware = datetime(2017, 4, 20, 11, 32, tzinfo=timezone(timedelta(hours=-4)))
    assert parsing.format_rfc2822(aware) == 'Thu, 20 Apr 2017 15:32:00 +0000'
    assert parsing.format_rfc2822(datetime(2019, 3, 5, 21, 40, 11, 999999)) \
        == 'Tue, 05 Mar 2019 21:40:11 +0000'


def test_format_rfc2822_round_trip():
    moment = datetime(2019, 6, 20, 16, 7, 8)
    assert parsing.parse_datetime(parsing.format_rfc2822(moment)) == moment


# --- errors -------------------------------------------------------------------------

def test_error_attributes():
    error = BigCommerceError('Wait.', kind='rate_limited', status=429, retry_after=12.5)
    assert (error.kind, error.status, error.retry_after, str(error)) == ('rate_limited', 429, 12.5, 'Wait.')
    assert 'rate_limited' in repr(error)
    with pytest.raises(ValueError):
        BigCommerceError('x', kind='nonsense')


def test_payload_error_within():
    error = BigCommercePayloadError("price_ex_tax 'abc' is not a number", field='price_ex_tax')
    outer = error.within('line 2').within('Order 123', 123)
    assert str(outer) == "Order 123: line 2: price_ex_tax 'abc' is not a number"
    assert (outer.kind, outer.field, outer.object_id) == ('payload', 'price_ex_tax', 123)
    assert isinstance(outer, errors.BigCommerceError)
