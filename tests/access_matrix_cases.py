"""The expected table of tests/test_access_matrix.py: what each user gets from each URL pattern on a GET.

Outcomes: ``ok`` (2xx), ``login`` (redirect to a sign-in page), ``deny`` (401/403/404/405, or Wagtail's redirect to
its dashboard), ``redirect`` (elsewhere). ``a|b`` accepts either. Roles, in the order of every tuple below:
"""

from collections.abc import Callable
from dataclasses import dataclass

ROLES = ("anonymous", "learner", "learner_mx", "trainer_other", "focal_mx", "secretariat")

# Every i18n-prefixed pattern is also requested under these prefixes (anonymously: same outcome as unprefixed).
I18N_LANGUAGES = ("en", "fr")


@dataclass(frozen=True)
class Case:
    expect: tuple
    values: Callable | None = None  # dataset -> URL kwargs
    query: str = ""  # appended to the path, for views that need a parameter to answer at all


PUBLIC = ("ok",) * 6
SIGNED_IN = ("login", "ok", "ok", "ok", "ok", "ok")
# The dataset's objects belong to "learner"; the Secretariat sees everything; the others must not.
OWNER = ("login", "ok", "deny", "deny", "deny", "ok")
STAFF = ("login", "login|deny", "login|deny", "ok", "ok", "ok")
SECRETARIAT = ("login", "login|deny", "login|deny", "deny", "deny", "ok")
# Staff-only admin pages reached through an object that belongs to staff outside the matrix.
OTHERS_STAFF_OBJECT = ("login", "login|deny", "login|deny", "deny", "deny", "ok")
ADMIN_PUBLIC = PUBLIC


def _code(d):
    return {"code": d.certificate.code}


def _pk(attr):
    return lambda d: {"pk": getattr(d, attr).pk}


