"""Import benchmark with OCA queue_job: a backlog of orders over 1, 2, 4 job workers.

Run through scripts/bench_jobs.sh, which builds the database (the connector, its
bridge salesorder_bigcommerce_queue and queue_job installed):

    python bench/bench_jobs.py --db sobc_bench_jobs --orders 20000 --workers 1 2 4

Once: a fake store with a 50-item catalog (10 items with 6 variants) and N
generated orders (8.25 % tax, shipping, guests and 50 registered customers), the
cart and its catalog imported in --db. Then for each worker count W, on a copy of
--db: an Odoo server on --port with ``--workers=W --load=web,queue_job`` and the
job runner's channels ``root:W,root.bigcommerce:W``; one auto-sync pass (run here)
hands the backlog to jobs, page by page; the clock runs from the start of the pass
until no import job is waiting or running. Prints one row per W: orders imported,
seconds, orders per second, speed-up over one worker, jobs (of which failed, and
one-order jobs), API requests per order, the machine's CPU use, and the CPU
seconds of Odoo (server, job runner and workers), PostgreSQL, the fake store, this
process (the pass) and whatever else ran meanwhile ("other": large means a run
disturbed by other work on the machine). Every process started here is stopped by its id at the end.
"""
# A command-line program: print is its output.
# pylint: disable=print-used
import argparse
import multiprocessing
import os
import signal
import subprocess
import sys
import time
import urllib.request

import psutil

os.environ["TZ"] = "UTC"   # as Odoo's own launcher does (queue_job dates are naive UTC)
time.tzset()

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests"))

STORE_HASH, TOKEN, CLIENT = "bench", "bench-token", "bench-client"
WAITING = ("wait_dependencies", "pending", "enqueued", "started")


def serve_store(n_orders, ready, port_box, request_count):
    """Child process: a fake store with a catalog and n generated orders."""
    from decimal import Decimal

    from fake_bigcommerce import FakeBigCommerce, factory

    server = FakeBigCommerce(store_hash=STORE_HASH, access_token=TOKEN, client_id=CLIENT, port=0)
    products = factory.catalog(50, variants_every=5, store=server.store)
    factory.orders(n_orders, products, seed=1, statuses=(11,), step_seconds=60,
                   store=server.store, tax_rate=Decimal("0.0825"))
    port_box.value = server.port
    server.start()
    ready.set()
    while True:
        time.sleep(0.5)
        request_count.value = len(server.requests)


def psql(db, sql):
    out = subprocess.run(["psql", "-d", db, "-tAc", sql], check=True, capture_output=True, text=True).stdout
    return out.strip()


def copy_database(template, name):
    """`name` as a copy of `template`, with its filestore."""
    from odoo.tools import config

    subprocess.run(["dropdb", "--if-exists", "--force", name], check=True)
    subprocess.run(["createdb", "-T", template, name], check=True)
    source, target = config.filestore(template), config.filestore(name)
    subprocess.run(["rm", "-rf", target], check=True)
    if os.path.isdir(source):
        subprocess.run(["cp", "-a", source, target], check=True)


def drop_database(name):
    from odoo.tools import config

    subprocess.run(["dropdb", "--if-exists", "--force", name], check=True)
    subprocess.run(["rm", "-rf", config.filestore(name)], check=True)


def prepare(db, api_path, order_type):
    """The cart and its catalog in `db` (the template of every run)."""
    import odoo
    from odoo import SUPERUSER_ID, api

    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["ir.config_parameter"].set_param("salesorder_bigcommerce.sync_time_budget", 24 * 3600)
        env["ir.config_parameter"].set_param("salesorder_bigcommerce_queue.use_jobs", "True")
        values = {
            "name": "Benchmark", "api_path": api_path, "api_key": f"{CLIENT}:{TOKEN}",
            "import_orders_as": order_type, "auto_sync": "stopped",
            "import_status_ids": [(6, 0, env["bigcommerce.order.status"].search(
                [("bigcommerce_id", "=", 11)]).ids)],
        }
        # Run again on the same database: the cart follows the store's new port.
        cart = env["bigcommerce.cart"].search([("name", "=", "Benchmark")], limit=1)
        if cart:
            cart.write(values)
        else:
            cart = env["bigcommerce.cart"].create(values)
        started = time.perf_counter()
        cart.import_items([p.id for p in cart._get_client().iter_products(include_variants=False)])
        catalog_seconds = time.perf_counter() - started
        cart_id = cart.id
        # The benchmark's own database: the cart and its catalog are kept for the runs.
        cr.commit()  # pylint: disable=invalid-commit
    odoo.sql_db.close_db(db)
    return cart_id, catalog_seconds


