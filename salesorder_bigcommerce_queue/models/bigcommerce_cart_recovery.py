"""Orders that import jobs hold but will not import: they come back without a person.

* A job that failed on the store (an outage past its retries, a credentials
  error) holds orders no one retries: the pass moved its cursor past them, they
  are not noted as sync failures, a webhook's pending order stays marked with
  the job. A pass that reached the store requeues such jobs. A job whose order
  failed on its own (a business error) is not requeued: its order is noted as a
  sync failure, with its activity, which the pass retries (and the retry closes
  the job: ``_queue_close_failed_jobs``).
* With jobs off (``salesorder_bigcommerce_queue.use_jobs`` = ``False``), the
  orders held by jobs still waiting (or failed on the store) become pending
  orders of the scheduled action *BigCommerce: Orders from Webhooks*, which
  imports them; the jobs are cancelled.
* A job that leaves an order to an earlier job still waiting hands that job the
  order's pending row (a webhook's): cancelled in Job Queue, that job ends
  without importing it, and the row is handed over again.
"""
import logging

import psycopg2

from odoo import _, models

from .bigcommerce_queued_order import FAILED_STATE, WAITING_STATES

_logger = logging.getLogger(__name__)


class BigCommerceCart(models.Model):
    _inherit = "bigcommerce.cart"

    def _queue_stranded_job_ids(self, states):
        """Ids of this cart's import jobs in `states` holding orders; a failed one only
        when one of its orders is not noted as a sync failure (its failure was not that
        order's own: the store, the credentials)."""
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute("""
            SELECT DISTINCT j.id
              FROM bigcommerce_queued_order q JOIN queue_job j ON j.id = q.job_id
             WHERE q.cart_id = %s AND j.state IN %s
               AND (j.state != %s OR NOT EXISTS (
                    SELECT 1 FROM bigcommerce_sync_failure f
                     WHERE f.cart_id = q.cart_id AND f.bigcommerce_order_id = q.bigcommerce_order_id))
             ORDER BY j.id
        """, [self.id, tuple(states), FAILED_STATE])
        return [row[0] for row in self.env.cr.fetchall()]

    # ------------------------------------------------------------------
    # Jobs failed on the store: requeued once the store answers again
    # ------------------------------------------------------------------

    def _sync_retry_failures(self, log, client, done, totals, batch_size):
        # Here the pass has read the store's changes: the store answers.
        if self._queue_use_jobs():
            self._queue_requeue_store_failures()
        return super()._sync_retry_failures(log, client, done, totals, batch_size)

    def _queue_requeue_store_failures(self):
        job_ids = self._queue_stranded_job_ids((FAILED_STATE,))
        if job_ids:
            _logger.info("BigCommerce cart %s: the store answers again; failed import job(s) %s requeued",
                         self.id, job_ids)
            self.env["queue.job"].sudo().browse(job_ids).requeue()
        return job_ids

    # ------------------------------------------------------------------
    # Jobs off: the scheduled action imports the orders jobs hold
    # ------------------------------------------------------------------

    def _process_pending_orders(self, *args, **kwargs):
        if not self._queue_use_jobs():
            self._queue_release_jobs()
        return super()._process_pending_orders(*args, **kwargs)

    def _queue_release_jobs(self):
        """With jobs off: the orders held by this cart's jobs still waiting (or failed on
        the store) become pending orders, imported by _process_pending_orders; the jobs
        are cancelled. A job a worker is starting (its row locked) is left to it."""
        self.ensure_one()
        job_ids = self._queue_stranded_job_ids((*WAITING_STATES, FAILED_STATE))
        if not job_ids:
            return []
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute("SELECT id FROM queue_job WHERE id = ANY(%s) AND state IN %s "
                                    "FOR NO KEY UPDATE SKIP LOCKED",
                                    [job_ids, (*WAITING_STATES, FAILED_STATE)])
                job_ids = [row[0] for row in self.env.cr.fetchall()]
        except psycopg2.errors.SerializationFailure:
            _logger.info("BigCommerce cart %s: import jobs changed meanwhile; released at the next run", self.id)
            return []
        if not job_ids:
            return []
        self.env.cr.execute("""
            INSERT INTO bigcommerce_pending_order (cart_id, bigcommerce_order_id, received_on, callback_count,
                                                   create_uid, create_date, write_uid, write_date)
            SELECT DISTINCT q.cart_id, q.bigcommerce_order_id, now() at time zone 'utc', 1,
                   %(uid)s, now() at time zone 'utc', %(uid)s, now() at time zone 'utc'
              FROM bigcommerce_queued_order q
             WHERE q.job_id = ANY(%(jobs)s)
            ON CONFLICT (cart_id, bigcommerce_order_id) DO NOTHING
        """, {"jobs": job_ids, "uid": self.env.uid})
        self.env["bigcommerce.pending.order"].invalidate_model()
        self.env["bigcommerce.queued.order"].sudo().search([("job_id", "in", job_ids)]).unlink()
        self.env["queue.job"].sudo().browse(job_ids)._change_job_state("cancelled", result=_(
            "Import jobs are off (salesorder_bigcommerce_queue.use_jobs): its orders were handed to the "
            "scheduled action BigCommerce: Orders from Webhooks."))
        _logger.info("BigCommerce cart %s: jobs off; orders of import job(s) %s handed to the scheduled action",
                     self.id, job_ids)
        return job_ids

    # ------------------------------------------------------------------
    # A job leaving orders to an earlier one
    # ------------------------------------------------------------------

    def _queue_hand_pending_to(self, earlier):
        """The running job leaves these orders ({order id: earlier job id}) to earlier jobs
        still waiting: their pending rows (webhooks') are marked with those jobs, so that
        they are handed over again if those jobs end without importing them."""
        job = self._queue_running_job()
        if not job or not earlier:
            return
        self.env["bigcommerce.pending.order"].flush_model()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute("""
                    UPDATE bigcommerce_pending_order p SET queue_job_id = r.job_id
                      FROM unnest(%s::int[], %s::int[]) AS r(order_id, job_id)
                     WHERE p.cart_id = %s AND p.queue_job_id = %s AND p.bigcommerce_order_id = r.order_id
                """, [list(earlier), list(earlier.values()), self.id, job.id])
        except psycopg2.errors.SerializationFailure:
            # A callback counted one of them meanwhile: handed over again anyway (its count changed).
            _logger.info("BigCommerce cart %s: pending orders changed meanwhile, kept", self.id)
        self.env["bigcommerce.pending.order"].invalidate_model()
