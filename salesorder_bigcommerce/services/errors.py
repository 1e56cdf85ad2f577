"""The one exception type of the services layer."""

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


class BigCommerceError(Exception):
    """Any failure talking to BigCommerce or reading what it sent.

    ``str(error)`` is a message a merchant can act on; it never contains the
    access token (the client scrubs every text it builds a message from).
    """

    def __init__(self, message, kind='store_error', status=None, retry_after=None):
        if kind not in ERROR_KINDS:
            raise ValueError(f"Unknown BigCommerceError kind {kind!r}")
        super().__init__(message)
        self.message = message
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
    """

    def __init__(self, message, field=None, object_id=None):
        super().__init__(message, kind='payload')
        self.field = field
        self.object_id = object_id

    def within(self, label, object_id=None):
        """The same error, its message prefixed with the enclosing object's label."""
        return BigCommercePayloadError(
            f"{label}: {self.message}", field=self.field,
            object_id=self.object_id if object_id is None else object_id)
