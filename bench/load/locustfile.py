"""Mixed staff and public traffic for `make load-test` (issue 17: load held for 10 minutes).

Run by `manage.py load_test` (bench/management/commands/load_test.py) in the separate `.venv-load`,
against the two app servers of bench/prod/layout.py. It reads LOAD_TARGETS (a JSON file the runner
writes from the seeded demo community: its slug, the form's choices, request ids, numbers and phones)
and LOAD_HOSTS (the servers, comma-separated). Each simulated person keeps to one server, alternating
A and B, as nginx's upstream would spread them (docs/deploy.md).

Staff (operators, weight 1): log in once, then the request list, a name search, a request's detail,
the journal of cases and the planning board. Citizens (weight 3): the community's page, the public
request form (GET, then POST with valid data), the status look-up (GET, POST) and the statistics
page. Each citizen sends from an address of their own (X-Real-IP, which the servers trust as nginx
would set it); the runner raises the public forms' per-address limits for the run, so no POST is
refused by the rate limit (the limits are exercised in core/tests/test_public_abuse.py).
"""

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task

TARGETS = json.loads(open(os.environ["LOAD_TARGETS"], encoding="utf-8").read())
HOSTS = os.environ["LOAD_HOSTS"].split(",")
_next_host = itertools.count()
_next_ip = itertools.count(1)
SURNAMES = ["Бондаренко", "Коваленко", "Шевчук", "Ткаченко", "Мельник", "Кравченко", "Олійник", "Лисенко"]
NAMES = ["Ганна Олексіївна", "Микола Петрович", "Марія Іванівна", "Василь Степанович", "Олена Григорівна"]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _OnOneServer(HttpUser):
    abstract = True
    host = HOSTS[0]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.client.base_url = HOSTS[next(_next_host) % len(HOSTS)]

    def token(self, path, name):
        with self.client.get(path, name=name, catch_response=True) as resp:
            found = TOKEN.search(resp.text or "")
            if resp.status_code != 200 or not found:
                resp.failure(f"no form ({resp.status_code})")
                return None
            return found.group(1)


class Operator(_OnOneServer):
    weight = 1
    wait_time = between(2, 6)

    def on_start(self):
        token = self.token("/staff/login/", "login (GET)")
        with self.client.post(
            "/staff/login/",
            {"csrfmiddlewaretoken": token, "username": TARGETS["operator"], "password": TARGETS["password"]},
            name="login (POST)",
            catch_response=True,
        ) as resp:
            if "/staff/login/" in resp.url or resp.status_code != 200:
                resp.failure(f"login refused ({resp.status_code})")

    def staff_get(self, path, name):
        with self.client.get(path, name=name, catch_response=True) as resp:
            if resp.status_code != 200 or "/staff/login/" in resp.url:
                resp.failure(f"{resp.status_code} {resp.url} {resp.error!r}")

    @task(4)
    def request_list(self):
        self.staff_get("/staff/requests/", "staff: request list")

    @task(2)
    def search(self):
        self.staff_get(f"/staff/requests/?q={random.choice(TARGETS['surnames'])}", "staff: name search")

    @task(4)
    def request_detail(self):
        self.staff_get(f"/staff/requests/{random.choice(TARGETS['request_ids'])}/", "staff: request detail")

    @task(2)
    def journal(self):
        self.staff_get("/staff/journal/", "staff: journal")

    @task(1)
    def planning_board(self):
        self.staff_get("/staff/planning/", "staff: planning board")


class Citizen(_OnOneServer):
    weight = 3
    wait_time = between(3, 10)

    def on_start(self):
        n = next(_next_ip)
        self.client.headers["X-Real-IP"] = f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"
        self.slug = TARGETS["community"]

    @task(3)
    def community_page(self):
        self.client.get(f"/{self.slug}/", name="public: community page")

    @task(2)
    def request_form(self):
        token = self.token(f"/{self.slug}/request/", "public: request form (GET)")
        if token is None:
            return
        service = random.choice(TARGETS["services"])
        data = {
            "csrfmiddlewaretoken": token,
            "for_someone_else": "0",
            "applicant_name": f"{random.choice(SURNAMES)} {random.choice(NAMES)}",
            "applicant_birth_date": f"{random.randint(1, 28):02d}.{random.randint(1, 12):02d}.{random.randint(1935, 1960)}",
            "applicant_phone": f"+38067{random.randint(0, 9_999_999):07d}",
            "settlement": random.choice(TARGETS["settlements"]),
            "street": "вул. Садова",
            "building": str(random.randint(1, 120)),
            "category": TARGETS["category"],
            "evidence_available": "on",
            "services": [service["id"]],
            "payment_method": "terminal",
            "consent": "on",
            "warning_acknowledged": "on",
            **{f"doc_{d}": "1" for d in service["documents"]},
        }
        with self.client.post(f"/{self.slug}/request/", data, name="public: request form (POST)", catch_response=True) as resp:
            if resp.status_code != 200 or "/request/sent/" not in resp.url:
                resp.failure(f"not saved ({resp.status_code} {resp.url})")

    @task(2)
    def status(self):
        token = self.token(f"/{self.slug}/status/", "public: status (GET)")
        if token is None:
            return
        number, phone = random.choice(TARGETS["lookups"])
        with self.client.post(
            f"/{self.slug}/status/",
            {"csrfmiddlewaretoken": token, "number": number, "phone": phone},
            name="public: status (POST)",
            catch_response=True,
        ) as resp:
            if resp.status_code != 200 or number not in resp.text:
                resp.failure(f"request not found ({resp.status_code})")

    @task(1)
    def stats(self):
        self.client.get(f"/{self.slug}/stats/", name="public: statistics")
