"""Auto-sync (issue 5): a scheduled pass imports the orders changed since the last
one, without missing or duplicating any."""
import datetime as dt
import logging
import threading
from decimal import Decimal
from unittest.mock import patch

from common import ACCESS_TOKEN, BigCommerceCase, factory

from odoo import SUPERUSER_ID, api
from odoo.exceptions import AccessError, UserError
from odoo.sql_db import db_connect

from odoo.addons.salesorder_bigcommerce.models.bigcommerce_sync import SYNC_OVERLAP
from odoo.addons.salesorder_bigcommerce.models.bigcommerce_sync_runtime import SYNC_LOCK_NAMESPACE
from odoo.addons.salesorder_bigcommerce.services.parsing import parse_datetime

D = Decimal
T0 = dt.datetime(2026, 3, 1, 9, 0, 0, tzinfo=dt.timezone.utc)
AWAITING_FULFILLMENT, AWAITING_SHIPMENT, AWAITING_PAYMENT, PENDING, SHIPPED = 11, 9, 7, 1, 2


def modified(order):
    """The order's date_modified as Odoo keeps datetimes (naive UTC)."""
    return parse_datetime(order["date_modified"])


class SyncCase(BigCommerceCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Status = cls.env["bigcommerce.order.status"]
        cls.awaiting = Status.search([("bigcommerce_id", "=", AWAITING_FULFILLMENT)])
        cls.awaiting_shipment = Status.search([("bigcommerce_id", "=", AWAITING_SHIPMENT)])
        cls.cart.write({"import_status_ids": [(6, 0, cls.awaiting.ids)], "import_orders_as": "sale_order"})
        cls.Cart = type(cls.cart)     # the registry's class: what tests patch

    def setUp(self):
        super().setUp()
        self.store = self.server.store
        self.store.set_now(T0)
        self.mug = self.store.add_product(factory.product(name="Mug", sku="MUG", price=D("12.50")))

    def add_order(self, status_id=AWAITING_FULFILLMENT, seconds=60, **kwargs):
        """A new order, `seconds` after the store clock's previous moment."""
        self.store.advance(seconds)
        kwargs.setdefault("lines", [factory.line(self.mug, 1)])
        return self.store.add_order(factory.order(status_id=status_id, **kwargs))

    def sync(self, cart=None, **kwargs):
        kwargs.setdefault("time_budget", 3600)
        return (cart or self.cart)._sync_pass("manual", **kwargs)

    def imported_ids(self, cart=None):
        return sorted((cart or self.cart).order_binding_ids.mapped("bigcommerce_order_id"))

    def assertImportedOnce(self, orders, cart=None):
        cart = cart or self.cart
        self.assertEqual(self.imported_ids(cart), sorted(o["id"] for o in orders))
        documents = self.env["sale.order"].search([("bigcommerce_cart_id", "=", cart.id)])
        self.assertEqual(sorted(documents.mapped("bigcommerce_order_id")), sorted(o["id"] for o in orders))

    def order_list_requests(self):
        return [r for r in self.server.requests if r.path.endswith("/v2/orders")]

    @staticmethod
    def counts(log):
        return (log.orders_imported, log.orders_already_imported, log.orders_failed)


class TestCursor(SyncCase):

    def test_first_pass_imports_all_and_keeps_the_last_change_as_cursor(self):
        orders = [self.add_order() for _i in range(3)]
        self.store.advance(3600)          # the store's "now" is well past the last change
        log = self.sync()
        self.assertEqual((log.state, log.trigger), ("done", "manual"))
        self.assertEqual(self.counts(log), (3, 0, 0))
        self.assertImportedOnce(orders)
        # The cursor is the last date_modified processed: neither the store's nor Odoo's now.
        self.assertEqual(self.cart.sync_cursor, modified(orders[-1]))
        self.assertEqual(log.cursor_to, self.cart.sync_cursor)
        self.assertFalse(log.cursor_from)
        self.assertEqual(log.request_count, len(self.server.requests))
        request = self.order_list_requests()[0]
        self.assertEqual(request.query["sort"], "date_modified:asc")
        # Every status is read (an imported order is followed whatever its status now).
        self.assertNotIn("status_id", request.query)
        self.assertIn("consignments.line_items", request.query["include"])
        self.assertNotIn("min_date_modified", request.query)
        self.assertEqual(self.cart.last_sync_state, "done")
        # The item, unknown to Odoo, was imported on the way.
        self.assertTrue(self.env["product.product"].search([("default_code", "=", "MUG")]))

        # The next pass re-reads the overlap: the orders are reported, not imported again.
        self.server.reset_requests()
        log = self.sync()
        self.assertEqual(self.counts(log), (0, 3, 0), (log.message, log.error_text, log.orders_seen))
        self.assertImportedOnce(orders)
        self.assertEqual(self.cart.sync_cursor, modified(orders[-1]))
        since = parse_datetime(self.order_list_requests()[0].query["min_date_modified"])
        self.assertEqual(since, modified(orders[-1]) - SYNC_OVERLAP)

    def test_orders_changed_between_passes(self):
        first = self.add_order()
        pending = self.add_order(status_id=PENDING)
        self.sync()
        self.assertImportedOnce([first])

        self.store.advance(3600)
        self.store.update_order(pending["id"], status_id=AWAITING_FULFILLMENT)
        self.store.update_order(first["id"], staff_notes="packed")     # changed after its import
        new = self.add_order()
        log = self.sync()
        self.assertEqual(self.counts(log), (2, 1, 0))
        self.assertImportedOnce([first, pending, new])
        self.assertEqual(self.cart.sync_cursor, modified(new))

    def test_order_changed_during_a_pass_is_neither_lost_nor_duplicated(self):
        orders = [self.add_order() for _i in range(5)]
        pending = self.add_order(status_id=PENDING)
        changed = []

        def change_store_after_first_batch(cart):
            if not changed:
                # An order already processed moves to the end of the date order: reading
                # "page 2" would now skip the next order. And a new one enters the status.
                self.store.advance(60)
                self.store.update_order(orders[0]["id"], staff_notes="changed")
                self.store.update_order(pending["id"], status_id=AWAITING_FULFILLMENT)
                changed.append(True)

        with patch.object(self.Cart, "_sync_commit_batch", change_store_after_first_batch):
            log = self.sync(batch_size=2)
        self.assertEqual(log.state, "done")
        self.assertTrue(changed)
        self.assertTrue(set(o["id"] for o in orders) <= set(self.imported_ids()))
        # The cursor is a change actually processed, not a clock.
        self.assertGreaterEqual(self.cart.sync_cursor, modified(orders[-1]))
        self.assertLessEqual(self.cart.sync_cursor, modified(self.store.orders[pending["id"]]))

        self.sync()
        self.assertImportedOnce(orders + [pending])


class TestResume(SyncCase):

    def test_time_budget_exhausted_then_next_passes_resume(self):
        orders = [self.add_order() for _i in range(7)]
        commits = []
        with patch.object(self.Cart, "_sync_commit_batch", lambda cart: commits.append(cart.sync_cursor)):
            first = self.sync(time_budget=0, batch_size=3)
            self.assertEqual(first.state, "stopped")
            self.assertIn("Time budget", first.message)
            self.assertEqual(self.counts(first), (3, 0, 0))
            self.assertEqual(self.cart.sync_cursor, modified(orders[2]))
            self.assertEqual(commits, [modified(orders[2])])

            # The overlap (already imported) does not count as progress: the pass goes on.
            second = self.sync(time_budget=0, batch_size=3)
            self.assertEqual((second.state, self.counts(second)), ("stopped", (3, 3, 0)))
            self.assertEqual(self.cart.sync_cursor, modified(orders[5]))

            third = self.sync(time_budget=0, batch_size=3)
        self.assertEqual(third.state, "done")
        self.assertEqual(third.orders_imported, 1)
        self.assertImportedOnce(orders)
        self.assertEqual(self.cart.sync_cursor, modified(orders[-1]))

    def test_time_budget_counts_batch_durations(self):
        orders = [self.add_order(seconds=600) for _i in range(10)]
        now = [0.0]

        def batch_takes_ten_seconds(cart):
            now[0] += 10

        with patch.object(self.Cart, "_sync_clock", lambda cart: now[0]), \
                patch.object(self.Cart, "_sync_commit_batch", batch_takes_ten_seconds):
            # 10 s + 10 s done; a third 10 s batch would end at 30 s > 25 s.
            log = self.sync(time_budget=25, batch_size=2)
        self.assertEqual(log.state, "stopped")
        self.assertEqual(log.orders_imported, 4)
        self.assertEqual(self.cart.sync_cursor, modified(orders[3]))
        log = self.sync(batch_size=2)
        self.assertEqual((log.state, log.orders_imported), ("done", 6))
        self.assertImportedOnce(orders)

    def test_long_rate_limit_wait_stops_the_pass_and_the_next_resumes(self):
        orders = [self.add_order(seconds=600) for _i in range(6)]

        def rate_limited_after_first_batch(cart):
            if cart.sync_cursor == modified(orders[1]):
                self.server.inject(429, headers={"X-Rate-Limit-Time-Reset-Ms": "120000"},
                                   path_contains="/v2/orders")

        with patch.object(self.Cart, "_sync_commit_batch", rate_limited_after_first_batch):
            log = self.sync(batch_size=2)
        self.assertEqual(log.state, "stopped")
        self.assertIn("rate limit", log.message)
        self.assertEqual(log.orders_imported, 2)
        self.assertEqual(self.cart.sync_cursor, modified(orders[1]))
        log = self.sync(batch_size=2)
        self.assertEqual((log.state, log.orders_imported), ("done", 4))
        self.assertImportedOnce(orders)

    def test_store_error_fails_the_pass_without_moving_the_cursor_and_never_shows_the_token(self):
        orders = [self.add_order() for _i in range(2)]
        self.server.inject(401, path_contains="/v2/orders")
        with self.assertLogs("odoo.addons.salesorder_bigcommerce", level="DEBUG") as captured:
            log = self.sync()
        self.assertEqual(log.state, "failed")
        self.assertIn("401", log.message)
        self.assertFalse(self.cart.sync_cursor)
        for text in [log.message, log.error_text or "", *captured.output,
                     *self.cart.message_ids.mapped("body")]:
            self.assertNotIn(ACCESS_TOKEN, text)
        self.assertEqual(self.sync().orders_imported, 2)
        self.assertImportedOnce(orders)

    def test_pass_left_running_by_a_dead_worker_is_closed_by_the_next(self):
        dead = self.env["bigcommerce.sync.log"].create({"cart_id": self.cart.id, "trigger": "cron"})
        self.assertEqual(dead.state, "running")
        self.sync()
        self.assertEqual(dead.state, "failed")
        self.assertIn("Interrupted", dead.message)


class TestStatuses(SyncCase):

    def test_only_the_chosen_statuses_are_imported_in_one_read_of_every_status(self):
        wanted = [self.add_order(), self.add_order()]
        for status_id in (AWAITING_PAYMENT, SHIPPED, AWAITING_SHIPMENT, PENDING):
            self.add_order(status_id=status_id)
        log = self.sync()
        self.assertEqual((log.orders_seen, log.orders_imported, log.orders_skipped), (6, 2, 4))
        self.assertImportedOnce(wanted)
        # One page of every status: an imported order is followed whatever its status becomes.
        self.assertEqual([r.query.get("status_id") for r in self.order_list_requests()], [None])

    def test_several_statuses_are_synced_in_one_date_order(self):
        self.cart.import_status_ids = self.awaiting | self.awaiting_shipment
        orders = [self.add_order(status_id=(AWAITING_FULFILLMENT, AWAITING_SHIPMENT)[i % 2], seconds=600)
                  for i in range(6)]
        log = self.sync(time_budget=0, batch_size=3)
        # The three oldest changes, whatever their status; the cursor at the third.
        self.assertEqual(log.state, "stopped")
        self.assertEqual(self.imported_ids(), sorted(o["id"] for o in orders[:3]))
        self.assertEqual(self.cart.sync_cursor, modified(orders[2]))
        log = self.sync(batch_size=3)
        self.assertEqual((log.state, log.orders_imported), ("done", 3))
        self.assertImportedOnce(orders)

    def test_no_status_chosen_logs_it_and_does_nothing(self):
        self.cart.import_status_ids = False
        self.add_order()
        log = self.cart._sync_pass("cron")
        self.assertEqual(log.state, "failed")
        self.assertIn("No Import Orders with Status", log.message)
        self.assertFalse(self.server.requests)
        self.assertFalse(self.imported_ids())
        self.cart.auto_sync = "running"
        self.cart._cron_sync()           # no exception from the scheduled action
        with self.assertRaisesRegex(UserError, "Import Orders with Status"):
            self.cart.action_sync()


class TestFailingOrders(SyncCase):

    def activities(self):
        return self.env["mail.activity"].search([
            ("res_model", "=", "bigcommerce.cart"), ("res_id", "=", self.cart.id)])

    def test_failing_order_raises_one_activity_until_it_imports(self):
        self.cart.user_id = self.make_user("bc_sync_owner", "sales_team.group_sale_salesman")
        good = self.add_order()
        bad = self.add_order(billing=factory.address(email=""))
        log = self.sync()
        self.assertEqual(self.counts(log), (1, 0, 1))
        self.assertIn(f"Order {bad['id']}", log.error_text)
        self.assertIn("billing email", log.error_text)
        activity = self.activities()
        self.assertEqual(len(activity), 1)
        self.assertIn(str(bad["id"]), activity.summary)
        self.assertEqual(activity.user_id, self.cart.user_id)
        self.assertEqual(activity.activity_type_id,
                         self.env.ref("salesorder_bigcommerce.mail_activity_type_order_failed"))
        # The cursor passed the failed order: it is remembered and tried again instead.
        self.assertEqual(self.cart.sync_cursor, modified(bad))
        self.assertEqual(self.cart.sync_failure_ids.bigcommerce_order_id, bad["id"])

        # Met again (in the overlap): still failing, no second activity.
        log = self.sync()
        self.assertEqual(self.counts(log), (0, 1, 1))
        self.assertEqual(self.activities(), activity)
        self.assertEqual(self.cart.sync_failure_ids.failure_count, 2)

        # Fixed in the store: imported by the next pass, the activity done.
        self.store.advance(60)
        self.store.update_order(bad["id"], billing_address=factory.address(email="fixed@example.com"))
        log = self.sync()
        self.assertEqual(self.counts(log), (1, 1, 0))
        self.assertImportedOnce([good, bad])
        self.assertFalse(self.activities())
        self.assertFalse(self.cart.sync_failure_ids)

    def test_failed_order_fixed_in_odoo_is_retried_or_imported_by_hand(self):
        lost = self.add_order(billing=factory.address(country_iso2="ZZ"))
        elsewhere = self.add_order(billing=factory.address(country_iso2="ZZ", email="other@example.com"))
        self.assertEqual(self.counts(self.sync()), (0, 0, 2))
        self.assertEqual(len(self.activities()), 2)
        self.env["res.country"].create({"name": "Zedland", "code": "ZZ"})

        # By hand: the failure is cleared and its activity done.
        self.assertTrue(self.cart.import_orders([lost["id"]]))
        self.assertEqual(self.cart.sync_failure_ids.bigcommerce_order_id, elsewhere["id"])
        self.assertEqual(len(self.activities()), 1)

        # By the next pass, although the order did not change in the store and is
        # behind the cursor (moved by hand past it).
        self.cart.sync_cursor = modified(elsewhere) + dt.timedelta(hours=1)
        log = self.sync()
        self.assertEqual(self.counts(log), (1, 0, 0))
        self.assertImportedOnce([lost, elsewhere])
        self.assertFalse(self.cart.sync_failure_ids)
        self.assertFalse(self.activities())


class TestLock(SyncCase):

    def test_pass_skipped_while_another_holds_the_cart(self):
        self.add_order()
        other = db_connect(self.env.cr.dbname).cursor()
        try:
            other.execute("SELECT pg_advisory_xact_lock(hashtext(%s), %s)", [SYNC_LOCK_NAMESPACE, self.cart.id])
            action = self.cart.action_sync()
            self.assertEqual(action["params"]["type"], "warning")
            self.assertIn("already running", action["params"]["message"])
            self.assertFalse(self.cart.sync_log_ids)
            self.assertFalse(self.server.requests)
        finally:
            other.close()
        self.assertEqual(self.sync().orders_imported, 1)


class TestConcurrentPasses(SyncCase):
    """Two passes of one cart at once, each in its own transaction, on committed data."""

    EMAIL = "concurrent-sync@example.com"

    def test_two_passes_at_once_import_each_order_once(self):
        registry = self.env.registry
        orders = [self.add_order(lines=[factory.line(None, 1, name="Gift card", price=D("10.00"))],
                                 billing=factory.address(email=self.EMAIL)) for _i in range(4)]
        # The first order listing answers slowly: the passes overlap for sure.
        self.server.inject_delay(1.0, path_contains="/v2/orders")
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            pricelists = env["product.pricelist"].search([]).ids
            cart_id = env["bigcommerce.cart"].create({
                "name": "Concurrent sync cart", "api_path": self.server.api_path,
                "api_key": self.server.api_key, "import_orders_as": "sale_order",
                "import_status_ids": [(6, 0, self.awaiting.ids)]}).id
        results, errors = [], []
        barrier = threading.Barrier(2)

        def sync_once():
            try:
                with registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    barrier.wait(timeout=10)
                    results.append(env["bigcommerce.cart"].browse(cart_id).action_sync()["params"]["type"])
            except Exception as error:   # noqa: BLE001 - reported below
                errors.append(error)

        threads = [threading.Thread(target=sync_once) for _i in range(2)]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(120)
            self.assertFalse(errors)
            self.assertEqual(sorted(results), ["success", "warning"])   # the second one skipped
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                cart = env["bigcommerce.cart"].browse(cart_id)
                self.assertEqual(len(cart.sync_log_ids), 1)
                self.assertEqual(cart.sync_log_ids.orders_imported, 4)
                documents = env["sale.order"].search([("bigcommerce_cart_id", "=", cart_id)])
                self.assertEqual(sorted(documents.mapped("bigcommerce_order_id")), [o["id"] for o in orders])
                self.assertEqual(cart.sync_cursor, modified(orders[-1]))
        finally:
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["sale.order"].search([("bigcommerce_cart_id", "=", cart_id)]).unlink()
                env["bigcommerce.cart"].browse(cart_id).unlink()
                env["res.partner"].search([("email", "=", self.EMAIL)]).unlink()
                env["product.pricelist"].search([("id", "not in", pricelists)]).unlink()


class TestScheduledAction(SyncCase):

    def test_cron_record(self):
        cron = self.env.ref("salesorder_bigcommerce.ir_cron_bigcommerce_sync")
        self.assertTrue(cron.active)
        self.assertEqual((cron.interval_number, cron.interval_type), (15, "minutes"))
        self.assertEqual(cron.model_id.model, "bigcommerce.cart")
        self.assertEqual(cron.code.strip(), "model._cron_sync()")
        self.assertEqual(cron.user_id, self.env.ref("base.user_root"))

    def test_cron_runs_action_sync_on_running_carts_only(self):
        running = self.env["bigcommerce.cart"].create({
            "name": "Running cart", "api_path": self.server.api_path, "api_key": self.server.api_key,
            "import_orders_as": "sale_order", "import_status_ids": [(6, 0, self.awaiting.ids)],
            "auto_sync": "running"})
        self.assertEqual(self.cart.auto_sync, "stopped")
        order = self.add_order()
        self.env.ref("salesorder_bigcommerce.ir_cron_bigcommerce_sync").method_direct_trigger()
        # The running cart had its pass, logged as the cron's; the stopped one none.
        self.assertEqual(running.sync_log_ids.mapped("trigger"), ["cron"])
        self.assertFalse(self.cart.sync_log_ids)
        self.assertEqual(self.imported_ids(running), [order["id"]])
        self.assertFalse(self.imported_ids())

    def test_sync_now_button_and_sync_logs(self):
        order = self.add_order()
        action = self.cart.action_sync()
        self.assertEqual((action["tag"], action["params"]["type"]), ("display_notification", "success"))
        self.assertIn("1 imported", action["params"]["message"])
        self.assertImportedOnce([order])
        self.assertEqual(self.cart.sync_log_count, 1)
        logs = self.cart.action_view_sync_logs()
        self.assertEqual(self.env["bigcommerce.sync.log"].search(logs["domain"]), self.cart.sync_log_ids)
        self.assertTrue(self.env.ref("salesorder_bigcommerce.menu_bigcommerce_sync_log").action)

    def test_salesman_cannot_run_a_pass(self):
        salesman = self.make_user("bc_sync_salesman", "sales_team.group_sale_salesman")
        with self.assertRaises(AccessError):
            self.cart.with_user(salesman).action_sync()
        self.assertEqual(self.cart.with_user(salesman).sync_log_count, 0)

    def test_time_budget_setting(self):
        Cart = self.env["bigcommerce.cart"]
        self.assertGreater(Cart._sync_time_budget("cron"), 0)
        self.env["ir.config_parameter"].set_param("salesorder_bigcommerce.sync_time_budget", "42")
        self.assertEqual(Cart._sync_time_budget("cron"), 42)
        self.assertEqual(Cart._sync_time_budget("manual"), 42)


class TestBacklog(SyncCase):

    def test_backlog_of_500_orders_needs_few_requests(self):
        orders = [self.add_order(seconds=1) for _i in range(500)]
        batches = []
        with patch.object(self.Cart, "_sync_commit_batch", lambda cart: batches.append(cart.sync_cursor)):
            log = self.sync()
        self.assertEqual((log.state, log.orders_imported), ("done", 500))
        self.assertEqual(len(batches), 2)            # one page of 250 orders per batch
        self.assertEqual(self.cart.sync_cursor, modified(orders[-1]))
        requests = len(self.server.requests)
        self.assertLessEqual(requests / 500, 0.02, [r.target for r in self.server.requests])
        self.assertEqual(log.request_count, requests)
        self.assertEqual(len(self.imported_ids()), 500)
        logging.getLogger(__name__).info("500-order backlog: %s requests", requests)


class TestStatusesAdded(BigCommerceCase):

    def test_adding_a_status_rereads_from_the_start(self):
        statuses = self.env["bigcommerce.order.status"]
        awaiting = statuses.search([("bigcommerce_id", "=", 11)])
        pending = statuses.search([("bigcommerce_id", "=", 1)])
        self.cart.write({"import_status_ids": [(6, 0, awaiting.ids)],
                         "sync_cursor": "2026-03-01 00:00:00"})
        self.cart.import_status_ids = awaiting | pending
        self.assertFalse(self.cart.sync_cursor)
        self.assertIn("Pending", self.cart.message_ids[0].body)
        # Removing a status keeps the cursor.
        self.cart.sync_cursor = "2026-03-01 00:00:00"
        self.cart.import_status_ids = awaiting
        self.assertTrue(self.cart.sync_cursor)


class TestRateLimitOnItems(SyncCase):

    def test_rate_limit_while_importing_items_stops_the_pass_without_failing_orders(self):
        orders = [self.add_order() for _i in range(2)]   # their Mug is not in Odoo yet
        self.server.inject(429, count=10, headers={"X-Rate-Limit-Time-Reset-Ms": "120000"},
                           path_contains="/catalog/")
        log = self.sync()
        self.assertEqual(log.state, "stopped")
        self.assertIn("rate limit", log.message)
        self.assertEqual(self.counts(log), (0, 0, 0))
        self.assertFalse(self.cart.sync_failure_ids)     # no order blamed for the wait
        self.assertFalse(self.imported_ids())
        self.server.clear_injections()
        log = self.sync()
        self.assertEqual((log.state, log.orders_imported), ("done", 2))
        self.assertImportedOnce(orders)
