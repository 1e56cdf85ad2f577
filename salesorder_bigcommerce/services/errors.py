"""The one exception type of the services layer.

Its messages reach the merchant (the cart's buttons, import reports, sync
logs), so they are translatable, though this layer is plain Python without
Odoo: a message is written ``_lt("... %(name)s ...")`` with its values in
``params``. ``_lt`` only marks the text: Odoo's term export reads ``_lt("...")``
calls in every file of the addon, so the text lands in the addon's .pot; the
Odoo side shows the error in the user's language with
``exceptions.error_message(env, error)``. ``str(error)`` stays English (logs,
tests). A part of a message that is itself a sentence of ours (the reason
in "Could not reach %(host)s: %(reason)s") is a ``Text``, given as a param:
it is translated too.
"""

ERROR_KINDS = frozenset({
    'config',        # bad API Path / API Key shape
    'auth',          # HTTP 401
    'scope',         # HTTP 403
    'not_found',     # HTTP 404
    'unreachable',   # DNS, refused connection, TLS...
    'timeout',       # no answer within the client's timeout
    'rate_limited',  # HTTP 429 with a wait longer than the client accepts
    'store_error',   # HTTP 5xx or any unexpected status
    'bad_request',   # HTTP 400 / 422, with the store's own message
    'payload',       # a payload that does not parse
})


def _lt(source):
    """Mark ``source`` as a message to translate where it is shown (see above);
    returns it unchanged."""
    return source


class Text:
    """A translatable part of a message, given as one of its ``params``: an ``_lt``
    template and its own values. ``str()`` is the English text; ``error_message``
    translates it with the message."""

    __slots__ = ('template', 'params')

    def __init__(self, template, **params):
        self.template = template
        self.params = params

    def __str__(self):
        return self.template % self.params if self.params else self.template

    def __repr__(self):
        return f"Text({str(self)!r})"


class BigCommerceError(Exception):
    """Any failure talking to BigCommerce or reading what it sent.

    ``str(error)`` is a message a merchant can act on; it never contains the
    access token (the client scrubs every text it builds a message from).
    ``message`` may be a template marked with ``_lt`` and ``params`` its
    values (``%(name)s``): ``template`` and ``params`` are what the Odoo side
    translates.
    """

    def __init__(self, message, kind='store_error', status=None, retry_after=None, params=None):
        if kind not in ERROR_KINDS:
            raise ValueError(f"Unknown BigCommerceError kind {kind!r}")
        self.template = message
        self.params = dict(params) if params else {}
        self.message = message % self.params if self.params else message
        super().__init__(self.message)
        self.kind = kind
        self.status = status
        self.retry_after = retry_after

    def __str__(self):
        return self.message

    def __repr__(self):
        return f"{type(self).__name__}(kind={self.kind!r}, status={self.status!r}, message={self.message!r})"


class BigCommercePayloadError(BigCommerceError):
    """A BigCommerce payload that does not parse, naming the object and the field.

    e.g. "Order 123: line 2 (id 66): price_ex_tax 'abc' is not a number"

    ``prefix`` names the object ("Order 123: line 2 (id 66)", BigCommerce's
    words and ids, not translated); the rest is the translatable template.
    """

    def __init__(self, message, field=None, object_id=None, params=None, prefix=''):
        super().__init__(message, kind='payload', params=params)
        self.problem = self.message
        self.prefix = prefix
        if prefix:
            self.message = f"{prefix}: {self.problem}"
            self.args = (self.message,)
        self.field = field
        self.object_id = object_id

    def within(self, label, object_id=None):
        """The same error, its message prefixed with the enclosing object's label."""
        return BigCommercePayloadError(
            self.template, field=self.field,
            object_id=self.object_id if object_id is None else object_id,
            params=self.params, prefix=f"{label}: {self.prefix}" if self.prefix else str(label))
