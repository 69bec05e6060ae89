#!/usr/bin/env python3
"""tools/easymoctl against a fake daemon: the webhook it posts (Meta's shape,
a valid X-Hub-Signature-256), how it reads the sandbox sink, how it prints
buttons and list rows, and what a typed number sends.

The fake daemon is two HTTP servers on 127.0.0.1 (the public listener's
/webhook and the admin listener's /admin/sandbox/messages). It checks the
signature and the bearer token like easymod does, records each webhook, and
answers a message with replies the test queued, as the sandbox sink would.
"""

import hashlib
import hmac
import http.server
import importlib.machinery
import importlib.util
import io
import json
import os
import threading
import unittest
import unittest.mock
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
TOOL = os.path.join(HERE, "..", "..", "tools", "easymoctl")


def load_tool():
    loader = importlib.machinery.SourceFileLoader("easymoctl", TOOL)
    spec = importlib.util.spec_from_loader("easymoctl", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


ctl = load_tool()

MENU = {"messaging_product": "whatsapp", "to": "250788123456",
        "type": "interactive",
        "interactive": {"type": "list", "body": {"text": "Welcome"},
                        "action": {"button": "Services", "sections": [
                            {"title": "EasyMO", "rows": [
                                {"id": "rides:open", "title": "Moto rides",
                                 "description": "Get a moto"},
                                {"id": "profile:open", "title": "My profile"}]}]}}}
CARD = {"type": "interactive",
        "interactive": {"type": "button", "body": {"text": "Your profile"},
                        "action": {"buttons": [
                            {"type": "reply", "reply": {"id": "profile:name",
                                                        "title": "Change name"}},
                            {"type": "reply", "reply": {"id": "home:menu",
                                                        "title": "Main menu"}}]}}}
TEXT = {"type": "text", "text": {"body": "What name should we call you?"}}


class FakeDaemon:
    secret = "test-secret"
    token = "test-token"

    def __init__(self):
        self.webhooks = []
        self.sink = []
        self.replies = []
        fake = self

        class Public(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                want = "sha256=" + hmac.new(fake.secret.encode(), body,
                                            hashlib.sha256).hexdigest()
                if self.path != "/webhook" or self.headers.get(
                        "X-Hub-Signature-256") != want:
                    self.send_response(401)
                    self.end_headers()
                    return
                doc = json.loads(body)
                fake.webhooks.append(doc)
                sender = doc["entry"][0]["changes"][0]["value"]["messages"][0]["from"]
                for reply in fake.replies.pop(0) if fake.replies else []:
                    fake.sink.append({"id": len(fake.sink) + 1, "wa_id": sender,
                                      "message": reply})
                self.send_response(200)
                self.end_headers()

        class Admin(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                url = urllib.parse.urlparse(self.path)
                q = urllib.parse.parse_qs(url.query)
                if (url.path != "/admin/sandbox/messages" or
                        self.headers.get("Authorization") != "Bearer " + fake.token):
                    self.send_response(401)
                    self.end_headers()
                    return
                after = int(q.get("after", ["0"])[0])
                rows = [m for m in fake.sink
                        if m["wa_id"] == q["wa_id"][0] and m["id"] > after]
                data = json.dumps({"messages": rows}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.servers = [http.server.ThreadingHTTPServer(("127.0.0.1", 0), h)
                        for h in (Public, Admin)]
        for s in self.servers:
            threading.Thread(target=s.serve_forever, daemon=True).start()

    def env(self, secret=None):
        return {"EASYMO_HTTP_PORT": str(self.servers[0].server_port),
                "EASYMO_ADMIN_PORT": str(self.servers[1].server_port),
                "EASYMO_WHATSAPP_APP_SECRET": secret or self.secret,
                "EASYMO_ADMIN_TOKEN": self.token}

    def close(self):
        for s in self.servers:
            s.shutdown()
            s.server_close()


class EasymoctlTest(unittest.TestCase):
    def setUp(self):
        self.fake = FakeDaemon()
        self.out = io.StringIO()
        ctl.QUIET_S = 0.2

    def tearDown(self):
        self.fake.close()

    def chat(self, secret=None):
        daemon = ctl.Daemon(self.fake.env(secret))
        return ctl.Chat(daemon, "250788123456", "Aline", out=self.out, timeout=2)

    def test_signature_is_meta_hmac_sha256(self):
        # Independent vector: HMAC-SHA256("key", "The quick brown fox...").
        self.assertEqual(
            ctl.sign(b"The quick brown fox jumps over the lazy dog", "key"),
            "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8")

    def test_a_text_goes_out_as_a_signed_meta_webhook(self):
        self.fake.replies.append([MENU])
        self.assertTrue(self.chat().send(ctl.text_message("menu")))
        doc = self.fake.webhooks[0]
        self.assertEqual(doc["object"], "whatsapp_business_account")
        change = doc["entry"][0]["changes"][0]
        self.assertEqual(change["field"], "messages")
        value = change["value"]
        self.assertEqual(value["contacts"][0],
                         {"profile": {"name": "Aline"}, "wa_id": "250788123456"})
        msg = value["messages"][0]
        self.assertEqual(msg["type"], "text")
        self.assertEqual(msg["text"], {"body": "menu"})
        self.assertEqual(msg["from"], "250788123456")
        self.assertTrue(msg["id"].startswith("wamid."))
        self.assertTrue(msg["timestamp"].isdigit())

    def test_list_rows_and_buttons_are_numbered(self):
        self.fake.replies.append([MENU])
        chat = self.chat()
        chat.send(ctl.text_message("menu"))
        printed = self.out.getvalue()
        self.assertIn("Welcome", printed)
        self.assertIn("(Services)", printed)
        self.assertIn("[1] Moto rides - Get a moto", printed)
        self.assertIn("[2] My profile", printed)
        self.assertEqual([o["id"] for o in chat.options],
                         ["rides:open", "profile:open"])

    def test_an_image_shows_its_link_and_caption(self):
        qr = {"messaging_product": "whatsapp", "to": "250788123456",
              "type": "image",
              "image": {"link": "http://127.0.0.1:8080/payments/momo/qr?r=1",
                        "caption": "Or scan this code"}}
        self.assertEqual(ctl.render(qr),
                         "[image] http://127.0.0.1:8080/payments/momo/qr?r=1\n"
                         "Or scan this code")

    def test_a_number_taps_the_row_or_button(self):
        self.fake.replies += [[MENU], [CARD], [TEXT]]
        chat = self.chat()
        chat.send(ctl.text_message("menu"))
        chat.answer("2")
        tapped = self.fake.webhooks[1]["entry"][0]["changes"][0]["value"]["messages"][0]
        self.assertEqual(tapped["type"], "interactive")
        self.assertEqual(tapped["interactive"],
                         {"type": "list_reply",
                          "list_reply": {"id": "profile:open", "title": "My profile"}})
        self.assertIn("[1] Change name", self.out.getvalue())
        chat.answer("1")
        button = self.fake.webhooks[2]["entry"][0]["changes"][0]["value"]["messages"][0]
        self.assertEqual(button["interactive"],
                         {"type": "button_reply",
                          "button_reply": {"id": "profile:name", "title": "Change name"}})
        # A text reply leaves nothing to tap: numbers are text again.
        self.assertEqual(chat.options, [])

    def test_numbers_out_of_range_and_words_are_text(self):
        self.fake.replies += [[CARD], [TEXT], [TEXT]]
        chat = self.chat()
        chat.send(ctl.text_message("profile"))
        chat.answer("7")
        chat.answer("Aline Uwase")
        sent = [w["entry"][0]["changes"][0]["value"]["messages"][0]
                for w in self.fake.webhooks]
        self.assertEqual(sent[1]["text"], {"body": "7"})
        self.assertEqual(sent[2]["text"], {"body": "Aline Uwase"})

    def test_replies_already_in_the_sink_are_not_shown_again(self):
        self.fake.replies += [[TEXT], [CARD]]
        self.chat().send(ctl.text_message("first"))
        self.out = io.StringIO()
        self.chat().send(ctl.text_message("second"))
        self.assertNotIn("What name", self.out.getvalue())
        self.assertIn("Your profile", self.out.getvalue())

    def test_a_wrong_secret_is_refused(self):
        self.assertFalse(self.chat(secret="wrong").send(ctl.text_message("menu")))
        self.assertEqual(self.fake.webhooks, [])

    def test_no_reply_is_reported(self):
        self.assertFalse(self.chat().send(ctl.text_message("menu")))

    def test_reconcile_is_a_command(self):
        # Nothing listens on port 1: the command runs and says so (exit 3),
        # rather than argparse refusing an unknown command (exit 2).
        env = {k: v for k, v in os.environ.items() if k != "EASYMO_ADMIN_URL"}
        env["EASYMO_ADMIN_PORT"] = "1"
        with unittest.mock.patch.dict(os.environ, env, clear=True):
            self.assertEqual(ctl.main(["reconcile", "--date", "2026-11-20"]), 3)

if __name__ == "__main__":
    unittest.main()
