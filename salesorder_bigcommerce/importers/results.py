"""What an import run reports, item by item or order by order."""
from dataclasses import dataclass, field

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"     # an item already in Odoo exactly as the store has it: nothing written
SKIPPED = "skipped"
ALREADY = "already_imported"
FAILED = "failed"

# Flag of an item outcome: the store has no such product (any more).
NOT_IN_STORE = "not_in_store"


@dataclass
class Outcome:
    """The fate of one BigCommerce product or order in an import run."""
    bigcommerce_id: int
    label: str
    status: str
    reason: str = ""
    records: object = None     # the Odoo records made or found (a recordset)
    flags: list = field(default_factory=list)   # warnings that did not stop the import

    @property
    def ok(self):
        return self.status in (CREATED, UPDATED, UNCHANGED, ALREADY)


@dataclass
class ImportReport:
    outcomes: list = field(default_factory=list)
    notes: list = field(default_factory=list)   # what the run did beside its items/orders

    def add(self, outcome):
        self.outcomes.append(outcome)
        return outcome

    def by_status(self, status):
        return [o for o in self.outcomes if o.status == status]

    def counts(self):
        counts = {}
        for outcome in self.outcomes:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        return counts

    def summary(self):
        """'2 created, 1 skipped' in a stable order."""
        order = [CREATED, UPDATED, UNCHANGED, ALREADY, SKIPPED, FAILED]
        counts = self.counts()
        return ", ".join(f"{counts[s]} {s.replace('_', ' ')}" for s in order if counts.get(s))
