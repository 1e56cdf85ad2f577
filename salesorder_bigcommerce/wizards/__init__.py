from . import bigcommerce_item_import
