"""Customers and delivery addresses of BigCommerce orders -> res.partner.

A registered customer is matched by its BigCommerce customer id (remembered
in bigcommerce.partner.binding), then by email; a guest by email; otherwise
created with the billing address. A shipping address that differs from the
customer's becomes a delivery contact. Lookups are made per page of orders.
"""
import psycopg2

from odoo.exceptions import UserError, ValidationError

ADDRESS_FIELDS = ("street", "street2", "city", "zip", "country_id", "state_id")


class CustomerResolver:
    """Finds or creates the partners of one cart's orders, with per-page caches."""

    def __init__(self, cart, quiet_env):
        self.cart = cart
        self.env = cart.env
        self.company = cart.company_id
        self.quiet_env = quiet_env
        self._countries = {}
        self.forget()

    def forget(self):
        """Drop cached partners: a rolled back savepoint may have taken them with it."""
        self._partners_by_email = {}        # lower-case email -> res.partner
        self._partners_by_customer = {}     # BigCommerce customer id -> res.partner (linked)
        self._customers_looked_up = set()   # customer ids whose link was searched for
        self._customer_emails = {}          # new customer id -> email of its partner
        self._deliveries = {}               # _partner_key -> delivery res.partner

    def prefetch(self, orders):
        """Find, then create in one go, the customers and delivery addresses of a page
        (a few queries and two create() calls, instead of several per order).

        Orders whose addresses are invalid are left out here; they fail, with their
        reason, when they are prepared."""
        customer_ids = {o.customer_id for o in orders if o.customer_id}
        if customer_ids:
            for binding in self.env["bigcommerce.partner.binding"].search([
                    ("cart_id", "=", self.cart.id), ("bigcommerce_customer_id", "in", list(customer_ids))]):
                self._partners_by_customer[binding.bigcommerce_customer_id] = binding.partner_id
            self._customers_looked_up |= customer_ids
        emails = {(o.email or "").strip().lower() for o in orders} - {""}
        if emails:
            for partner in self.env["res.partner"].search(self._partner_domain() + [
                    ("email", "in", list(emails))], order="id desc"):
                self._partners_by_email[partner.email.lower()] = partner
        new_customers = {}
        for order in orders:
            email = (order.email or "").strip().lower()
            if not email:
                continue
            if order.customer_id and order.customer_id not in self._partners_by_customer:
                # A registered customer is one partner, whatever email later orders show.
                email = self._customer_emails.setdefault(order.customer_id, email)
            if self._known_partner(order, email) or email in new_customers:
                continue
            try:
                new_customers[email] = self._customer_values(order.billing_address, email, order)
            except UserError:
                continue
        self._create_partners(new_customers.values())
        new_deliveries = {}
        for order in orders:
            partner = self._known_partner(order, (order.email or "").strip().lower())
            shipping = order.shipping_address
            if not partner or shipping is None:
                continue
            try:
                key, values = self._delivery_key(partner, shipping, order)
            except UserError:
                continue
            if key and key not in self._deliveries and key not in new_deliveries:
                new_deliveries[key] = values
        if new_deliveries:
            for child in self.env["res.partner"].search([
                    ("parent_id", "in", list({k[0] for k in new_deliveries})), ("type", "=", "delivery")]):
                self._deliveries.setdefault(self._partner_key(child.parent_id.id, child), child)
            self._create_partners(v for k, v in new_deliveries.items() if k not in self._deliveries)

    def _create_partners(self, values_list):
        values_list = list(values_list)
        if not values_list:
            return
        try:
            with self.env.cr.savepoint():
                partners = self.quiet_env["res.partner"].create(values_list)
        except (psycopg2.Error, UserError, ValidationError):
            return   # each order then makes its own, and reports its own error
        for partner in partners:
            if partner.parent_id:
                self._deliveries[self._partner_key(partner.parent_id.id, partner)] = partner
            else:
                self._partners_by_email[partner.email] = partner

    def _known_partner(self, order, email):
        """The partner already found or made for the order's customer, if any."""
        if order.customer_id:
            if order.customer_id in self._partners_by_customer:
                return self._partners_by_customer[order.customer_id]
            email = self._customer_emails.get(order.customer_id, email)
        return self._partners_by_email.get(email)

    def _partner_domain(self):
        return [("parent_id", "=", False), ("type", "=", "contact"),
                ("company_id", "in", [False, self.company.id])]

    def _customer_values(self, billing, email, order):
        address = self._address_values(billing, self.env._("billing address of order %s", order.id))
        return dict(address, email=email, customer_rank=1,
                    name=billing.name or billing.company or email,
                    company_name=billing.company or False)

    def partners(self, order):
        """(customer, delivery address) for the order; creates what is missing."""
        billing = order.billing_address
        email = billing.email.strip().lower()
        values = self._customer_values(billing, email, order)
        partner = self._known_partner(order, email)
        if not partner and order.customer_id and order.customer_id not in self._customers_looked_up:
            partner = self.env["bigcommerce.partner.binding"].search([
                ("cart_id", "=", self.cart.id), ("bigcommerce_customer_id", "=", order.customer_id)],
                limit=1).partner_id
            self._customers_looked_up.add(order.customer_id)
            if partner:
                self._partners_by_customer[order.customer_id] = partner
        if not partner:
            partner = self.env["res.partner"].search(
                self._partner_domain() + [("email", "=ilike", email)], order="id", limit=1)
        if not partner:
            partner = self.quiet_env["res.partner"].create(values)
        elif not partner.street and not partner.country_id:
            partner.write({k: values[k] for k in ADDRESS_FIELDS + ("phone",)})
        if order.customer_id and order.customer_id not in self._partners_by_customer:
            self.env["bigcommerce.partner.binding"].create({
                "cart_id": self.cart.id, "partner_id": partner.id,
                "bigcommerce_customer_id": order.customer_id})
            self._partners_by_customer[order.customer_id] = partner
        self._partners_by_email.setdefault(email, partner)
        shipping = order.shipping_address
        return partner, self._delivery_partner(partner, shipping, order)

    def _address_values(self, address, where):
        country = self._country(address.country_iso2, address.country, where)
        return {
            "street": address.street_1 or False,
            "street2": address.street_2 or False,
            "city": address.city or False,
            "zip": address.zip or False,
            "country_id": country.id,
            "state_id": self._state(country, address.state).id,
            "phone": address.phone or False,
        }

    @staticmethod
    def _partner_key(parent_id, record):
        """What makes two delivery addresses of a customer the same one."""
        def value(field):
            v = record[field]
            return v.id if hasattr(v, "id") else (v or False)
        return (parent_id, record["name"]) + tuple(value(f) for f in ADDRESS_FIELDS)

    def _delivery_key(self, partner, shipping, order):
        """(key, create values) of the delivery contact for `shipping`, or (None, None)
        when it is the customer's own address."""
        values = self._address_values(shipping, self.env._("shipping address of order %s", order.id))
        values.update(type="delivery", parent_id=partner.id, name=shipping.name or partner.name,
                      email=(shipping.email or "").strip().lower() or False)
        key = self._partner_key(partner.id, values)
        if key[1:] == self._partner_key(partner.id, partner)[1:]:
            return None, None
        return key, values

    def _delivery_partner(self, partner, shipping, order):
        if shipping is None:
            return partner
        key, values = self._delivery_key(partner, shipping, order)
        if key is None:
            return partner
        if key not in self._deliveries:
            for child in partner.child_ids.filtered(lambda c: c.type == "delivery"):
                self._deliveries.setdefault(self._partner_key(partner.id, child), child)
        if key not in self._deliveries:
            self._deliveries[key] = self.quiet_env["res.partner"].create(values)
        return self._deliveries[key]

    def _country(self, code, name, where):
        """The country by ISO code, or by name when the address has no code."""
        code = (code or "").strip().upper()
        key = code or ("name", (name or "").strip().lower())
        if key not in self._countries:
            Country = self.env["res.country"]
            if code:
                self._countries[key] = Country.search([("code", "=", code)], limit=1)
            else:
                self._countries[key] = Country.search([("name", "=ilike", name.strip())], limit=1) \
                    if (name or "").strip() else Country
        country = self._countries[key]
        if not country:
            raise UserError(self.env._("Unknown country %(country)r (ISO code %(code)r) in the %(where)s.",
                              country=name, code=code, where=where))
        return country

    def _state(self, country, state):
        state = (state or "").strip()
        if not state or not country.state_ids:
            return self.env["res.country.state"]
        key = (country.id, state.lower())
        if key not in self._countries:
            self._countries[key] = country.state_ids.filtered(
                lambda s: s.name.lower() == state.lower() or s.code.lower() == state.lower())[:1]
        return self._countries[key]
