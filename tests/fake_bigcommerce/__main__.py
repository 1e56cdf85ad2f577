"""Run the fake in the foreground:

    python -m fake_bigcommerce --port 8070 --store-hash sandbox \
        --token TOKEN --client-id CLIENTID --seed

``--seed`` loads the small deterministic sandbox (factory.populate_sandbox).
"""
# A command-line program: print is its output.
# pylint: disable=print-used
import argparse
import signal
import sys
import threading

from . import factory
from .server import FakeBigCommerce


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python -m fake_bigcommerce', description=__doc__.split('\n')[0])
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=8070, help='0 = any free port')
    parser.add_argument('--store-hash', default='sandbox')
    parser.add_argument('--token', default='TOKEN', help='the access token (X-Auth-Token)')
    parser.add_argument('--client-id', default='CLIENTID')
    parser.add_argument('--seed', action='store_true', help='load the sandbox catalog and orders')
    parser.add_argument('--quota', type=int, default=None, help='requests per 30 s window (429 beyond)')
    parser.add_argument('--verbose', action='store_true', help='log every request')
    args = parser.parse_args(argv)

    server = FakeBigCommerce(store_hash=args.store_hash, access_token=args.token,
                             client_id=args.client_id, port=args.port, host=args.host)
    server.quota, server.verbose = args.quota, args.verbose
    if args.seed:
        products, orders = factory.populate_sandbox(server.store)
        print('Seeded %d products and %d orders.' % (len(products), len(orders)))
    server.start()
    print('API Path: %s' % server.api_path)
    print('API Key:  %s' % server.api_key)
    sys.stdout.flush()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        sys.stderr.write('Interrupted: stopping.\n')
    server.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
