"""A callback met while a sync pass holds its cart: the pass may already have read
past the order, so the scheduled action that imports callbacks' orders is woken again
a minute later instead of leaving the order to the next pass."""
import datetime as dt

from test_webhooks import WebhookCase

from odoo.sql_db import db_connect

from odoo.addons.salesorder_bigcommerce.models.bigcommerce_sync_runtime import SYNC_LOCK_NAMESPACE
from odoo.addons.salesorder_bigcommerce.models.bigcommerce_webhook import PASS_BUSY_RETRY_SECONDS


class TestCallbackDuringAPass(WebhookCase):

    def triggers(self):
        cron = self.env.ref("salesorder_bigcommerce.ir_cron_bigcommerce_pending")
        self.env["ir.cron.trigger"].flush_model()
        return self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])

    def test_order_waiting_behind_a_pass_is_looked_at_again_soon(self):
        order = self.add_order()
        lock_cr = db_connect(self.env.cr.dbname).cursor()    # a pass of this cart, elsewhere
        try:
            lock_cr.execute("SELECT pg_try_advisory_xact_lock(hashtext(%s), %s)", [SYNC_LOCK_NAMESPACE, self.cart.id])
            self.assertTrue(lock_cr.fetchone()[0])
            self.assertEqual(self.callback("store/order/updated", order["id"])[0].status_code, 200)
            before = self.triggers()
            started = dt.datetime.now()
            self.env["bigcommerce.cart"]._cron_process_pending_orders()
        finally:
            lock_cr.close()
        self.assertEqual(self.pending(), [order["id"]], "still waiting: the pass holds the cart")
        later = self.triggers() - before
        self.assertEqual(len(later), 1)
        wait = (later.call_at - started).total_seconds()
        self.assertAlmostEqual(wait, PASS_BUSY_RETRY_SECONDS, delta=5)
        # Once the pass is over, that run imports it.
        self.env["bigcommerce.cart"]._cron_process_pending_orders()
        self.assertEqual(self.pending(), [])
        self.assertTrue(self.env["sale.order"].search([("bigcommerce_order_id", "=", order["id"])]))
