"""The cart screen: validation of the connection fields, Test Connection,
order statuses, access rights and the secrecy of the access token."""
import logging
import socket
import time

from common import ACCESS_TOKEN, CLIENT_ID, BigCommerceCase

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import mute_logger


class TestCartFields(BigCommerceCase):

    def test_contract_defaults(self):
        cart = self.env["bigcommerce.cart"].create({
            "name": "Defaults", "api_path": "https://api.bigcommerce.com/stores/xyz987/v3/",
            "api_key": "cid:tok"})
        self.assertEqual(cart.api_version, "v3")
        self.assertEqual(cart.import_orders_as, "cash_sale")
        self.assertEqual(cart.auto_sync, "stopped")
        self.assertEqual(cart.company_id, self.env.company)
        self.assertFalse(cart.import_status_ids)
        self.assertEqual(cart.store_hash, "xyz987")

    def test_api_path_shapes_accepted(self):
        for path in ("https://api.bigcommerce.com/stores/abc123/v3/",
                     "https://api.bigcommerce.com/stores/abc123/v3",
                     "https://api.bigcommerce.com/stores/abc123/v2/",
                     "https://api.bigcommerce.com/stores/abc123/",
                     "https://api.bigcommerce.com/stores/abc123",
                     "http://localhost:8070/stores/abc123/v3/",
                     "http://127.0.0.1:8070/stores/abc123/v3/"):
            with self.subTest(path=path):
                self.cart.api_path = path
                self.assertEqual(self.cart.store_hash, "abc123")

    def test_api_path_shapes_refused(self):
        for path in ("http://api.bigcommerce.com/stores/abc123/v3/",   # not https
                     "https://api.bigcommerce.com/v3/",                 # no store hash
                     "https://api.bigcommerce.com/stores//v3/",
                     "abc123"):
            with self.subTest(path=path), self.assertRaises(ValidationError) as caught:
                self.cart.api_path = path
                self.cart.flush_recordset()
            self.assertIn("https://api.bigcommerce.com/stores/{store_hash}/v3/", str(caught.exception))

    def test_plain_http_only_for_this_machine(self):
        with self.assertRaises(ValidationError) as caught:
            self.cart.api_path = "http://example.com/stores/abc123/v3/"
            self.cart.flush_recordset()
        message = str(caught.exception)
        for fragment in ("must use https://", "localhost, 127.0.0.1 or ::1", "sandbox", "example.com"):
            self.assertIn(fragment, message)
        self.cart.api_path = self.server.api_path            # http://127.0.0.1:<port>/...: accepted
        self.cart.flush_recordset()
        self.assertTrue(self.server.api_path.startswith("http://127.0.0.1:"))
        self.assertEqual(self.cart.action_test_connection()["params"]["type"], "success")

    def test_api_key_shape(self):
        self.cart.api_key = "client:token"   # accepted
        for key in ("myclient mysecret", "myclient: mysecret", "myclientmysecret", ":mysecret",
                    "myclient:", "a:mysecret:c", " myclient:mysecret", "myclient:mysecret\n"):
            with self.subTest(key=key), self.assertRaises(ValidationError) as caught:
                self.cart.api_key = key
                self.cart.flush_recordset()
            message = str(caught.exception)
            self.assertIn("CLIENT_ID:ACCESS_TOKEN", message)   # the expected shape...
            self.assertNotIn("mysecret", message)              # ...never the value typed


