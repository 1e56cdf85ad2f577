from . import bigcommerce_queued_order
from . import bigcommerce_sync_log
from . import bigcommerce_cart
