"""Plain pytest: salesorder_bigcommerce.services.payloads on the verbatim examples."""
import copy
from datetime import datetime
from decimal import Decimal

import pytest

from shared_examples import example

from odoo.addons.salesorder_bigcommerce.services import payloads
from odoo.addons.salesorder_bigcommerce.services.errors import BigCommercePayloadError
from odoo.addons.salesorder_bigcommerce.services.payloads import (
    Order,
    OrderLine,
    OrderStatus,
    Product,
    StoreInfo,
    Variant,
    html_to_text,
)

ORDER_247 = 'order_v2__get_247_multiple_items.VERBATIM_has_typo_key.json'


def order_with_consignments():
    """Order 247 as include=consignments.line_items&consignment_structure=object returns
    it (orders.v2 orderConsignment_Get), built from verbatim examples only."""
    order = example(ORDER_247)
    address = example('order_v2__shipping_addresses_order229.json')[0]
    shipping = {**address, 'id': 151, 'line_items': [
        example('order_v2__product_with_variant_240.json'),
        example('order_v2__product_custom_238.json'),
    ]}
    order['consignments'] = {
        'pickups': [],
        'shipping': [shipping],
        'downloads': [{'recipient_email': 'recipient@email.com',
                       'line_items': [example('order_v2__product_file_upload_35.json')]}],
        'email': {'gift_certificates': []},
    }
    return order


# --- store and statuses -------------------------------------------------------------

def test_store_info():
    raw = example('store_v2__get.json')
    store = StoreInfo.from_json(raw)
    assert store.store_hash == 'abc123'
    assert store.name == 'BigCommerce'
    assert (store.domain, store.secure_url) == ('my-awesome.store', 'https://my-awesome.store')
    assert (store.currency, store.currency_symbol, store.decimal_places) == ('USD', '$', 2)
    assert store.timezone_name == 'America/Chicago'
    assert store.is_price_entered_with_tax is False
    assert store.admin_email == 'jane.does@example.com'
    assert store.raw is raw


def test_order_statuses():
    statuses = [OrderStatus.from_json(row) for row in example('order_statuses_v2__list.json')]
    assert [s.id for s in statuses] == list(range(15))
    incomplete = statuses[0]
    assert (incomplete.name, incomplete.custom_label, incomplete.system_label, incomplete.order) \
        == ('Incomplete', 'Incomplete - Testing', 'Incomplete', 0)
    assert incomplete.label == 'Incomplete - Testing'
    assert statuses[11].name == 'Awaiting Fulfillment' and statuses[11].order == 3
    assert OrderStatus.from_json(example('order_statuses_v2__get_11.json')) == statuses[11]


def test_order_status_bad_id():
    with pytest.raises(BigCommercePayloadError, match="Order status: id 'x' is not an integer"):
        OrderStatus.from_json({'id': 'x', 'name': 'Odd'})


# --- catalog ------------------------------------------------------------------------

def test_product_without_variants():
    raw = example('product_v3__get_174.json')['data']
    product = Product.from_json(raw)
    assert (product.id, product.name, product.sku, product.type) == (174, '1L Le Parfait Jar', '', 'physical')
    assert product.price == Decimal('7.95') and str(product.price) == '7.95'
    assert product.sale_price == Decimal('0')
    assert product.is_visible is True
    assert product.date_modified == datetime(2018, 9, 5, 20, 42, 7)
    assert product.variants == () and not product.has_options
    assert product.description_html.startswith('<p><span>Lorem ipsum')
    assert product.description_text.startswith('Lorem ipsum dolor sit amet')
    assert '<' not in product.description_text
    assert product.effective_price() == Decimal('7.95')


def test_products_with_embedded_base_variants():
    """Legacy include=variants list; its placeholder artifacts ({} for sku_id) are ignored."""
    products = [Product.from_json(raw)
                for raw in example('products_v3__list_include_variants.LEGACY_2021.json')['data']]
    jar, brewer = products
    assert [v.id for v in jar.variants] == [345]
    base = jar.variants[0]
    assert base.is_base and base.option_values == () and base.product_id == 174
    assert base.price == Decimal('7.95')
    assert not jar.has_options
    assert brewer.price == Decimal('225') and brewer.variants[0].price == Decimal('225')


