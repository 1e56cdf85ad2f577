from . import bigcommerce_order_status
from . import bigcommerce_cart
from . import product