def start_server(db, port, workers, log_path):
    """An Odoo server with the job runner, in a process group of its own."""
    env = dict(os.environ, ODOO_QUEUE_JOB_CHANNELS=f"root:{workers},root.bigcommerce:{workers}")
    command = [sys.executable, os.path.join(REPO, "scripts", "odoo_checkout.py"), "-d", db,
               "--db-filter", f"^{db}$", "--http-port", str(port), "--workers", str(workers),
               "--max-cron-threads", "0", "--load", "web,queue_job", "--log-level", "warn",
               "--limit-time-real", "900", "--limit-time-cpu", "600", "--logfile", log_path]
    process = subprocess.Popen(command, env=env, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the Odoo server stopped at once (exit {process.returncode}); see {log_path}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/web/health", timeout=2) as answer:
                if answer.status == 200:
                    return process
        except OSError:
            time.sleep(0.5)
    stop_server(process)
    sys.exit(f"the Odoo server did not answer on port {port}; see {log_path}")


def stop_server(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def cpu_seconds(processes):
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue    # ended meanwhile
        total += times.user + times.system
    return total


def tree(pid):
    try:
        root = psutil.Process(pid)
        return [root] + root.children(recursive=True)
    except psutil.Error:
        return []


def postgres_processes():
    return [p for p in psutil.process_iter(["name"]) if p.info["name"] == "postgres"]


def run_pass(db, cart_id):
    """One auto-sync pass of the cart (it hands the backlog to jobs); its sync log."""
    import odoo
    from odoo import SUPERUSER_ID, api

    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        log = env["bigcommerce.cart"].browse(cart_id)._sync_pass("manual")
        result = (log.state, log.orders_queued, log.request_count, log.message)
    odoo.sql_db.close_db(db)
    return result


def run(args, workers, cart_id, store_process, request_count):
    db = f"{args.db}_w{workers}"
    copy_database(args.db, db)
    log_path = os.path.join(args.log_dir, f"bench_jobs_w{workers}.log")
    server = start_server(db, args.port, workers, log_path)
    try:
        requests_before = request_count.value
        pg_before = {p.pid: cpu_seconds([p]) for p in postgres_processes()}
        cpu_before = psutil.cpu_times()
        store_before = cpu_seconds([store_process])
        self_before = cpu_seconds([psutil.Process()])
        started = time.perf_counter()
        state, queued, pass_requests, message = run_pass(db, cart_id)
        pass_seconds = time.perf_counter() - started
        if state != "done":
            print(f"[bench] the pass ended {state}: {message}", file=sys.stderr)
        odoo_cpu = 0.0
        deadline = started + args.timeout
        while True:
            odoo_cpu = max(odoo_cpu, cpu_seconds(tree(server.pid)))
            left = int(psql(db, "SELECT count(*) FROM queue_job WHERE state IN %s" % (WAITING,)) or 0)
            if not left:
                break
            if time.perf_counter() > deadline:
                print(f"[bench] {workers} worker(s): {left} jobs still waiting after {args.timeout} s",
                      file=sys.stderr)
                break
            time.sleep(0.5)
        seconds = time.perf_counter() - started
        cpu_after = psutil.cpu_times()
        odoo_cpu = max(odoo_cpu, cpu_seconds(tree(server.pid)))
        pg_cpu = sum(cpu_seconds([p]) - pg_before.get(p.pid, 0.0) for p in postgres_processes())
        store_cpu = cpu_seconds([store_process]) - store_before
        pass_cpu = cpu_seconds([psutil.Process()]) - self_before
        time.sleep(1)   # the store's request counter is refreshed every 0.5 s
        requests = request_count.value - requests_before
    finally:
        stop_server(server)
    busy = (sum(cpu_after) - cpu_after.idle - cpu_after.iowait) - (sum(cpu_before) - cpu_before.idle
                                                                   - cpu_before.iowait)
    total = sum(cpu_after) - sum(cpu_before)
    # What else used the machine meanwhile (other users, the system): a run to take again when large.
    other_cpu = max(0.0, busy - odoo_cpu - pg_cpu - store_cpu - pass_cpu)
    imported = int(psql(db, "SELECT count(*) FROM bigcommerce_order_binding WHERE sale_order_id IS NOT NULL "
                            "OR move_id IS NOT NULL"))
    jobs = psql(db, "SELECT count(*), count(*) FILTER (WHERE state = 'failed'), "
                    "count(*) FILTER (WHERE identity_key IS NOT NULL) FROM queue_job").split("|")
    row = {"workers": workers, "orders": args.orders, "imported": imported, "seconds": seconds,
           "pass_seconds": pass_seconds, "queued": queued, "jobs": int(jobs[0]), "failed_jobs": int(jobs[1]),
           "lone_jobs": int(jobs[2]), "requests": requests or pass_requests, "cpu_busy": busy / total if total else 0,
           "odoo_cpu": odoo_cpu, "pg_cpu": pg_cpu, "store_cpu": store_cpu, "pass_cpu": pass_cpu,
           "other_cpu": other_cpu}
    if not args.keep:
        drop_database(db)
    return row


def print_rows(rows):
    print(f"{'workers':>7}{'orders':>8}{'imported':>9}{'seconds':>9}{'orders/s':>10}{'speed-up':>9}"
          f"{'jobs':>6}{'failed':>7}{'lone':>6}{'API req/order':>15}{'CPU busy':>10}"
          f"{'Odoo CPU s':>12}{'PG CPU s':>10}{'store CPU s':>13}{'pass CPU s':>12}{'other CPU s':>13}")
    base = None
    for row in rows:
        rate = row["imported"] / row["seconds"]
        base = base or rate
        print(f"{row['workers']:>7}{row['orders']:>8}{row['imported']:>9}{row['seconds']:>9.1f}{rate:>10.1f}"
              f"{rate / base:>9.2f}{row['jobs']:>6}{row['failed_jobs']:>7}{row['lone_jobs']:>6}"
              f"{row['requests'] / max(row['imported'], 1):>15.4f}{row['cpu_busy']:>10.0%}"
              f"{row['odoo_cpu']:>12.0f}{row['pg_cpu']:>10.0f}{row['store_cpu']:>13.0f}{row['pass_cpu']:>12.0f}"
              f"{row['other_cpu']:>13.0f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="a database with salesorder_bigcommerce_queue installed")
    parser.add_argument("--type", choices=["cash_sale", "sale_order", "sales_invoice"], default="sale_order")
    parser.add_argument("--orders", type=int, default=20000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--port", type=int, default=8269, help="the Odoo server's HTTP port (default 8269)")
    parser.add_argument("--timeout", type=int, default=1200, help="seconds a run may take (default 1200)")
    parser.add_argument("--log-dir", default=os.path.join(REPO, "var", "bench"))
    parser.add_argument("--keep", action="store_true", help="keep each run's database (<db>_w<workers>)")
    args = parser.parse_args()
    os.makedirs(args.log_dir, exist_ok=True)

    import odoo

    import odoo.addons
    if REPO not in odoo.addons.__path__:
        odoo.addons.__path__.insert(0, REPO)
    odoo.tools.config.parse_config(["-d", args.db, "--log-level=warn"])

    ready, port_box = multiprocessing.Event(), multiprocessing.Value("i", 0)
    request_count = multiprocessing.Value("i", 0)
    store = multiprocessing.Process(target=serve_store, args=(args.orders, ready, port_box, request_count),
                                    daemon=True)
    started = time.perf_counter()
    store.start()
    try:
        if not ready.wait(900):
            sys.exit("the fake store did not start")
        print(f"[bench] fake store with {args.orders} orders ready in {time.perf_counter() - started:.0f} s "
              f"({os.cpu_count()} cores, {args.type})", flush=True)
        api_path = f"http://127.0.0.1:{port_box.value}/stores/{STORE_HASH}/v3/"
        cart_id, catalog_seconds = prepare(args.db, api_path, args.type)
        print(f"[bench] catalog imported in {catalog_seconds:.1f} s", flush=True)
        rows = []
        for workers in args.workers:
            rows.append(run(args, workers, cart_id, psutil.Process(store.pid), request_count))
            row = rows[-1]
            print(f"[bench] {workers} worker(s): {row['imported']} orders in {row['seconds']:.1f} s "
                  f"(pass {row['pass_seconds']:.1f} s, {row['jobs']} jobs)", flush=True)
        print_rows(rows)
    finally:
        store.terminate()
        store.join(10)


if __name__ == "__main__":
    main()
