"""ORM-aware importers: BigCommerce value objects in, Odoo records out.

They know Odoo but not HTTP: the cart fetches payloads with the client and
hands the parsed value objects here.
"""
from . import results
from . import order_maths
from . import taxes
from . import cash_sale
from . import documents
from . import customers
from . import order_lines
from . import totals
from . import item_importer
from . import order_importer
from . import order_feed
from . import order_snapshot
from . import refund_maths
from . import order_changes
