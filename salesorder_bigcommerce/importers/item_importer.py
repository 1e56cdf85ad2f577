"""BigCommerce catalog products -> Odoo products (one product.product per SKU)."""
import logging
from collections import defaultdict

import psycopg2

from odoo.exceptions import UserError, ValidationError

from .results import CREATED, SKIPPED, UPDATED, ImportReport, Outcome

_logger = logging.getLogger(__name__)


class ItemImporter:
    """Creates or updates the Odoo products of a cart's BigCommerce items.

    Each BigCommerce product is imported in its own savepoint: a product that
    cannot be imported is reported as skipped, with its reason, and leaves
    nothing behind, while the others go on.
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
                               SKIPPED, str(error)))
        duplicates = self._duplicate_skus(products)
        for product in products:
            label = f"{product.sku or '-'} {product.name}".strip()
            reason = self._refusal(product, duplicates)
            if reason:
                report.add(Outcome(product.id, label, SKIPPED, reason))
                continue
            try:
                with self.env.cr.savepoint():
                    records, created = self._import_product(product)
            except (UserError, ValidationError, psycopg2.IntegrityError) as error:
                message = getattr(error, "args", [str(error)])[0] or str(error)
                _logger.info("BigCommerce product %s skipped: %s", product.id, message)
                report.add(Outcome(product.id, label, SKIPPED, str(message)))
            else:
                report.add(Outcome(product.id, label, CREATED if created else UPDATED,
                                   records=records))
        return report

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------

    @staticmethod
    def sellable_variants(product):
        """(variant or None, sku, price) for each SKU the product sells."""
        if product.has_options:
            return [(v, v.sku.strip(), product.effective_price(v)) for v in product.variants]
        base = product.variants[0] if product.variants else None
        sku = (product.sku or (base.sku if base else "")).strip()
        return [(base, sku, product.effective_price(base))]

    def _duplicate_skus(self, products):
        """sku -> labels of the BigCommerce products/variants using it, where more than one does."""
        users = defaultdict(set)
        for product in products:
            for variant, sku, _price in self.sellable_variants(product):
                if sku:
                    users[sku].add((product.id, variant.id if variant else 0))
        # SKUs already linked in this cart to another BigCommerce variant count too.
        if users:
            for binding in self.Binding.search([("cart_id", "=", self.cart.id), ("sku", "in", list(users))]):
                users[binding.sku].add((binding.bigcommerce_product_id, binding.bigcommerce_variant_id))
        return {sku: keys for sku, keys in users.items() if len(keys) > 1}

    def _refusal(self, product, duplicates):
        """Why `product` cannot be imported, or ''."""
        for variant, sku, _price in self.sellable_variants(product):
            where = self.env._("variant %(options)s", options=variant.options_label) \
                if variant is not None and variant.option_values else self.env._("the product")
            if not sku:
                return self.env._("%(where)s has no SKU in BigCommerce; give it one to import it.", where=where)
            if sku in duplicates:
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
            "list_price": float(product.price),
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
                record.product_tmpl_id.write(self._template_values(product))
            # A variant of an Odoo product with several variants keeps its template's
            # name and price: only its own price is made to match.
            record.write({"default_code": sku})
            self._set_variant_price(record, price)
        else:
            template = self.Template.create(
                dict(self._new_template_values(product), default_code=sku, list_price=float(price)))
            record = template.product_variant_id
        self._bind(binding, product.id, variant_id, record, sku)
        return record, created

    def _import_product_with_variants(self, product):
        bindings = self.Binding.search([("cart_id", "=", self.cart.id),
                                        ("bigcommerce_product_id", "=", product.id)])
        by_variant = {b.bigcommerce_variant_id: b for b in bindings}
        template = bindings.product_id.product_tmpl_id[:1]
        created = False
        records = self.Product.browse()
        # Variants already known, or whose SKU an Odoo product already has.
        pending = []
        for variant, sku, price in self.sellable_variants(product):
            binding = by_variant.get(variant.id, self.Binding.browse())
            record = binding.product_id or self._find_by_sku(sku)
            if record:
                records |= self._update_variant(record, binding, product, variant, sku, price)
                template = template or (record.product_tmpl_id
                                        if record.product_tmpl_id.attribute_line_ids else template)
            else:
                pending.append((variant, sku, price))
        if template:
            template.write(self._template_values(product))
        if pending:
            if not template:
                template = self.Template.create(self._new_template_values(product))
                created = True
            records |= self._create_variants(template, product, pending)
        return records, created

    def _update_variant(self, record, binding, product, variant, sku, price):
        record.write({"default_code": sku, "active": True})
        self._set_variant_price(record, price)
        self._bind(binding, product.id, variant.id, record, sku)
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
        unused.write({"active": False})
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
            attribute = Attribute.search([("name", "=ilike", name), ("create_variant", "=", "always")], limit=1)
            self._attributes[name] = attribute or Attribute.create(
                {"name": name, "create_variant": "always", "display_type": "radio"})
        return self._attributes[name]

    def _attribute_value(self, attribute, label):
        label = label.strip() or "-"
        value = attribute.value_ids.filtered(lambda v: v.name.lower() == label.lower())[:1]
        return value or self.env["product.attribute.value"].create(
            {"attribute_id": attribute.id, "name": label})

    def _variant_for_options(self, template, variant):
        wanted = {(self._attribute(o.option_name).id, self._attribute_value(self._attribute(o.option_name), o.label).id)
                  for o in variant.option_values}
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
        """Make the variant's sales price equal BigCommerce's `price`."""
        if self._is_single(record):
            record.product_tmpl_id.list_price = float(price)
            record.bigcommerce_price_extra = 0.0
            return
        attribute_extra = sum(record.product_template_attribute_value_ids.mapped("price_extra"))
        record.bigcommerce_price_extra = float(price) - record.product_tmpl_id.list_price - attribute_extra

    # ------------------------------------------------------------------
    # Lookups
    # ------------------------------------------------------------------

    def _binding(self, product_id, variant_id):
        return self.Binding.search([("cart_id", "=", self.cart.id),
                                    ("bigcommerce_product_id", "=", product_id),
                                    ("bigcommerce_variant_id", "=", variant_id)], limit=1)

    def _bind(self, binding, product_id, variant_id, record, sku):
        values = {"product_id": record.id, "sku": sku}
        if binding:
            if binding.product_id != record or binding.sku != sku:
                binding.write(values)
        else:
            self.Binding.create(dict(values, cart_id=self.cart.id,
                                     bigcommerce_product_id=product_id,
                                     bigcommerce_variant_id=variant_id))

    def _find_by_sku(self, sku):
        """The Odoo product with Internal Reference `sku` in the cart's company (or shared)."""
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
        return found[:1]

    def _product_category(self):
        if self._category is None:
            self._category = self.cart._get_product_category()
        return self._category
