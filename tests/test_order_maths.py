"""Plain pytest: importers.order_maths, the Decimal maths of an order's lines (no ORM).

Orders here are parsed from hand-written V2 payloads whose numbers were
worked out by hand, the way BigCommerce computes them: each line taxed on
its amount after its discounts, rounded to the cent.
"""
from decimal import Decimal as D

import pytest

from odoo.addons.salesorder_bigcommerce.importers import order_maths as m
from odoo.addons.salesorder_bigcommerce.services.payloads import Order


def money(value):
    return f"{D(value):.4f}"


def line(id, total, tax, qty=1, discounts=(), inclusive=False):
    total = D(total)
    ex, inc = (total - D(tax), total) if inclusive else (total, total + D(tax))
    return {
        "id": id, "product_id": 100 + id, "variant_id": 0, "sku": f"SKU{id}", "name": f"Item {id}",
        "quantity": qty, "price_ex_tax": money(ex / qty), "price_inc_tax": money(inc / qty),
        "total_ex_tax": money(ex), "total_inc_tax": money(inc), "total_tax": money(tax),
        "applied_discounts": [{"id": d[0], "amount": money(d[1]), "name": d[2], "code": d[3],
                               "target": "order"} for d in discounts],
    }


def order(lines, total_ex, total_tax, inclusive=False, shipping=("0", "0"), coupon="0", discount="0"):
    total_inc = D(total_ex) + D(total_tax)
    ship_basis, ship_tax = D(shipping[0]), D(shipping[1])
    if inclusive:
        ship_ex, ship_inc = ship_basis - ship_tax, ship_basis
    else:
        ship_ex, ship_inc = ship_basis, ship_basis + ship_tax
    return Order.from_json({
        "id": 1, "status_id": 11, "date_created": "Tue, 05 Mar 2024 10:00:00 +0000",
        "date_modified": "Tue, 05 Mar 2024 10:00:00 +0000", "default_currency_code": "USD",
        "is_tax_inclusive_pricing": inclusive,
        "subtotal_ex_tax": "0", "subtotal_inc_tax": "0",
        "shipping_cost_ex_tax": money(ship_ex), "shipping_cost_inc_tax": money(ship_inc),
        "shipping_cost_tax": money(ship_tax),
        "total_ex_tax": money(total_ex), "total_inc_tax": money(total_inc), "total_tax": money(total_tax),
        "coupon_discount": money(coupon), "discount_amount": money(discount),
        "billing_address": {"email": "a@example.com"},
    }, products=lines)


def odoo_totals(plan, inclusive):
    """What Odoo, rounding tax per line, makes of the planned lines: (untaxed, tax)."""
    tax = plan.tax(inclusive)
    amount = sum((line.amount for line in plan.lines), D(0))
    return (amount - tax if inclusive else amount), tax


# --- rates ----------------------------------------------------------------------

def test_tax_on_rounds_half_up_per_line():
    assert m.tax_on(D("10.00"), D("8.25"), False) == D("0.83")        # 0.825
    assert m.tax_on(D("-10.00"), D("8.25"), False) == D("-0.83")
    assert m.tax_on(D("11.90"), D("19"), True) == D("1.90")            # 11.90 - 10.00


def test_roundest_rate_prefers_fewest_decimals_that_reproduce():
    assert m.roundest_rate([(D("650.00"), D("53.63"))], False) == D("8.25")
    assert m.roundest_rate([(D("100.00"), D("20.00"))], False) == D("20")
    assert m.roundest_rate([(D("119.00"), D("19.00"))], True) == D("19")
    assert m.roundest_rate([(D("1.00"), D("5.00"))], False) is None    # 500 %: not a tax rate
    assert m.roundest_rate([(D("5.00"), D("0.41")), (D("650.00"), D("53.63"))], False) == D("8.25")


def test_known_rate_wins_when_it_reproduces():
    # 0.08 on 1.00 fits 8 % and 8.25 %: the cart's 8.25 is kept, no 8 % tax is made.
    assert m.choose_rate([(D("1.00"), D("0.08"))], False, known=[D("8.25")]) == D("8.25")
    assert m.choose_rate([(D("1.00"), D("0.08"))], False) == D("8")


@pytest.mark.parametrize("net, qty, rate, inclusive", [
    (D("10.00"), D(3), D("8.25"), False),
    (D("26.97"), D(3), D("20"), False),
    (D("99.99"), D(7), D("7.25"), False),
    (D("10.00"), D(3), D("19"), True),
    (D("0.05"), D(4), D("10"), False),
])
def test_quantity_split_keeps_amount_and_tax(net, qty, rate, inclusive):
    split = m.quantity_split(net, qty, rate, inclusive)
    assert sum(q for q, _p in split) == qty
    assert sum(q * p for q, p in split) == net
    assert all(p == p.quantize(D("0.01")) for _q, p in split)
    assert sum(m.tax_on(q * p, rate, inclusive) for q, p in split) == m.tax_on(net, rate, inclusive)


def test_quantity_split_is_one_line_when_the_unit_price_is_whole():
    assert m.quantity_split(D("29.97"), D(3), D("20"), False) == [(D(3), D("9.99"))]


# --- whole orders -----------------------------------------------------------------

