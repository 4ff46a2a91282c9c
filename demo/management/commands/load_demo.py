"""Demo data: one fictional community, its catalogue, one user per role, ~30 requests.

Safe to run again: what exists is kept, nothing is duplicated.
"""

import os
import random
from datetime import date, time, timedelta
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles, second_factor
from accounts.models import User
from addresses.models import AddressPoint
from addresses.register import import_rows, read_rows
from catalogue.models import Provider, Service, ServiceDocument
from communities.models import Community, DistrictContact, Office, Settlement
from demo import trips
from eligibility.models import EligibilityCategory
from eligibility.rules import ensure_evidence_catalogue, ensure_mandatory_categories, switch_on_usual_categories
from equipment import actions as equipment_actions
from equipment.models import Device, Expense
from payments import budget
from planning.models import FixedPoint, Session, Trip
from quality import actions as quality_actions
from quality.models import Proposal
from teams.models import Suitcase, Team, TeamShift, Vehicle
from visits import actions
from visits.models import Channel, PaymentMethod, RejectReason, Relation, Status, VisitRequest

# The demo community's address register (what `manage.py import_addresses` loads from a GIS export):
# every house of the demo streets in the three settlements, so typed addresses land at their house.
REGISTER_FILE = Path(__file__).resolve().parents[2] / "data" / "verbivka-addresses.csv"

DEMO_PASSWORD = os.environ.get("VALIZA_DEMO_PASSWORD", "valiza-demo-2026")
PASSPORT = "Паспорт громадянина України"
RNOKPP = "Картка платника податків (РНОКПП)"

PROVIDERS = {
    "residence": ("Відділ реєстрації місця проживання виконавчого комітету", "Відділ реєстрації", True),
    "uszn": ("Управління соціального захисту населення", "УСЗН", True),
    "registrar": ("Державний реєстратор речових прав на нерухоме майно", "Держреєстратор", True),
    "geocadastre": ("Головне управління Держгеокадастру в області", "Держгеокадастр", False),
    "dms": ("Державна міграційна служба України", "ДМС", False),
}

# Payment details of the providers that take fees: the recipient as the Treasury names it, a ЄДРПОУ with a
# valid check digit and a valid Treasury IBAN (bank code 899998; the 19-digit account carries the ККДБ).
# Made-up numbers for the demo, not real accounts.
PAYMENT_DETAILS = {
    "residence": ("ГУК в області/громада/22012500", "34601715", budget.treasury_iban("0334", "22012500", "0001")),
    "registrar": ("ГУК в області/громада/22012600", "39988157", budget.treasury_iban("0334", "22012600", "0002")),
}
# Budget classification codes (ККДБ) of the paid services: 22012500 "Плата за надання інших адміністративних
# послуг", 22012600 "Адміністративний збір за державну реєстрацію речових прав на нерухоме майно".
BUDGET_CODES = {"RES-REG": "22012500", "RES-DEREG": "22012500", "PROP-REG": "22012600"}

