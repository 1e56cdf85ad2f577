"""Base classes for the Odoo tests of salesorder_bigcommerce.

Tests here live outside the addon folder, so Odoo's MetaCase gives them no
test tags; the attributes below make pytest-odoo run them like the addon's
own tests. Each test runs in a transaction that is rolled back.
"""
from fake_bigcommerce import FakeBigCommerce, factory  # noqa: F401  (re-exported)
from fake_bigcommerce.server import ALL_SCOPES
from fake_bigcommerce.store import FakeStore

from odoo.tests.common import TransactionCase, new_test_user

STORE_HASH = "abc123"
CLIENT_ID = "testclient"
ACCESS_TOKEN = "s3cr3t-access-token-0123456789"


class AddonTestTags:
    """What Odoo's MetaCase gives the addon's own tests: mixed into every test case here."""

    test_tags = {"standard", "at_install"}
    test_module = "salesorder_bigcommerce"
    test_sequence = 0

    # (returns None by contract: nothing to return)
    def __init_subclass__(cls, **kwargs):  # pylint: disable=missing-return
        super().__init_subclass__(**kwargs)
        cls.test_class = cls.__name__


class BigCommerceCase(AddonTestTags, TransactionCase):
    """A running fake BigCommerce store and a cart connected to it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = FakeBigCommerce(
            store_hash=STORE_HASH, access_token=ACCESS_TOKEN, client_id=CLIENT_ID).start()
        cls.addClassCleanup(cls.server.stop)
        cls.cart = cls.env["bigcommerce.cart"].create({
            "name": "Test Store",
            "api_path": cls.server.api_path,
            "api_key": cls.server.api_key,
        })

    def setUp(self):
        super().setUp()
        # Every test starts with an empty store and a well-behaved server.
        self.server.store = FakeStore(STORE_HASH, api_base=self.server.base_url)
        self.server.scopes = set(ALL_SCOPES)
        self.server.quota = None
        self.server.clear_injections()
        self.server.reset_requests()

    def set_up_currency(self, code, rate=1.1):
        """Activate a currency and give it a rate for the company, as a merchant would."""
        currency = self.env["res.currency"].with_context(active_test=False).search([("name", "=", code)])
        currency.active = True
        if not currency.rate_ids.filtered(lambda r: r.company_id in (self.env.company, False)):
            self.env["res.currency.rate"].create({
                "currency_id": currency.id, "rate": rate, "name": "2020-01-01",
                "company_id": self.env.company.id})
        return currency

    @classmethod
    def make_user(cls, login, groups):
        return new_test_user(cls.env, login=login, groups=groups)
