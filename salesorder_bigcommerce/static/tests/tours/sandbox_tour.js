/** @odoo-module **/
/**
 * The newcomer's walk on the sandbox store (tests/test_tour.py sets it up,
 * as scripts/run.sh does): Sales › Configuration › BigCommerce › Shopping
 * Carts › Sandbox Store › Test Connection › List Items › import the Hoodie
 * (6 variants) › List Orders › import order 102 › the cart's Orders button
 * opens the pending document it became › Sales › Orders › BigCommerce
 * Pending lists it too.
 */
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const dialog = ".modal:not(.o_inactive_modal)";

registry.category("web_tour.tours").add("salesorder_bigcommerce_sandbox", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("sale.sale_menu_root", "Open Sales"),
        {
            content: "Open Configuration",
            trigger: '.o_main_navbar [data-menu-xmlid="sale.menu_sale_config"]',
            run: "click",
        },
        {
            content: "BigCommerce's menus are together under Configuration › BigCommerce",
            trigger: ".dropdown-header:contains(BigCommerce)",
        },
        {
            content: "Open Shopping Carts",
            trigger: '.dropdown-item[data-menu-xmlid="salesorder_bigcommerce.menu_bigcommerce_cart"]',
            run: "click",
        },
        {
            content: "Open the sandbox cart",
            trigger: ".o_list_view .o_data_row td[name=name]:contains(Sandbox Store)",
            run: "click",
        },
        {
            content: "Test Connection",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_test_connection]",
            run: "click",
        },
        {
            content: "The connection works",
            trigger: ".o_notification:contains(Connection successful):contains(hash sandbox)",
        },
        {
            content: "The store is shown on the cart",
            trigger: ".o_form_view .o_field_widget[name=store_name]:contains(BigCommerce Sandbox)",
        },
        // Items
        {
            content: "Items (Cart) tab",
            trigger: ".o_notebook a.nav-link[name=items_cart]",
            run: "click",
        },
        {
            content: "List Items",
            trigger: ".o_form_view button[name=action_list_items]",
            run: "click",
        },
        {
            content: "The store's items are listed",
            trigger: `${dialog} .o_field_widget[name=result]:contains(5 item(s) found)`,
        },
        {
            content: "Tick the Hoodie",
            trigger: `${dialog} .o_data_row:contains(HOODIE) .o_field_widget[name=selected] input`,
            run: "click",
        },
        {
            trigger: `${dialog} .o_data_row:contains(HOODIE) .o_field_widget[name=selected] input:checked`,
        },
        {
            content: "Import Selected Items",
            trigger: `${dialog} footer button[name=action_import]`,
            run: "click",
        },
        {
            content: "The Hoodie was imported",
            trigger: `${dialog} .o_data_row:contains(HOODIE) td[name=status]:contains(Created)`,
        },
        {
            trigger: `${dialog} .o_field_widget[name=result]:contains(Import finished)`,
        },
        {
            content: "Close the item list",
            trigger: `${dialog} footer button:contains(Close)`,
            run: "click",
        },
        // Orders
        {
            content: "Orders (Cart) tab",
            trigger: "body:not(:has(.modal)) .o_notebook a.nav-link[name=orders_cart]",
            run: "click",
        },
        {
            content: "List Orders",
            trigger: ".o_form_view button[name=action_list_orders]",
            run: "click",
        },
        {
            content: "The orders in Awaiting Fulfillment and Pending are listed",
            trigger: `${dialog} .o_field_widget[name=result]:contains(4 order(s))`,
        },
        {
            content: "Order 102 is the third (newest first)",
            trigger: `${dialog} .o_data_row:eq(2) td[name=bigcommerce_id]:contains(102)`,
        },
        {
            content: "Tick order 102",
            trigger: `${dialog} .o_data_row:eq(2) .o_field_widget[name=selected] input`,
            run: "click",
        },
        {
            trigger: `${dialog} .o_data_row:eq(2) .o_field_widget[name=selected] input:checked`,
        },
        {
            content: "Import Selected Orders",
            trigger: `${dialog} footer button[name=action_import]`,
            run: "click",
        },
        {
            content: "Order 102 was imported",
            trigger: `${dialog} .o_data_row:eq(2) td[name=result_status]:contains(Created)`,
        },
        {
            content: "Close the order list",
            trigger: `${dialog} footer button:contains(Close)`,
            run: "click",
        },
        // The document, from the cart's Orders button
        {
            content: "The Orders button counts the imported document",
            trigger: "body:not(:has(.modal)) .o_form_view button[name=action_view_documents]:contains(1)",
        },
        {
            content: "Open the imported documents",
            trigger: ".o_form_view button[name=action_view_documents]",
            run: "click",
        },
        {
            content: "Odoo's customer invoice list: the draft reads as BigCommerce order 102, for Jane Doe",
            trigger: ".o_list_view .o_data_row:contains(Jane Doe) td[name=bigcommerce_order_id]:contains(102)",
        },
        {
            content: "Open the pending cash sale of order 102 (the only document)",
            trigger: ".o_list_view .o_data_row:contains(Draft) td.o_data_cell[name=name]",
            run: "click",
        },
        {
            content: "It is a draft customer invoice for Jane Doe",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Draft)",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=partner_id]:contains(Jane Doe), .o_form_view .o_field_widget[name=partner_id] input:value(Jane Doe)",
        },
        {
            content: "with the Hoodie L/Blue on it",
            trigger: ".o_form_view .o_field_widget[name=invoice_line_ids] .o_data_row:contains(HOODIE-L-BLUE)",
        },
        // The pending list, from Sales
        {
            content: "Open Sales › Orders",
            trigger: '.o_main_navbar [data-menu-xmlid="sale.sale_order_menu"]',
            run: "click",
        },
        {
            content: "Open BigCommerce Pending",
            trigger: '.dropdown-item[data-menu-xmlid="salesorder_bigcommerce.menu_bigcommerce_pending"]',
            run: "click",
        },
        {
            content: "Order 102 waits there as an invoice",
            trigger: ".o_list_view .o_data_row:contains(Jane Doe):contains(102) td[name=document_type]:contains(Invoice)",
        },
        {
            content: "Open it from the pending list",
            trigger: ".o_list_view .o_data_row:contains(102) td[name=document_name]",
            run: "click",
        },
        {
            content: "The row opens the invoice itself",
            trigger: ".o_breadcrumb:contains(BigCommerce Pending):contains(Draft Invoice)",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=invoice_line_ids] .o_data_row:contains(HOODIE-L-BLUE)",
        },
    ],
});
