"""Where each line of an order shipped to several addresses goes.

BigCommerce ships an order to one or more addresses (``order_address_id`` on
each line). The document keeps the first as its delivery address; with more
than one, each item line also keeps the delivery contact of its own address,
so that the order's deliveries go one to each address.
"""


def assign_shipping_partners(customers, order, partner, lines):
    """Set `shipping_partner` on the DocumentLines of an order shipped to several
    addresses (customers: importers.customers.CustomerResolver; partner: the customer)."""
    consignments = order.shipping_consignments
    if len(consignments) < 2:
        return
    partners = {c.id: customers._delivery_partner(partner, c.address, order) for c in consignments}
    for line in lines:
        if line.line_id:
            line.shipping_partner = partners.get(line.address_id)
