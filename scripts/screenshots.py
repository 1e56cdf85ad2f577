"""Take the README's screenshots (docs/screenshots/*.png) with headless Chromium.

    .venv/bin/python scripts/screenshots.py
        Recreates the database sobc_screenshots (from the cached template of
        scripts/odoo_db.sh, with the addon and the sandbox cart), serves it with
        this checkout's Odoo on port 8169 and the sandbox store on 8170, walks
        the sandbox cart, saves the screenshots and stops everything: the same
        pictures every time. It touches no other database and installs nothing
        (unlike scripts/run.sh, it does not run scripts/setup.sh).
    .venv/bin/python scripts/screenshots.py --url http://localhost:8069 --db salesorder
        Walks the "Sandbox Store" cart of an Odoo already running (this imports
        the Hoodie and order 102 into that database).

Chromium (Debian's ``chromium``, see scripts/setup.sh WITH_CHROMIUM=1) is
driven over the DevTools protocol with websocket-client, as Odoo's own
browser tests do.
"""
import argparse
import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import websocket

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "screenshots"
WIDTH, HEIGHT = 1366, 820
DIALOG = ".modal:not(.o_inactive_modal)"


class Browser:
    """Just enough of the DevTools protocol: evaluate, wait, click, screenshot."""

    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="sobc_chromium_")
        self.proc = subprocess.Popen([
            shutil.which("chromium") or "chromium", "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
            "--hide-scrollbars", "--remote-debugging-port=0", "--user-data-dir=" + self.profile,
            "--window-size=%d,%d" % (WIDTH, HEIGHT), "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = Path(self.profile, "DevToolsActivePort")
        for _ in range(150):
            if port_file.exists() and port_file.stat().st_size > 5:
                break
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        page = next(t for t in requests.get("http://127.0.0.1:%d/json" % port, timeout=10).json()
                    if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30,
                                              suppress_origin=True)
        self.next_id = 0
        self.send("Emulation.setDeviceMetricsOverride",
                  width=WIDTH, height=HEIGHT, deviceScaleFactor=1, mobile=False)

    def send(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError("%s: %s" % (method, message["error"]))
                return message.get("result", {})

    def js(self, expression):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError("%s\n%s" % (expression, result["exceptionDetails"]))
        return result["result"].get("value")

    def wait(self, selector, text=None, timeout=30):
        """Wait for a visible element matching selector (and containing text)."""
        check = """(() => [...document.querySelectorAll(%s)].find(el => el.offsetParent !== null
                    && (%s === null || el.textContent.includes(%s))) ? true : false)()""" % (
            json.dumps(selector), json.dumps(text), json.dumps(text))
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.js(check):
                return
            time.sleep(0.2)
        raise TimeoutError("not found: %s %s" % (selector, text or ""))

    def click(self, selector, text=None):
        self.wait(selector, text)
        self.js("""(() => [...document.querySelectorAll(%s)].find(el => el.offsetParent !== null
                    && (%s === null || el.textContent.includes(%s))).click())()""" % (
            json.dumps(selector), json.dumps(text), json.dumps(text)))

    def click_row_toggle(self, row_text):
        """Tick the Import toggle of the dialog's list row whose text contains row_text."""
        selector = "%s .o_data_row" % DIALOG
        self.wait(selector, row_text)
        toggle = """[...document.querySelectorAll(%s)].find(row => row.querySelector(
                    'td[name=sku], td[name=bigcommerce_id]').textContent.trim() === %s)
                    .querySelector('[name=selected] input')""" % (json.dumps(selector), json.dumps(row_text))
        self.js(toggle + ".click()")
        deadline = time.time() + 10
        while not self.js(toggle + ".checked"):
            if time.time() > deadline:
                raise TimeoutError("the Import toggle of %s did not switch on" % row_text)
            time.sleep(0.2)

    def goto(self, url):
        self.send("Page.navigate", url=url)
        time.sleep(1)
        self.wait(".o_action_manager .o_view_controller")

    def screenshot(self, name):
        time.sleep(0.8)   # let animations (dialogs, notifications) settle
        self.js("document.activeElement && document.activeElement.blur()")
        data = self.send("Page.captureScreenshot", format="png")["data"]
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / name).write_bytes(base64.b64decode(data))
        print("[screenshots] docs/screenshots/%s" % name)  # pylint: disable=print-used

    def close(self):
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            self.proc.wait(10)
            shutil.rmtree(self.profile, ignore_errors=True)


def login(browser, url, db, user, password):
    session = requests.Session()
    response = session.post(url + "/web/session/authenticate", timeout=30, json={
        "jsonrpc": "2.0", "params": {"db": db, "login": user, "password": password}})
    response.raise_for_status()
    result = response.json()
    if result.get("error") or not result["result"].get("uid"):
        sys.exit("Cannot log in to %s as %s: %s" % (db, user, result.get("error")))
    browser.send("Network.enable")
    browser.send("Network.setCookie", name="session_id", value=session.cookies["session_id"],
                 url=url, path="/")
    return session


def sandbox_cart_id(session, url):
    response = session.post(url + "/web/dataset/call_kw", timeout=30, json={
        "jsonrpc": "2.0", "params": {
            "model": "bigcommerce.cart", "method": "search_read", "args": [],
            "kwargs": {"domain": [["api_path", "=like", "http://127.0.0.1:%/stores/sandbox/%"]],
                       "fields": ["id"], "limit": 1}}}).json()
    if not response.get("result"):
        sys.exit("No sandbox cart in this database (scripts/run.sh creates one).")
    return response["result"][0]["id"]


def walk(browser, url, cart_id):
    browser.goto("%s/odoo/action-salesorder_bigcommerce.action_bigcommerce_cart/%d" % (url, cart_id))
    browser.click(".o_statusbar_buttons button[name=action_test_connection]")
    browser.wait(".o_field_widget[name=store_name]", "BigCommerce Sandbox")
    browser.wait(".o_notification", "Connection successful")
    browser.screenshot("cart_form.png")
    browser.js("document.querySelectorAll('.o_notification_close').forEach(b => b.click())")

    browser.click(".o_notebook a.nav-link[name=items_cart]")
    browser.click("button[name=action_list_items]")
    browser.wait(DIALOG + " .o_field_widget[name=result]", "item(s) found")
    browser.click_row_toggle("HOODIE")
    browser.click(DIALOG + " footer button[name=action_import]")
    browser.wait(DIALOG + " td[name=status]", "Created")
    browser.screenshot("items_import.png")
    browser.click(DIALOG + " footer button", "Close")

    browser.click(".o_notebook a.nav-link[name=orders_cart]")
    browser.click("button[name=action_list_orders]")
    browser.wait(DIALOG + " .o_field_widget[name=result]", "order(s)")
    browser.click_row_toggle("102")
    browser.click(DIALOG + " footer button[name=action_import]")
    browser.wait(DIALOG + " td[name=result_status]", "Created")
    browser.screenshot("orders_import.png")
    browser.click(DIALOG + " footer button", "Close")

    browser.click("button[name=action_view_documents]")
    browser.wait(".o_list_view .o_data_row td[name=bigcommerce_order_id]", "102")
    browser.screenshot("orders_list.png")
    browser.click(".o_list_view .o_data_row td.o_data_cell[name=name]")
    browser.wait(".o_form_view .o_field_widget[name=invoice_line_ids] .o_data_row", "HOODIE-L-BLUE")
    browser.screenshot("imported_document.png")

    browser.click('.o_main_navbar [data-menu-xmlid="sale.sale_order_menu"]')
    browser.click('.dropdown-item[data-menu-xmlid="salesorder_bigcommerce.menu_bigcommerce_pending"]')
    browser.wait(".o_list_view .o_data_row td[name=document_type]", "Invoice")
    browser.screenshot("pending_list.png")


def start_odoo(db, port, sandbox_port):
    """A fresh database `db` with the addon and the sandbox cart, served by this
    checkout's Odoo next to the sandbox store; returns (processes, url)."""
    py = sys.executable
    env = dict(os.environ, PY=py, REPO=str(REPO), ODOO_SRC=os.environ.get("ODOO_SRC", "/opt/odoo/18.0"))
    log = open(tempfile.gettempdir() + "/sobc_screenshots_run.log", "w")
    # fresh_db: drop `db`, copy the cached template (built once if missing), install the addon.
    subprocess.run(["bash", "-c", 'set -euo pipefail; source scripts/odoo_db.sh; fresh_db "$1"', "-", db],
                   cwd=REPO, env=env, check=True, stdout=log, stderr=subprocess.STDOUT)
    journal = REPO / "var" / "sandbox" / ("orders-%d.jsonl" % sandbox_port)
    journal.unlink(missing_ok=True)   # a sandbox without orders created by hand
    subprocess.run([py, str(REPO / "scripts" / "sandbox.py"), "cart", "-d", db, "--port", str(sandbox_port)],
                   env=env, check=True, stdout=log, stderr=subprocess.STDOUT)
    procs = [subprocess.Popen([py, str(REPO / "scripts" / "sandbox.py"), "serve", "--port", str(sandbox_port),
                               "--with-parent"], env=env, stdout=log, stderr=subprocess.STDOUT)]
    procs.append(subprocess.Popen(
        [py, str(REPO / "scripts" / "odoo_checkout.py"), "-d", db, "--db-filter=^%s$" % db,
         "--http-port=%d" % port, "--log-level=warn"],
        env=env, stdout=log, stderr=subprocess.STDOUT))
    url = "http://localhost:%d" % port
    for _ in range(600):
        if any(proc.poll() is not None for proc in procs):
            stop(procs)
            sys.exit("Odoo or the sandbox store stopped, see %s" % log.name)
        if answers(url + "/web/login"):
            return procs, url
        time.sleep(1)
    stop(procs)
    sys.exit("Odoo did not start, see %s" % log.name)


def answers(url):
    try:
        return requests.get(url, timeout=2).ok
    except requests.RequestException:
        return False


def stop(procs):
    for proc in reversed(procs):
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="a running Odoo (default: start one on a fresh database)")
    parser.add_argument("--db", default="sobc_screenshots")
    parser.add_argument("--port", type=int, default=8169, help="Odoo port when starting one")
    parser.add_argument("--sandbox-port", type=int, default=8170)
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    args = parser.parse_args(argv)

    procs, url = [], args.url
    if not url:
        if not args.db.startswith("sobc_screenshots"):
            sys.exit("--db: a throwaway database named sobc_screenshots* (it is dropped first)")
        procs, url = start_odoo(args.db, args.port, args.sandbox_port)
    browser = None
    try:
        browser = Browser()
        session = login(browser, url.rstrip("/"), args.db, args.login, args.password)
        try:
            walk(browser, url.rstrip("/"), sandbox_cart_id(session, url.rstrip("/")))
        except Exception:
            failure = Path(tempfile.gettempdir(), "sobc_screenshots_failure.png")
            data = browser.send("Page.captureScreenshot", format="png")["data"]
            failure.write_bytes(base64.b64decode(data))
            print("[screenshots] failed; the page then: %s" % failure,  # pylint: disable=print-used
                  file=sys.stderr)
            raise
    finally:
        if browser:
            browser.close()
        stop(procs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
