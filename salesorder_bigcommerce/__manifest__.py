{
    "name": "BigCommerce Connector (salesorder)",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "summary": "Import BigCommerce items as products and orders as pending "
               "cash sales, sales orders or invoices, by hand or on a schedule.",
    "author": "salesorder_bigcommerce contributors",
    "website": "https://github.com/salesorder/salesorder_bigcommerce",
    "license": "LGPL-3",
    "depends": ["sale_management", "account", "stock_account", "mail"],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "security/bigcommerce_security.xml",
        "security/ir.model.access.csv",
        "data/bigcommerce_order_status_data.xml",
        "data/product_category_data.xml",
        "data/product_data.xml",
        "views/bigcommerce_item_import_views.xml",
        "views/bigcommerce_order_import_views.xml",
        "views/sale_order_views.xml",
        "views/account_move_views.xml",
        "views/bigcommerce_cart_views.xml",
        "views/bigcommerce_order_status_views.xml",
        "views/bigcommerce_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "salesorder_bigcommerce/static/tests/tours/**/*",
        ],
    },
    "installable": True,
    "application": False,
}