# code, provider, name uk, name en, paid fee, minutes, term, term kind, mobile, partner, documents
SERVICES = [
    ("RES-REG", "residence", "Реєстрація місця проживання", "Registration of the place of residence",
     "25.50", 20, 1, "working", True, False, [PASSPORT, "Документ, що підтверджує право на житло", "Квитанція про сплату адміністративного збору"]),
    ("RES-DEREG", "residence", "Зняття з реєстрації місця проживання", "Deregistration of the place of residence",
     "25.50", 15, 1, "working", True, False, [PASSPORT, "Квитанція про сплату адміністративного збору"]),
    ("RES-CONSENT", "residence", "Надання згоди власника житла на реєстрацію місця проживання", "Owner's consent to residence registration",
     "0", 15, 1, "working", True, False, [PASSPORT, "Документ про право власності на житло"]),
    ("RES-CERT", "residence", "Довідка про зареєстрованих у житловому приміщенні осіб", "Certificate of persons registered at the dwelling",
     "0", 10, 1, "working", True, False, [PASSPORT]),
    ("SOC-AID", "uszn", "Призначення державної соціальної допомоги", "State social assistance",
     "0", 30, 10, "working", True, True, [PASSPORT, RNOKPP, "Довідка про доходи", "Реквізити банківського рахунку"]),
    ("SOC-SUBSIDY", "uszn", "Призначення житлової субсидії", "Housing subsidy",
     "0", 25, 10, "working", True, True, [PASSPORT, RNOKPP, "Заява та декларація про доходи і майно"]),
    ("PROP-REG", "registrar", "Державна реєстрація права власності на нерухоме майно", "Registration of ownership of real estate",
     "302.80", 30, 5, "working", True, False, [PASSPORT, RNOKPP, "Документ, що підтверджує виникнення права власності", "Технічний паспорт"]),
    ("LAND-REG", "geocadastre", "Державна реєстрація земельної ділянки", "State registration of a land plot",
     "0", 25, 14, "working", True, False, [PASSPORT, "Документація із землеустрою", "Електронний документ (диск)"]),
    ("LAND-PRIV", "geocadastre", "Безоплатна приватизація земельної ділянки", "Free privatisation of a land plot",
     "0", 25, 30, "calendar", True, False, [PASSPORT, RNOKPP, "Графічні матеріали з бажаним місцем розташування ділянки"]),
    ("PASS-PHOTO", "dms", "Вклеювання фотокартки в паспорт-книжечку (у 25 і 45 років)", "Gluing a photo into the booklet passport (at 25 and 45)",
     "0", 15, 3, "working", True, False, [PASSPORT, "Дві фотокартки 3,5×4,5 см"]),
    ("PASS-BIO", "dms", "Оформлення паспорта громадянина України у формі ID-картки", "Biometric ID-card passport",
     "0", 30, 20, "working", False, False, ["Свідоцтво про народження", "Фотографія (знімається на місці)"]),
]

SETTLEMENTS = [
    ("Вербівка", False, "48.512300", "34.998100"),
    ("Лозуватка", False, "48.561900", "35.081200"),
    ("Зелений Гай", True, "48.402500", "35.203300"),
]

STREETS = ["вул. Соборна", "вул. Шевченка", "вул. Лесі Українки", "просп. Незалежності", "вул. Садова",
           "вул. Миру", "вул. Вишнева", "пров. Квітковий"]
# Given names and patronymics by gender: a woman's patronymic (-івна) with a woman's name, a man's
# (-ович) with a man's. The family names are the same for both.
WOMEN = ["Марія", "Ганна", "Олександра", "Мар'яна", "Ніна", "Галина", "Надія", "Тетяна", "Людмила"]
MEN = ["Василь", "Іван", "Петро", "Олег", "Григорій", "Микола"]
GIVEN = WOMEN + MEN
FAMILY = ["Коваленко", "Шевчук", "Бондаренко", "Ткачук", "Мельник", "Кравчук", "Олійник", "Лисенко",
          "Д'яченко", "Руденко", "Савчук", "Гнатюк"]
PATRONYMIC_WOMEN = ["Іванівна", "Петрівна", "Олексіївна", "Миколаївна", "Василівна"]
PATRONYMIC_MEN = ["Іванович", "Петрович", "Григорович", "Миколайович", "Васильович"]


def full_name(rnd):
    """Family name, given name and a patronymic of the same gender."""
    given = rnd.choice(GIVEN)
    patronymic = rnd.choice(PATRONYMIC_WOMEN if given in WOMEN else PATRONYMIC_MEN)
    return f"{rnd.choice(FAMILY)} {given} {patronymic}"


