"""What a cash sale carries of the order's payment (registered when the invoice is posted).

BigCommerce splits what the shopper paid into the payment method's capture,
store credit and gift certificates (``store_credit_amount``,
``gift_certificate_amount``); ``refunded_amount`` and ``payment_status`` say
what was given back. A cash sale keeps, for posting, what the merchant still
holds of each, and in ``bigcommerce_payment_reason`` why that is less than the
order's total, if it is.
"""
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0")

# payment_status values (orders.v2 `order_Shared`) under which the merchant keeps
# nothing of the order's money: nothing is registered at all.
NO_PAYMENT_STATUSES = frozenset({"refunded", "void", "void pending", "declined"})


@dataclass(frozen=True)
class PaymentPlan:
    """What posting the cash sale registers, per source of the money."""
    payment: Decimal             # on the cart's Payment Journal
    store_credit: Decimal        # on its Store Credit Journal
    gift_certificate: Decimal    # on its Gift Certificate Journal
    refunded: Decimal            # refunded amount taken off the above
    uncaptured: Decimal          # due through the payment method, not captured (yet)


def payment_plan(order):
    """The PaymentPlan of `order` (payloads.Order)."""
    status = order.payment_status.strip().lower()
    store_credit = max(order.store_credit_amount, ZERO)
    gift_certificate = max(order.gift_certificate_amount, ZERO)
    due = max(order.total_inc_tax - store_credit - gift_certificate, ZERO)
    if status in NO_PAYMENT_STATUSES:
        return PaymentPlan(ZERO, ZERO, ZERO, max(order.refunded_amount, ZERO), ZERO)
    captured = due if order.is_paid else ZERO
    # A refund comes off the captured payment first; what exceeds it was given
    # back as store credit, then as gift certificates.
    refund = left = max(order.refunded_amount, ZERO)
    amounts = []
    for amount in (captured, store_credit, gift_certificate):
        taken = min(amount, left)
        amounts.append(amount - taken)
        left -= taken
    return PaymentPlan(*amounts, refunded=refund - left, uncaptured=due - captured)


def payment_reason(env, order, plan):
    """Why the cash sale registers less than the order's total ('' when it does not)."""
    status = order.payment_status.strip().lower()

    def amount(value):
        return _format_amount(env, order, value)

    if status == "refunded":
        return env._("Refunded in BigCommerce (payment status 'refunded'): no payment is registered. "
                     "Cancel this invoice or settle it with a credit note.")
    if status in NO_PAYMENT_STATUSES:
        return env._("Payment %(status)s in BigCommerce (payment status '%(status)s'): the shopper was "
                     "not charged, so no payment is registered.", status=status)
    reasons = []
    if plan.refunded:
        reasons.append(env._(
            "Partially refunded in BigCommerce: %(refunded)s was refunded, so the payments registered "
            "are %(kept)s. The refunded amount stays open on this invoice until a credit note settles it.",
            refunded=amount(plan.refunded),
            kept=amount(plan.payment + plan.store_credit + plan.gift_certificate)))
    elif status == "partially refunded":
        reasons.append(env._(
            "BigCommerce reports the order partially refunded but gives no refunded amount: the whole "
            "captured amount is registered. Record the refund with a credit note."))
    if plan.uncaptured:
        reasons.append(env._(
            "Payment status '%(status)s': BigCommerce has not captured the %(amount)s due through "
            "%(method)s, so no payment is registered for it.",
            status=order.payment_status or "-", amount=amount(plan.uncaptured),
            method=order.payment_method or "-"))
    return "\n".join(reasons)


def _format_amount(env, order, value):
    """`value` in the order's currency, as Odoo shows it (only met on the rare orders with a reason)."""
    currency = env["res.currency"].with_context(active_test=False).search(
        [("name", "=", (order.currency_code or "").upper())], limit=1)
    return currency.format(float(value)) if currency else f"{value:.2f} {order.currency_code}"


def cash_sale_values(env, order):
    """account.move values of a cash sale for `order` (payloads.Order)."""
    plan = payment_plan(order)
    immediate = env.ref("account.account_payment_term_immediate", raise_if_not_found=False)
    values = {
        "bigcommerce_cash_sale": True,
        "bigcommerce_payment_method": order.payment_method or False,
        "bigcommerce_payment_status": order.payment_status or False,
        "bigcommerce_payment_amount": float(plan.payment),
        "bigcommerce_refunded_amount": float(plan.refunded),
        "bigcommerce_store_credit_amount": float(plan.store_credit),
        "bigcommerce_gift_certificate_amount": float(plan.gift_certificate),
        "bigcommerce_payment_reason": payment_reason(env, order, plan) or False,
        "bigcommerce_payment_reference": order.payment_provider_id or env._("BigCommerce order %s", order.id),
    }
    if immediate:
        values["invoice_payment_term_id"] = immediate.id
    return values
