"""Items of a refund request (orders.v3.yml ItemsRefund) for
FakeStore.create_refund / refund_quote or the POST body. ``line``,
``address``, ``fee`` and ``order`` may be the stored row (its ``id`` is
taken) or the id. Money rules: fake_bigcommerce/refunds.py. Reached as
``factory.refund_*``."""
from .store import cents, v3_number


def _id_of(row):
    return row['id'] if isinstance(row, dict) else int(row)


def _item(item_type, item_id, reason, **values):
    item = {'item_type': item_type, 'item_id': item_id, **values}
    if reason:
        item['reason'] = reason
    return item


def refund_product(line, quantity=1, reason=''):
    """PRODUCT: ``quantity`` units of an order line (item_id = order product id)."""
    return _item('PRODUCT', _id_of(line), reason, quantity=int(quantity))


def refund_gift_wrapping(line, quantity=1, reason=''):
    """GIFT_WRAPPING: the wrapping of ``quantity`` units of an order line."""
    return _item('GIFT_WRAPPING', _id_of(line), reason, quantity=int(quantity))


def refund_shipping(address, amount, reason=''):
    """SHIPPING: ``amount`` of the shipping of an order address (item_id = address id)."""
    return _item('SHIPPING', _id_of(address), reason, amount=v3_number(cents(amount)))


def refund_handling(address, amount, reason=''):
    """HANDLING: ``amount`` of the handling of an order address."""
    return _item('HANDLING', _id_of(address), reason, amount=v3_number(cents(amount)))


def refund_fee(fee, amount, reason=''):
    """FEE: ``amount`` of an order fee (item_id = the fee id)."""
    return _item('FEE', _id_of(fee), reason, amount=v3_number(cents(amount)))


def refund_order(order, amount, reason=''):
    """ORDER: an order-level amount, tax not recalculated (item_id = order id)."""
    return _item('ORDER', _id_of(order), reason, amount=v3_number(cents(amount)))
