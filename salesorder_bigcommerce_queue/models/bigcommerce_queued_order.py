"""Which import job holds which BigCommerce order: the identity key per (cart, order).

queue_job's own ``identity_key`` is one string per job, checked against the jobs
still waiting (pending, enqueued). A job of one order (a webhook's) carries the
key of its (cart, order) there; a job of a pass holds a page of orders, so each
of its orders gets one row here as well. Before a job is made for an order,
these rows are read: an order already held by a waiting job gets no second one
(the waiting job reads the order from the store when it starts, so it sees this
change too); an order held by a failed job has that job requeued when the order
changed since the job last read it (a webhook, or a newer ``date_modified`` met
by a pass).

Rows are only inserted (when a job is made) and deleted by their own job when
it is done, never updated: webhooks, passes and jobs never wait on each other
here. A failed job keeps its rows (its orders stay held by it, visible in Job
Queue › Failed); they go when its orders are imported by another way, or with
the job when queue_job removes it.

A webhook's pending order (``bigcommerce.pending.order``) is not deleted when
its job is made: it is marked with the job and the callback count it covers,
and its job deletes it when done. Two callbacks for one order at once then meet
on that row: the second one's upsert meets a row the first one changed, a
serialization failure, and Odoo's HTTP layer retries the request, which then
sees the first one's job (deleted, the row would let the second one insert a
new row and make a second job: queue_job's identity key cannot see a job not
committed yet).
"""
from odoo import api, fields, models
from odoo.tools.sql import create_index

WAITING_STATES = ("wait_dependencies", "pending", "enqueued")
FAILED_STATE = "failed"
# A job in these states holds its orders (a pending order marked with it waits for it).
HOLDING_STATES = (*WAITING_STATES, "started", FAILED_STATE)


def identity_key(cart_id, order_id):
    """The identity key of (cart, order): queue_job's ``identity_key`` of a one-order job."""
    return f"salesorder_bigcommerce:order:{cart_id}:{order_id}"


class BigCommerceQueuedOrder(models.Model):
    _name = "bigcommerce.queued.order"
    _description = "BigCommerce Order Held by an Import Job"
    _order = "id"
    _log_access = False

    cart_id = fields.Many2one("bigcommerce.cart", required=True, ondelete="cascade", readonly=True)
    bigcommerce_order_id = fields.Integer(string="BigCommerce Order", required=True, readonly=True)
    date_modified = fields.Datetime(
        string="BigCommerce Modified On", readonly=True,
        help="The order's date_modified when a pass handed it to the job (empty for a webhook's).")
    job_id = fields.Many2one("queue.job", string="Import Job", required=True, ondelete="cascade",
                             index=True, readonly=True)
    job_state = fields.Selection(related="job_id.state", string="Job State")
    company_id = fields.Many2one(related="cart_id.company_id", store=True)

    _sql_constraints = [
        ("job_order_unique", "unique(job_id, bigcommerce_order_id)", "A job holds an order once."),
    ]

    def init(self):
        create_index(self.env.cr, "bigcommerce_queued_order_cart_order_index", self._table,
                     ["cart_id", "bigcommerce_order_id"])

    @api.model
    def _holders(self, cart, order_ids):
        """{order id: (queue.job id, job state, seen)} of the job waiting for each of these
        orders of the cart, else of the job that failed on it (the latest). `seen`: the
        latest version of the order the job can have read: the date_modified a pass
        handed over, or when the job last started (it reads its orders then)."""
        if not order_ids:
            return {}
        self.env.flush_all()
        self.env.cr.execute("""
            SELECT q.bigcommerce_order_id, j.id, j.state, GREATEST(q.date_modified, j.date_started)
              FROM bigcommerce_queued_order q
              JOIN queue_job j ON j.id = q.job_id
             WHERE q.cart_id = %s AND q.bigcommerce_order_id = ANY(%s) AND j.state IN %s
             ORDER BY j.state = %s, j.id DESC
        """, [cart.id, list(order_ids), (*WAITING_STATES, FAILED_STATE), FAILED_STATE])
        holders = {}
        for order_id, job_id, state, seen in self.env.cr.fetchall():
            holders.setdefault(order_id, (job_id, state, seen))
        return holders


class BigCommercePendingOrder(models.Model):
    _inherit = "bigcommerce.pending.order"

    queue_job_id = fields.Many2one("queue.job", string="Import Job", readonly=True, ondelete="set null",
                                   index="btree_not_null")
    # The callback_count its job was made (or found waiting) for: a callback since counts it up.
    queued_count = fields.Integer(string="Callbacks Handed Over", readonly=True)
