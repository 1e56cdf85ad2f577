"""Ready-made data: ``orders(n, products)`` (deterministic orders over a catalog, for
benchmarks and bulk tests) and ``populate_sandbox(store)`` (the sandbox store of
scripts/run.sh). Reached as ``factory.orders`` / ``factory.populate_sandbox``."""
import datetime as dt
import random
from decimal import Decimal

from .factory import COLOURS, SIZES, _slug, address, coupon, line, order, product, variant
from .store import UTC, as_utc

_FIRST = ['Jane', 'John', 'Alice', 'Bob', 'Carla', 'Dmitri', 'Emma', 'Farid', 'Greta', 'Hiro']
_LAST = ['Doe', 'Smith', 'Martin', 'Müller', 'Dubois', 'Jansen', 'Brown', 'Rossi', 'Garcia', 'Kelly']


def orders(n, products, seed=0, statuses=(11,), start=None, step_seconds=3600,
           store=None, **order_kwargs):
    """``n`` deterministic orders over ``products`` (1-3 lines, qty 1-3, a
    random variant when the product has options; ~30 % guests).
    date_created = start + i * step_seconds (default start 2025-01-01 UTC).
    With ``store`` they are added and the stored orders returned."""
    rng = random.Random(seed)
    start = as_utc(start) if start is not None else dt.datetime(2025, 1, 1, tzinfo=UTC)
    countries = ['US', 'US', 'US', 'GB', 'DE', 'FR', 'CA', 'AU', 'NL']
    result = []
    for i in range(n):
        picked = rng.sample(products, min(len(products), rng.randint(1, 3)))
        lines_ = []
        for p in picked:
            opts = [v for v in p.get('variants', []) if v.get('option_values')]
            lines_.append(line(p, rng.randint(1, 3), variant=rng.choice(opts) if opts else None))
        guest = rng.random() < 0.3
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        customer_id = 0 if guest else rng.randint(1, 50)
        email = '%s.%s%s@example.com' % (first.lower(), _slug(last), customer_id or '')
        kwargs = dict(customer_id=customer_id, status_id=statuses[i % len(statuses)],
                      billing=address(first, last, email, country_iso2=rng.choice(countries)),
                      shipping_cost=rng.choice([Decimal('0'), Decimal('5.00'), Decimal('9.99')]),
                      date_created=start + dt.timedelta(seconds=i * step_seconds))
        kwargs.update(order_kwargs)
        o = order(lines=lines_, **kwargs)
        result.append(store.add_order(o) if store is not None else o)
    return result


# ---------------------------------------------------------------- sandbox

def populate_sandbox(store):
    """Small deterministic sandbox (used by ``python -m fake_bigcommerce --seed``).

    Products 111-114 (simple), 115 (Hoodie: Size x Color variants, L/Blue
    custom priced); orders 101-106 in statuses 1, 11, 9, 10, 11 (EUR) and 11.
    Order dates are relative to the store clock (newest one hour ago).
    """
    simple = [
        product(id=111, name='Plain T-Shirt', sku='TSHIRT-PLAIN', price=Decimal('15.00'),
                description='<p>Cotton t-shirt.</p>', variants=[variant('TSHIRT-PLAIN', id=401)]),
        product(id=112, name='Coffee Mug', sku='MUG-01', price=Decimal('8.50'),
                description='<p>Stoneware mug, 350&nbsp;ml.</p>', variants=[variant('MUG-01', id=402)]),
        product(id=113, name='Notebook A5', sku='NB-A5', price=Decimal('4.25'),
                description='<p>Dotted <b>A5</b> notebook.</p>', variants=[variant('NB-A5', id=403)]),
        product(id=114, name='Linen Towel', sku='TOWEL-LIN', price=Decimal('12.00'),
                sale_price=Decimal('10.00'), description='<p>Linen towel.</p>',
                variants=[variant('TOWEL-LIN', id=404)]),
    ]
    hoodie_variants, vid = [], 410
    for size in SIZES:
        for colour in COLOURS:
            hoodie_variants.append(variant(
                'HOODIE-%s-%s' % (size, colour.upper()), id=vid,
                options={'Size': size, 'Color': colour},
                price=Decimal('42.00') if (size, colour) == ('L', 'Blue') else None))
            vid += 1
    hoodie = product(id=115, name='Hoodie', sku='HOODIE', price=Decimal('39.00'),
                     description='<p>Warm hoodie in three sizes and two colours.</p>',
                     variants=hoodie_variants)
    added = [store.add_product(p) for p in simple + [hoodie]]
    tshirt, mug, notebook, towel, hoodie = added
    l_blue = next(v for v in hoodie['variants'] if v['sku'] == 'HOODIE-L-BLUE')
    m_red = next(v for v in hoodie['variants'] if v['sku'] == 'HOODIE-M-RED')

    now = store.now()
    ago = lambda hours: now - dt.timedelta(hours=hours)  # noqa: E731
    jane = address('Jane', 'Doe', 'janedoe@example.com')
    john = address('John', 'Smith', 'john.smith@example.com', 'GB')
    anna = address('Anna', 'Müller', 'anna.mueller@example.com', 'DE')
    specs = [
        order(id=101, lines=[line(mug, 2)], customer_id=0, billing=jane, status_id=1,
              payment_status='pending', date_created=ago(120)),  # guest, Pending
        order(id=102, lines=[line(hoodie, 1, variant=l_blue), line(notebook, 3)],
              customer_id=7, billing=jane, status_id=11, shipping_cost=Decimal('5.00'),
              handling_cost=Decimal('2.00'), tax_rate=Decimal('0.0825'),
              date_created=ago(96)),  # registered, shipping + handling
        order(id=103, lines=[line(tshirt, 2), line(towel, 1)], customer_id=8, billing=john,
              status_id=9, coupon=coupon('SAVE5', Decimal('5.00'), coupon_id=1),
              shipping_cost=Decimal('4.95'), tax_rate=Decimal('0.20'), tax_inclusive=True,
              currency='GBP', date_created=ago(72)),  # coupon
        order(id=104, lines=[line(hoodie, 2, variant=m_red)], customer_id=7, billing=jane,
              status_id=10, tax_rate=Decimal('0.0825'), date_created=ago(48)),  # Completed
        order(id=105, lines=[line(mug, 1), line(tshirt, 1)], customer_id=0, billing=anna,
              status_id=11, currency='EUR', tax_rate=Decimal('0.19'), tax_inclusive=True,
              shipping_cost=Decimal('6.90'), payment_method='PayPal',
              date_created=ago(24)),  # EUR
        order(id=106, lines=[line(None, 1, name='Gift wrapping service', sku='SRV-WRAP',
                                  price=Decimal('3.50')), line(notebook, 1)],
              customer_id=9, billing=jane, status_id=11, discount_amount=Decimal('1.00'),
              payment_method='Cash', payment_status='', date_created=ago(1)),  # custom line
    ]
    return added, [store.add_order(o) for o in specs]
