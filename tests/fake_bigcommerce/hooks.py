"""Webhooks of the fake store (webhooks.v3.yml ``/hooks``), and callbacks signed
the way BigCommerce signs them, for tests of the receiving side.

* ``POST /v3/hooks`` {scope, destination, is_active, headers}: one hook per
  scope + destination for the API account; ``destination`` must be https on
  port 443 ("custom ports are not currently supported") else 422. Answers
  ``{data: webhook_Full, meta: {}}``.
* ``GET /v3/hooks`` (``is_active``, ``scope``, ``destination`` filters, pages),
  ``GET/PUT/DELETE /v3/hooks/{id}``.
* Hooks are in the default scope: every API account may use them.
* ``store.deactivate_hook(id)``: what BigCommerce does after ~48 h of failures.

``signed_callback(secret, payload)`` builds (body, headers) per Standard
Webhooks as BigCommerce's docs verify it: HMAC-SHA256 keyed with the client
secret's bytes (the sample passes base64 of the secret to the library, which
decodes it) over ``"{webhook-id}.{webhook-timestamp}.{body}"``, sent as
``webhook-signature: v1,<base64>``. Each message has its own ``webhook-id``;
a retry of a message is sent again with the same one (pass ``msg_id``).
Written here from the spec, not with the library the connector verifies with.

``callback_payload``'s ``hash`` is the SHA-1 of the JSON of ``data``, so every
callback of one order carries the same one, as the official samples
webhook_callbacks/data/store_order_{created,updated,archived}.json do (the docs
give no formula; they say a hook firing twice for an event sends one hash).
"""
import base64
import hashlib
import hmac
import json
import time
import uuid
from urllib.parse import urlsplit


def _errors():
    from .server import ApiError, error_body  # the server imports this module
    return ApiError, error_body


def _hook_json(hook):
    return dict(hook)


def _valid_destination(destination):
    parts = urlsplit(destination or '')
    return parts.scheme == 'https' and parts.hostname and (parts.port in (None, 443))


class HooksMixin:
    """Handlers mixed into the fake server (see server._ROUTES)."""

    def _hooks(self):
        if not hasattr(self.store, 'hooks'):
            self.store.hooks, self.store.next_hook_id = {}, 0
        return self.store.hooks

    def _v3_hooks(self, req):
        hooks = sorted(self._hooks().values(), key=lambda h: h['id'])
        active = req.query.get('is_active')
        if active is not None:
            hooks = [h for h in hooks if str(h['is_active']).lower() == active.lower()]
        for name in ('scope', 'destination'):
            if req.query.get(name):
                hooks = [h for h in hooks if h[name] == req.query[name]]
        page, limit = int(req.query.get('page') or 1), int(req.query.get('limit') or 50)
        chunk = hooks[(page - 1) * limit:page * limit]
        meta = {'pagination': {'total': len(hooks), 'count': len(chunk), 'per_page': limit,
                               'current_page': page, 'total_pages': max(1, -(-len(hooks) // limit))}}
        return 200, {'data': [_hook_json(h) for h in chunk], 'meta': meta}

    def _v3_create_hook(self, req):
        ApiError, error_body = _errors()
        body = self._json_body(req)
        body = body if isinstance(body, dict) else {}
        scope, destination = body.get('scope'), body.get('destination')
        if not scope or not destination:
            raise ApiError(422, dict(error_body('v3', 422, 'Missing required fields'),
                                     errors={'scope': 'required', 'destination': 'required'}))
        if not _valid_destination(destination):
            raise ApiError(422, dict(error_body('v3', 422, 'Invalid destination'),
                                     errors={'destination': 'must be https on port 443'}))
        if any(h['scope'] == scope and h['destination'] == destination for h in self._hooks().values()):
            raise ApiError(422, dict(error_body('v3', 422, 'Webhook already exists'),
                                     errors={'scope': 'a webhook for this scope and destination exists'}))
        self.store.next_hook_id += 1
        now = int(self.store.now().timestamp())
        hook = {'id': self.store.next_hook_id, 'client_id': self.client_id, 'store_hash': self.store_hash,
                'scope': scope, 'destination': destination, 'is_active': bool(body.get('is_active', True)),
                'headers': body.get('headers') or {}, 'created_at': now, 'updated_at': now}
        self._hooks()[hook['id']] = hook
        return 200, {'data': _hook_json(hook), 'meta': {}}

    def _hook(self, req):
        ApiError, error_body = _errors()
        hook = self._hooks().get(int(req.params['hid']))
        if hook is None:
            raise ApiError(404, error_body('v3', 404))
        return hook

    def _v3_get_hook(self, req):
        return 200, {'data': _hook_json(self._hook(req)), 'meta': {}}

    def _v3_update_hook(self, req):
        ApiError, error_body = _errors()
        hook = self._hook(req)
        body = self._json_body(req)
        body = body if isinstance(body, dict) else {}
        if not body:
            raise ApiError(422, error_body('v3', 422, 'At least one field is required'))
        if 'destination' in body and not _valid_destination(body['destination']):
            raise ApiError(422, dict(error_body('v3', 422, 'Invalid destination'),
                                     errors={'destination': 'must be https on port 443'}))
        for key in ('scope', 'destination', 'is_active', 'headers'):
            if key in body:
                hook[key] = bool(body[key]) if key == 'is_active' else body[key]
        hook['updated_at'] = int(self.store.now().timestamp())
        return 200, {'data': _hook_json(hook), 'meta': {}}

    def _v3_delete_hook(self, req):
        hook = self._hook(req)
        del self._hooks()[hook['id']]
        return 200, {'data': _hook_json(hook), 'meta': {}}


def signed_callback(secret, payload, msg_id=None, timestamp=None):
    """(body bytes, headers) of a callback BigCommerce signs with the client `secret`."""
    body = json.dumps(payload, separators=(',', ':'))
    msg_id = msg_id or 'msg_' + uuid.uuid4().hex
    timestamp = int(time.time()) if timestamp is None else int(timestamp)
    digest = hmac.new(secret.encode(), f'{msg_id}.{timestamp}.{body}'.encode(), hashlib.sha256).digest()
    headers = {'webhook-id': msg_id, 'webhook-timestamp': str(timestamp),
               'webhook-signature': 'v1,' + base64.b64encode(digest).decode(),
               'Content-Type': 'application/json'}
    return body.encode(), headers


def data_hash(data):
    """The payload's ``hash``: the SHA-1 of its JSON-encoded ``data`` (not of the event)."""
    return hashlib.sha1(json.dumps(data, separators=(',', ':')).encode()).hexdigest()


def callback_payload(store_hash, scope, resource_id, created_at=None, **data):
    """A thin callback as BigCommerce sends it (webhook_callbacks/data/*.json); its
    hash is the SHA-1 of the JSON-encoded data: the same for every event of a resource."""
    created_at = int(time.time()) if created_at is None else int(created_at)
    inner = dict({'type': scope.split('/')[1], 'id': resource_id}, **data)
    digest = data_hash(inner)
    return {'scope': scope, 'store_id': '1025646', 'data': inner, 'hash': digest,
            'created_at': created_at, 'producer': f'stores/{store_hash}'}