def test_coupon_over_two_rates_taxed_after_discount_exclusive():
    # 650.00 at 8.25 % with 65.00 off -> 585.00, tax 48.26; 100.00 at 5 % with 10.00 off
    # -> 90.00, tax 4.50; shipping 10.00 at 8.25 % -> 0.83. Taxed before the discount,
    # the tax would have been 53.63 + 5.00: a few dollars off, as the issue saw.
    o = order([line(1, "650.00", "48.26", discounts=[("total-coupon", "65.00", "TEN", "TEN")]),
               line(2, "100.00", "4.50", discounts=[("total-coupon", "10.00", "TEN", "TEN")])],
              total_ex="685.00", total_tax="53.59", shipping=("10.00", "0.83"), coupon="75.00")
    plan = m.plan_order(o)
    assert odoo_totals(plan, False) == (D("685.00"), D("53.59"))
    items = [line for line in plan.lines if line.kind == m.ITEM]
    assert [(line.amount, line.rate) for line in items] == [(D("585.00"), D("8.25")), (D("90.00"), D("5"))]
    assert not [line for line in plan.lines if line.kind in (m.DISCOUNT, m.ORDER_DISCOUNT)]


def test_coupon_over_two_rates_taxed_after_discount_inclusive():
    # Tax-included prices: 119.00 at 19 % less 11.90 -> 107.10, tax 17.10;
    # 107.00 at 7 % less 10.70 -> 96.30, tax 6.30.
    o = order([line(1, "119.00", "17.10", inclusive=True,
                    discounts=[("total-coupon", "11.90", "TEN", "TEN")]),
               line(2, "107.00", "6.30", inclusive=True,
                    discounts=[("total-coupon", "10.70", "TEN", "TEN")])],
              total_ex=str(D("203.40") - D("23.40")), total_tax="23.40", inclusive=True, coupon="22.60")
    plan = m.plan_order(o)
    assert odoo_totals(plan, True) == (D("180.00"), D("23.40"))
    assert sorted(line.rate for line in plan.lines) == [D("7"), D("19")]


def test_store_that_taxes_before_discount_keeps_the_tax_and_an_untaxed_discount():
    # As in BigCommerce's example 149: 55.99 at 16.5 % -> 9.24 kept after a 1.59 manual discount.
    o = order([line(1, "55.99", "9.24", discounts=[("manual-discount", "1.59", "Manual Discount", None)])],
              total_ex="54.40", total_tax="9.24", discount="1.59")
    plan = m.plan_order(o)
    assert odoo_totals(plan, False) == (D("54.40"), D("9.24"))
    item, discount = plan.lines
    assert (item.amount, item.rate) == (D("55.99"), D("16.5"))
    assert (discount.kind, discount.amount, discount.rate) == (m.DISCOUNT, D("-1.59"), None)


def test_discounted_quantity_that_does_not_divide_splits_in_two_lines():
    # 3 x 9.99 less 3.00 -> 26.97 (8.99 each): divides. 3 x 10.00 less 20.00 -> 10.00: does not.
    o = order([line(1, "30.00", "0.83", qty=3, discounts=[("7", "20.00", "Promo", None)])],
              total_ex="10.00", total_tax="0.83", discount="20.00")
    plan = m.plan_order(o, known_rates=[D("8.25")])
    assert [(line.quantity, line.price_unit) for line in plan.lines] in (
        [(D(2), D("3.33")), (D(1), D("3.34"))], [(D(2), D("3.34")), (D(1), D("3.32"))])
    assert odoo_totals(plan, False) == (D("10.00"), D("0.83"))


def test_free_shipping_coupon_is_an_order_discount_with_the_shipping_tax():
    # Shipping 10.00 taxed 0.83 is shown before the coupon; the coupon takes it off, tax too.
    o = order([line(1, "100.00", "8.25")], total_ex="100.00", total_tax="8.25",
              shipping=("10.00", "0.83"), coupon="10.00")
    plan = m.plan_order(o)
    assert odoo_totals(plan, False) == (D("100.00"), D("8.25"))
    rest = plan.lines[-1]
    assert (rest.kind, rest.amount, rest.rate) == (m.ORDER_DISCOUNT, D("-10.00"), D("8.25"))


def test_zero_rated_line_among_taxed_ones_is_untaxed():
    o = order([line(1, "40.00", "8.00"), line(2, "12.00", "0")], total_ex="52.00", total_tax="8.00")
    plan = m.plan_order(o)
    assert [line.rate for line in plan.lines] == [D("20"), None]


def test_a_difference_the_order_does_not_declare_is_not_explained_away():
    o = order([line(1, "100.00", "20.00")], total_ex="90.00", total_tax="20.00")
    plan = m.plan_order(o)
    assert [line.kind for line in plan.lines] == [m.ITEM]


def test_half_cent_of_a_tax_included_line_is_settled_by_one_pair_per_rate():
    # 9.93 at 20 % included: untaxed 8.275. The store rounds the untaxed part (8.28,
    # tax 1.65), Odoo the tax (1.655 -> 1.66). One pair of lines makes Odoo's tax 1.65.
    assert m.tax_on(D("9.93"), D("20"), True) == D("1.65")
    assert m.odoo_tax(D("9.93"), D("20"), True) == D("1.66")
    o = order([line(1, "9.93", "1.65", inclusive=True), line(2, "120.00", "20.00", inclusive=True)],
              total_ex=str(D("129.93") - D("21.65")), total_tax="21.65", inclusive=True)
    plan = m.plan_order(o)
    assert odoo_totals(plan, True) == (D("108.28"), D("21.65"))
    pair = [line for line in plan.lines if line.kind == m.TAX_ROUNDING]
    assert len(pair) == 2 and pair[0].amount == -pair[1].amount
    assert pair[0].rate == D("20") and pair[1].rate is None
