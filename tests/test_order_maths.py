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


def address(id, shipping=("0", "0"), handling=("0", "0"), inclusive=False):
    """An orderShippingAddress row: (basis, tax) of its shipping and of its handling."""
    row = {"id": id, "first_name": f"Name{id}", "city": f"City{id}", "shipping_method": "Flat Rate"}
    for prefix, (basis, tax) in (("cost", shipping), ("handling_cost", handling)):
        basis, tax = D(basis), D(tax)
        row.update({f"{prefix}_ex_tax": money(basis - tax if inclusive else basis),
                    f"{prefix}_inc_tax": money(basis if inclusive else basis + tax), f"{prefix}_tax": money(tax)})
    return row


def order(lines, total_ex, total_tax, inclusive=False, shipping=("0", "0"), coupon="0", discount="0",
          addresses=None, handling=("0", "0")):
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
        "handling_cost_ex_tax": money(D(handling[0]) - (D(handling[1]) if inclusive else 0)),
        "handling_cost_inc_tax": money(D(handling[0]) + (0 if inclusive else D(handling[1]))),
        "handling_cost_tax": money(handling[1]),
        "total_ex_tax": money(total_ex), "total_inc_tax": money(total_inc), "total_tax": money(total_tax),
        "coupon_discount": money(coupon), "discount_amount": money(discount),
        "billing_address": {"email": "a@example.com"},
    }, products=lines, shipping_addresses=addresses)


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


# --- shipping and handling per address ---------------------------------------------

def charges(plan, kind=m.SHIPPING):
    return [(line.amount, line.rate) for line in plan.lines if line.kind == kind]


def test_shipping_to_two_addresses_is_one_line_per_address_at_its_own_rate():
    # 10.00 at 8.25 % (0.83) to one address, 7.00 at 5 % (0.35) to another: 1.18 in all,
    # which one line would carry at an invented 6.92 %.
    assert m.roundest_rate([(D("17.00"), D("1.18"))], False) == D("6.92")
    o = order([line(1, "100.00", "8.25")], total_ex="117.00", total_tax="9.43", shipping=("17.00", "1.18"),
              addresses=[address(1, ("10.00", "0.83")), address(2, ("7.00", "0.35"))])
    plan = m.plan_order(o)
    assert charges(plan) == [(D("10.00"), D("8.25")), (D("7.00"), D("5"))]
    assert sorted(plan.rates) == [D("5"), D("8.25")]
    assert odoo_totals(plan, False) == (D("117.00"), D("9.43"))
    assert [line.source.id for line in plan.lines if line.kind == m.SHIPPING] == [1, 2]


def test_shipping_to_two_addresses_tax_inclusive():
    # 10.00 incl. 8.25 % -> 0.76; 7.00 incl. 5 % -> 0.33.
    o = order([line(1, "108.25", "8.25", inclusive=True)], total_ex=str(D("125.25") - D("9.34")),
              total_tax="9.34", inclusive=True, shipping=("17.00", "1.09"),
              addresses=[address(1, ("10.00", "0.76"), inclusive=True), address(2, ("7.00", "0.33"), inclusive=True)])
    plan = m.plan_order(o)
    assert charges(plan) == [(D("10.00"), D("8.25")), (D("7.00"), D("5"))]
    assert odoo_totals(plan, True) == (D("115.91"), D("9.34"))


def test_one_address_or_addresses_that_do_not_add_up_give_one_shipping_line():
    one = order([line(1, "100.00", "8.25")], total_ex="110.00", total_tax="9.08", shipping=("10.00", "0.83"),
                addresses=[address(1, ("10.00", "0.83"))])
    assert [(line.amount, line.rate, line.source) for line in m.plan_order(one).lines if line.kind == m.SHIPPING] \
        == [(D("10.00"), D("8.25"), None)]
    odd = order([line(1, "100.00", "8.25")], total_ex="110.00", total_tax="9.08", shipping=("10.00", "0.83"),
                addresses=[address(1, ("10.00", "0.83")), address(2, ("10.00", "0.83"))])
    assert charges(m.plan_order(odd)) == [(D("10.00"), D("8.25"))]


def test_handling_per_address_at_its_own_rate():
    o = order([line(1, "100.00", "8.25")], total_ex="105.00", total_tax="8.61", handling=("5.00", "0.36"),
              addresses=[address(1, handling=("3.00", "0.25")), address(2, handling=("2.00", "0.11"))])
    plan = m.plan_order(o, known_rates=[D("8.25"), D("5.5")])
    assert charges(plan, m.HANDLING) == [(D("3.00"), D("8.25")), (D("2.00"), D("5.5"))]
    assert odoo_totals(plan, False) == (D("105.00"), D("8.61"))