def test_variants_with_options():
    raw = example('product_v3__variants_list_product192.json')['data']
    variants = [Variant.from_json(v) for v in raw]
    assert [v.sku for v in variants] == ['SMIT', 'SMIT-1', 'SMIT-2']
    beige = variants[0]
    assert (beige.id, beige.product_id, beige.price, beige.sale_price) == (
        382, 192, Decimal('10'), Decimal('8'))
    assert not beige.is_base
    assert beige.option_values == (payloads.OptionValue(option_id=220, option_name='Color',
                                                        value_id=174, label='Beige'),)
    assert beige.options_label == 'Color: Beige'
    single = Variant.from_json(example('product_v3__variant_get_384.json')['data'])
    assert single == variants[2]


def test_product_variant_price_inheritance():
    raw = copy.deepcopy(example('product_v3__get_174.json')['data'])
    variants = copy.deepcopy(example('product_v3__variants_list_product192.json')['data'])
    variants[0]['price'] = None        # null: "use the product's value"
    variants[0]['sale_price'] = None
    product = Product.from_json(raw, variants=variants)
    assert product.has_options
    assert product.variants[0].price is None and product.variants[0].sale_price is None
    assert product.effective_price(product.variants[0]) == Decimal('7.95')
    assert product.effective_price(product.variants[1]) == Decimal('25')


def test_product_bad_price_names_product_and_field():
    raw = copy.deepcopy(example('product_v3__get_174.json')['data'])
    raw['price'] = 'abc'
    with pytest.raises(BigCommercePayloadError) as info:
        Product.from_json(raw)
    assert str(info.value) == "Product 174: price 'abc' is not a number"
    assert (info.value.field, info.value.object_id) == ('price', 174)


def test_product_bad_variant_price_names_variant():
    raw = copy.deepcopy(example('product_v3__get_174.json')['data'])
    variants = copy.deepcopy(example('product_v3__variants_list_product192.json')['data'])
    variants[1]['price'] = 'NaN'
    with pytest.raises(BigCommercePayloadError, match=r"^Product 174: variant 383: price 'NaN'"):
        Product.from_json(raw, variants=variants)


def test_product_without_price_is_an_error():
    raw = copy.deepcopy(example('product_v3__get_174.json')['data'])
    del raw['price']
    with pytest.raises(BigCommercePayloadError, match='Product 174: price is missing'):
        Product.from_json(raw)


def test_product_bad_date():
    raw = copy.deepcopy(example('product_v3__get_174.json')['data'])
    raw['date_modified'] = 'yesterday'
    with pytest.raises(BigCommercePayloadError, match="Product 174: date_modified 'yesterday' is not a date"):
        Product.from_json(raw)


def test_product_not_an_object():
    with pytest.raises(BigCommercePayloadError, match='expected a JSON object'):
        Product.from_json(['not', 'a', 'product'])


# --- HTML description -> text ------------------------------------------------------

@pytest.mark.parametrize('markup, text', [
    ('', ''),
    (None, ''),
    ('plain text', 'plain text'),
    ('<p>One</p><p>Two</p>', 'One\nTwo'),
    ('Line<br>break<br/>here', 'Line\nbreak\nhere'),
    ('<p>Fish &amp; Chips &lt;3 &eacute;t&#233; &nbsp;x</p>', 'Fish & Chips <3 été x'),
    ('<ul><li>Red</li><li>Blue</li></ul>', 'Red\nBlue'),
    ('<p>  lots   of\n\n   space\t</p>', 'lots of space'),
    ('<div><span>in</span><b>line</b> tags</div>', 'inline tags'),
    ('<script>alert("x")</script><style>p{}</style><p>safe</p>', 'safe'),
    ('<p onclick="evil()">x</p><img src="y" onerror="z">', 'x'),
    ('<h1>Title</h1>Body', 'Title\nBody'),
    ('<p>unclosed <b>bold', 'unclosed bold'),
    ('&lt;script&gt;alert(1)&lt;/script&gt;', '<script>alert(1)</script>'),   # text, not markup
])
def test_html_to_text(markup, text):
    assert html_to_text(markup) == text


