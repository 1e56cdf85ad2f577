"""ORM-aware importers: BigCommerce value objects in, Odoo records out.

They know Odoo but not HTTP: the cart fetches payloads with the client and
hands the parsed value objects here.
"""
from . import item_importer
from . import order_importer
from . import results
