"""What an auto-sync pass reads and counts, in plain Python (no ORM).

StatusFeed pages through the orders of one BigCommerce status modified since
the cursor; SyncTotals keeps the numbers of a pass's sync log; StopPass ends
a pass early. The pass itself is on the cart (models/bigcommerce_sync.py).
"""
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime

from ..services.errors import BigCommerceError
from ..services.parsing import parse_datetime
from .results import ALREADY, CREATED, FAILED, SKIPPED, UPDATED

MAX_ERROR_LINES = 200          # per sync log


@dataclass
class FeedItem:
    """An order read by a pass: parsed, or why it was not (a services error, shown
    translated with exceptions.error_message, or a text)."""
    order_id: int
    date_modified: datetime | None
    order: object = None
    error: object = ""
    # An order read without a readable date: the date of the order read just before it
    # (or the date the page was read from), which its own date cannot be before.
    floor: datetime | None = None

    @property
    def key(self):
        return (self.date_modified or datetime.min, self.order_id)


class StatusFeed:
    """The orders of one BigCommerce status (or of all, status None) modified since a
    moment, oldest change first.

    Pages are read one at a time, each query starting again from the latest
    date_modified read so far (keyset pagination) instead of asking for the next
    page number: an order changed during the pass jumps to the end of the date
    order and would shift every later order one place back, hiding one order at
    each page boundary for good.
    """

    def __init__(self, client, status_id, since, page_size):
        self.client = client
        self.status_id = status_id
        self.since = since
        self.page_size = page_size
        self.buffer = deque()
        self.exhausted = False

    def head(self, done):
        """The next order whose id is not in `done` (reading a page when needed), or None."""
        while True:
            while self.buffer and self.buffer[0].order_id in done:
                self.buffer.popleft()
            if self.buffer or self.exhausted:
                return self.buffer[0] if self.buffer else None
            self._read_page(done)

    def take(self):
        return self.buffer.popleft()

    def _read_page(self, done):
        errors = []
        orders = self.client.iter_orders(
            status_id=self.status_id, min_date_modified=self.since, sort="date_modified:asc",
            with_lines=True, page_size=self.page_size,
            on_payload_error=lambda error, raw: errors.append(
                (error, raw, items[-1].date_modified if items else self.since)))
        items, fresh, boundary = [], 0, self.page_size
        try:
            for order in orders:
                items.append(FeedItem(order.id, order.date_modified, order=order))
                fresh += order.id not in done
                if len(items) + len(errors) >= boundary:
                    if fresh:
                        break
                    # A whole page of orders sharing the last date, all seen: read on.
                    boundary += self.page_size
            else:
                self.exhausted = True
        finally:
            orders.close()
        items += [self._unparsed(error, raw, floor) for error, raw, floor in errors]
        items.sort(key=lambda item: item.key)
        dates = [item.date_modified for item in items if item.date_modified]
        if dates:
            self.since = max(dates)
        self.buffer.extend(items)

    @staticmethod
    def _unparsed(error, raw, floor=None):
        raw = raw if isinstance(raw, dict) else {}
        try:
            order_id = int(raw.get("id") or 0)
        except (TypeError, ValueError):
            order_id = 0
        try:
            date_modified = parse_datetime(raw.get("date_modified"))
        except BigCommerceError:
            date_modified = None
        return FeedItem(order_id, date_modified, error=error, floor=floor)


def next_batch(feeds, done, size):
    """Up to `size` new orders from all feeds, in (date_modified, id) order, and the
    BigCommerceError that cut the batch short (None when none did).

    An order is taken only when every feed has been read past it, so a batch cut
    short by an error still holds exactly the oldest changes: the cursor may
    advance to its last order."""
    batch = []
    try:
        while len(batch) < size:
            heads = [(item.key, index) for index, feed in enumerate(feeds)
                     if (item := feed.head(done)) is not None]
            if not heads:
                break
            item = feeds[min(heads)[1]].take()
            done.add(item.order_id)
            batch.append(item)
    except BigCommerceError as error:
        return batch, error
    return batch, None


@dataclass
class SyncTotals:
    """What a pass did so far (the numbers of its sync log)."""
    env: object                # for translations
    generation: int = 0        # the cart's sync_generation when the pass began
    cursor_cap: object = None  # the cursor may not pass this date (an unreadable order)
    seen: int = 0
    imported: int = 0
    already: int = 0
    failed: int = 0
    skipped: int = 0
    errors: list = field(default_factory=list)

    def add(self, report):
        for outcome in report.outcomes:
            self.seen += 1
            if outcome.status in (CREATED, UPDATED):
                self.imported += 1   # imported, or an imported order's change followed
            elif outcome.status == ALREADY:
                self.already += 1
            elif outcome.status == SKIPPED:
                self.skipped += 1
            elif outcome.status == FAILED:
                self.failed += 1
                self.errors.append(f"{outcome.label}: {outcome.reason}")

    def log_values(self):
        lines = self.errors[:MAX_ERROR_LINES]
        if len(self.errors) > MAX_ERROR_LINES:
            lines.append(self.env._("… and %s more.", len(self.errors) - MAX_ERROR_LINES))
        return {
            "orders_seen": self.seen,
            "orders_imported": self.imported,
            "orders_already_imported": self.already,
            "orders_failed": self.failed,
            "orders_skipped": self.skipped,
            "error_text": "\n".join(lines) or False,
        }

    def summary(self):
        return self.env._("%(imported)s imported, %(already)s already imported, %(failed)s failed, "
                 "%(skipped)s skipped (%(seen)s orders seen).",
                 imported=self.imported, already=self.already, failed=self.failed,
                 skipped=self.skipped, seen=self.seen)


class StopPass(Exception):
    """Ends a pass early with a state ('stopped', 'failed') and a message."""

    def __init__(self, state, message):
        super().__init__(message)
        self.state = state
        self.message = message