def test_shipping_coupon_over_two_addresses():
    # 3.00 off shipping of 10.00 + 5.00, in proportion: 8.00 taxed 0.66 (8.25 %), 4.00 taxed 0.20 (5 %).
    o = order([line(1, "100.00", "8.25")], total_ex="112.00", total_tax="9.11", shipping=("15.00", "0.86"),
              coupon="3.00", addresses=[address(1, ("10.00", "0.66")), address(2, ("5.00", "0.20"))])
    plan = m.plan_order(o)
    assert charges(plan) == [(D("8.00"), D("8.25")), (D("4.00"), D("5"))]
    assert odoo_totals(plan, False) == (D("112.00"), D("9.11"))


# --- a company that rounds tax globally ---------------------------------------------

def many_lines(price, tax, count, start, inclusive=False):
    return [line(start + i, price, tax, inclusive=inclusive) for i in range(count)]


@pytest.mark.parametrize("inclusive, lines, total_ex, total_tax", [
    # 10 x 1.30 at 5 % (0.065 -> 0.07 each) and 10 x 1.10 at 8.25 % (0.09075 -> 0.09 each):
    # the store's tax is 0.70 + 0.90; rounded once per tax it would be 0.65 + 0.91.
    (False, many_lines("1.30", "0.07", 10, 1) + many_lines("1.10", "0.09", 10, 20), "24.00", "1.60"),
    # 10 x 1.15 incl. 19 % (0.18 each, 0.18361 unrounded) and 10 x 2.15 incl. 7 % (0.14 each, 0.14065).
    (True, many_lines("1.15", "0.18", 10, 1, True) + many_lines("2.15", "0.14", 10, 20, True),
     str(D("33.00") - D("3.20")), "3.20"),
])
def test_round_globally_settles_each_rate_with_one_pair(inclusive, lines, total_ex, total_tax):
    o = order(lines, total_ex=total_ex, total_tax=total_tax, inclusive=inclusive)
    per_line = m.plan_order(o)
    per_line.rounding = m.ROUND_GLOBALLY
    assert per_line.tax(inclusive) != D(total_tax)          # what Odoo would make of the per-line plan
    plan = m.plan_order(o, rounding=m.ROUND_GLOBALLY)
    assert plan.rounding == m.ROUND_GLOBALLY
    assert odoo_totals(plan, inclusive) == (D(total_ex), D(total_tax))
    pairs = [line for line in plan.lines if line.kind == m.TAX_ROUNDING]
    assert sum(line.amount for line in pairs) == 0
    assert len([line for line in pairs if line.rate]) <= 2 and len({line.rate for line in pairs if line.rate}) == \
        len([line for line in pairs if line.rate])


def test_round_globally_pairs_only_where_the_rounded_sum_differs():
    # 3 x 10.00 taxed 0.83 each: the roundest rate is 8.3 %, exact on each line: no pair.
    o = order(many_lines("10.00", "0.83", 3, 1), total_ex="30.00", total_tax="2.49")
    plan = m.plan_order(o, rounding=m.ROUND_GLOBALLY)
    assert not [line for line in plan.lines if line.kind == m.TAX_ROUNDING]
    assert plan.tax(False) == D("2.49")
    # At the cart's 8.25 % the unrounded sum is 2.475 -> 2.48: one pair brings it to 2.49.
    known = m.plan_order(o, known_rates=[D("8.25")], rounding=m.ROUND_GLOBALLY)
    assert {line.rate for line in known.lines} == {D("8.25"), None}
    assert len([line for line in known.lines if line.kind == m.TAX_ROUNDING]) == 2
    assert known.tax(False) == D("2.49")


def test_global_rounding_pair_brings_the_rounded_sum_to_the_target():
    for amount, target, rate, inclusive in ((D("11.00"), D("0.90"), D("8.25"), False),    # 0.9075
                                            (D("13.00"), D("0.70"), D("5"), False),       # 0.65
                                            (D("11.50"), D("1.80"), D("19"), True)):      # 1.8361
        taxed, untaxed = m.global_rounding_pair(amount, target, rate, inclusive)
        assert taxed.amount == -untaxed.amount and untaxed.rate is None
        assert m.odoo_tax_total([amount, taxed.amount], rate, inclusive, rounding=m.ROUND_GLOBALLY) == target


def test_round_globally_rounds_an_exact_half_cent_up_as_odoo_does():
    # 1.16 + 3.73 incl. 20 %: 0.19333... + 0.62166... = 0.815 exactly, which Odoo's
    # float_round rounds up; summed line by line at 28 digits it would be 0.81499...
    amounts = [D("1.16"), D("2.96"), D("0.77")]
    assert m.odoo_tax_total(amounts, D("20"), True, rounding=m.ROUND_GLOBALLY) == D("0.82")
    assert m.odoo_tax_total(amounts, D("20"), True) == D("0.19") + D("0.49") + D("0.13")
