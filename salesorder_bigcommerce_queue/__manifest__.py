{
    "name": "BigCommerce Connector (salesorder): Imports as Queue Jobs",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "summary": "Run the BigCommerce connector's order imports as OCA queue_job jobs, "
               "spread over Odoo's workers and servers.",
    "author": "salesorder_bigcommerce contributors",
    "website": "https://github.com/salesorder/salesorder_bigcommerce",
    "license": "LGPL-3",
    "depends": ["salesorder_bigcommerce", "queue_job"],
    "data": [
        "security/ir.model.access.csv",
        "data/queue_job_data.xml",
        "views/bigcommerce_cart_views.xml",
        "views/bigcommerce_sync_log_views.xml",
    ],
    "installable": True,
    "application": False,
    "auto_install": False,
}
