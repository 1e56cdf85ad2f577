from . import bigcommerce_import_wizard
from . import bigcommerce_item_import
from . import bigcommerce_order_import
