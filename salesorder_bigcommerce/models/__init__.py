from . import bigcommerce_order_status
from . import bigcommerce_document
from . import bigcommerce_cart
from . import bigcommerce_binding
from . import product
from . import sale_order
from . import account_move