EXPECTED = {
    # --- Public, no language prefix
    "healthz": Case(PUBLIC),
    "sitemap": Case(PUBLIC),
    "set_language": Case(("redirect",) * 6),
    "credentials:status_list": Case(PUBLIC),
    "credentials:jwks": Case(PUBLIC),
    "credentials:issuer": Case(PUBLIC),
    # The signed credential carries the learner's name: the owner's and the Secretariat's to download.
    "credentials:credential": Case(("deny", "ok", "deny", "deny", "deny", "ok"), _code),
    # --- API: staff with a metrics scope (session or token)
    "metrics_api:headline": Case(("deny", "deny", "deny", "ok", "ok", "ok")),
    "metrics_api:breakdown": Case(("deny", "deny", "deny", "ok", "ok", "ok"), lambda d: {"group": "country"}),
    "metrics_api:monthly": Case(("deny", "deny", "deny", "ok", "ok", "ok")),
    "metrics_api:targets": Case(("deny", "deny", "deny", "ok", "ok", "ok")),
    # The schema documents measures and filters (no figures): any signed-in user; the API itself needs a scope.
    "metrics_api:schema": Case(("deny", "ok", "ok", "ok", "ok", "ok")),
    # --- H5P player: the signed token is the key; a signed-in user other than its owner is refused
    "h5p:player": Case(("ok", "ok", "deny", "deny", "deny", "deny"), lambda d: {"token": d.h5p_token}),
    "h5p:user_data": Case(("ok", "ok", "deny", "deny", "deny", "deny"),
                          lambda d: {"token": d.h5p_token, "data_type": "state", "sub_content_id": "0"}),
    "h5p:package_file": Case(("ok", "ok", "deny", "deny", "deny", "deny"),
                             lambda d: {"token": d.h5p_token, "path": "h5p.json"}),
    "h5p:library_file": Case(("deny",) * 6, lambda d: {"token": d.h5p_token, "version": "0", "path": "x.js"}),
    # --- Accounts (allauth): public forms, signed-in pages
    "account_login": Case(("ok", "redirect", "redirect", "redirect", "redirect", "redirect")),
    "account_logout": Case(("redirect", "ok", "ok", "ok", "ok", "ok")),
    "account_inactive": Case(PUBLIC),
    "account_signup": Case(("ok", "redirect", "redirect", "redirect", "redirect", "redirect")),
    "account_reauthenticate": Case(SIGNED_IN),
    "account_request_reauthentication_code": Case(SIGNED_IN),
    "account_confirm_reauthentication_code": Case(("login",) + ("redirect",) * 5),
    "account_email": Case(SIGNED_IN),
    "account_email_verification_sent": Case(PUBLIC),
    "account_change_password": Case(SIGNED_IN),
    "account_set_password": Case(("login",) + ("redirect",) * 5),
    "account_reset_password": Case(PUBLIC),
    "account_confirm_login_code": Case(("login",) + ("redirect",) * 5),
    "account_confirm_email": Case(PUBLIC),  # an unknown key: the "invalid link" page
    "account_reset_password_from_key_done": Case(PUBLIC),
    "account_reset_password_from_key": Case(PUBLIC),  # a bad token: the "invalid link" page
    "account_reset_password_done": Case(PUBLIC),
    "mfa_index": Case(SIGNED_IN),
    "mfa_authenticate": Case(("login",) + ("redirect",) * 5),
    "mfa_reauthenticate": Case(("login",) + ("redirect",) * 5),
    # TOTP for staff roles only (accounts.views.activate_totp_for_staff; staff are asked to reauthenticate first).
    "<lang>/accounts/2fa/totp/activate/": Case(("login", "deny", "deny", "redirect", "redirect", "redirect")),
    "mfa_activate_totp": Case(("login", "deny", "deny", "redirect", "redirect", "redirect")),  # same path
    "mfa_deactivate_totp": Case(("login",) + ("deny",) * 5),  # nobody in the dataset has TOTP
    "mfa_view_recovery_codes": Case(("login",) + ("deny",) * 5),
    "mfa_generate_recovery_codes": Case(("login",) + ("redirect",) * 5),
    "mfa_download_recovery_codes": Case(("login",) + ("deny",) * 5),
    # --- Personal data (accounts.privacy): each signed-in user sees and downloads only their own
    "accounts:my_data": Case(SIGNED_IN),
    "accounts:my_data_export": Case(SIGNED_IN),
    "accounts:erased": Case(PUBLIC),  # the confirmation shown after an erasure, to someone already signed out
    # --- Learner pages
    "enrolments:dashboard": Case(SIGNED_IN),
    "certificates:verify_form": Case(PUBLIC),
    "certificates:verify": Case(PUBLIC, _code),
    "certificates:download": Case(("deny", "ok", "deny", "deny", "deny", "ok"), _code),
    "seminars:feed": Case(PUBLIC),
    "seminars:ics": Case(PUBLIC, _pk("seminar")),
    # The roster: the seminar's organisers and the Secretariat; a focal point sees only their country's officials
    # (none here: test_owner_rows_never_leak_data checks the Guatemalan learner is not listed for Mexico's).
    "seminars:roster": Case(("login", "deny", "deny", "deny", "ok", "ok"), _pk("seminar")),
    # --- Project admin views
    "enrolments_bulk:list": Case(("login", "login|deny", "login|deny", "deny", "ok", "ok")),
    "enrolments_bulk:upload": Case(("login", "login|deny", "login|deny", "deny", "ok", "ok")),
    "enrolments_bulk:progress": Case(OTHERS_STAFF_OBJECT, _pk("bulk_job")),
    "enrolments_bulk:status": Case(OTHERS_STAFF_OBJECT, _pk("bulk_job")),
    "enrolments_bulk:report": Case(OTHERS_STAFF_OBJECT, _pk("bulk_job")),
    "enrolments_approvals:queue": Case(("login", "login|deny", "login|deny", "deny", "ok", "ok")),
    "enrolments_trainer:courses": Case(("login", "login|deny", "login|deny", "ok", "deny", "ok")),
    "enrolments_trainer:learners": Case(OTHERS_STAFF_OBJECT, lambda d: {"page_id": d.course_a.pk}),
    "h5p_xapi_export": Case(SECRETARIAT),
    "certificates_jobs": Case(("login", "login|deny", "login|deny", "ok", "deny", "ok")),
    "certificates_job": Case(OTHERS_STAFF_OBJECT, _pk("certificate_job")),
    "certificates_job_status": Case(OTHERS_STAFF_OBJECT, _pk("certificate_job")),
    "certificates_job_download": Case(OTHERS_STAFF_OBJECT, _pk("certificate_job")),
    "accounts_personal_data": Case(SECRETARIAT),  # learners' data requests, handled by the Secretariat
    "certificates_revoke": Case(SECRETARIAT, _pk("certificate")),
    "certificates_reissue": Case(SECRETARIAT, _pk("certificate")),
    "seminars_requests:queue": Case(("login", "login|deny", "login|deny", "deny", "ok", "ok")),
    "metrics:dashboard": Case(STAFF),
    "metrics:export": Case(STAFF, lambda d: {"name": "country"}, query="?export=csv"),
    "metrics:chart": Case(STAFF, lambda d: {"name": "country"}),
    "metrics:reports": Case(STAFF),
    "metrics:report": Case(OTHERS_STAFF_OBJECT, _pk("report")),
    "metrics:report_status": Case(OTHERS_STAFF_OBJECT, _pk("report")),
    "metrics:report_download": Case(OTHERS_STAFF_OBJECT, _pk("report")),
    # --- A representative sample of Wagtail's own admin views, for every role
    "wagtailadmin_home": Case(STAFF),  # staff roles hold wagtailadmin.access_admin; learners do not
    "wagtailadmin_explore_root": Case(("login", "login|deny", "login|deny", "ok", "deny", "ok")),
    # Trainers edit every course of the catalogue (Wagtail page permissions); focal points edit no page.
    "wagtailadmin_pages:edit": Case(("login", "login|deny", "login|deny", "ok", "deny", "ok"),
                                    lambda d: {"page_id": d.course_a.pk}),
    "wagtailsnippets_certificates_certificate:list": Case(SECRETARIAT),
    "wagtailsnippets_certificates_certificate:inspect": Case(SECRETARIAT, lambda d: {"pk": d.certificate.pk}),
    "wagtailsnippets_accounts_institution:list": Case(SECRETARIAT),
    "wagtailsnippets_metrics_countrytarget:list": Case(SECRETARIAT),
    "wagtailusers_users:index": Case(("login", "login|deny", "login|deny", "deny", "deny", "deny")),
    "wagtailusers_users:edit": Case(("login", "login|deny", "login|deny", "deny", "deny", "deny"),
                                    lambda d: {"pk": d.learner.pk}),
    "wagtailadmin_account": Case(STAFF),
    # Wagtail admin pages that are public by nature
    "wagtailadmin_javascript_catalog": Case(ADMIN_PUBLIC),
    "wagtailadmin_sprite": Case(ADMIN_PUBLIC),
    # Password resets go through allauth: Wagtail's own reset views answer 404 (WAGTAIL_PASSWORD_RESET_ENABLED).
    "wagtailadmin_password_reset": Case(("deny",) * 6),
    "wagtailadmin_password_reset_done": Case(("deny",) * 6),
    "wagtailadmin_password_reset_complete": Case(("deny",) * 6),
    "wagtailadmin_password_reset_confirm": Case(("deny",) * 6),
    "wagtailadmin_logout": Case(("login", "login", "login", "deny", "deny", "deny")),  # signs out, back to /admin/
    "wagtail_localize:javascript_catalog": Case(STAFF),
    "admin/login/": Case(("login",) * 6),
    # Wagtail's front-end views outside the admin: unknown ids answer 404 to everyone. Under the language prefix,
    # campus_serve's page pattern comes first and answers /_util/... itself (no such page: 404).
    "wagtaildocs_serve": Case(("deny",) * 6),
    "wagtaildocs_authenticate_with_password": Case(("deny",) * 6),
    "wagtailcore_authenticate_with_password": Case(("deny",) * 6),
    "wagtailcore_login": Case(("deny",) * 6),
    "admin/test404/": Case(STAFF),
    "admin/^.*/$": Case(("login", "login|deny", "login|deny", "deny", "deny", "deny")),
}

