"""Typed reads from one BigCommerce payload dict, shared by the value objects."""
import re

from .errors import BigCommercePayloadError, _lt
from .parsing import _show, parse_datetime, parse_money

RAW = dict(repr=False, compare=False)   # keep `raw` out of repr, eq and hash


class _Fields:
    """Typed reads from one payload dict; errors are prefixed with the object's label."""

    def __init__(self, data, label, object_id=None):
        if not isinstance(data, dict):
            raise BigCommercePayloadError(
                _lt("expected a JSON object, got %(type)s"), object_id=object_id,
                params={"type": type(data).__name__}, prefix=str(label))
        self.data, self.label, self.object_id = data, label, object_id

    def _error(self, message, key, **params):
        return BigCommercePayloadError(message, field=key, object_id=self.object_id,
                                       params=dict(params, field=key), prefix=str(self.label))

    def _wrap(self, func, key, *args, **kwargs):
        try:
            return func(self.data.get(key), key, *args, **kwargs)
        except BigCommercePayloadError as e:
            raise e.within(self.label, self.object_id) from None

    def money(self, key, optional=False):
        return self._wrap(parse_money, key, optional=optional)

    def money_or_none(self, key):
        """Amount, or None when absent/null (V3 variant prices: null = inherit)."""
        if self.data.get(key) is None:
            return None
        return self.money(key)

    def date(self, key):
        return self._wrap(parse_datetime, key)

    def int(self, key, optional=False, default=0):
        value = self.data.get(key)
        if value is None or value == '':
            if optional:
                return default
            raise self._error(_lt("%(field)s is missing"), key)
        if isinstance(value, bool):
            raise self._error(_lt("%(field)s %(value)s is not an integer"), key, value=_show(value))
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and re.fullmatch(r'\s*-?\d+\s*', value):
            return int(value)
        raise self._error(_lt("%(field)s %(value)s is not an integer"), key, value=_show(value))

    def str(self, key):
        """Text ('' when absent/null); non-text placeholders like {} also read as ''."""
        value = self.data.get(key)
        if value is None or isinstance(value, (dict, list)):
            return ''
        return value if isinstance(value, str) else str(value)

    def bool(self, key, default=False):
        value = self.data.get(key)
        return default if value is None else bool(value)

    def list(self, key):
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._error(_lt("%(field)s is not a list"), key)
        return value
