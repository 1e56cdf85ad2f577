"""What a cash sale carries of the order's payment (registered when the invoice is posted)."""
from decimal import Decimal

ZERO = Decimal("0")


def captured_amount(order):
    """What the shopper paid through the store's payment method."""
    if not order.is_paid:
        return ZERO
    return max(order.total_inc_tax - order.store_credit_amount - order.gift_certificate_amount, ZERO)


def cash_sale_values(env, order):
    """account.move values of a cash sale for `order` (payloads.Order)."""
    return {
        "bigcommerce_cash_sale": True,
        "bigcommerce_payment_method": order.payment_method or False,
        "bigcommerce_payment_amount": float(captured_amount(order)),
        "bigcommerce_payment_reference": order.payment_provider_id or env._("BigCommerce order %s", order.id),
    }
