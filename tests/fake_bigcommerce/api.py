"""What every route of the fake store shares: the request as a handler sees it,
the error it raises (and its body, V2 or V3 shaped), and small filter helpers.

Behaviour follows shared/bigcommerce/API-FACTS.md (§n in comments).
"""
from dataclasses import dataclass, field
from http import HTTPStatus

DEFAULT_LIMIT, MAX_LIMIT = 50, 250          # §2 / §3
UNLIMITED_QUOTA = 1000000   # header value when no quota is enforced (never runs low in a test)
ERROR_TYPE = 'https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes'
V2_NOT_FOUND = 'The requested resource was not found.'          # §9, 404_Resp
V3_NOT_FOUND = 'The resource at that URL is not found.'         # §9


@dataclass
class _Req:
    method: str
    version: str
    rest: str
    query: dict
    body: bytes
    params: dict = field(default_factory=dict)


class ApiError(Exception):
    """Raised by a route handler; becomes the HTTP error response."""

    def __init__(self, status, body, headers=None):
        super().__init__(status)
        self.status, self.body, self.headers = status, body, headers or {}


def error_body(version, status, message=None):
    """V2 errors are an array of {status, message}; V3 an object {status,
    title, type} (§9)."""
    if message is None:
        if status == 404:
            message = V2_NOT_FOUND if version == 'v2' else V3_NOT_FOUND
        else:
            message = HTTPStatus(status).phrase
    if version == 'v2':
        return [{'status': status, 'message': message}]
    return {'status': status, 'title': message, 'type': ERROR_TYPE}


def _cmp(left, op, right):
    if left is None:
        return False
    return {'==': left == right, '>=': left >= right, '<=': left <= right,
            '>': left > right, '<': left < right}[op]


def _sort_key(value):
    if isinstance(value, str):
        return (1, value.lower())
    return (0 if value is not None else 2, value or 0)


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _select_fields(req, row, variant=False):
    """include_fields / exclude_fields: the id (and product_id) always stay (§2)."""
    inc = [f for f in (req.query.get('include_fields') or '').split(',') if f]
    exc = [f for f in (req.query.get('exclude_fields') or '').split(',') if f]
    keep = {'id', 'product_id'} if variant else {'id'}
    if not inc and not exc:
        return row
    out = {k: v for k, v in row.items() if (not inc or k in inc or k in keep)}
    return {k: v for k, v in out.items() if k in keep or k not in exc}
