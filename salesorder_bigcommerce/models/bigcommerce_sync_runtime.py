"""What a sync pass runs on: the cart's lock, its clock and time budget, its commits.

Kept apart from the pass itself (bigcommerce_sync.py) so that file reads as the
pass; tests drive time through ``_sync_clock`` and batches through
``_sync_commit_batch``.
"""
import logging
import threading
import time
from contextlib import contextmanager

from odoo import api, models
from odoo.sql_db import db_connect
from odoo.tools import config

_logger = logging.getLogger(__name__)

# Namespace of the cart's advisory lock (the other key is the cart id).
SYNC_LOCK_NAMESPACE = "salesorder_bigcommerce.sync"
TIME_BUDGET_PARAM = "salesorder_bigcommerce.sync_time_budget"
DEFAULT_TIME_BUDGET = 600.0    # seconds, when Odoo runs without a time limit
TIME_LIMIT_MARGIN = 30.0       # seconds left free below Odoo's time limit
MIN_TIME_BUDGET = 10.0


class BigCommerceCart(models.Model):
    _inherit = "bigcommerce.cart"

    # ------------------------------------------------------------------
    # Lock, time, transactions
    # ------------------------------------------------------------------

    @contextmanager
    def _sync_lock(self):
        """Yields whether this pass got the cart's sync lock, held until the block ends.

        A transaction-level advisory lock taken on a connection of its own (as ir.cron
        holds its job lock): it survives the pass's per-batch commits, a row lock on
        the cart would not, and it goes away with that connection whatever happens
        (a session-level lock on a pooled connection could outlive a failed pass)."""
        lock_cr = db_connect(self.env.cr.dbname).cursor()
        try:
            lock_cr.execute("SELECT pg_try_advisory_xact_lock(hashtext(%s), %s)",
                            [SYNC_LOCK_NAMESPACE, self.id])
            yield lock_cr.fetchone()[0]
        finally:
            lock_cr.close()    # rolls back: releases the lock

    def _sync_clock(self):
        """Seconds, for the time budget (a method so tests can drive time)."""
        return time.monotonic()

    @api.model
    def _sync_time_budget(self, trigger):
        """Seconds a pass (or a cron run over all carts) may take: the system parameter
        salesorder_bigcommerce.sync_time_budget, else Odoo's time limit for the
        worker (cron or HTTP) minus a margin."""
        value = self.env["ir.config_parameter"].sudo().get_param(TIME_BUDGET_PARAM)
        try:
            if value and float(value) > 0:
                return float(value)
        except ValueError:
            _logger.warning("Ignoring %s=%r: not a number of seconds.", TIME_BUDGET_PARAM, value)
        limit = config["limit_time_real"]
        if trigger == "cron" and config["limit_time_real_cron"] != -1:
            limit = config["limit_time_real_cron"]
        if not limit or limit <= 0:
            return DEFAULT_TIME_BUDGET
        return max(limit - TIME_LIMIT_MARGIN, MIN_TIME_BUDGET)

    def _sync_out_of_time(self, started, longest, budget):
        """Would one more batch, as long as the longest so far, overrun the budget?"""
        return self._sync_clock() - started + longest > budget

    def _sync_can_commit(self):
        # Tests run in one transaction that must not be committed.
        return not (getattr(threading.current_thread(), "testing", False)
                    or self.env.registry.in_test_mode())

    def _sync_commit(self):
        if self._sync_can_commit():
            # A pass commits each batch by design (module doc): resumable, never redone.
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _sync_rollback(self):
        if self._sync_can_commit():
            self.env.cr.rollback()

    def _sync_commit_batch(self):
        """Make a batch durable: a pass that dies later resumes after it."""
        if self._sync_can_commit():
            # A pass commits each batch by design (module doc): resumable, never redone.
            self.env.cr.commit()  # pylint: disable=invalid-commit
            # Committed records need not stay in memory: a pass over a large
            # backlog then holds about one page of orders at a time.
            self.env.invalidate_all()
