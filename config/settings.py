"""gridcare settings: one file, everything that varies read from the environment.

Every variable is listed with its default in .env.example.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from gridcare.core.env import (
    database_from_url,
    env_bool,
    env_decimal,
    env_int,
    env_list,
    env_str,
)
from gridcare.core.security import CSP, PUBLIC_SECRET_KEY, production_refusals

BASE_DIR = Path(__file__).resolve().parent.parent

# "development" (default) or "production": the production profile (README, "Production
# settings") turns on secure cookies, HSTS and the HTTPS redirect, and refuses to start with the
# public SECRET_KEY or with DEBUG on.
GRIDCARE_ENV = env_str("GRIDCARE_ENV", "development")
if GRIDCARE_ENV not in ("development", "production"):
    raise ImproperlyConfigured(f"GRIDCARE_ENV must be development or production, not {GRIDCARE_ENV!r}.")
SECRET_KEY = env_str("SECRET_KEY", PUBLIC_SECRET_KEY)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8000,http://localhost:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",  # sign-in failures, lockouts and the sign-in log (SEC-1)
    "django_htmx",
    "ninja",  # its Swagger UI and ReDoc assets are served from the package, not a CDN
    "gridcare.core",
    "gridcare.org",
    "gridcare.customers",
    "gridcare.notices",
    "gridcare.halls",
    "gridcare.billing",
    "gridcare.workorders",
    "gridcare.jobs",
    "gridcare.assessment",
    "gridcare.portal",
    "gridcare.keyaccounts",
    "gridcare.planning",
    "gridcare.knowledge",
    "gridcare.invoicing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gridcare.portal.access.PortalSessionMiddleware",  # the customer's own session (its own cookie)
    "gridcare.core.middleware.ChosenLanguageMiddleware",
    "gridcare.core.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "gridcare.org.middleware.SessionIdleTimeoutMiddleware",
    "gridcare.org.middleware.PasswordExpiryMiddleware",
    "gridcare.core.security.ContentSecurityPolicyMiddleware",
    # Last, as axes asks: turns a locked-out sign-in into the lockout answer (gridcare.org.signin).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gridcare.org.context_processors.staff",
                "gridcare.portal.context_processors.portal",
                "gridcare.core.confirmations.confirmations",
            ],
        },
    },
]

DATABASES = {"default": database_from_url(env_str("DATABASE_URL", "sqlite:///db.sqlite3"), base_dir=BASE_DIR)}

# "live": the halls' live screens, one rendering per hall, change, minute and language (issue 20),
# per process (each gunicorn worker renders a change once); a version read from the database on
# every refresh decides, so no entry is ever served after the hall changed.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "gridcare-default"},
    "live": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "gridcare-live",
        "TIMEOUT": 120,
        "OPTIONS": {"MAX_ENTRIES": env_int("GRIDCARE_LIVE_CACHE_ENTRIES", 20000)},
    },
}
# The live screens' pushed refreshes (gridcare.halls.push, issue 20): the pages open server-sent
# event streams when ENABLED (GRIDCARE_LIVE_PUSH=true where the ASGI live service answers
# /halls/…/events/, docs/OPERATIONS.md; `make run` turns it on, runserver giving each stream a
# thread); otherwise they poll. A process's watcher reads the versions every POLL_MS.
GRIDCARE_LIVE_PUSH = {
    "ENABLED": env_bool("GRIDCARE_LIVE_PUSH", False),
    "POLL_MS": env_int("GRIDCARE_LIVE_POLL_MS", 250),
    "PING_SECONDS": 15,
    "MAX_SECONDS": 600,
}
# GRIDCARE_LIVE_CACHE=false renders every refresh again (the design before issue 20): the
# baseline of benchmarks/province_screens.py, never for production.
if not env_bool("GRIDCARE_LIVE_CACHE", True):
    CACHES["live"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- sign-in, passwords and sessions (SEC-1, 等保 2.0 level 3) -----------------------------
GRIDCARE_AUTH = {
    # An account (by username) is locked after this many failed sign-ins; an address (one hall's NAT
    # address serves all its counters) is throttled only at its own, higher limit. Both last
    # LOCK_MINUTES after the last failure (axes' cool-off).
    "ACCOUNT_FAILURE_LIMIT": env_int("GRIDCARE_LOGIN_ACCOUNT_FAILURE_LIMIT", 5),
    "ADDRESS_FAILURE_LIMIT": env_int("GRIDCARE_LOGIN_ADDRESS_FAILURE_LIMIT", 30),
    "LOCK_MINUTES": env_int("GRIDCARE_LOGIN_LOCK_MINUTES", 30),
    # Passwords: length, character classes of four (upper, lower, digit, symbol), and the days
    # after which staff must change theirs.
    "PASSWORD_MIN_LENGTH": env_int("GRIDCARE_PASSWORD_MIN_LENGTH", 8),
    "PASSWORD_MIN_CLASSES": env_int("GRIDCARE_PASSWORD_MIN_CLASSES", 3),
    "PASSWORD_MAX_AGE_DAYS": env_int("GRIDCARE_PASSWORD_MAX_AGE_DAYS", 90),
    # A staff session ends after this many idle minutes (the activity stamp is refreshed at
    # most once a minute); an API token after this many minutes unused.
    "SESSION_IDLE_MINUTES": env_int("GRIDCARE_SESSION_IDLE_MINUTES", 30),
    "API_TOKEN_IDLE_MINUTES": env_int("GRIDCARE_API_TOKEN_IDLE_MINUTES", 30),
    # Sign-in log, failures, lockouts, unlocks, token revocations and password changes are kept
    # this many days (at least 180: 等保 2.0 level 3).
    "AUDIT_KEEP_DAYS": env_int("GRIDCARE_AUTH_AUDIT_KEEP_DAYS", 180),
}
# The hall's kiosks, display boards and evaluation pads (gridcare.halls: registered devices, not
# staff sessions): a pairing code works once, for this many minutes; a paired browser keeps its
# device cookie this many days (browsers keep a cookie at most 400).
GRIDCARE_HALL_DEVICES = {
    "PAIRING_MINUTES": env_int("GRIDCARE_HALL_DEVICE_PAIRING_MINUTES", 30),
    "COOKIE_DAYS": env_int("GRIDCARE_HALL_DEVICE_COOKIE_DAYS", 365),
}
# Unmasking a customer's full phone and ID number (CUST-4, PIPL): per person, at most PER_HOUR in
# any 60 minutes and PER_DAY in one Shanghai calendar day; BURST_COUNT within BURST_MINUTES alerts
# the unit's supervisors (one alert per burst). A reason's free text needs REASON_MIN_CHARS
# characters, OTHER_REASON_MIN_CHARS when the reason chosen is 其他.
GRIDCARE_PRIVACY = {
    "UNMASK_PER_HOUR": env_int("GRIDCARE_UNMASK_PER_HOUR", 20),
    "UNMASK_PER_DAY": env_int("GRIDCARE_UNMASK_PER_DAY", 60),
    "UNMASK_BURST_COUNT": env_int("GRIDCARE_UNMASK_BURST_COUNT", 10),
    "UNMASK_BURST_MINUTES": env_int("GRIDCARE_UNMASK_BURST_MINUTES", 5),
    "UNMASK_REASON_MIN_CHARS": env_int("GRIDCARE_UNMASK_REASON_MIN_CHARS", 4),
    "UNMASK_OTHER_REASON_MIN_CHARS": env_int("GRIDCARE_UNMASK_OTHER_REASON_MIN_CHARS", 10),
}
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": GRIDCARE_AUTH["PASSWORD_MIN_LENGTH"]},
    },
    {
        "NAME": "gridcare.org.passwords.CharacterClassesValidator",
        "OPTIONS": {"min_classes": GRIDCARE_AUTH["PASSWORD_MIN_CLASSES"]},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "gridcare.org.passwords.NotCurrentPasswordValidator"},
    # Not a rule: Django tells every validator when a password was set (user.save() after
    # set_password: the change page, the admin, create_user); this one records the moment and
    # revokes the user's API tokens.
    {"NAME": "gridcare.org.passwords.PasswordSetRecorder"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# django-axes: accounts are locked by username (never by address alone: one NAT address serves a
# whole hall); gridcare.org.signin adds the address throttle and the Chinese answers.
AXES_HANDLER = "gridcare.org.signin.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "gridcare.org.signin.lockout_response"
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "gridcare.org.signin.client_username"
AXES_FAILURE_LIMIT = GRIDCARE_AUTH["ACCOUNT_FAILURE_LIMIT"]
AXES_COOLOFF_TIME = timedelta(minutes=GRIDCARE_AUTH["LOCK_MINUTES"])
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT = 10**9  # kept by age (AUDIT_KEEP_DAYS), not by count
# Reverse proxies in front of the app (0: clients connect directly). With N > 0 the client's
# address is read from X-Forwarded-For, trusting only the last N hops.
GRIDCARE_TRUSTED_PROXIES = env_int("GRIDCARE_TRUSTED_PROXIES", 0)
if GRIDCARE_TRUSTED_PROXIES:
    AXES_IPWARE_PROXY_COUNT = GRIDCARE_TRUSTED_PROXIES
    AXES_IPWARE_PROXY_ORDER = "right-most"
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
# axes would also lock by address at the account's limit; gridcare throttles addresses at their
# own limit instead (gridcare.org.signin), so its warning about address-free lockout is answered.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# A stale or missing form token: the site's own page in the user's language (gridcare.core.errors).
CSRF_FAILURE_VIEW = "gridcare.core.errors.csrf_failure"
# Content-Security-Policy of every response (gridcare.core.security): nothing from outside, no
# inline code. Empty: no header.
GRIDCARE_CSP = env_str("GRIDCARE_CSP", CSP)
if GRIDCARE_ENV == "production":
    production_refusals(secret_key=SECRET_KEY, debug=DEBUG)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # TLS ends at the reverse proxy, which must set X-Forwarded-Proto (and strip a client's own).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = env_int("GRIDCARE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("GRIDCARE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("GRIDCARE_HSTS_PRELOAD", True)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Simplified Chinese by default, English available; business dates in Asia/Shanghai.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (work-order attachments) in the default storage: never served from here by the
# web server, only through the permission-checked download views. var/ is not in git.
MEDIA_ROOT = Path(env_str("GRIDCARE_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media-not-served/"

# Every log line goes through the personal-data mask (mobiles, ID numbers: core/privacy.py),
# the development server's request log included (a search by mobile puts it in the URL).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "gridcare.core.privacy.MaskPersonalData"}},
    "formatters": {
        "server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_personal_data"]},
        "server": {"class": "logging.StreamHandler", "filters": ["mask_personal_data"], "formatter": "server"},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {"django.server": {"handlers": ["server"], "level": "INFO", "propagate": False}},
}

# --- gridcare ---------------------------------------------------------------------------
# Demo accounts (seed_demo) all get this password (it meets the password policy).
GRIDCARE_DEMO_PASSWORD = env_str("GRIDCARE_DEMO_PASSWORD", "Gridcare-demo1")
# Weeks of past hall tickets, calls and ratings seed_demo gives every demo hall.
GRIDCARE_DEMO_HISTORY_WEEKS = env_int("GRIDCARE_DEMO_HISTORY_WEEKS", 6)
# Days an API token stays valid.
GRIDCARE_API_TOKEN_DAYS = env_int("GRIDCARE_API_TOKEN_DAYS", 30)
# Rows per page of every long list, on pages and as the API's default page_size (core/paging.py);
# the largest page_size an API caller may ask for.
GRIDCARE_PAGE_SIZE = env_int("GRIDCARE_PAGE_SIZE", 50)
GRIDCARE_API_MAX_PAGE_SIZE = env_int("GRIDCARE_API_MAX_PAGE_SIZE", 500)

# Regulatory numbers (shared/SPEC.md, first table). A province changes these, not code.
GRIDCARE_RULES = {
    # 供电营业规则 art. 98: late-payment penalty per overdue day.
    "PENALTY_RATE_RESIDENTIAL": env_decimal("GRIDCARE_PENALTY_RATE_RESIDENTIAL", "0.001"),
    "PENALTY_RATE_OTHER_CURRENT_YEAR": env_decimal("GRIDCARE_PENALTY_RATE_OTHER_CURRENT_YEAR", "0.002"),
    "PENALTY_RATE_OTHER_CROSS_YEAR": env_decimal("GRIDCARE_PENALTY_RATE_OTHER_CROSS_YEAR", "0.003"),
    "PENALTY_MINIMUM": env_decimal("GRIDCARE_PENALTY_MINIMUM", "1.00"),
    "PENALTY_MINIMUM_ENABLED": env_bool("GRIDCARE_PENALTY_MINIMUM_ENABLED", True),
    # NDRC 2617: tier 2 = tier 1 + 0.05, tier 3 = tier 1 + 0.30 yuan/kWh.
    "TIER2_INCREMENT": env_decimal("GRIDCARE_TIER2_INCREMENT", "0.05"),
    "TIER3_INCREMENT": env_decimal("GRIDCARE_TIER3_INCREMENT", "0.30"),
    # NDRC 2021 notice: peak/valley prices at least 3:1, 4:1 where the province's peak-valley load
    # gap (峰谷差率, the system's, a per cent the province publishes) exceeds 40%.
    "TOU_MIN_PEAK_VALLEY_RATIO": env_decimal("GRIDCARE_TOU_MIN_PEAK_VALLEY_RATIO", "3"),
    "TOU_MIN_PEAK_VALLEY_RATIO_WIDE_GAP": env_decimal("GRIDCARE_TOU_MIN_PEAK_VALLEY_RATIO_WIDE_GAP", "4"),
    "TOU_WIDE_GAP_PERCENT": env_decimal("GRIDCARE_TOU_WIDE_GAP_PERCENT", "40"),
    "TOU_PEAK_VALLEY_LOAD_GAP_PERCENT": env_decimal("GRIDCARE_TOU_PEAK_VALLEY_LOAD_GAP_PERCENT", "0"),
    # Large industry and the two-part tariff: receiving capacity at or above this (kVA).
    "TWO_PART_MIN_KVA": env_decimal("GRIDCARE_TWO_PART_MIN_KVA", "315"),
    # 功率因数调整电费办法: every account of 100 kVA and above whose meter measures reactive energy,
    # with the standard of its class (class:from kVA:standard; the first that fits; a two-part
    # tariff's own standard wins): 0.90 large industry, 0.85 other industry and commerce, 0.80
    # agriculture.
    "PF_MIN_KVA": env_decimal("GRIDCARE_PF_MIN_KVA", "100"),
    "PF_STANDARDS": env_str(
        "GRIDCARE_PF_STANDARDS", "large_industrial:100:0.90,commercial:100:0.85,agricultural:100:0.80"
    ),
    "PREPAID_WARNING_YUAN": env_decimal("GRIDCARE_PREPAID_WARNING_YUAN", "30.00"),
    # Disconnection for arrears.
    "DISCONNECT_AFTER_OVERDUE_DAYS": env_int("GRIDCARE_DISCONNECT_AFTER_OVERDUE_DAYS", 30),
    "DISCONNECT_NOTICE_MIN_DAYS": env_int("GRIDCARE_DISCONNECT_NOTICE_MIN_DAYS", 3),
    "DISCONNECT_NOTICE_MAX_DAYS": env_int("GRIDCARE_DISCONNECT_NOTICE_MAX_DAYS", 7),
    "DISCONNECT_FINAL_NOTICE_MINUTES": env_int("GRIDCARE_DISCONNECT_FINAL_NOTICE_MINUTES", 30),
    "RECONNECT_HOURS": env_int("GRIDCARE_RECONNECT_HOURS", 24),
    # 十项承诺: fault repair arrival (minutes) and restoration after arrival (minutes).
    "REPAIR_ARRIVAL_MINUTES": {
        "urban": env_int("GRIDCARE_REPAIR_ARRIVAL_URBAN", 45),
        "rural": env_int("GRIDCARE_REPAIR_ARRIVAL_RURAL", 90),
        "remote": env_int("GRIDCARE_REPAIR_ARRIVAL_REMOTE", 120),
    },
    "RESTORATION_MINUTES": {
        "urban": env_int("GRIDCARE_RESTORATION_URBAN", 180),
        "rural": env_int("GRIDCARE_RESTORATION_RURAL", 240),
        "remote": env_int("GRIDCARE_RESTORATION_REMOTE", 240),
    },
    "PLANNED_OUTAGE_NOTICE_DAYS": env_int("GRIDCARE_PLANNED_OUTAGE_NOTICE_DAYS", 7),
    "TEMPORARY_MAINTENANCE_NOTICE_HOURS": env_int("GRIDCARE_TEMPORARY_MAINTENANCE_NOTICE_HOURS", 24),
    "COMPLAINT_CONTACT_HOURS": env_int("GRIDCARE_COMPLAINT_CONTACT_HOURS", 24),
    "COMPLAINT_REPLY_WORKING_DAYS": env_int("GRIDCARE_COMPLAINT_REPLY_WORKING_DAYS", 5),
    "REPORT_REPLY_WORKING_DAYS": env_int("GRIDCARE_REPORT_REPLY_WORKING_DAYS", 9),
    "NEW_CONNECTION_WORKING_DAYS": {
        "residential": env_int("GRIDCARE_NEW_CONNECTION_RESIDENTIAL", 5),
        "low_voltage": env_int("GRIDCARE_NEW_CONNECTION_LOW_VOLTAGE", 6),
        "high_voltage_single": env_int("GRIDCARE_NEW_CONNECTION_HV_SINGLE", 22),
        "high_voltage_dual": env_int("GRIDCARE_NEW_CONNECTION_HV_DUAL", 32),
    },
    "HALL_WAIT_TARGET_MINUTES": env_int("GRIDCARE_HALL_WAIT_TARGET_MINUTES", 15),
    # Hall appointments (预约办电): places per half-hour slot and business type, how many days
    # ahead one books (from tomorrow), and the check-in window around the slot.
    "HALL_APPOINTMENT_SLOT_CAPACITY": env_int("GRIDCARE_HALL_APPOINTMENT_SLOT_CAPACITY", 2),
    "HALL_APPOINTMENT_DAYS_AHEAD": env_int("GRIDCARE_HALL_APPOINTMENT_DAYS_AHEAD", 7),
    "HALL_APPOINTMENT_EARLY_MINUTES": env_int("GRIDCARE_HALL_APPOINTMENT_EARLY_MINUTES", 30),
    "HALL_APPOINTMENT_LATE_MINUTES": env_int("GRIDCARE_HALL_APPOINTMENT_LATE_MINUTES", 15),
    # Mobile service rounds (流动服务车, WO-9): how far ahead a unit's timetable reaches, and how
    # many days of coming stops the portal shows a customer.
    "HALL_MOBILE_ROUND_DAYS_AHEAD": env_int("GRIDCARE_HALL_MOBILE_ROUND_DAYS_AHEAD", 90),
    "HALL_MOBILE_ROUND_PORTAL_DAYS": env_int("GRIDCARE_HALL_MOBILE_ROUND_PORTAL_DAYS", 30),
    "RELIABILITY_URBAN_TARGET": env_decimal("GRIDCARE_RELIABILITY_URBAN_TARGET", "0.999"),
}

# --- notices (gridcare/notices, NOTE-1..4) -------------------------------------------------
# Gateways per channel: "console" (default: messages go to the log, or to GRIDCARE_NOTICE_FILE
# as JSON lines), "http" (SMS provider), "smtp" (e-mail), "webhook" (app push).
GRIDCARE_NOTICES = {
    "SMS_GATEWAY": env_str("GRIDCARE_SMS_GATEWAY", "console"),
    "SMS_URL": env_str("GRIDCARE_SMS_URL", ""),
    "SMS_APP_KEY": env_str("GRIDCARE_SMS_APP_KEY", ""),
    "SMS_SECRET": env_str("GRIDCARE_SMS_SECRET", ""),
    "SMS_SIGN_NAME": env_str("GRIDCARE_SMS_SIGN_NAME", "国网示范市供电公司"),
    # Messages per second one gateway connection may carry, and connections per sender process.
    "SMS_RATE": env_int("GRIDCARE_SMS_RATE", 100),
    "SMS_CONNECTIONS": env_int("GRIDCARE_SMS_CONNECTIONS", 4),
    "SMS_TIMEOUT_SECONDS": env_int("GRIDCARE_SMS_TIMEOUT_SECONDS", 10),
    "SMS_MAX_SEGMENTS": env_int("GRIDCARE_SMS_MAX_SEGMENTS", 3),
    # Delivery receipts (POST /api/v1/notices/receipts) are signed with this shared secret.
    "RECEIPT_SECRET": env_str("GRIDCARE_NOTICE_RECEIPT_SECRET", ""),
    "EMAIL_GATEWAY": env_str("GRIDCARE_EMAIL_GATEWAY", "console"),
    "SMTP_HOST": env_str("GRIDCARE_SMTP_HOST", "localhost"),
    "SMTP_PORT": env_int("GRIDCARE_SMTP_PORT", 25),
    "SMTP_USER": env_str("GRIDCARE_SMTP_USER", ""),
    "SMTP_PASSWORD": env_str("GRIDCARE_SMTP_PASSWORD", ""),
    "SMTP_STARTTLS": env_bool("GRIDCARE_SMTP_STARTTLS", False),
    "EMAIL_FROM": env_str("GRIDCARE_EMAIL_FROM", "notice@gridcare.local"),
    "EMAIL_RATE": env_int("GRIDCARE_EMAIL_RATE", 20),
    "PUSH_GATEWAY": env_str("GRIDCARE_PUSH_GATEWAY", "console"),
    "PUSH_URL": env_str("GRIDCARE_PUSH_URL", ""),
    "PUSH_SECRET": env_str("GRIDCARE_PUSH_SECRET", ""),
    "PUSH_RATE": env_int("GRIDCARE_PUSH_RATE", 200),
    # WeChat official-account template messages: "console" (default) or "wechat". The default
    # base URL points nowhere on purpose; production sets https://api.weixin.qq.com.
    "WECHAT_GATEWAY": env_str("GRIDCARE_WECHAT_GATEWAY", "console"),
    "WECHAT_BASE_URL": env_str("GRIDCARE_WECHAT_BASE_URL", "https://wechat-gateway.invalid"),
    "WECHAT_APP_ID": env_str("GRIDCARE_WECHAT_APP_ID", ""),
    "WECHAT_APP_SECRET": env_str("GRIDCARE_WECHAT_APP_SECRET", ""),
    "WECHAT_TEMPLATE_ID": env_str("GRIDCARE_WECHAT_TEMPLATE_ID", ""),
    "WECHAT_RATE": env_int("GRIDCARE_WECHAT_RATE", 100),
    "WECHAT_CONNECTIONS": env_int("GRIDCARE_WECHAT_CONNECTIONS", 2),
    "WECHAT_TIMEOUT_SECONDS": env_int("GRIDCARE_WECHAT_TIMEOUT_SECONDS", 10),
    "CONSOLE_RATE": env_int("GRIDCARE_NOTICE_CONSOLE_RATE", 1000),
    "FILE": env_str("GRIDCARE_NOTICE_FILE", ""),
    # Non-urgent messages wait out the night (Asia/Shanghai); empty: no quiet hours.
    "QUIET_HOURS": env_str("GRIDCARE_NOTICE_QUIET_HOURS", "22:00-08:00"),
    "MAX_ATTEMPTS": env_int("GRIDCARE_NOTICE_MAX_ATTEMPTS", 6),
    "BACKOFF_SECONDS": env_int("GRIDCARE_NOTICE_BACKOFF_SECONDS", 30),
    # A live sender renews its claim every third of this (the heartbeat); a claim not renewed for
    # this long is a dead sender's, and another sender takes its rows over (issue 21).
    "LEASE_SECONDS": env_int("GRIDCARE_NOTICE_LEASE_SECONDS", 15),
    # Failed deliveries in a row after which a phone is marked failed (archive worklist, CUST-3).
    "FAILURES_TO_FLAG": env_int("GRIDCARE_NOTICE_FAILURES_TO_FLAG", 3),
    # Plausible outages: begun at most this many days ago (a fault entered late), starting at most
    # this many days ahead, lasting at most this many hours; anything else is a typing error.
    "OUTAGE_DAYS_BACK": env_int("GRIDCARE_NOTICE_OUTAGE_DAYS_BACK", 30),
    "OUTAGE_DAYS_AHEAD": env_int("GRIDCARE_NOTICE_OUTAGE_DAYS_AHEAD", 366),
    "OUTAGE_MAX_HOURS": env_int("GRIDCARE_NOTICE_OUTAGE_MAX_HOURS", 720),
    # Peak-shifting orders: a load limit of at most this many kW, for a day at most this far ahead.
    "PEAK_SHIFT_MAX_KW": env_int("GRIDCARE_NOTICE_PEAK_SHIFT_MAX_KW", 10_000_000),
    "PEAK_SHIFT_DAYS_AHEAD": env_int("GRIDCARE_NOTICE_PEAK_SHIFT_DAYS_AHEAD", 366),
}

# --- work orders (gridcare/workorders, WO-1..8) ------------------------------------------------
# Deadlines of the types SPEC leaves to practice (complaint, report and fault are in GRIDCARE_RULES),
# in working days; 0 means the type has no reply deadline (praise).
GRIDCARE_WORKORDERS = {
    "REPLY_WORKING_DAYS": {
        "opinion": env_int("GRIDCARE_WO_OPINION_REPLY_WORKING_DAYS", 10),
        "suggestion": env_int("GRIDCARE_WO_SUGGESTION_REPLY_WORKING_DAYS", 10),
        "inquiry": env_int("GRIDCARE_WO_INQUIRY_REPLY_WORKING_DAYS", 1),
        "service_request": env_int("GRIDCARE_WO_SERVICE_REQUEST_REPLY_WORKING_DAYS", 5),
        "urging": env_int("GRIDCARE_WO_URGING_REPLY_WORKING_DAYS", 1),
        "praise": env_int("GRIDCARE_WO_PRAISE_REPLY_WORKING_DAYS", 0),
    },
    # Fault reports of one 台区 (or feeder) join the open incident while its last report is this recent.
    "MERGE_WINDOW_MINUTES": env_int("GRIDCARE_WO_MERGE_WINDOW_MINUTES", 60),
    # A deadline is warned about when this share of its time is left.
    "WARNING_LEAD_PERCENT": env_int("GRIDCARE_WO_WARNING_LEAD_PERCENT", 25),
    # Same account complaining again within this many days counts as a repeat complaint.
    "REPEAT_COMPLAINT_DAYS": env_int("GRIDCARE_WO_REPEAT_COMPLAINT_DAYS", 90),
    # New-connection stage limits in working days, JSON overriding the defaults of
    # gridcare/workorders/connections.py, e.g. {"high_voltage_single": {"supply_plan": 12}}.
    "NEW_CONNECTION_STAGE_DAYS": env_str("GRIDCARE_WO_NEW_CONNECTION_STAGE_DAYS", "{}"),
    # The largest capacity (kVA) a new-connection application may ask for: above it is a typing
    # error (the archive's contract capacity has the same limit).
    "NEW_CONNECTION_MAX_KVA": env_decimal("GRIDCARE_WO_NEW_CONNECTION_MAX_KVA", "999999"),
    # Attachments (issue 18): the largest file, and the kinds allowed (checked by content, not name).
    "ATTACHMENT_MAX_BYTES": env_int("GRIDCARE_WO_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024),
    "ATTACHMENT_TYPES": env_str("GRIDCARE_WO_ATTACHMENT_TYPES", "jpg,png,pdf,docx,xlsx"),
    "ATTACHMENTS_PER_ORDER": env_int("GRIDCARE_WO_ATTACHMENTS_PER_ORDER", 30),
    # The most rows one Excel/CSV export of the search holds (more: the first ones and a last line saying so).
    "EXPORT_MAX_ROWS": env_int("GRIDCARE_WO_EXPORT_MAX_ROWS", 5000),
    # Saved searches a person may keep.
    "SAVED_SEARCHES_MAX": env_int("GRIDCARE_WO_SAVED_SEARCHES_MAX", 30),
    # A message to the owner (the staff app, by 工号) when their order is escalated; off by default.
    "ESCALATION_NOTIFY_OWNER": env_bool("GRIDCARE_WO_ESCALATION_NOTIFY_OWNER", False),
    # Triage retraining: the fewest agents' overrides before a retrain is tried, and every how
    # many-th override (by id) is held out to score the current and the candidate model.
    "TRIAGE_RETRAIN_MIN_OVERRIDES": env_int("GRIDCARE_WO_TRIAGE_RETRAIN_MIN_OVERRIDES", 20),
    "TRIAGE_HOLD_OUT_EVERY": env_int("GRIDCARE_WO_TRIAGE_HOLD_OUT_EVERY", 5),
}
# Holiday data (State Council notices) that seeds the calendar of a new database; empty:
# gridcare/core/holidays_cn.json. After that the calendar is edited at /calendar/.
GRIDCARE_HOLIDAYS_FILE = env_str("GRIDCARE_HOLIDAYS_FILE", "")
# How often (seconds) a process checks whether another one saved a calendar year.
GRIDCARE_CALENDAR_RECHECK_SECONDS = env_int("GRIDCARE_CALENDAR_RECHECK_SECONDS", 5)

# --- billing (issue 4: BILL-1 … BILL-8) ----------------------------------------------------
GRIDCARE_BILLING = {
    # The province whose tariffs apply to this company's accounts (Tariff.province).
    "PROVINCE": env_str("GRIDCARE_BILLING_PROVINCE", "ZJ"),
    # A period's bills fall due on this day of the following month.
    "DUE_DAY": env_int("GRIDCARE_BILLING_DUE_DAY", 25),
    # Maximum-demand basis: a demand under this share of contract capacity is billed at it.
    "DEMAND_MIN_SHARE": env_decimal("GRIDCARE_BILLING_DEMAND_MIN_SHARE", "0.40"),
    # Reading validation: a month over SPIKE_FACTOR × the recent average (and over
    # SPIKE_MIN_KWH) is a spike; registers roll over at REGISTER_MAX.
    "SPIKE_FACTOR": env_decimal("GRIDCARE_BILLING_SPIKE_FACTOR", "3"),
    "SPIKE_MIN_KWH": env_decimal("GRIDCARE_BILLING_SPIKE_MIN_KWH", "100"),
    "REGISTER_MAX": env_decimal("GRIDCARE_BILLING_REGISTER_MAX", "100000"),
    # 估抄: an account with no reading at the bill run gets an estimated one from its own history
    # (last year's same month, else the mean of the last 3 months), at most ESTIMATE_MAX_CONSECUTIVE
    # months in a row; after that it waits for a real reading. The next actual reading trues it up.
    "ESTIMATE_MISSING_READINGS": env_bool("GRIDCARE_ESTIMATE_MISSING_READINGS", True),
    "ESTIMATE_MAX_CONSECUTIVE": env_int("GRIDCARE_ESTIMATE_MAX_CONSECUTIVE", 2),
    # Accounts per bill-run transaction (the unit of resumption).
    "RUN_CHUNK": env_int("GRIDCARE_BILLING_RUN_CHUNK", 50_000),
    # Write "bill issued" messages inside the bill run's chunk transactions (measured: doubles the
    # run's time at a million accounts), or off: the separate bill_notify step writes them.
    "NOTIFY_IN_RUN": env_bool("GRIDCARE_BILLING_NOTIFY_IN_RUN", False),
    # Corrections (issue 19): a credit or debit note above this amount (yuan) needs a second
    # person's approval; a re-billed bill falls due at the earliest REBILL_DUE_DAYS after it is
    # issued (never before the cancelled bill's date); the batch re-bill's bills per transaction.
    "ADJUSTMENT_APPROVAL_YUAN": env_decimal("GRIDCARE_ADJUSTMENT_APPROVAL_YUAN", "500.00"),
    "REBILL_DUE_DAYS": env_int("GRIDCARE_BILLING_REBILL_DUE_DAYS", 15),
    "REBILL_CHUNK": env_int("GRIDCARE_BILLING_REBILL_CHUNK", 5_000),
    # Periods ("YYYY-MM") and business dates taken from users lie from PERIOD_EARLIEST to
    # PERIOD_MONTHS_AHEAD months after the current Shanghai month ("9999-12" or "0001-01" refused).
    "PERIOD_EARLIEST": env_str("GRIDCARE_BILLING_PERIOD_EARLIEST", "2000-01"),
    "PERIOD_MONTHS_AHEAD": env_int("GRIDCARE_BILLING_PERIOD_MONTHS_AHEAD", 12),
    # A payment's paid_at must lie within PAID_AT_PAST_DAYS before now (a channel or bank result
    # may arrive late) and PAID_AT_FUTURE_MINUTES after it (clock skew): 0001-01-01 would skip the
    # late penalty, 2099 would defer it.
    "PAID_AT_PAST_DAYS": env_int("GRIDCARE_PAYMENT_PAID_AT_PAST_DAYS", 15),
    "PAID_AT_FUTURE_MINUTES": env_int("GRIDCARE_PAYMENT_PAID_AT_FUTURE_MINUTES", 10),
    # The largest single payment each channel may post, yuan.
    "PAYMENT_MAX": {
        "counter_cash": env_decimal("GRIDCARE_PAYMENT_MAX_COUNTER_CASH", "50000.00"),
        "counter_card": env_decimal("GRIDCARE_PAYMENT_MAX_COUNTER_CARD", "10000000.00"),
        "kiosk": env_decimal("GRIDCARE_PAYMENT_MAX_KIOSK", "5000.00"),
        "app": env_decimal("GRIDCARE_PAYMENT_MAX_APP", "50000.00"),
        "web": env_decimal("GRIDCARE_PAYMENT_MAX_WEB", "50000.00"),
        "wechat": env_decimal("GRIDCARE_PAYMENT_MAX_WECHAT", "50000.00"),
        "alipay": env_decimal("GRIDCARE_PAYMENT_MAX_ALIPAY", "50000.00"),
        "bank_debit": env_decimal("GRIDCARE_PAYMENT_MAX_BANK_DEBIT", "10000000.00"),
        "agency": env_decimal("GRIDCARE_PAYMENT_MAX_AGENCY", "10000.00"),
    },
    # An online payment order (the portal, the app) may be paid for this long after it is made.
    "PAYMENT_ORDER_MINUTES": env_int("GRIDCARE_PAYMENT_ORDER_MINUTES", 30),
    # Paid value-added services (WO-10): the most of one item in an order, and the most lines.
    "SERVICE_QUANTITY_MAX": env_int("GRIDCARE_SERVICE_QUANTITY_MAX", 99),
    "SERVICE_LINES_MAX": env_int("GRIDCARE_SERVICE_LINES_MAX", 10),
}

# Arrears (BILL-7, issue 19): instalment plans (分期缴费) of an account's overdue bills. A plan has
# MIN_COUNT..MAX_COUNT monthly instalments of at least MIN_AMOUNT yuan each (the last takes the
# remainder), the first due within FIRST_DUE_MAX_DAYS of the request; an instalment still unpaid
# GRACE_DAYS after its due date breaks the plan (penalties resume, dunning starts again). The
# cut-off's last warning is GRIDCARE_RULES["DISCONNECT_FINAL_NOTICE_MINUTES"] (30) before it.
GRIDCARE_ARREARS = {
    "INSTALMENT_MIN_COUNT": env_int("GRIDCARE_INSTALMENT_MIN_COUNT", 2),
    "INSTALMENT_MAX_COUNT": env_int("GRIDCARE_INSTALMENT_MAX_COUNT", 6),
    "INSTALMENT_MIN_AMOUNT": env_decimal("GRIDCARE_INSTALMENT_MIN_AMOUNT", "50.00"),
    "INSTALMENT_FIRST_DUE_MAX_DAYS": env_int("GRIDCARE_INSTALMENT_FIRST_DUE_MAX_DAYS", 30),
    "INSTALMENT_GRACE_DAYS": env_int("GRIDCARE_INSTALMENT_GRACE_DAYS", 3),
}

# Security deposits (保证金, issue 19) of non-residential accounts: RULE "months" asks MONTHS ×
# the account's average bill over its last HISTORY_MONTHS bills (an account with no bills yet:
# the per-kVA rule), "kva" asks PER_KVA yuan per kVA of contract capacity by customer class
# (class:yuan, a class not named asks nothing); rounded up to the whole yuan, at least MINIMUM.
GRIDCARE_DEPOSIT = {
    "RULE": env_str("GRIDCARE_DEPOSIT_RULE", "months"),
    "MONTHS": env_decimal("GRIDCARE_DEPOSIT_MONTHS", "2"),
    "HISTORY_MONTHS": env_int("GRIDCARE_DEPOSIT_HISTORY_MONTHS", 12),
    "PER_KVA": env_str("GRIDCARE_DEPOSIT_PER_KVA", "commercial:20,large_industrial:30,agricultural:10"),
    "MINIMUM": env_decimal("GRIDCARE_DEPOSIT_MINIMUM", "0"),
}

# Paying online (BILL-4, issue 15): the providers the portal and the app offer, each off until it is
# switched on with its keys (a PEM text or the path of a PEM file). The simulated provider plays one
# for the demo and the tests (its own page, HMAC-SHA256-signed notifications with KEY, "" = derived
# from SECRET_KEY); it is on in development and refused in production. NOTIFY_URL: the public
# https address of POST /api/v1/payments/notify/<provider> that the provider calls.
# --- e-invoices and the company's layout (BILL-8, issue 19: gridcare.invoicing) ---------------
# The issuer: "simulated" (numbers made here, nothing leaves) or "http" (the provider's
# interface at HTTP_URL, signed with HTTP_SECRET). VAT rate on electricity; attempts before an
# invoice is marked failed, minutes between them (doubling); payments posted before SINCE
# ("YYYY-MM-DD", empty: all) are not invoiced, nor those older than LOOKBACK_DAYS (so each run
# reads a month of payments, not the whole history); invoices per worker run. SIMULATED_FAILURES: the
# simulated issuer refuses each invoice's first N attempts (tests, drills).
GRIDCARE_EINVOICE: dict[str, Any] = {
    "PROVIDER": env_str("GRIDCARE_EINVOICE_PROVIDER", "simulated"),
    "TAX_RATE": env_decimal("GRIDCARE_EINVOICE_TAX_RATE", "0.13"),
    "MAX_ATTEMPTS": env_int("GRIDCARE_EINVOICE_MAX_ATTEMPTS", 5),
    "RETRY_MINUTES": env_int("GRIDCARE_EINVOICE_RETRY_MINUTES", 5),
    "SINCE": env_str("GRIDCARE_EINVOICE_SINCE", ""),
    "LOOKBACK_DAYS": env_int("GRIDCARE_EINVOICE_LOOKBACK_DAYS", 31),
    "BATCH": env_int("GRIDCARE_EINVOICE_BATCH", 500),
    "SIMULATED_FAILURES": env_int("GRIDCARE_EINVOICE_SIMULATED_FAILURES", 0),
    "HTTP_URL": env_str("GRIDCARE_EINVOICE_HTTP_URL", ""),
    "HTTP_APP_ID": env_str("GRIDCARE_EINVOICE_HTTP_APP_ID", ""),
    "HTTP_SECRET": env_str("GRIDCARE_EINVOICE_HTTP_SECRET", ""),
    "HTTP_TIMEOUT_SECONDS": env_int("GRIDCARE_EINVOICE_HTTP_TIMEOUT_SECONDS", 10),
    # The goods line of an electricity invoice (税收分类编码 1100101010000000000: 电力).
    "ITEM_NAME": env_str("GRIDCARE_EINVOICE_ITEM_NAME", "*供电*电费"),
    "TAX_CODE": env_str("GRIDCARE_EINVOICE_TAX_CODE", "1100101010000000000"),
}
# The company on every bill, receipt and invoice (the seller of the invoices): its name, address,
# hotline, bank, tax number (统一社会信用代码), the seal image (PNG/JPG; empty: a seal drawn from
# the name), the logo (empty: none) and the documents' accent colour (#rrggbb).
GRIDCARE_COMPANY: dict[str, str] = {
    "NAME": env_str("GRIDCARE_COMPANY_NAME", "国网示范市供电公司"),
    "ADDRESS": env_str("GRIDCARE_COMPANY_ADDRESS", "示范市中山路 1 号"),
    "HOTLINE": env_str("GRIDCARE_COMPANY_HOTLINE", "95598"),
    "BANK_NAME": env_str("GRIDCARE_COMPANY_BANK_NAME", "中国工商银行示范市分行"),
    "BANK_ACCOUNT": env_str("GRIDCARE_COMPANY_BANK_ACCOUNT", "1202000009000000001"),
    "TAX_NUMBER": env_str("GRIDCARE_COMPANY_TAX_NUMBER", "91330100MA2H00000L"),
    "SEAL_IMAGE": env_str("GRIDCARE_COMPANY_SEAL_IMAGE", ""),
    "LOGO_IMAGE": env_str("GRIDCARE_COMPANY_LOGO_IMAGE", ""),
    "COLOUR": env_str("GRIDCARE_COMPANY_COLOUR", "#006a4e"),
}

GRIDCARE_PAYMENT_PROVIDERS = {
    "simulated": {
        "ENABLED": env_bool("GRIDCARE_PAY_SIMULATED", GRIDCARE_ENV == "development"),
        "KEY": env_str("GRIDCARE_PAY_SIMULATED_KEY", ""),
    },
    # WeChat Pay API v3 (H5 payment): the merchant's key signs the order, the platform's public key
    # (or its certificate) verifies Wechatpay-Signature, the APIv3 key decrypts the notification.
    "wechat": {
        "ENABLED": env_bool("GRIDCARE_PAY_WECHAT", False),
        "APPID": env_str("GRIDCARE_PAY_WECHAT_APPID", ""),
        "MCHID": env_str("GRIDCARE_PAY_WECHAT_MCHID", ""),
        "MERCHANT_SERIAL": env_str("GRIDCARE_PAY_WECHAT_MERCHANT_SERIAL", ""),
        "MERCHANT_PRIVATE_KEY": env_str("GRIDCARE_PAY_WECHAT_MERCHANT_PRIVATE_KEY", ""),
        "PLATFORM_PUBLIC_KEY": env_str("GRIDCARE_PAY_WECHAT_PLATFORM_PUBLIC_KEY", ""),
        "PLATFORM_SERIAL": env_str("GRIDCARE_PAY_WECHAT_PLATFORM_SERIAL", ""),
        "APIV3_KEY": env_str("GRIDCARE_PAY_WECHAT_APIV3_KEY", ""),
        "NOTIFY_URL": env_str("GRIDCARE_PAY_WECHAT_NOTIFY_URL", ""),
        "API_BASE": env_str("GRIDCARE_PAY_WECHAT_API_BASE", "https://api.mch.weixin.qq.com"),
        "TIMEOUT_SECONDS": env_int("GRIDCARE_PAY_WECHAT_TIMEOUT_SECONDS", 10),
        # A notification older than this (Wechatpay-Timestamp) is refused as a replay.
        "MAX_SKEW_SECONDS": env_int("GRIDCARE_PAY_WECHAT_MAX_SKEW_SECONDS", 300),
    },
    # Alipay (手机网站支付 alipay.trade.wap.pay): the app's private key signs the request (RSA2),
    # Alipay's public key verifies the notification.
    "alipay": {
        "ENABLED": env_bool("GRIDCARE_PAY_ALIPAY", False),
        "APP_ID": env_str("GRIDCARE_PAY_ALIPAY_APP_ID", ""),
        "APP_PRIVATE_KEY": env_str("GRIDCARE_PAY_ALIPAY_APP_PRIVATE_KEY", ""),
        "ALIPAY_PUBLIC_KEY": env_str("GRIDCARE_PAY_ALIPAY_PUBLIC_KEY", ""),
        "NOTIFY_URL": env_str("GRIDCARE_PAY_ALIPAY_NOTIFY_URL", ""),
        "GATEWAY": env_str("GRIDCARE_PAY_ALIPAY_GATEWAY", "https://openapi.alipay.com/gateway.do"),
    },
}
if GRIDCARE_ENV == "production" and GRIDCARE_PAYMENT_PROVIDERS["simulated"]["ENABLED"]:
    raise ImproperlyConfigured(
        "GRIDCARE_ENV=production refuses the simulated payment provider (GRIDCARE_PAY_SIMULATED=1)."
    )

# Uploaded files (readings, statements, bank results): refused above MAX_BYTES before anything
# reads them, above MAX_ROWS rows while reading, and an Excel file whose zip directory declares
# more than MAX_XLSX_UNPACKED_BYTES unpacked (a "zip bomb") before openpyxl opens it.
GRIDCARE_UPLOADS = {
    "MAX_BYTES": env_int("GRIDCARE_UPLOAD_MAX_BYTES", 10 * 1024 * 1024),
    "MAX_ROWS": env_int("GRIDCARE_UPLOAD_MAX_ROWS", 200_000),
    "MAX_XLSX_UNPACKED_BYTES": env_int("GRIDCARE_UPLOAD_MAX_XLSX_UNPACKED_BYTES", 100 * 1024 * 1024),
}

# --- background jobs (gridcare/jobs, OPS-1) ------------------------------------------------
# Schedules of the worker's jobs (python manage.py worker): "every 60s" / "every 5m" / "every 2h"
# (counted from the worker's start), "daily HH:MM" (Asia/Shanghai), or "off" (run by hand only).
# Assessment (ASSESS-1..7): the daily roll-ups, stars, surveys and reports.
GRIDCARE_ASSESSMENT: dict[str, Any] = {  # Any: numbers, switches and the star bands' list
    # Days rolled up again every night besides yesterday (late evaluations and call-backs).
    "ROLLUP_REDO_DAYS": env_int("GRIDCARE_ASSESSMENT_ROLLUP_REDO_DAYS", 1),
    # How far back the first roll-up (or one after the worker was down) goes.
    "ROLLUP_CATCH_UP_DAYS": env_int("GRIDCARE_ASSESSMENT_ROLLUP_CATCH_UP_DAYS", 400),
    # WO-7 "一次申告查实待岗": a complaint found true puts the person on standby (待岗) at once.
    "STANDBY_ON_VERIFIED_COMPLAINT": env_bool("GRIDCARE_ASSESSMENT_STANDBY_ON_VERIFIED_COMPLAINT", True),
    # The points of the penalty a verified complaint proposes in the rewards ledger (0: none).
    "LEDGER_VERIFIED_COMPLAINT_POINTS": env_int("GRIDCARE_ASSESSMENT_LEDGER_VERIFIED_COMPLAINT_POINTS", -10),
    # The monthly reports (ASSESS-7): how many past months the worker writes when they are missing.
    "REPORT_CATCH_UP_MONTHS": env_int("GRIDCARE_ASSESSMENT_REPORT_CATCH_UP_MONTHS", 3),
    # The satisfaction drivers (PLS path model): the fewest complete answers it is estimated from.
    "PLS_MIN_RESPONSES": env_int("GRIDCARE_ASSESSMENT_PLS_MIN_RESPONSES", 100),
    # Improvement actions: the days compared before the start and after the due date, and the
    # confidence of the before/after test in percent (95: significant at p < 0.05).
    "ACTION_WINDOW_DAYS": env_int("GRIDCARE_ASSESSMENT_ACTION_WINDOW_DAYS", 30),
    "ACTION_CONFIDENCE_PERCENT": env_int("GRIDCARE_ASSESSMENT_ACTION_CONFIDENCE_PERCENT", 95),
    # Complaint analysis (ASSESS-6): a complaint repeats one the same customer made that day or in
    # the days before, up to this many calendar days (inclusive: day 30 counts, day 31 does not).
    "REPEAT_COMPLAINT_DAYS": env_int("GRIDCARE_ASSESSMENT_REPEAT_COMPLAINT_DAYS", 30),
    # Root-cause topics: how many past months the worker computes when they are missing.
    "TOPICS_CATCH_UP_MONTHS": env_int("GRIDCARE_ASSESSMENT_TOPICS_CATCH_UP_MONTHS", 3),
    # Surveys (ASSESS-4/5): a customer sampled for a survey is not sampled again for this many
    # months; an invitation's link expires after this many days; Neyman allocation weighs each
    # stratum by the spread of its satisfaction in the surveys answered in these last days.
    "SURVEY_REST_MONTHS": env_int("GRIDCARE_ASSESSMENT_SURVEY_REST_MONTHS", 6),
    "SURVEY_INVITE_DAYS": env_int("GRIDCARE_ASSESSMENT_SURVEY_INVITE_DAYS", 14),
    "SURVEY_NEYMAN_DAYS": env_int("GRIDCARE_ASSESSMENT_SURVEY_NEYMAN_DAYS", 365),
    # Star ratings (ASSESS-1): the least score (0-100) of 5, 4, 3 and 2 stars (below: 1 star), and
    # how many past months the worker rates when they are missing.
    "STAR_BANDS": env_list("GRIDCARE_ASSESSMENT_STAR_BANDS", "90,75,60,40"),
    "STARS_CATCH_UP_MONTHS": env_int("GRIDCARE_ASSESSMENT_STARS_CATCH_UP_MONTHS", 3),
}

# The address a survey's SMS link starts with (the public site, no trailing slash): /s/<token>/.
GRIDCARE_SURVEY_LINK_BASE = env_str("GRIDCARE_SURVEY_LINK_BASE", "http://127.0.0.1:8000")

# The customer portal (SELF-2, issue 15): sign-in codes, tokens and the customer's own session.
GRIDCARE_PORTAL = {
    "CODE_TTL_SECONDS": env_int("GRIDCARE_PORTAL_CODE_TTL_SECONDS", 300),  # a code is valid 5 minutes
    "CODE_MAX_TRIES": env_int("GRIDCARE_PORTAL_CODE_MAX_TRIES", 5),  # wrong tries before it is dead
    "CODE_RESEND_SECONDS": env_int("GRIDCARE_PORTAL_CODE_RESEND_SECONDS", 60),  # one code a minute per phone
    "CODE_PER_PHONE_HOUR": env_int("GRIDCARE_PORTAL_CODE_PER_PHONE_HOUR", 5),
    "CODE_PER_ADDRESS_HOUR": env_int("GRIDCARE_PORTAL_CODE_PER_ADDRESS_HOUR", 30),
    "BIND_FAILURES_PER_DAY": env_int("GRIDCARE_PORTAL_BIND_FAILURES_PER_DAY", 10),
    "TOKEN_DAYS": env_int("GRIDCARE_PORTAL_TOKEN_DAYS", 30),
    "SESSION_DAYS": env_int("GRIDCARE_PORTAL_SESSION_DAYS", 30),
}

# Key accounts (大客户服务, KEY-1/2, issue 16): how many days after a recorded visit the next one is
# due, by the account's importance grade (特级 30, 一级 60, 二级 90, 临时 30, any other 180), and
# how many months an emergency supply plan (应急方案) stays valid before it is due for review.
GRIDCARE_KEY_ACCOUNTS: dict[str, Any] = {  # Any: the visit intervals are a dict by grade
    "VISIT_INTERVAL_DAYS": {
        "special": env_int("GRIDCARE_KEY_ACCOUNTS_VISIT_DAYS_SPECIAL", 30),
        "first": env_int("GRIDCARE_KEY_ACCOUNTS_VISIT_DAYS_FIRST", 60),
        "second": env_int("GRIDCARE_KEY_ACCOUNTS_VISIT_DAYS_SECOND", 90),
        "temporary": env_int("GRIDCARE_KEY_ACCOUNTS_VISIT_DAYS_TEMPORARY", 30),
        "": env_int("GRIDCARE_KEY_ACCOUNTS_VISIT_DAYS_OTHER", 180),
    },
    "PLAN_REVIEW_MONTHS": env_int("GRIDCARE_KEY_ACCOUNTS_PLAN_REVIEW_MONTHS", 12),
    # Load data and energy diagnosis (KEY-3): where the Parquet files of the readings live, the
    # largest file an import takes, and the jump between two readings that cannot be real (in per
    # cent of the contract capacity).
    "LOAD_STORE_DIR": env_str("GRIDCARE_KEY_ACCOUNTS_LOAD_STORE_DIR", str(BASE_DIR / "var" / "loads")),
    "LOAD_FILE_MAX_MB": env_int("GRIDCARE_KEY_ACCOUNTS_LOAD_FILE_MAX_MB", 50),
    "LOAD_JUMP_PERCENT": env_decimal("GRIDCARE_KEY_ACCOUNTS_LOAD_JUMP_PERCENT", "150"),
    # The diagnosis: the share of peak energy whose move to the valley is priced; the basic charge
    # by capacity (元/kVA·月) and by maximum demand (元/kW·月) where the tariff names none, and the
    # least demand billed (per cent of the contract capacity); the power-factor standard where the
    # tariff names none (0.90, 0.85 or 0.80 of the national table).
    "SHIFT_PERCENT": env_decimal("GRIDCARE_KEY_ACCOUNTS_SHIFT_PERCENT", "10"),
    "CAPACITY_PRICE": env_decimal("GRIDCARE_KEY_ACCOUNTS_CAPACITY_PRICE", "25.00"),
    "DEMAND_PRICE": env_decimal("GRIDCARE_KEY_ACCOUNTS_DEMAND_PRICE", "38.00"),
    "DEMAND_FLOOR_PERCENT": env_decimal("GRIDCARE_KEY_ACCOUNTS_DEMAND_FLOOR_PERCENT", "40"),
    "PF_STANDARD": env_decimal("GRIDCARE_KEY_ACCOUNTS_PF_STANDARD", "0.90"),
    # Anomalies: a base-load jump (per cent and kW over the median of the days before), weekend
    # night load (per cent of the working days' load; the night's Beijing hours), demand near the
    # contract capacity (per cent).
    "BASE_JUMP_PERCENT": env_decimal("GRIDCARE_KEY_ACCOUNTS_BASE_JUMP_PERCENT", "30"),
    "BASE_JUMP_MIN_KW": env_decimal("GRIDCARE_KEY_ACCOUNTS_BASE_JUMP_MIN_KW", "5"),
    "BASE_JUMP_DAYS": env_int("GRIDCARE_KEY_ACCOUNTS_BASE_JUMP_DAYS", 7),
    "WEEKEND_NIGHT_PERCENT": env_decimal("GRIDCARE_KEY_ACCOUNTS_WEEKEND_NIGHT_PERCENT", "50"),
    "NIGHT_FROM_HOUR": env_int("GRIDCARE_KEY_ACCOUNTS_NIGHT_FROM_HOUR", 0),
    "NIGHT_TO_HOUR": env_int("GRIDCARE_KEY_ACCOUNTS_NIGHT_TO_HOUR", 6),
    "DEMAND_ALERT_PERCENT": env_decimal("GRIDCARE_KEY_ACCOUNTS_DEMAND_ALERT_PERCENT", "95"),
    # The nightly remote check (KEY-4): overload (per cent of the contract capacity), a day's
    # energy far from the same weekday of the weeks before (|z| above this, over that many weeks,
    # with at least so many of them), and missing data (per cent of the day's readings absent).
    "OVERLOAD_PERCENT": env_decimal("GRIDCARE_KEY_ACCOUNTS_OVERLOAD_PERCENT", "100"),
    "USAGE_Z": env_decimal("GRIDCARE_KEY_ACCOUNTS_USAGE_Z", "3"),
    "USAGE_WEEKS": env_int("GRIDCARE_KEY_ACCOUNTS_USAGE_WEEKS", 8),
    "USAGE_MIN_WEEKS": env_int("GRIDCARE_KEY_ACCOUNTS_USAGE_MIN_WEEKS", 4),
    "MISSING_PERCENT": env_decimal("GRIDCARE_KEY_ACCOUNTS_MISSING_PERCENT", "5"),
}

# The knowledge base (SELF-1, SELF-4, issue 18): a bill's usage is unusual (and links the
# energy-saving advice) when it is this many per cent above the same month last year, or when it
# reaches this tier; how many suggestions the work-order and counter consoles show. LINK_BASE: the
# public site the "bill issued" message's link to the 节电 help starts with (no trailing slash).
# PORTAL_COMPANY: the code of the supply company whose public articles the portal's help shows to
# a visitor who has not signed in or has no bound account ("": the first company, by id); a
# signed-in customer sees their bound accounts' companies' public articles.
GRIDCARE_KNOWLEDGE: dict[str, Any] = {  # Any: numbers and two strings
    "UNUSUAL_USAGE_PERCENT": env_int("GRIDCARE_KNOWLEDGE_UNUSUAL_USAGE_PERCENT", 30),
    "UNUSUAL_USAGE_TIER": env_int("GRIDCARE_KNOWLEDGE_UNUSUAL_USAGE_TIER", 3),
    "SUGGESTIONS": env_int("GRIDCARE_KNOWLEDGE_SUGGESTIONS", 5),
    "LINK_BASE": env_str("GRIDCARE_KNOWLEDGE_LINK_BASE", GRIDCARE_SURVEY_LINK_BASE),
    "PORTAL_COMPANY": env_str("GRIDCARE_KNOWLEDGE_PORTAL_COMPANY", ""),
}

# The outlet network (营业网点规划, PLAN-3, issue 17): what a counter handles in a year (tickets;
# 250 working days × 7.5 hours × 8 an hour, less a fifth for breaks and peaks), the costs a site
# gets when the planner has not entered its own (yuan a year), how many counters a hall's site may
# grow to beyond those it has, the cost of a customer's trip (yuan per visit and kilometre, the
# weight of distance in the objective), the farthest a customer should travel (km), how long HiGHS
# may search and the relative MIP gap it stops at; the recommendations: a closed hall with a
# candidate opened within MOVE_KM is moved (移), one whose tickets per counter-hour are below
# CONVERT_DENSITY with a self-service share of at least CONVERT_SELF_SERVICE_PERCENT is converted
# to self-service (改).
GRIDCARE_PLANNING_NETWORK: dict[str, Any] = {
    "TICKETS_PER_COUNTER_YEAR": env_int("GRIDCARE_PLANNING_NETWORK_TICKETS_PER_COUNTER_YEAR", 12000),
    "FIXED_COST": env_decimal("GRIDCARE_PLANNING_NETWORK_FIXED_COST", "400000.00"),
    "COUNTER_COST": env_decimal("GRIDCARE_PLANNING_NETWORK_COUNTER_COST", "150000.00"),
    "EXTRA_COUNTERS": env_int("GRIDCARE_PLANNING_NETWORK_EXTRA_COUNTERS", 2),
    "DISTANCE_COST": env_decimal("GRIDCARE_PLANNING_NETWORK_DISTANCE_COST", "2.00"),
    "MAX_KM": env_decimal("GRIDCARE_PLANNING_NETWORK_MAX_KM", "15"),
    "TIME_LIMIT_SECONDS": env_int("GRIDCARE_PLANNING_NETWORK_TIME_LIMIT_SECONDS", 30),
    "MIP_GAP_PERCENT": env_decimal("GRIDCARE_PLANNING_NETWORK_MIP_GAP_PERCENT", "0.5"),
    "MOVE_KM": env_decimal("GRIDCARE_PLANNING_NETWORK_MOVE_KM", "3"),
    "CONVERT_DENSITY": env_decimal("GRIDCARE_PLANNING_NETWORK_CONVERT_DENSITY", "2"),
    "CONVERT_SELF_SERVICE_PERCENT": env_decimal("GRIDCARE_PLANNING_NETWORK_CONVERT_SELF_SERVICE_PERCENT", "30"),
}

GRIDCARE_JOBS = {
    "SCHEDULES": {
        "send_notices": env_str("GRIDCARE_JOB_SEND_NOTICES", "every 60s"),
        "check_deadlines": env_str("GRIDCARE_JOB_CHECK_DEADLINES", "every 60s"),
        "bill_notify": env_str("GRIDCARE_JOB_BILL_NOTIFY", "every 5m"),
        "remind_arrears": env_str("GRIDCARE_JOB_REMIND_ARREARS", "daily 09:00"),
        # Instalment plans: a missed instalment breaks its plan, a paid-up plan is completed.
        "check_instalments": env_str("GRIDCARE_JOB_CHECK_INSTALMENTS", "daily 08:30"),
        "archive_check": env_str("GRIDCARE_JOB_ARCHIVE_CHECK", "daily 02:00"),
        # Online payment orders left unpaid past their time are closed (reading one closes it too).
        "expire_payment_orders": env_str("GRIDCARE_JOB_EXPIRE_PAYMENT_ORDERS", "every 5m"),
        "mark_missed_appointments": env_str("GRIDCARE_JOB_MARK_MISSED_APPOINTMENTS", "daily 23:30"),
        # The day before a mobile service round's stop (流动服务车), its 台区's customers are reminded.
        "mobile_round_reminders": env_str("GRIDCARE_JOB_MOBILE_ROUND_REMINDERS", "daily 18:00"),
        # The nightly remote-service check over yesterday's load data of every key account (KEY-4).
        "key_account_remote_check": env_str("GRIDCARE_JOB_KEY_ACCOUNT_REMOTE_CHECK", "daily 03:00"),
        # The day before a key-account visit its manager is reminded, once per visit.
        "key_account_visit_reminders": env_str("GRIDCARE_JOB_KEY_ACCOUNT_VISIT_REMINDERS", "daily 08:00"),
        # A published outage that touches key accounts: their managers get the list with each plan.
        "key_account_outage_alerts": env_str("GRIDCARE_JOB_KEY_ACCOUNT_OUTAGE_ALERTS", "every 5m"),
        "key_account_peak_shift_alerts": env_str("GRIDCARE_JOB_KEY_ACCOUNT_PEAK_SHIFT_ALERTS", "every 5m"),
        "prune_job_runs": env_str("GRIDCARE_JOB_PRUNE_JOB_RUNS", "daily 03:30"),
        "prune_auth_audit": env_str("GRIDCARE_JOB_PRUNE_AUTH_AUDIT", "daily 03:45"),
        "assessment_rollup": env_str("GRIDCARE_JOB_ASSESSMENT_ROLLUP", "daily 01:30"),
        # Last month's reports on the 1st, after its last day is rolled up (a later day catches up).
        "assessment_reports": env_str("GRIDCARE_JOB_ASSESSMENT_REPORTS", "daily 04:00"),
        # Improvement actions whose after-window is rolled up are evaluated (a missed day catches up).
        "assessment_actions": env_str("GRIDCARE_JOB_ASSESSMENT_ACTIONS", "daily 04:30"),
        # Last month's root-cause topics (complaints, survey comments) once; a missed month catches up.
        "assessment_topics": env_str("GRIDCARE_JOB_ASSESSMENT_TOPICS", "daily 05:00"),
        # Last month's star ratings once it is rolled up; a missed month catches up.
        "assessment_stars": env_str("GRIDCARE_JOB_ASSESSMENT_STARS", "daily 02:30"),
        # The triage model retrained from the agents' overrides; kept only if it scores no lower.
        "retrain_triage": env_str("GRIDCARE_JOB_RETRAIN_TRIAGE", "daily 02:15"),
        # E-invoices (数电发票, BILL-8): payments and bills without one queued, due ones issued or retried.
        "issue_invoices": env_str("GRIDCARE_JOB_ISSUE_INVOICES", "every 60s"),
    },
    # The sender sends for this long per run (waiting 2 s whenever nothing is due), then the run
    # is recorded and the next one starts at the next interval.
    "SEND_WINDOW_SECONDS": env_int("GRIDCARE_JOBS_SEND_WINDOW_SECONDS", 55),
    # A job's lease, renewed every third of it while the job runs; a killed worker's jobs are
    # taken over by another worker this long after it died.
    "LEASE_SECONDS": env_int("GRIDCARE_JOBS_LEASE_SECONDS", 30),
    # A run that could not start on time (all threads busy) still starts within this grace.
    "MISFIRE_GRACE_SECONDS": env_int("GRIDCARE_JOBS_MISFIRE_GRACE_SECONDS", 300),
    # How often the worker looks for "run now" requests from the jobs page.
    "POLL_SECONDS": env_int("GRIDCARE_JOBS_POLL_SECONDS", 2),
    # Run records older than this are deleted by the prune_job_runs job.
    "KEEP_DAYS": env_int("GRIDCARE_JOBS_KEEP_DAYS", 30),
}

# The simulated hall day (PLAN-2, issue 17): the largest run anyone may ask for (replications,
# hours of a day, counters, arrivals an hour) and the most customers all replications together may
# simulate (about a second of work), so nobody makes the server compute for minutes; the days of
# a hall's history its handling times, priorities and patience are read from; the mean patience
# (minutes) assumed when neither the request nor the history gives one (0: nobody leaves).
GRIDCARE_PLANNING_SIMULATION: dict[str, Any] = {
    "MAX_REPLICATIONS": env_int("GRIDCARE_PLANNING_SIMULATION_MAX_REPLICATIONS", 200),
    "MAX_HOURS": env_int("GRIDCARE_PLANNING_SIMULATION_MAX_HOURS", 24),
    "MAX_WARMUP_HOURS": env_int("GRIDCARE_PLANNING_SIMULATION_MAX_WARMUP_HOURS", 8),
    "MAX_COUNTERS": env_int("GRIDCARE_PLANNING_SIMULATION_MAX_COUNTERS", 60),
    "MAX_ARRIVALS_PER_HOUR": env_int("GRIDCARE_PLANNING_SIMULATION_MAX_ARRIVALS_PER_HOUR", 1000),
    "MAX_CUSTOMERS": env_int("GRIDCARE_PLANNING_SIMULATION_MAX_CUSTOMERS", 100000),
    "HISTORY_DAYS": env_int("GRIDCARE_PLANNING_SIMULATION_HISTORY_DAYS", 90),
    "DEFAULT_PATIENCE_MINUTES": env_int("GRIDCARE_PLANNING_SIMULATION_DEFAULT_PATIENCE_MINUTES", 0),
}

# The staffing plan (PLAN-1, issue 17): the share of customers to be called within the hall's
# waiting target (GRIDCARE_HALL_WAIT_TARGET_MINUTES, 15 minutes, the same figure as the average
# wait target) when the planner enters none (percent); the weeks of a hall's history the forecast,
# handling times and open counters are read from; the longest plan (days) and how far ahead it may
# start (days); the days the forecast's rolling-origin backtest forecasts; the fewest finished
# tickets of a business type whose handling times are used (fewer: its expected minutes).
# The 95598 desk's staffing calculator (Erlang A): the usual hotline targets, 80% of calls answered
# within 20 seconds with at most 5% hanging up, callers' mean patience 2 minutes until a desk
# measures its own; the limits of what one may ask.
GRIDCARE_PLANNING_DESK: dict[str, Any] = {
    "TARGET_SECONDS": env_int("GRIDCARE_PLANNING_DESK_TARGET_SECONDS", 20),
    "SERVICE_LEVEL_PERCENT": env_decimal("GRIDCARE_PLANNING_DESK_SERVICE_LEVEL_PERCENT", "80"),
    "MAX_ABANDONMENT_PERCENT": env_decimal("GRIDCARE_PLANNING_DESK_MAX_ABANDONMENT_PERCENT", "5"),
    "PATIENCE_SECONDS": env_int("GRIDCARE_PLANNING_DESK_PATIENCE_SECONDS", 120),
    "AHT_SECONDS": env_int("GRIDCARE_PLANNING_DESK_AHT_SECONDS", 240),
    "MAX_CALLS_PER_HALF_HOUR": env_int("GRIDCARE_PLANNING_DESK_MAX_CALLS_PER_HALF_HOUR", 5000),
}

GRIDCARE_PLANNING_STAFFING: dict[str, Any] = {
    "SHARE_TARGET_PERCENT": env_decimal("GRIDCARE_PLANNING_STAFFING_SHARE_TARGET_PERCENT", "80"),
    "HISTORY_WEEKS": env_int("GRIDCARE_PLANNING_STAFFING_HISTORY_WEEKS", 8),
    "MAX_DAYS": env_int("GRIDCARE_PLANNING_STAFFING_MAX_DAYS", 31),
    "DAYS_AHEAD": env_int("GRIDCARE_PLANNING_STAFFING_DAYS_AHEAD", 92),
    "BACKTEST_ORIGINS": env_int("GRIDCARE_PLANNING_STAFFING_BACKTEST_ORIGINS", 10),
    "MIN_HANDLING_SAMPLES": env_int("GRIDCARE_PLANNING_STAFFING_MIN_HANDLING_SAMPLES", 20),
}
