"""BigCommerce catalog products -> Odoo products (one product.product per variant)."""
import logging
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import psycopg2

from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

from ..exceptions import error_message
from .results import CREATED, SKIPPED, UNCHANGED, UPDATED, ImportReport, Outcome

_logger = logging.getLogger(__name__)


class ItemImporter:
    """Creates or updates the Odoo products of a cart's BigCommerce items.

    Each BigCommerce product is imported in its own savepoint: a product that
    cannot be imported is reported as skipped, with its reason, and leaves
    nothing behind, while the others go on.

    A BigCommerce (product, variant) is found again through its link
    (bigcommerce.product.binding), else through its SKU (Internal Reference);
    an item without SKU only through its link. Only values that differ are
    written: re-importing an unchanged item writes nothing, and is reported
    UNCHANGED rather than UPDATED.

    Importing an item with variants turns on Odoo's Variants setting (as
    ticking Variants in the Sales settings does), so that the product form
    shows the variants with their Internal Reference and price.
    """

    def __init__(self, cart):
        self.cart = cart
        self.env = cart.env
        self.Binding = self.env["bigcommerce.product.binding"]
        self.Product = self.env["product.product"].with_context(active_test=False)
        # Imported products need no creation message, tracking or follower.
        self.Template = self.env["product.template"].with_context(
            tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True)
        self._attributes = {}
        self._category = None
        self._digits = None
        self._writes = 0        # records written or created for the product being imported

    # ------------------------------------------------------------------
    # Entry point
    # ------------------------------------------------------------------

    def import_products(self, products, parse_errors=(), report=None):
        """Import `products` (payloads.Product); `parse_errors` are (error, raw)
        pairs for products whose payload did not parse. Returns an ImportReport."""
        report = report or ImportReport()
        for error, raw in parse_errors:
            raw = raw if isinstance(raw, dict) else {}
            report.add(Outcome(raw.get("id") or 0, raw.get("name") or raw.get("sku") or "?",
                               SKIPPED, error_message(self.env, error)))
        duplicates = self._duplicate_skus(products)
        with_variants = False
        for product in products:
            label = f"{product.sku or '-'} {product.name}".strip()
            reason = self._refusal(product, duplicates)
            if reason:
                report.add(Outcome(product.id, label, SKIPPED, reason))
                continue
            self._writes = 0
            try:
                with self.env.cr.savepoint():
                    records, created = self._import_product(product)
            except (UserError, ValidationError, psycopg2.Error) as error:
                # Any database error (a row made meanwhile by a concurrent run, a deadlock)
                # skips this item only: the savepoint undid it, the page goes on.
                message = getattr(error, "args", [str(error)])[0] or str(error)
                _logger.info("BigCommerce product %s skipped: %s", product.id, message)
                report.add(Outcome(product.id, label, SKIPPED, str(message)))
            else:
                status = CREATED if created else UPDATED if self._writes else UNCHANGED
                report.add(Outcome(product.id, label, status, records=records))
                with_variants = with_variants or product.has_options
        if with_variants and self._enable_variants():
            report.notes.append(self.env._(
                "Odoo's Variants setting was turned on (Sales › Configuration › Settings › Variants): "
                "the product form now lists each variant with its Internal Reference and price."))
        return report

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------

    @staticmethod
    def sellable_variants(product):
        """(variant or None, sku, price) for each variant the product sells; sku may be ''."""
        if product.has_options:
            return [(v, v.sku.strip(), product.effective_price(v)) for v in product.variants]
        base = product.variants[0] if product.variants else None
        sku = (product.sku or (base.sku if base else "")).strip()
        return [(base, sku, product.effective_price(base))]

    def _duplicate_skus(self, products):
        """sku -> (product id, variant id) of the BigCommerce variants using it, where more
        than one does. Variants without SKU are no duplicates of each other."""
        users = defaultdict(set)
        imported = set()
        for product in products:
            for variant, sku, _price in self.sellable_variants(product):
                key = (product.id, variant.id if variant else 0)
                imported.add(key)
                if sku:
                    users[sku].add(key)
        # SKUs already linked in this cart to another BigCommerce variant count too; the
        # links of the variants imported now have the SKU their payload says.
        if users:
            for binding in self.Binding.search([("cart_id", "=", self.cart.id), ("sku", "in", list(users))]):
                key = (binding.bigcommerce_product_id, binding.bigcommerce_variant_id)
                if key not in imported:
                    users[binding.sku].add(key)
        return {sku: keys for sku, keys in users.items() if len(keys) > 1}

    def _refusal(self, product, duplicates):
        """Why `product` cannot be imported, or ''. A missing SKU is no reason:
        SKUs are optional in BigCommerce, and such an item is found again by its link."""
        for _variant, sku, _price in self.sellable_variants(product):
            if sku and sku in duplicates:
                others = sorted({str(pid) for pid, _vid in duplicates[sku]})
                return self.env._("SKU %(sku)s is used more than once in the store (products %(ids)s); "
                         "SKUs must be unique to import.", sku=sku, ids=", ".join(others))
        return ""

    # ------------------------------------------------------------------
    # Import
    # ------------------------------------------------------------------

    def _import_product(self, product):
        if product.has_options:
            return self._import_product_with_variants(product)
        return self._import_simple_product(product)

    def _template_values(self, product):
        return {
            "name": product.name,
            "description_sale": product.description_text or False,
            "list_price": self._cents(product.price),
        }

    def _new_template_values(self, product):
        return dict(
            self._template_values(product),
            type="consu",
            is_storable=True,
            sale_ok=True,
            uom_id=self.env.ref("uom.product_uom_unit").id,
            uom_po_id=self.env.ref("uom.product_uom_unit").id,
            categ_id=self._product_category().id,
            invoice_policy="order",
        )

    def _import_simple_product(self, product):
        (variant, sku, price), = self.sellable_variants(product)
        variant_id = variant.id if variant else 0
        binding = self._binding(product.id, variant_id)
        record = binding.product_id or self._find_by_sku(sku)
        created = not record
        if record:
            if self._is_single(record):
                self._write_changed(record.product_tmpl_id,
                                    dict(self._template_values(product), list_price=self._cents(price)))
            # A variant of an Odoo product with several variants keeps its template's
            # name and price: only its own price is made to match.
            self._write_changed(record, {"default_code": sku or False})
            self._set_variant_price(record, price)
        else:
            template = self.Template.create(
                dict(self._new_template_values(product), default_code=sku or False,
                     list_price=self._cents(price)))
            self._writes += 1
            record = template.product_variant_id
        self._bind(binding, product.id, variant_id, record, sku, product.raw.get("inventory_tracking"))
        return record, created

    def _import_product_with_variants(self, product):
        bindings = self.Binding.search([("cart_id", "=", self.cart.id),
                                        ("bigcommerce_product_id", "=", product.id)])
        by_variant = {b.bigcommerce_variant_id: b for b in bindings}
        # Variants already known, or whose SKU an Odoo product already has.
        matched, pending = [], []
        for variant, sku, price in self.sellable_variants(product):
            binding = by_variant.get(variant.id, self.Binding.browse())
            record = binding.product_id or self._find_by_sku(sku)
            if record:
                matched.append((record, binding, variant, sku, price))
            else:
                pending.append((variant, sku, price))
        template = self._own_template(bindings.product_id.union(*(m[0] for m in matched)))
        created = False
        # The template's price first: each variant's extra is what BigCommerce's
        # price adds to the template's new price, not to its old one.
        if template:
            self._write_changed(template, self._template_values(product))
        elif pending:
            template = self.Template.create(self._new_template_values(product))
            self._writes += 1
            created = True
        records = self.Product.browse()
        for record, binding, variant, sku, price in matched:
            records |= self._update_variant(record, binding, product, variant, sku, price)
        if pending:
            records |= self._create_variants(template, product, pending)
        return records, created

    @staticmethod
    def _own_template(records):
        """The Odoo product with variants standing for the BigCommerce product whose
        variants are `records`: one all of whose variants are among them. A product
        only one variant of which was matched (by SKU) keeps its name and price, and
        gets no new variants; nor does a single-variant product."""
        for template in records.product_tmpl_id:
            variants = template.with_context(active_test=True).product_variant_ids
            if template.attribute_line_ids and not variants - records:
                return template
        return records.product_tmpl_id.browse()

    def _update_variant(self, record, binding, product, variant, sku, price):
        self._write_changed(record, {"default_code": sku or False, "active": True})
        self._set_variant_price(record, price)
        self._bind(binding, product.id, variant.id, record, sku, product.raw.get("inventory_tracking"))
        return record

    def _create_variants(self, template, product, pending):
        """Add the pending variants' option values to `template` and bind its variants."""
        before = set(template.with_context(active_test=False).product_variant_ids.ids)
        lines = {line.attribute_id: line for line in template.attribute_line_ids}
        commands = []
        for attribute, values in self._attribute_values(pending).items():
            line = lines.get(attribute)
            if line:
                missing = values - line.value_ids
                if missing:
                    commands.append((1, line.id, {"value_ids": [(4, v.id) for v in missing]}))
            else:
                commands.append((0, 0, {"attribute_id": attribute.id, "value_ids": [(6, 0, values.ids)]}))
        if commands:
            template.write({"attribute_line_ids": commands})
            self._writes += 1
        records = self.Product.browse()
        for variant, sku, price in pending:
            record = self._variant_for_options(template, variant)
            if not record:
                raise UserError(self.env._("Variant %(options)s could not be made in Odoo.",
                                  options=variant.options_label))
            records |= self._update_variant(record, self.Binding.browse(), product, variant, sku, price)
        # Odoo makes every combination of the values; BigCommerce may sell fewer.
        unused = template.with_context(active_test=False).product_variant_ids.filtered(
            lambda p: p.id not in before and p not in records)
        if unused:
            unused.write({"active": False})
            self._writes += 1
        return records

    def _attribute_values(self, pending):
        """product.attribute -> product.attribute.value recordset needed by the pending variants."""
        needed = defaultdict(lambda: self.env["product.attribute.value"])
        for variant, _sku, _price in pending:
            for option in variant.option_values:
                attribute = self._attribute(option.option_name)
                needed[attribute] |= self._attribute_value(attribute, option.label)
        return needed

    def _attribute(self, name):
        name = name.strip() or self.env._("Option")
        if name not in self._attributes:
            Attribute = self.env["product.attribute"]
            attribute = Attribute.search(
                [("name", "=ilike", name), ("create_variant", "=", "always")], limit=1)
            self._attributes[name] = attribute or Attribute.create(
                {"name": name, "create_variant": "always", "display_type": "radio"})
        return self._attributes[name]

    def _attribute_value(self, attribute, label):
        label = label.strip() or "-"
        value = attribute.value_ids.filtered(lambda v: v.name.lower() == label.lower())[:1]
        return value or self.env["product.attribute.value"].create(
            {"attribute_id": attribute.id, "name": label})

    def _variant_for_options(self, template, variant):
        wanted = set()
        for option in variant.option_values:
            attribute = self._attribute(option.option_name)
            wanted.add((attribute.id, self._attribute_value(attribute, option.label).id))
        for record in template.with_context(active_test=False).product_variant_ids:
            combination = {(ptav.attribute_id.id, ptav.product_attribute_value_id.id)
                           for ptav in record.product_template_attribute_value_ids}
            if combination == wanted:
                return record
        return self.Product.browse()

    @staticmethod
    def _is_single(record):
        """Whether the product is its template's only variant."""
        template = record.product_tmpl_id
        return len(template.product_variant_ids) <= 1 and not template.attribute_line_ids

    def _set_variant_price(self, record, price):
        """Make the variant's sales price equal BigCommerce's `price`, against the
        template's price as it stands: write the template's price first."""
        if self._is_single(record):
            self._write_changed(record.product_tmpl_id, {"list_price": self._cents(price)})
            self._write_changed(record, {"bigcommerce_price_extra": 0.0})
            return
        # In decimals, so that template price, attribute extras and this extra add up to the cent.
        extras = record.product_template_attribute_value_ids.mapped("price_extra")
        explained = self._decimal(record.product_tmpl_id.list_price) + sum(
            self._decimal(extra) for extra in extras)
        self._write_changed(record, {"bigcommerce_price_extra": float(self._decimal(price) - explained)})

    def _price_digits(self):
        if self._digits is None:
            self._digits = self.env["decimal.precision"].precision_get("Product Price")
        return self._digits

    def _decimal(self, amount):
        """`amount` (Decimal or float) rounded half up to the product price precision."""
        quantum = Decimal(1).scaleb(-self._price_digits())
        return Decimal(str(amount)).quantize(quantum, rounding=ROUND_HALF_UP)

    def _cents(self, amount):
        return float(self._decimal(amount))

    def _write_changed(self, record, values):
        """Write the `values` that differ from the record's; floats compared at their
        precision, empty texts alike. Returns whether anything was written."""
        changed = {}
        for name, value in values.items():
            field, current = record._fields[name], record[name]
            if field.type == "float":
                digits = field.get_digits(self.env)
                same = float_compare(current, value, precision_digits=digits[1]) == 0 if digits \
                    else current == value
            else:
                same = (current or False) == (value or False)
            if not same:
                changed[name] = value
        if changed:
            record.write(changed)
            self._writes += 1
        return bool(changed)

    # ------------------------------------------------------------------
    # Lookups
    # ------------------------------------------------------------------

    def _binding(self, product_id, variant_id):
        return self.Binding.search([("cart_id", "=", self.cart.id),
                                    ("bigcommerce_product_id", "=", product_id),
                                    ("bigcommerce_variant_id", "=", variant_id)], limit=1)

    def _bind(self, binding, product_id, variant_id, record, sku, tracking=None):
        values = {"product_id": record.id, "sku": sku or False}
        if tracking in ("none", "product", "variant"):    # how the stock export sends the item
            values["inventory_tracking"] = tracking
        if binding:
            if binding.product_id != record or (binding.sku or "") != sku or \
                    binding.inventory_tracking != values.get("inventory_tracking", binding.inventory_tracking):
                binding.write(values)
                self._writes += 1
        else:
            self.Binding.create(dict(values, cart_id=self.cart.id,
                                     bigcommerce_product_id=product_id,
                                     bigcommerce_variant_id=variant_id))
            self._writes += 1

    def _find_by_sku(self, sku):
        """The Odoo product with Internal Reference `sku` in the cart's company (or shared);
        none for an empty `sku`: an item without SKU is only found by its link."""
        if not sku:
            return self.Product.browse()
        company = self.cart.company_id
        found = self.Product.search([("default_code", "=", sku),
                                     ("company_id", "in", [False, company.id])], order="active desc, id")
        if len(found) > 1:
            found = found.filtered("active") or found
        if len(found.filtered("active")) > 1:
            raise UserError(self.env._("Several Odoo products have the Internal Reference %(sku)s; "
                              "keep one to import this item.", sku=sku))
        if found[:1] and not found[:1].active:
            found[:1].active = True
            self._writes += 1
        return found[:1]

    def _enable_variants(self):
        """Turn on Odoo's Variants setting for every internal user, as the Sales settings
        do (product.group_product_variant implied by base.group_user). Returns whether
        it was off. Done as superuser: the cart's manager need not be a settings admin."""
        employees = self.env.ref("base.group_user").sudo()
        variants = self.env.ref("product.group_product_variant").sudo()
        if variants in employees.implied_ids:
            return False
        employees._apply_group(variants)
        return True

    def _product_category(self):
        if self._category is None:
            self._category = self.cart._get_product_category()
        return self._category
