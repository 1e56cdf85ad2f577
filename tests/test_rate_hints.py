"""Plain pytest: the rates BigCommerce says it applied (GET /v2/orders/{id}/taxes) as
hints to importers.order_maths.plan_order, and their parser (services.order_taxes).

Amounts are worked out by hand, BigCommerce's way (each piece taxed on its own,
rounded to the cent half up). No ORM, no HTTP.
"""
from decimal import Decimal as D

import pytest

from test_order_maths import address, line, odoo_totals, order

from odoo.addons.salesorder_bigcommerce.importers import order_maths as m
from odoo.addons.salesorder_bigcommerce.services.errors import BigCommercePayloadError
from odoo.addons.salesorder_bigcommerce.services.order_taxes import OrderTax, parse_order_taxes


def tax_row(id, rate, amount, kind="item", product=None, address_id=7, priority=0, name="Tax"):
    """A row of GET /v2/orders/{id}/taxes?details=true (orderTaxes_Base; order_product_id a string)."""
    return {"id": id, "order_id": 1, "order_address_id": address_id, "tax_rate_id": 1,
            "sales_tax_id": "TaxId1", "tax_class_id": 0, "name": name, "class": "Default Tax Class",
            "rate": f"{D(rate):.4f}", "priority": priority, "priority_amount": f"{D(amount):.4f}",
            "line_amount": f"{D(amount):.4f}", "order_pickup_method_id": 0,
            "order_product_id": None if product is None else str(product), "line_item_type": kind}


def hints(*rows):
    return m.rate_hints(parse_order_taxes(list(rows), 1))


def item_rates(plan):
    return [(line.amount, line.rate) for line in plan.lines if line.kind == m.ITEM]


# --- the parser -------------------------------------------------------------------

def test_parser_reads_the_spec_example_and_details():
    # orderTaxes_Resp's first row, as the spec shows it (no details), then with details.
    example = {"id": 13, "order_id": 138, "order_address_id": 39, "tax_rate_id": 1, "sales_tax_id": "TaxId123",
               "tax_class_id": 0, "name": "Tax", "class": "Default Tax Class", "rate": "8.0000", "priority": 0,
               "priority_amount": "17.6400", "line_amount": "17.6400", "order_pickup_method_id": 0}
    tax = OrderTax.from_json(example)
    assert (tax.id, tax.order_address_id, tax.rate, tax.line_amount, tax.priority) == (13, 39, D("8"), D("17.64"), 0)
    assert (tax.line_item_type, tax.order_product_id, tax.class_name) == ("", None, "Default Tax Class")
    detailed = OrderTax.from_json(dict(example, order_product_id="66", line_item_type="item"))
    assert (detailed.line_item_type, detailed.order_product_id) == ("item", 66)
    with pytest.raises(BigCommercePayloadError, match="Order 138: tax 1: rate"):
        parse_order_taxes([dict(example, rate="eight")], 138)


# --- rate_hints -------------------------------------------------------------------

def test_rows_of_one_line_add_up_and_charges_are_per_address():
    found = hints(tax_row(1, "6.25", "0.19", product=1, name="State Tax"),
                  tax_row(2, "2", "0.06", product=1, name="County Tax"),
                  tax_row(3, "8.875", "0.89", product=2),
                  tax_row(4, "5", "0.50", kind="shipping", address_id=7),
                  tax_row(5, "10", "1.00", kind="shipping", address_id=8),
                  tax_row(6, "5", "0.10", kind="handling", address_id=7))
    assert found[("item", 1)] == [D("8.25")]
    assert found[("item", 2)] == [D("8.875")]
    assert found[("shipping", 7)] == [D("5")] and found[("shipping", 8)] == [D("10")]
    assert found[("shipping", None)] == [D("5"), D("10")]       # the order's one shipping line
    assert found[("handling", None)] == [D("5")]
    assert found[None] == [D("8.25"), D("8.875"), D("5"), D("10")]


def test_priorities_try_the_sum_then_the_compounded_rate():
    # 6.25 % then 2 % on top: 1.0625 x 1.02 = 8.375 %.
    found = hints(tax_row(1, "6.25", "0", product=1), tax_row(2, "2", "0", product=1, priority=1))
    assert found[("item", 1)] == [D("8.25"), D("8.375")]
    # A compounded rate Odoo cannot hold (more than 4 decimals) is left out.
    found = hints(tax_row(1, "6.35", "0", product=1), tax_row(2, "2.15", "0", product=1, priority=1))
    assert found[("item", 1)] == [D("8.5")]


def test_rows_without_details_only_add_to_the_order_rates():
    found = hints({**tax_row(1, "8.25", "0.25"), "order_product_id": None, "line_item_type": None})
    assert found == {None: [D("8.25")]}


# --- plan_order with hints ----------------------------------------------------------

def test_a_small_line_keeps_the_store_rate():
    # 3.00 at 8.25 % -> 0.2475 -> 0.25: every rate from 8.17 % to 8.5 % gives it, and
    # inference alone takes the roundest, 8.2 %.
    o = order([line(1, "3.00", "0.25")], total_ex="3.00", total_tax="0.25")
    assert item_rates(m.plan_order(o)) == [(D("3.00"), D("8.2"))]
    plan = m.plan_order(o, hints=hints(tax_row(1, "8.25", "0.25", product=1)))
    assert item_rates(plan) == [(D("3.00"), D("8.25"))]
    assert plan.rates == [D("8.25")]
    assert odoo_totals(plan, False) == (D("3.00"), D("0.25"))


