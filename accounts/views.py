from datetime import timedelta

from axes.models import AccessLog as AxesAccessLog
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import second_factor as sf
from .access import login_only, public, staff_required
from .forms import CodeForm, EnrolForm, LoginForm, PasswordChangeForm, RecoveryCodeForm
from .models import AccessChange, User

# The team page lists the logins of the community's staff over this many days, at most this many.
LOGINS_DAYS, LOGINS_SHOWN = 30, 100


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_success_url(self):
        # The password is the first step; a person who owes a code goes to the second at once.
        url = super().get_success_url()
        return sf.code_step_url(url) if sf.needs_code(self.request) else url


login = public(LoginView.as_view())
logout = public(auth_views.LogoutView.as_view())


def _with_next(name, next_url):
    return reverse(name) + "?" + urlencode({"next": next_url})


def _wait_message(seconds):
    if seconds >= 90:
        minutes = (seconds + 59) // 60
        return ngettext("Забагато неправильних кодів поспіль. Зачекайте %(n)d хвилину і введіть код ще раз.",
                        "Забагато неправильних кодів поспіль. Зачекайте %(n)d хвилин і введіть код ще раз.",
                        minutes) % {"n": minutes}
    return ngettext("Забагато неправильних кодів поспіль. Зачекайте %(n)d секунду і введіть код ще раз.",
                    "Забагато неправильних кодів поспіль. Зачекайте %(n)d секунд і введіть код ще раз.",
                    seconds) % {"n": seconds}


@sf.step
@login_only
def second_factor(request):
    """The code after the password: from the app, or a recovery code."""
    next_url = sf.safe_next(request)
    if not sf.needs_code(request):
        return redirect(next_url)
    if not sf.has_device(request.user):
        return redirect(_with_next("accounts:enrol", next_url))
    code_form, recovery_form = CodeForm(), RecoveryCodeForm()
    if request.method == "POST":
        recovery = "recovery_code" in request.POST
        form = RecoveryCodeForm(request.POST) if recovery else CodeForm(request.POST)
        field = "recovery_code" if recovery else "code"
        if recovery:
            recovery_form = form
        else:
            code_form = form
        if form.is_valid():
            try:
                device = sf.verify_code(request, form.cleaned_data[field])
            except sf.Throttled as throttled:
                form.add_error(field, _wait_message(throttled.seconds))
            else:
                if device is not None:
                    if recovery:
                        left = sf.recovery_codes_left(request.user)
                        messages.warning(request, ngettext(
                            "Ви увійшли за резервним кодом. Лишився %(n)d код. Якщо телефон загубився, "
                            "налаштуйте застосунок заново на сторінці «Мій обліковий запис».",
                            "Ви увійшли за резервним кодом. Лишилося %(n)d кодів. Якщо телефон загубився, "
                            "налаштуйте застосунок заново на сторінці «Мій обліковий запис».", left) % {"n": left})
                    return redirect(next_url)
                form.add_error(field, _("Резервний код не підходить або вже був використаний.") if recovery else
                               _("Код не підходить. Введіть цифри, які застосунок показує саме зараз."))
    return render(request, "accounts/second_factor.html",
                  {"form": code_form, "recovery_form": recovery_form, "next": next_url,
                   "recovery_open": bool(recovery_form.errors)})


@sf.step
@login_only
def enrol(request):
    """Set up the authenticator app: QR code or key, then the first code it shows."""
    user = request.user
    next_url = sf.safe_next(request)
    replacing = sf.has_device(user)
    if replacing and sf.needs_code(request):
        # Only a session that has given the code may replace the app.
        return redirect(sf.code_step_url(request.get_full_path()))
    device = sf.enrolment_device(user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sf.cap_wait(device)
        allowed, data = device.verify_is_allowed()
        if not allowed:
            form.add_error("code", _wait_message(sf.seconds_to_wait(data)))
        elif sf.confirm_enrolment(request, device, form.cleaned_data["code"]):
            return redirect(_with_next("accounts:recovery_codes", next_url))
        else:
            form.add_error("code", _("Код не підходить. Перевірте, що застосунок додав саме цей ключ, і введіть "
                                     "цифри, які він показує зараз."))
    return render(request, "accounts/enrol.html", {
        "form": form, "next": next_url, "replacing": replacing, "qr": sf.qr_data_uri(device),
        "key": sf.manual_key(device), "required": sf.required_for(user),
    })


@login_only
def recovery_codes(request):
    """New recovery codes, shown once; how many are left; make new ones."""
    if not sf.has_device(request.user):
        return redirect(_with_next("accounts:enrol", sf.safe_next(request)))
    if request.method == "POST":
        sf.show_codes_once(request, sf.new_recovery_codes(request.user))
        return redirect(_with_next("accounts:recovery_codes", sf.safe_next(request)))
    codes = sf.take_new_codes(request)
    return render(request, "accounts/recovery_codes.html", {
        "codes": [sf.format_code(c) for c in codes or []], "left": sf.recovery_codes_left(request.user),
        "next": sf.safe_next(request),
    })


@login_only
def account(request):
    """The person's own account: password and the second factor."""
    return render(request, "accounts/account.html", {
        "has_device": sf.has_device(request.user), "required": sf.required_for(request.user),
        "left": sf.recovery_codes_left(request.user),
    })


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Пароль змінено. Відтепер входьте з новим паролем."))
        return response


password_change = login_only(PasswordChangeView.as_view())


@staff_required("audit.view")
def team_changes(request):
    """Who changed the reach of this community's staff accounts, and who logged in to them lately."""
    community_id = request.user.community_id
    records = (AccessChange.objects.filter(Q(community_before_id=community_id) | Q(community_after_id=community_id))
               .select_related("community_before", "community_after"))
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    usernames = User.objects.filter(community_id=community_id).values("username")
    since = timezone.now() - timedelta(days=LOGINS_DAYS)
    logins = AxesAccessLog.objects.filter(username__in=usernames, attempt_time__gte=since).order_by("-attempt_time")
    return render(request, "accounts/team_changes.html",
                  {"page": page, "logins": logins[:LOGINS_SHOWN], "logins_days": LOGINS_DAYS})