# --- orders: header -----------------------------------------------------------------

def test_order_from_list_example_without_lines():
    raw = example('orders_v2__list.json')[0]
    order = Order.from_json(raw)
    assert (order.id, order.customer_id, order.status_id, order.status) == (
        100, 20, 11, 'Awaiting Fulfillment')
    assert order.date_created == datetime(2018, 1, 10, 21, 5, 30)
    assert order.date_modified == datetime(2018, 12, 5, 20, 16, 55)
    assert (order.currency_code, order.display_currency_code) == ('USD', 'USD')
    assert order.subtotal_ex_tax == Decimal('336.32') and order.subtotal_inc_tax == Decimal('361.95')
    assert order.total_inc_tax == Decimal('361.95') and order.total_tax == Decimal('0')
    assert order.is_tax_inclusive is False
    assert order.payment_method == 'Credit Card' and order.payment_status == 'authorized'
    assert not order.is_paid
    assert order.billing_address.name == 'Jane Doe'
    assert order.billing_address.country_iso2 == 'US'
    assert order.email == 'janedoe@example.com'
    # consignments not included: no lines, and the order says so
    assert order.lines == () and order.has_lines is False
    assert order.shipping_consignments == () and order.shipping_address is None
    assert order.raw is raw


def test_order_218_totals_discounts_and_fees():
    order = Order.from_json(example('order_v2__get_218.json'))
    assert (order.id, order.status_id, order.payment_status) == (218, 7, 'authorized')
    assert order.subtotal_ex_tax == Decimal('62.6793')
    assert order.shipping_cost_ex_tax == Decimal('11.09') and order.shipping_cost_tax == Decimal('0.91')
    assert order.discount_amount == Decimal('5') and order.coupon_discount == Decimal('5')
    assert order.customer_id == 11 and not order.is_guest
    # fees: the example mixes cost_exc_tax and cost_ex_tax
    assert [fee.name for fee in order.fees] == ['A Fee', 'B Fee']
    assert order.fees[0].cost_ex_tax == Decimal('12.3')
    assert order.fees[1].cost_ex_tax == Decimal('4') and order.fees[1].cost_inc_tax == Decimal('12')
    assert sum(fee.cost_inc_tax for fee in order.fees) == Decimal('24.3')


def test_order_247_typo_key_and_two_decimal_strings():
    raw = example(ORDER_247)
    assert 'currency_code"' in raw and 'currency_code' not in raw   # really the verbatim file
    order = Order.from_json(raw)
    assert order.currency_code == 'USD'
    assert order.display_currency_code == 'USD'
    assert order.subtotal_ex_tax == Decimal('924.47') and order.total_inc_tax == Decimal('1008.74')
    assert order.shipping_cost_inc_tax == Decimal('8')
    assert order.payment_status == 'captured' and order.is_paid
    assert (order.staff_notes, order.customer_message) == ('BIN-45', 'Custom Journal Added')


def test_order_currency_is_the_transactional_one():
    raw = copy.deepcopy(example('orders_v2__list.json')[0])
    raw.update(currency_code='EUR', default_currency_code='USD')
    order = Order.from_json(raw)
    assert (order.currency_code, order.display_currency_code) == ('USD', 'EUR')
    del raw['default_currency_code']
    assert Order.from_json(raw).currency_code == 'EUR'


def test_order_guest_and_paid_statuses():
    raw = copy.deepcopy(example('orders_v2__list.json')[0])
    raw['customer_id'] = 0
    for status, paid in [('captured', True), ('paid', True), ('partially refunded', True),
                         ('authorized', False), ('pending', False), ('refunded', False), ('', False)]:
        raw['payment_status'] = status
        order = Order.from_json(raw)
        assert order.is_guest and order.is_paid is paid