def test_new_york_city_rate():
    # 10.00 at 8.875 % -> 0.8875 -> 0.89; inference: 8.9 %.
    o = order([line(1, "10.00", "0.89")], total_ex="10.00", total_tax="0.89")
    assert item_rates(m.plan_order(o)) == [(D("10.00"), D("8.9"))]
    plan = m.plan_order(o, hints=hints(tax_row(1, "8.875", "0.89", product=1)))
    assert item_rates(plan) == [(D("10.00"), D("8.875"))]


def test_hints_beat_a_known_rate_that_also_fits():
    # 1.00 taxed 0.08: the cart knows 8 %, BigCommerce says 8.25 %.
    o = order([line(1, "1.00", "0.08")], total_ex="1.00", total_tax="0.08")
    assert item_rates(m.plan_order(o, known_rates=[D("8")])) == [(D("1.00"), D("8"))]
    plan = m.plan_order(o, known_rates=[D("8")], hints=hints(tax_row(1, "8.25", "0.08", product=1)))
    assert item_rates(plan) == [(D("1.00"), D("8.25"))]


def test_tax_included_line_and_shipping_at_its_own_rate():
    # Tax included: 10.00 at 8.25 % -> 10.00 - 9.24 = 0.76; shipping 5.00 at 5 % -> 5.00 - 4.76 = 0.24.
    o = order([line(1, "10.00", "0.76", inclusive=True)], total_ex=str(D("15.00") - D("1.00")), total_tax="1.00",
              inclusive=True, shipping=("5.00", "0.24"))
    plan = m.plan_order(o, hints=hints(tax_row(1, "8.25", "0.76", product=1),
                                       tax_row(2, "5", "0.24", kind="shipping", address_id=0)))
    assert item_rates(plan) == [(D("10.00"), D("8.25"))]
    assert [(line.amount, line.rate) for line in plan.lines if line.kind == m.SHIPPING] == [(D("5.00"), D("5"))]
    assert odoo_totals(plan, True) == (D("14.00"), D("1.00"))


def test_shipping_per_address_takes_each_address_rate():
    o = order([line(1, "3.00", "0.25")], total_ex="13.00", total_tax="0.85", shipping=("10.00", "0.60"),
              addresses=[address(7, shipping=("6.00", "0.30")), address(8, shipping=("4.00", "0.30"))])
    plan = m.plan_order(o, hints=hints(tax_row(1, "8.25", "0.25", product=1),
                                       tax_row(2, "5", "0.30", kind="shipping", address_id=7),
                                       tax_row(3, "7.5", "0.30", kind="shipping", address_id=8)))
    assert [(line.amount, line.rate) for line in plan.lines if line.kind == m.SHIPPING] == [
        (D("6.00"), D("5")), (D("4.00"), D("7.5"))]
    assert odoo_totals(plan, False) == (D("13.00"), D("0.85"))


def test_a_rate_that_does_not_give_the_tax_is_not_used():
    # A tax provider's odd amount: 7.00 on 100.00 is not 8.25 %: the inference stays.
    o = order([line(1, "100.00", "7.00")], total_ex="100.00", total_tax="7.00")
    plan = m.plan_order(o, hints=hints(tax_row(1, "8.25", "7.00", product=1)))
    assert item_rates(plan) == [(D("100.00"), D("7"))]


def test_a_store_taxing_before_discounts_still_matches():
    # 3.00 less 0.50, taxed on 3.00 at 8.25 % (0.25); on 2.50 it would be 0.21.
    o = order([line(1, "3.00", "0.25", discounts=[("manual-discount", "0.50", "Manual Discount", None)])],
              total_ex="2.50", total_tax="0.25", discount="0.50")
    plan = m.plan_order(o, hints=hints(tax_row(1, "8.25", "0.25", product=1)))
    assert item_rates(plan) == [(D("3.00"), D("8.25"))]
    assert [(line.amount, line.rate) for line in plan.lines if line.kind == m.DISCOUNT] == [(D("-0.50"), None)]
    assert odoo_totals(plan, False) == (D("2.50"), D("0.25"))


def test_rounding_globally_the_store_rate_is_kept_with_one_pair():
    # 3 x 10.00 taxed 0.83 each: 8.3 % reproduces exactly; at BigCommerce's 8.25 % the rounded
    # sum (2.475 -> 2.48) needs one Tax rounding pair to reach the store's 2.49.
    o = order([line(i, "10.00", "0.83") for i in (1, 2, 3)], total_ex="30.00", total_tax="2.49")
    rows = [tax_row(i, "8.25", "0.83", product=i) for i in (1, 2, 3)]
    plan = m.plan_order(o, rounding=m.ROUND_GLOBALLY, hints=hints(*rows))
    assert {rate for _amount, rate in item_rates(plan)} == {D("8.25")}
    assert len([line for line in plan.lines if line.kind == m.TAX_ROUNDING]) == 2
    assert plan.tax(False) == D("2.49")
