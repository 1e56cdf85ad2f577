from . import bigcommerce_queued_order
from . import bigcommerce_sync_log
from . import bigcommerce_cart
from . import bigcommerce_cart_sync
from . import bigcommerce_cart_recovery