def test_order_bad_total_names_order_and_field():
    raw = copy.deepcopy(example('orders_v2__list.json')[0])
    raw['total_inc_tax'] = '12,50'
    with pytest.raises(BigCommercePayloadError) as info:
        Order.from_json(raw)
    assert str(info.value) == "Order 100: total_inc_tax '12,50' is not a number"
    assert (info.value.field, info.value.object_id) == ('total_inc_tax', 100)


def test_order_bad_date_and_missing_id():
    raw = copy.deepcopy(example('orders_v2__list.json')[0])
    raw['date_modified'] = 'Wed, 45 Dec 2018 20:16:55 +0000'
    with pytest.raises(BigCommercePayloadError, match='Order 100: date_modified'):
        Order.from_json(raw)
    del raw['id']
    with pytest.raises(BigCommercePayloadError, match='Order: id is missing'):
        Order.from_json(raw)


# --- orders: lines ------------------------------------------------------------------

def test_order_lines_from_all_consignments():
    order = Order.from_json(order_with_consignments())
    assert order.has_lines
    assert [line.id for line in order.lines] == [240, 238, 35]   # shipping, then downloads
    variant_line, custom_line, upload_line = order.lines
    assert (variant_line.product_id, variant_line.variant_id, variant_line.quantity) == (
        201, 477, Decimal('4'))
    assert variant_line.sku == 'SKU-201-Red-Small T-Shirt-Able Brewing System'
    assert variant_line.price_ex_tax == Decimal('217.09') and variant_line.price_inc_tax == Decimal('235')
    assert variant_line.total_ex_tax == Decimal('868.36') and variant_line.total_tax == Decimal('71.64')
    assert not variant_line.is_custom
    assert custom_line.is_custom and custom_line.product_id == 0 and custom_line.name == 'Journal'
    # the file-upload example spells 'option id' with a space
    assert upload_line.product_options == (payloads.ProductOption(
        id=18, option_id=38, name='Custom Logo Engraving', value='BigCommerceLogo.jpeg', type='File Upload'),)
    [consignment] = order.shipping_consignments
    assert consignment.line_ids == (240, 238)
    assert consignment.address.name == 'Trishy Smith' and consignment.address.company == 'Acme Pty Ltd'
    assert consignment.cost_inc_tax == Decimal('12.99') and consignment.shipping_method == 'None'
    assert order.shipping_address == consignment.address


def test_order_lines_from_spec_consignment_numbers():
    """Shipping consignments carry numbers (shippingConsignment_Get), not strings."""
    raw = order_with_consignments()
    raw['consignments']['shipping'][0].update(cost_ex_tax=5.1, cost_inc_tax=6.2, cost_tax=1.1,
                                              handling_cost_inc_tax=5.3)
    consignment = Order.from_json(raw).shipping_consignments[0]
    assert (consignment.cost_ex_tax, consignment.cost_inc_tax, consignment.handling_cost_inc_tax) \
        == (Decimal('5.1'), Decimal('6.2'), Decimal('5.3'))


def test_order_lines_gift_certificates_pickups_and_single_object_items():
    raw = order_with_consignments()
    line = example('order_v2__product_simple_116.json')
    gift = {**example('order_v2__product_simple_116.json'), 'id': 900, 'type': 'giftcertificate'}
    raw['consignments']['email']['gift_certificates'] = [{'recipient_email': 'a@b.c', 'line_items': [gift]}]
    raw['consignments']['pickups'] = [{'id': 99, 'line_items': [line]}]
    # the digital-consignment example of the spec holds one object, not a list
    raw['consignments']['downloads'][0]['line_items'] = example('order_v2__product_file_upload_35.json')
    order = Order.from_json(raw)
    assert sorted(line.id for line in order.lines) == [35, 116, 238, 240, 900]
    assert order.has_lines