# Views that answer only POST: a GET must never be 200 (checked), their POST rules have their own tests.
POST_ONLY = {
    "enrolments:enrol": "enrols the signed-in user (require_POST)",
    "enrolments:withdraw": "withdraws the signed-in user's own enrolment (require_POST)",
    "enrolments:complete_lesson": "marks a lesson complete (require_POST)",
    "quizzes:submit": "grades a quiz attempt from the posted answers (require_POST)",
    "seminars:register": "registers the signed-in user (require_POST)",
    "seminars:withdraw": "withdraws the signed-in user's registration (require_POST)",
    "h5p:xapi": "receives an xAPI statement (require_POST)",
    "enrolments_bulk:apply": "applies a validated bulk job (require_POST)",
    "enrolments_bulk:discard": "discards a bulk job (require_POST)",
    "enrolments_approvals:nominate": "nominates officials (POST form)",
    "enrolments_approvals:approve": "decides a request (POST)",
    "enrolments_approvals:reject": "decides a request (POST)",
    "seminars_requests:nominate": "nominates officials (require_POST)",
    "seminars_requests:decide": "decides a registration (require_POST)",
    "accounts:my_data_erase": "erases the signed-in user's own account after a password check (require_POST)",
}

# Patterns that no request can reach: an earlier pattern answers the same paths.
SHADOWED = {
    "wagtailadmin_login": "admin/login/ is redirected to allauth's login by elearn/urls.py first",
    "wagtail_serve": "the page router is reached through campus_serve (same pattern, earlier); see PAGE_CASES",
}

