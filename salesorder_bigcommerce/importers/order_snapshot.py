"""What an Odoo document was made from, to tell an order edited in BigCommerce.

A snapshot holds what an edit can change (lines, quantities, prices,
discounts, charges, totals, addresses), not what moves on its own (status,
payment, refunds, dates). Kept as JSON on the order's binding; two snapshots
compare to the text an accountant reads ("line Mug: quantity 2 -> 3").
Plain Python, no ORM.
"""
import json


def _money(value):
    return f"{value:.2f}"


def _address(address):
    if address is None:
        return None
    return [address.name, address.company, address.street_1, address.street_2, address.city,
            address.state, address.zip, address.country_iso2 or address.country]


def snapshot(order):
    """The JSON text of `order`'s editable content (payloads.Order)."""
    inclusive = order.is_tax_inclusive
    lines = {str(line.id): {
        "name": line.name, "sku": line.sku, "product": [line.product_id, line.variant_id],
        "quantity": f"{line.quantity:g}",
        "amount": _money(line.total_inc_tax if inclusive else line.total_ex_tax),
        "tax": _money(line.total_tax), "discounts": _money(line.discount_amount),
    } for line in order.lines}
    content = {
        "lines": lines,
        "charges": [_money(a) for a in (order.shipping_cost_ex_tax, order.handling_cost_ex_tax,
                                        order.wrapping_cost_ex_tax, sum((f.cost_ex_tax for f in order.fees), 0))],
        "totals": [_money(order.total_ex_tax), _money(order.total_tax), _money(order.total_inc_tax)],
        "billing": _address(order.billing_address),
        "shipping": [_address(c.address) for c in order.shipping_consignments],
        "currency": order.currency_code,
    }
    return json.dumps(content, sort_keys=True)


def differences(before, after, _=lambda text, **kw: text % kw if kw else text):
    """What changed from snapshot `before` to `after` (JSON texts), as sentences.

    `_` translates (env._); an unreadable or missing `before` says nothing changed."""
    try:
        old, new = json.loads(before), json.loads(after)
    except (TypeError, ValueError):
        return []
    out = []
    old_lines, new_lines = old.get("lines", {}), new.get("lines", {})
    for key in sorted(set(old_lines) | set(new_lines), key=lambda k: int(k) if k.isdigit() else 0):
        a, b = old_lines.get(key), new_lines.get(key)
        if a is None:
            out.append(_("line %(name)s added: quantity %(quantity)s, amount %(amount)s",
                         name=b["name"], quantity=b["quantity"], amount=b["amount"]))
        elif b is None:
            out.append(_("line %(name)s removed", name=a["name"]))
        else:
            for field, label in (("quantity", _("quantity")), ("amount", _("amount")),
                                 ("discounts", _("discounts")), ("tax", _("tax")), ("sku", _("SKU"))):
                if a.get(field) != b.get(field):
                    out.append(_("line %(name)s: %(what)s %(old)s -> %(new)s", name=b["name"], what=label,
                                 old=a.get(field), new=b.get(field)))
    labels = {"charges": _("shipping, handling, wrapping or fees"), "totals": _("totals"),
              "billing": _("billing address"), "shipping": _("shipping address"), "currency": _("currency")}
    for field, label in labels.items():
        if old.get(field) != new.get(field):
            out.append(_("%(what)s changed", what=label))
    return out