USERS = [
    ("operator", "Оксана", "Приймак", roles.OPERATOR),
    ("coordinator", "Андрій", "Головко", roles.COORDINATOR),
    ("field", "Ірина", "Мандрика", roles.FIELD_ADMIN),
    ("partner", "Світлана", "Соцзахист", roles.PARTNER),
    ("technician", "Богдан", "Майстренко", roles.TECHNICIAN),
    ("sysadmin", "Тарас", "Налаштуй", roles.SYSADMIN),
    ("quality", "Галина", "Відгукова", roles.QUALITY),
    ("starosta", "Микола", "Старостенко", roles.STAROSTA),
    ("communications", "Мар'яна", "Вісникова", roles.COMMUNICATIONS),
]


DEMO_DEVICE_NAME = "Демо-застосунок"


def demo_device(user):
    """The demo person's authenticator, made once (None once they set up their own phone instead):
    `demo_code` shows its current code, so whoever tries Valiza can log in as a coordinator without one."""
    devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    if not devices.exists():
        return TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, confirmed=True)
    return devices.filter(name=DEMO_DEVICE_NAME).first()


class Command(BaseCommand):
    help = "Load the demo community (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=30)
        parser.add_argument("--quiet", action="store_true")

    @transaction.atomic
    def handle(self, *args, **opts):
        community, _ = Community.objects.get_or_create(
            slug="verbivka",
            defaults={"name": "Вербівська міська територіальна громада (демо)", "phone": "0 800 500 000",
                      "email": "cnap@verbivka.example", "decision": "Рішення міської ради № 123 від 15.01.2026"},
        )
        Office.objects.get_or_create(
            community=community, name="ЦНАП Вербівської громади",
            defaults={"address": "м. Вербівка, вул. Соборна, 1", "latitude": Decimal("48.513500"),
                      "longitude": Decimal("34.996800"), "phone": "0 800 500 000"},
        )
        settlements = []
        for name, remote, lat, lon in SETTLEMENTS:
            s, _ = Settlement.objects.get_or_create(
                community=community, name=name,
                defaults={"is_remote": remote, "latitude": Decimal(lat), "longitude": Decimal(lon)},
            )
            settlements.append(s)
        ensure_mandatory_categories(community)
        ensure_evidence_catalogue()
        # The demo council's decision that added the usual optional categories.
        switch_on_usual_categories(community, decision_number="45/12", decision_date=date(2024, 12, 20))
        if not AddressPoint.objects.filter(community=community).exists():
            import_rows(community, read_rows(REGISTER_FILE.read_bytes(), REGISTER_FILE.name), source=REGISTER_FILE.name)
        # A remote village's culture house: every Tuesday 10:00–13:00, bookable from the public site.
        village = next(s for s in settlements if s.is_remote)
        point, _ = FixedPoint.objects.get_or_create(
            community=community, name="Будинок культури с. Зелений Гай",
            defaults={"settlement": village, "address": "вул. Центральна, 12",
                      "latitude": Decimal("48.403100"), "longitude": Decimal("35.202100")},
        )
        Session.objects.get_or_create(fixed_point=point, weekday=1,
                                      defaults={"start": time(10), "end": time(13), "slot_minutes": 20})
        providers = {}
        for key, (name, short, local) in PROVIDERS.items():
            providers[key], _ = Provider.objects.get_or_create(
                name=name, community=community if local else None, defaults={"short_name": short}
            )
            if key in PAYMENT_DETAILS and not providers[key].iban:
                recipient, code, iban = PAYMENT_DETAILS[key]
                providers[key].payment_recipient, providers[key].edrpou, providers[key].iban = recipient, code, iban
                providers[key].save(update_fields=["payment_recipient", "edrpou", "iban"])
        services = []
        for order, (code, prov, uk, en, fee, minutes, term, kind, mobile, partner, docs) in enumerate(SERVICES):
            service, created = Service.objects.get_or_create(
                code=code,
                defaults={"provider": providers[prov], "name_uk": uk, "name_en": en,
                          "is_paid": Decimal(fee) > 0, "fee": Decimal(fee), "minutes": minutes,
                          "term_days": term, "term_kind": kind, "mobile_allowed": mobile,
                          "needs_partner": partner, "order": order},
            )
            if code in BUDGET_CODES and not service.budget_code:
                service.budget_code = BUDGET_CODES[code]
                service.save(update_fields=["budget_code"])
            if created:
                for i, doc in enumerate(docs):
                    ServiceDocument.objects.create(service=service, name=doc, order=i)
            services.append(service)
        for username, first, last, role in USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "role": role,
                          "community": None if role == roles.SYSADMIN else community,
                          "is_staff": role == roles.SYSADMIN, "is_superuser": role == roles.SYSADMIN,
                          "provider": providers["uszn"] if role == roles.PARTNER else None},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            if second_factor.required_for(user):
                demo_device(user)
            if created and role == roles.STAROSTA:
                # The demo starosta answers for the remote village (issue 12).
                user.settlements.set([village])
        # The district council that gets the published week for the remote village (issue 12).
        council, created = DistrictContact.objects.get_or_create(
            community=community, name="Виконком Зеленогайського старостинського округу",
            defaults={"email": "zelenyi-hai@verbivka.example"})
        if created:
            council.settlements.set([village])
        self._teams(community, providers)
        self._equipment(community)
        if not VisitRequest.objects.filter(community=community).exists():
            self._requests(community, settlements, services, opts["requests"])
        self._todays_trip(community)
        self._quality(community)
        # The calendar of information occasions: the national dates and quarter ends, and the community's day
        from campaign import occasions
        from campaign.models import Occasion

        occasions.ensure(community)
        Occasion.objects.get_or_create(community=community, title="День Вербівської громади", defaults={"month": 9, "day": 12})
        if not opts["quiet"]:
            self.stdout.write("Демо-громада: " + community.name)
            self.stdout.write(f"Логіни (пароль для всіх: {DEMO_PASSWORD}):")
            two_step = []
            for username, _first, _last, role in USERS:
                user = User.objects.get(username=username)
                note = ""
                if second_factor.required_for(user):
                    two_step.append(user)
                    note = " — після пароля код підтвердження (див. нижче)"
                self.stdout.write(f"  {username:12} {dict(roles.ROLE_CHOICES)[role]}{note}")
            self.stdout.write("Код підтвердження входу для демо: `.venv/bin/python manage.py demo_code coordinator` "
                              "(або sysadmin) показує код, що діє зараз; або додайте ключ у застосунок-автентифікатор "
                              "на телефоні:")
            for user in two_step:
                device = demo_device(user)
                if device is not None:
                    self.stdout.write(f"  {user.username:12} ключ {second_factor.manual_key(device)}")

    def _teams(self, community, providers):
        office = community.offices.first()
        car, _ = Vehicle.objects.get_or_create(community=community, name="Renault Kangoo", defaults={"plate": "АЕ 1234 КА"})
        for i, (name, weekdays, partner) in enumerate([
            ("Команда 1", range(5), None),
            ("Команда 2 (з УСЗН)", (1, 3), providers["uszn"]),
        ]):
            suitcase, _ = Suitcase.objects.get_or_create(
                community=community, name=f"Валіза {i + 1}", defaults={"inventory_number": f"МВ-00{i + 1}"}
            )
            team, created = Team.objects.get_or_create(
                community=community, name=name,
                defaults={"office": office, "suitcase": suitcase, "vehicle": car if i == 0 else None},
            )
            if created:
                for weekday in weekdays:
                    TeamShift.objects.create(team=team, weekday=weekday, start=time(9), end=time(17))
                team.members.add(*User.objects.filter(username="field"))
                if partner:
                    team.partner_providers.add(partner)
                    team.members.add(*User.objects.filter(username="partner"))

    def _equipment(self, community):
        """A few devices in each demo suitcase (issue 16), a printer near its cartridge's end, a spare router
        at the warranty repair, and this year's running costs, for the technician (login `technician`).
        Made once."""
        if Device.objects.filter(community=community).exists():
            return
        today = timezone.localdate()
        for i, suitcase in enumerate(Suitcase.objects.filter(community=community).order_by("name")):
            n = i + 1
            kit = [
                ("laptop", "Lenovo ThinkPad E14", {}),
                ("printer", "Epson L3250", {"pages": 1400 if n == 1 else 300}),
                ("scanner", "Canon LiDE 300", {}),
                ("card_reader", "ACR39U", {}),
                ("camera", "Logitech C920", {"needed": False}),
                ("router", "Huawei E5576", {}),
                ("power_bank", "EcoFlow River 2", {}),
                ("pos", "PAX A920", {}),
            ]
            for kind, model, extra in kit:
                Device.objects.create(community=community, suitcase=suitcase, kind=kind, model=model,
                                      serial=f"{kind[:3].upper()}-{n:02d}-{today.year}", supplier="ТОВ «Техносервіс»",
                                      warranty_until=today + timedelta(days=20 if kind == "laptop" else 400), **extra)
            for month in range(1, today.month + 1):
                equipment_actions.add_expense(community, category=Expense.Category.INTERNET, suitcase=suitcase,
                                              date=today.replace(month=month, day=1), amount=Decimal("150"), by=None)
            equipment_actions.add_expense(community, category=Expense.Category.CARTRIDGES, suitcase=suitcase,
                                          date=today.replace(day=1), amount=Decimal("700"), by=None)
        # A spare router at the warranty repair for three weeks: the worker reminds the technician.
        Device.objects.create(community=community, kind="router", model="Huawei E5576", serial=f"ROU-00-{today.year}",
                              state="warranty_repair", state_since=today - timedelta(days=20), supplier="ТОВ «Техносервіс»")
        equipment_actions.add_expense(community, category=Expense.Category.TRANSPORT, date=today.replace(day=1),
                                      amount=Decimal("2400"), note="Пальне", by=None)

    def _quality(self, community):
        """A proposal the team accepted and publishes, and a complaint waiting for its answer, for the
        quality officer (login `quality`). Made once."""
        if Proposal.objects.filter(community=community).exists():
            return
        officer = User.objects.get(username="quality")
        today = timezone.localdate()
        proposal = quality_actions.register_proposal(
            community, channel="questionnaire", received_on=today - timedelta(days=20), author="Мешканка с. Липове",
            text="Телефонувати людині напередодні візиту: не всі читають SMS.", by=officer)
        quality_actions.decide_proposal(
            proposal.pk, discussed_on=today - timedelta(days=10), decision="accepted",
            reason="Літні люди часто не бачать SMS.", procedure_changed=True,
            change="Оператор телефонує кожному напередодні візиту.", publish=True, by=officer)
        quality_actions.register_proposal(community, channel="social", received_on=today - timedelta(days=3),
                                          text="Додати виїзди по суботах.", by=officer)
        request = VisitRequest.objects.filter(community=community, status=Status.SCHEDULED).order_by("pk").first()
        quality_actions.register_complaint(
            community, channel="phone", received_on=today - timedelta(days=2), request=request,
            person_name=request.requester_name or request.applicant_name if request else "Мешканець громади",
            phone=request.applicant_phone if request else "", text="Сказали, що приїдуть зранку, а приїхали ввечері.",
            assigned_to=officer, by=officer)

    def _todays_trip(self, community):
        """A published trip for today with a few accepted requests, so the field client
        (/field/, login `field`) has a day to load. Skipped when the team already has one today."""
        team = Team.objects.filter(community=community, name="Команда 1").first()
        today = timezone.localdate()
        if team is None or Trip.objects.filter(team=team, day=today).exists():
            return
        requests = list(VisitRequest.objects.filter(community=community, status=Status.ACCEPTED,
                                                    latitude__isnull=False).order_by("created_at")[:5])
        if not requests:
            return
        coordinator = User.objects.get(username="coordinator")
        trips.published_trip(team, today, requests, by=coordinator, hours=6, every=50,
                                comment="Демо: виїзд на сьогодні для програми виїзду.")

    def _requests(self, community, settlements, services, count):
        rnd = random.Random(2026)
        operator = User.objects.get(username="operator")
        coordinator = User.objects.get(username="coordinator")
        categories = {c.kind: c for c in EligibilityCategory.objects.filter(community=community)}
        mobile = [s for s in services if s.mobile_allowed]
        plan = ([Status.NEW] * 10 + [Status.NEEDS_INFO] * 5 + [Status.ACCEPTED] * 11 + [Status.REJECTED] * 4)
        for i in range(count):
            settlement = rnd.choice(settlements)
            old = rnd.random() < 0.6
            birth = date(rnd.randint(1931, 1944) if old else rnd.randint(1950, 1985), rnd.randint(1, 12), rnd.randint(1, 28))
            kind = rnd.choice([EligibilityCategory.DISABILITY_1, EligibilityCategory.LKK, EligibilityCategory.HOSPITAL,
                               EligibilityCategory.IMMOBILE, EligibilityCategory.AGE])
            someone_else = rnd.random() < 0.5
            req = VisitRequest(
                community=community,
                channel=rnd.choice([Channel.PHONE, Channel.PHONE, Channel.DESK, Channel.WEB]),
                applicant_name=full_name(rnd),
                applicant_birth_date=birth,
                applicant_phone="" if someone_else and rnd.random() < 0.5 else f"+38067{rnd.randint(1000000, 9999999)}",
                requester_name=f"{rnd.choice(FAMILY)} {rnd.choice(GIVEN)}" if someone_else else "",
                requester_phone=f"+38050{rnd.randint(1000000, 9999999)}" if someone_else else "",
                requester_relation=rnd.choice(Relation.values) if someone_else else "",
                settlement=settlement,
                street=rnd.choice(STREETS), building=str(rnd.randint(1, 120)),
                flat=str(rnd.randint(1, 90)) if rnd.random() < 0.6 else "",
                floor=rnd.randint(1, 9) if rnd.random() < 0.5 else None,
                intercom=f"{rnd.randint(1, 90)}В" if rnd.random() < 0.3 else "",
                access_notes="Собака у дворі, дзвонити у хвіртку" if rnd.random() < 0.2 else "",
                category=categories[kind],
                evidence_available=rnd.random() < 0.7,
                preferred_weekdays=sorted(rnd.sample(range(5), rnd.randint(1, 4))),
                window_start=time(rnd.choice([9, 10, 11])), window_end=time(rnd.choice([13, 15, 17])),
                consent_by="", consent_at=timezone.now(), warning_acknowledged_at=timezone.now(),
            )
            req.consent_by = req.requester_name or req.applicant_name
            chosen = rnd.sample(mobile, rnd.randint(1, 2))
            if any(s.is_paid for s in chosen):
                req.payment_method = rnd.choice(PaymentMethod.values)
            choices = [actions.ServiceChoice(s, {d.pk for d in s.documents.all() if rnd.random() < 0.75}) for s in chosen]
            actions.create_request(req, choices, by=None if req.channel == Channel.WEB else operator)
            created = timezone.now() - timedelta(days=rnd.randint(0, 20), hours=rnd.randint(0, 8))
            VisitRequest.objects.filter(pk=req.pk).update(created_at=created)
            req.history.update(at=created)
            target = plan[i % len(plan)]
            if target == Status.NEEDS_INFO:
                actions.ask_for_info(req, by=coordinator, comment="Уточнити номер довідки МСЕК")
            elif target == Status.ACCEPTED:
                if req.eligibility == "not_eligible":
                    req.category = categories[EligibilityCategory.DISABILITY_1]
                    req.evidence_available = True
                    actions.update_request(req, choices, by=operator)
                actions.accept(req, by=coordinator, comment="")
                # Accepted when it was made, like the rest of its history (the week's cut-off reads it).
                VisitRequest.objects.filter(pk=req.pk).update(accepted_at=created)
            elif target == Status.REJECTED:
                actions.reject(req, by=coordinator, reason=rnd.choice(RejectReason.values), comment="")