# Patterns checked by another test.
WAGTAIL_PUBLIC = {
    "campus_serve": "the page router: each page type is checked in PAGE_CASES by test_wagtail_pages",
}

# Wagtail's own admin namespaces: anonymous users and learners are checked on every pattern of each group.
WAGTAIL_ADMIN_GROUPS = (
    "wagtailadmin_*", "wagtail_bulk_action", "wagtail_localize", "wagtaildocs", "wagtaildocs_chooser",
    "wagtailembeds", "wagtailforms", "wagtailimages", "wagtailimages_chooser", "wagtaillocales", "wagtailredirects",
    "wagtailsettings", "wagtailsites", "wagtailsnippetchoosers_*", "wagtailsnippets", "wagtailsnippets_*",
    "wagtailusers_groups", "wagtailusers_users",
)

# Extra per-role checks on group members (keyed by URL name), beyond EXPECTED's sample.
STAFF_SAMPLE = {
    "wagtailimages:index": {"trainer_other": "ok", "focal_mx": "deny", "secretariat": "ok"},
    "wagtaildocs:index": {"trainer_other": "ok", "focal_mx": "deny", "secretariat": "ok"},
    "wagtailsites:index": {"trainer_other": "deny", "focal_mx": "deny", "secretariat": "deny"},
    "wagtailusers_groups:index": {"trainer_other": "deny", "focal_mx": "deny", "secretariat": "deny"},
    "wagtailredirects:index": {"trainer_other": "deny", "focal_mx": "deny", "secretariat": "deny"},
    "wagtaillocales:index": {"trainer_other": "deny", "focal_mx": "deny", "secretariat": "deny"},
    # Snippet choosers check admin access only unless the viewset says otherwise (core.choosers): personal and
    # country-scoped models are the Secretariat's.
    "wagtailsnippetchoosers_certificates_certificate:choose": {"trainer_other": "deny", "focal_mx": "deny",
                                                                "secretariat": "ok"},
    "wagtailsnippetchoosers_metrics_countrytarget:choose": {"trainer_other": "deny", "focal_mx": "deny",
                                                             "secretariat": "ok"},
    "wagtailsnippets_h5p_h5ppackage:list": {"trainer_other": "ok", "focal_mx": "deny", "secretariat": "ok"},
    "wagtailadmin_reports:locked_pages": {"trainer_other": "deny", "focal_mx": "deny", "secretariat": "ok"},
}

# Values for URL kwargs no case fills (Wagtail admin views are refused before they look at them).
GENERIC_VALUES = {"group": "country", "version": "0", "path": "x", "uidb64": "MQ", "uidb36": "1",
                  "key": "1-x", "token": "x"}


def _page(attr: str, expect: tuple, suffix: str = ""):
    return lambda d: (getattr(d, attr).url + suffix, expect)


PAGE_CASES = {
    "home": lambda d: ("/", PUBLIC),
    "home_en": lambda d: ("/en/", PUBLIC),
    "catalog": lambda d: (d.course_a.get_parent().url, PUBLIC),
    "course": _page("course_a", PUBLIC),
    # A lesson: its enrolled learner and staff read it; the others are sent to the course page to enrol.
    "lesson": lambda d: (d.course_a.get_descendants().live().last().url,
                         ("login|redirect", "ok", "redirect", "redirect", "redirect", "ok")),
    "seminar": _page("seminar", PUBLIC),
    "missing": lambda d: ("/no-such-page/", ("deny",) * 6),
}

# Requested with a fresh client each: they sign the user out on GET.
LOGS_OUT = {"wagtailadmin_logout", "account_logout"}
