"""Refunds in the fake store (orders.v3.yml payment actions): an order's refunds,
a new refund, a refund quote, refunds of many orders, one refund; the store's
rules are in lifecycle.py. A mixin of FakeBigCommerce.
"""
from . import lifecycle
from .api import ApiError, error_body

_REFUND_BODY_KEYS = {'items', 'payments', 'merchant_calculated_override', 'tax_adjustment_amount',
                     'order_id', 'reason'}


class RefundRoutes:

    def _refund_error(self, exc, wrap):
        """422 of a refused refund: POST .../refunds documents ``{data: [error]}``,
        POST .../refund_quotes the plain 422 object (orders.v3.yml)."""
        body = error_body('v3', 422, exc.title)
        if exc.errors:
            body['errors'] = exc.errors
        return ApiError(422, {'data': [body]} if wrap else body)

    def _refund_request(self, req, wrap):
        body = self._json_body(req)
        bad = sorted(set(body) - _REFUND_BODY_KEYS)
        if bad:
            raise self._refund_error(lifecycle.RefundError(
                'JSON data is missing or invalid', {bad[0]: 'Unknown field.'}), wrap)
        return body

    def _v3_order_refunds(self, req):
        """GET /v3/orders/{id}/payment_actions/refunds: the order's refunds,
        ascending id, ``meta: {}`` (RefundCollection_Resp); ``transaction_id``."""
        order = self._order_or_404(req)
        rows = self.store.order_refunds(order['id'])
        if req.query.get('transaction_id'):
            rows = [r for r in rows if any(p.get('transaction_id') == req.query['transaction_id']
                                           for p in r['payments'])]
        return 200, {'data': rows, 'meta': {}}

    def _v3_create_refund(self, req):
        """POST /v3/orders/{id}/payment_actions/refunds (RefundRequest_Post):
        201 ``{data: Refund, meta: {}}``; 422 ``{data: [error]}`` when refused."""
        order = self._order_or_404(req)
        body = self._refund_request(req, wrap=True)
        if 'tax_adjustment_amount' not in body and 'payments' not in body:
            # RefundRequest_Post_Items: required items, payments
            raise self._refund_error(lifecycle.RefundError(
                'JSON data is missing or invalid', {'payments': 'Required.'}), True)
        try:
            refund = self.store.create_refund(
                order['id'], body.get('items'), body.get('payments'), reason=body.get('reason') or '',
                tax_adjustment_amount=body.get('tax_adjustment_amount'),
                merchant_calculated_override=body.get('merchant_calculated_override'))
        except lifecycle.RefundError as exc:
            raise self._refund_error(exc, True) from None
        return 201, {'data': refund, 'meta': {}}

    def _v3_refund_quote(self, req):
        """POST /v3/orders/{id}/payment_actions/refund_quotes: 201
        ``{data: RefundQuote_Full, meta: {}}``; nothing is recorded."""
        order = self._order_or_404(req)
        body = self._refund_request(req, wrap=False)
        try:
            quote = self.store.refund_quote(order['id'], body.get('items'),
                                            tax_adjustment_amount=body.get('tax_adjustment_amount'))
        except lifecycle.RefundError as exc:
            raise self._refund_error(exc, False) from None
        return 201, {'data': quote, 'meta': {}}

    def _v3_refunds(self, req):
        """GET /v3/orders/payment_actions/refunds: refunds of many orders,
        ascending id; ``order_id:in``, ``id:in``, ``created:min`` /
        ``created:max`` (inclusive, RFC 3339), ``transaction_id``, ``page``,
        ``limit`` (default 50, at most 250 as elsewhere, ⚠️ not stated for this
        endpoint). Meta, option ``store.refunds_meta``: ⚠️ the spec documents
        ``page`` and ``limit`` here but answers ``metaEmpty_Full`` (an object
        open to any property): 'pagination' (default) sends meta.pagination as
        the other V3 collections do, 'empty' sends ``{}``."""
        rows = self.store.list_refunds(
            order_ids=self._ints(req, 'order_id:in'), ids=self._ints(req, 'id:in'),
            created_min=self._date(req, 'created:min'), created_max=self._date(req, 'created:max'),
            transaction_id=req.query.get('transaction_id') or None)
        return self._v3_page(req, rows, meta=self.store.refunds_meta != 'empty')

    def _v3_refund(self, req):
        """GET /v3/orders/payment_actions/refunds/{refund_id}."""
        refund = self.store.refunds.get(int(req.params['rid']))
        if refund is None:
            raise ApiError(404, error_body('v3', 404))
        return 200, {'data': refund, 'meta': {}}

    def _v3_transactions(self, req):
        order = self._order_or_404(req)
        rows = self.store.order_transactions.get(order['id'], [])
        if not rows:
            return 204, None   # "No content found to fulfill request" (orders.v3 spec)
        return self._v3_page(req, rows)
