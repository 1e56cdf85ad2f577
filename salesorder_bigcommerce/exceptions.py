from odoo.exceptions import UserError

from .services.errors import BigCommerceError, BigCommercePayloadError, Text


def error_message(env, error):
    """The message of a services error in the language of ``env`` (its
    ``_lt`` template translated, then filled with its values); any other
    exception's own text. Where a services error reaches the user, show this,
    not ``str(error)`` (English)."""
    if not isinstance(error, BigCommerceError):
        return error.args[0] if isinstance(error, UserError) and error.args else str(error)
    text = _translated(env, error.template, error.params)
    if isinstance(error, BigCommercePayloadError) and error.prefix:
        return f"{error.prefix}: {text}"
    return text


def _translated(env, template, params):
    """``template`` (one of the services' _lt("...") texts, in the addon's .pot) in the
    language of ``env``, filled with ``params``, their services.errors.Text translated too."""
    if not params:
        return env._(template)
    params = {name: _translated(env, value.template, value.params) if isinstance(value, Text) else value
              for name, value in params.items()}
    return env._(template, **params)


class BigCommerceUserError(UserError):
    """A BigCommerce failure shown to the user, keeping the services' error
    (its `kind`, e.g. 'rate_limited') for code that must tell them apart."""

    def __init__(self, message, bigcommerce_error):
        super().__init__(message)
        self.bigcommerce_error = bigcommerce_error

    @classmethod
    def from_error(cls, env, error):
        """"BigCommerce: <the error's message>", in the user's language."""
        return cls(env._("BigCommerce: %(error)s", error=error_message(env, error)), error)
