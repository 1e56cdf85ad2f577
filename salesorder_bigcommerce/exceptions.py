from odoo.exceptions import UserError


class BigCommerceUserError(UserError):
    """A BigCommerce failure shown to the user, keeping the services' error
    (its `kind`, e.g. 'rate_limited') for code that must tell them apart."""

    def __init__(self, message, bigcommerce_error):
        super().__init__(message)
        self.bigcommerce_error = bigcommerce_error
