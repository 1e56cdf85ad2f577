"""Plain pytest: amounts in currencies without cents. BigCommerce rounds a yen
order's taxes to whole yen; the planner must round to the currency's own step
(Odoo's rounding 1.0 read as 1, not as tenths), or no rate reproduces the tax and
the document loses it. Also: a rate guessed from BigCommerce's tax rows (a
compound reading) is not learned unless the plan used it."""
from decimal import Decimal as D

from test_order_maths import line, order

from odoo.addons.salesorder_bigcommerce.importers import order_maths as m


def test_currency_steps_follow_odoos_rounding():
    assert m.currency_step(0.01) == D("0.01")
    assert m.currency_step(1.0) == D("1") and m.currency_step(1.0).as_tuple().exponent == 0
    assert m.currency_step(0.001) == D("0.001")


def test_yen_order_keeps_its_whole_yen_tax():
    # 1,006 yen at 8 %: 80.48 -> 80 yen, as a yen store charges it.
    yen = order([line(1, "1006", "80")], total_ex="1006", total_tax="80")
    step = m.currency_step(1.0)
    plan = m.plan_order(yen, known_rates=[D("8")], price_step=step, step=step)
    assert plan.rates == [D("8")]
    assert sum((planned.amount for planned in plan.lines), D(0)) == D("1006")
    assert plan.tax(False, step) == D("80")
    # Read as tenths (the old step), 8 % gives 80.5 and nothing explains the tax.
    tenths = m.plan_order(yen, known_rates=[D("8")], price_step=D("1.0"), step=D("1.0"))
    assert D("8") not in tenths.rates