class TestConnection(BigCommerceCase):

    def test_success_records_store_and_loads_statuses(self):
        Status = self.env["bigcommerce.order.status"]
        Status.search([("bigcommerce_id", "=", 14)]).unlink()
        action = self.cart.action_test_connection()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["type"], "success")
        info = self.server.store.info
        for expected in (info["name"], info["id"], info["currency"]):
            self.assertIn(expected, action["params"]["message"])
        self.assertEqual(self.cart.store_name, info["name"])
        self.assertEqual(self.cart.store_currency, info["currency"])
        self.assertTrue(self.cart.connected_on)
        self.assertIn(info["name"], self.cart.message_ids[0].body)
        # All 15 statuses exist, with the store's labels.
        statuses = Status.search([])
        self.assertEqual(sorted(statuses.mapped("bigcommerce_id")), list(range(15)))
        awaiting = Status.search([("bigcommerce_id", "=", 11)])
        self.assertEqual(awaiting.name, "Awaiting Fulfillment")
        # One request each for the store and the statuses, with the token header.
        paths = [r.path for r in self.server.requests]
        self.assertEqual(paths, ["/stores/abc123/v2/store", "/stores/abc123/v2/order_statuses"])

    def assertConnectionFails(self, *fragments):
        with self.assertRaises(UserError) as caught:
            self.cart.action_test_connection()
        message = str(caught.exception)
        for fragment in fragments:
            self.assertIn(fragment, message)
        self.assertNotIn(ACCESS_TOKEN, message)
        return message

    def test_wrong_token(self):
        self.cart.api_key = f"{CLIENT_ID}:wrong-token"
        self.assertConnectionFails("401")

    def test_missing_scope(self):
        scopes = set(self.server.scopes)
        self.server.scopes.discard("store_v2_information")
        self.server.scopes.discard("store_v2_information_read_only")
        try:
            self.assertConnectionFails("403")
        finally:
            self.server.scopes.clear()
            self.server.scopes.update(scopes)

    def test_unknown_store(self):
        self.cart.api_path = self.server.api_path.replace("abc123", "nosuchstore")
        self.assertConnectionFails("404", "nosuchstore")

    def test_unreachable_host_fails_fast(self):
        # Odoo's test classes let requests reach 127.0.0.1 only: a closed local port.
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.cart.api_path = f"http://127.0.0.1:{port}/stores/abc123/v3/"
        started = time.monotonic()
        message = self.assertConnectionFails(f"127.0.0.1:{port}", "connection refused", "Cart Connect URL")
        self.assertLess(time.monotonic() - started, 2)   # one attempt, no backoff
        self.assertNotIn("attempts", message)

    def test_unknown_host_says_what_is_wrong(self):
        # In tests Odoo blocks hosts other than 127.0.0.1 / localhost (BlockedRequest,
        # a ConnectionError), the way a DNS failure or a firewall would.
        self.cart.api_path = "https://no-such-store.invalid/stores/abc123/v3/"
        started = time.monotonic()
        self.assertConnectionFails("Could not reach no-such-store.invalid", "Cart Connect URL")
        self.assertLess(time.monotonic() - started, 2)

    def test_store_error(self):
        self.server.inject(503, count=10)
        self.assertConnectionFails("503")
        self.assertEqual(len(self.server.requests), 1)   # a button does not retry

    def test_token_never_logged_nor_posted(self):
        with self.assertLogs(level=logging.DEBUG) as logs:
            logging.getLogger("odoo.addons.salesorder_bigcommerce").debug("capture start")
            self.cart.action_test_connection()
            self.cart.api_key = f"{CLIENT_ID}:{ACCESS_TOKEN}x"
            with self.assertRaises(UserError):
                self.cart.action_test_connection()
        text = "\n".join(logs.output)
        self.assertIn("/v2/store", text)   # the requests were logged...
        self.assertNotIn(ACCESS_TOKEN, text)  # ...without the token
        for message in self.cart.message_ids:
            self.assertNotIn(ACCESS_TOKEN, message.body or "")
        tracked = self.cart.message_ids.tracking_value_ids
        self.assertNotIn(ACCESS_TOKEN, " ".join(str(v.old_value_char) + str(v.new_value_char) for v in tracked))


class TestCartAccess(BigCommerceCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = cls.make_user("bc_salesman", "sales_team.group_sale_salesman")
        cls.manager = cls.make_user("bc_manager", "sales_team.group_sale_salesman,"
                                    "salesorder_bigcommerce.group_bigcommerce_manager")

    def test_manager_reads_key_and_edits(self):
        cart = self.cart.with_user(self.manager)
        self.assertEqual(cart.api_key, self.server.api_key)
        cart.name = "Renamed"
        created = self.env["bigcommerce.cart"].with_user(self.manager).create({
            "name": "Second", "api_path": "https://api.bigcommerce.com/stores/zz1/v3/", "api_key": "a:b"})
        self.assertTrue(created)

    def test_salesman_sees_cart_but_never_key(self):
        cart = self.cart.with_user(self.salesman)
        self.assertEqual(cart.name, "Test Store")
        with self.assertRaises(AccessError):
            cart.api_key  # noqa: B018  # pylint: disable=pointless-statement
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            cart.read(["api_key"])
        with self.assertRaises(AccessError):
            cart.write({"name": "Nope"})
        with self.assertRaises(AccessError):
            self.env["bigcommerce.cart"].with_user(self.salesman).create({
                "name": "Nope", "api_path": "https://api.bigcommerce.com/stores/zz1/v3/"})

    def test_settings_admin_is_manager(self):
        self.assertTrue(self.env.ref("base.user_admin").has_group(
            "salesorder_bigcommerce.group_bigcommerce_manager"))

    def test_other_company_cart_hidden(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        foreign = self.env["bigcommerce.cart"].create({
            "name": "Foreign", "company_id": other.id,
            "api_path": "https://api.bigcommerce.com/stores/zz2/v3/", "api_key": "a:b"})
        visible = self.env["bigcommerce.cart"].with_user(self.manager).search([])
        self.assertIn(self.cart, visible)
        self.assertNotIn(foreign, visible)

    def test_every_model_has_access_rules(self):
        models = self.env["ir.model"].search([("model", "like", "bigcommerce.")])
        for model in models:
            if self.env[model.model]._abstract:
                continue
            with self.subTest(model=model.model):
                self.assertTrue(self.env["ir.model.access"].search([("model_id", "=", model.id)]))