def test_order_lines_deduplicated_by_id():
    raw = order_with_consignments()
    raw['consignments']['pickups'] = [
        {'id': 99, 'line_items': [example('order_v2__product_custom_238.json')]}]
    order = Order.from_json(raw)
    assert [line.id for line in order.lines].count(238) == 1


def test_order_consignments_with_links_only_have_no_lines():
    raw = order_with_consignments()
    raw['consignments']['shipping'][0]['line_items'] = [
        {'url': 'https://api.bigcommerce.com/stores/abc123/v2/orders/247/products/240',
         'resource': '/orders/247/products/240'}]
    order = Order.from_json(raw)
    assert order.has_lines is False and order.lines == ()


def test_order_lines_from_products_rows_and_shipping_addresses():
    raw = example('orders_v2__list.json')[0]
    products = example('order_v2__products_list_order149.json')
    addresses = example('order_v2__shipping_addresses_order229.json')
    addresses[0]['id'] = 51   # the rows ship to order_address_id 51
    order = Order.from_json(raw, products=products, shipping_addresses=addresses)
    assert order.has_lines and [line.id for line in order.lines] == [65, 66]
    towel, bundled = order.lines
    assert towel.variant_id == 0            # the collection example omits variant_id
    assert towel.applied_discounts == (payloads.AppliedDiscount(
        id='manual-discount', amount=Decimal('1.59'), name='Manual Discount', code='', target='order'),)
    assert towel.discount_amount == Decimal('1.59')
    assert [(o.name, o.value) for o in towel.product_options] == [
        ('Size', 'S'), ('Color', 'Orange'), ('Add Letters', 'Text Field'),
        ('Is this a gift?', 'Yes'), ('PickList', 'Able Brewing System')]
    assert towel.parent_line_id is None and not towel.is_bundled
    assert bundled.parent_line_id == 65 and bundled.is_bundled and bundled.price_inc_tax == 0
    assert [c.line_ids for c in order.shipping_consignments] == [(65, 66), ()]


def test_order_line_standalone():
    line = OrderLine.from_json(example('order_v2__product_simple_116.json'))
    assert (line.id, line.product_id, line.variant_id, line.sku, line.name) == (
        116, 188, 0, 'DUST1', 'Dustpan & Brush')
    assert line.base_price == Decimal('31.95') and line.price_tax == Decimal('5.28')
    assert line.type == 'physical' and line.address_id == 81


def test_order_bad_line_price_names_order_line_and_field():
    raw = order_with_consignments()
    raw['consignments']['shipping'][0]['line_items'][1]['price_ex_tax'] = 'abc'
    with pytest.raises(BigCommercePayloadError) as info:
        Order.from_json(raw)
    assert str(info.value) == "Order 247: line 2 (id 238): price_ex_tax 'abc' is not a number"
    assert (info.value.kind, info.value.field, info.value.object_id) == ('payload', 'price_ex_tax', 247)


@pytest.mark.parametrize('quantity', [0, -1, 2_000_000, 'x', None, 1.5e9])
def test_order_bad_line_quantity(quantity):
    raw = order_with_consignments()
    raw['consignments']['shipping'][0]['line_items'][0]['quantity'] = quantity
    with pytest.raises(BigCommercePayloadError, match=r'^Order 247: line 1 \(id 240\): quantity') as info:
        Order.from_json(raw)
    assert info.value.field == 'quantity'


def test_order_bad_consignment_cost():
    raw = order_with_consignments()
    raw['consignments']['shipping'][0]['cost_inc_tax'] = 'free'
    with pytest.raises(BigCommercePayloadError,
                       match="^Order 247: shipping consignment 1: cost_inc_tax 'free' is not a number"):
        Order.from_json(raw)


def test_value_objects_are_frozen_and_hashable():
    order = Order.from_json(order_with_consignments())
    with pytest.raises(AttributeError):
        order.id = 1
    assert hash(order.lines[0]) == hash(Order.from_json(order_with_consignments()).lines[0])
    assert 'raw' not in repr(order.lines[0])
