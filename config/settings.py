"""gridcare settings: one file, everything that varies read from the environment.

Every variable is listed with its default in .env.example.
"""

from __future__ import annotations

from pathlib import Path

from gridcare.core.env import (
    database_from_url,
    env_bool,
    env_decimal,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = env_str("SECRET_KEY", "dev-only-not-secret-change-me-in-production")
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
    "django_htmx",
    "gridcare.core",
    "gridcare.org",
    "gridcare.customers",
    "gridcare.notices",
    "gridcare.halls",
    "gridcare.billing",
    "gridcare.workorders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
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
            ],
        },
    },
]

DATABASES = {"default": database_from_url(env_str("DATABASE_URL", "sqlite:///db.sqlite3"), base_dir=BASE_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# --- gridcare ---------------------------------------------------------------------------
# Demo accounts (seed_demo) all get this password.
GRIDCARE_DEMO_PASSWORD = env_str("GRIDCARE_DEMO_PASSWORD", "gridcare-demo")
# Days an API token stays valid.
GRIDCARE_API_TOKEN_DAYS = env_int("GRIDCARE_API_TOKEN_DAYS", 30)

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
    "TOU_MIN_PEAK_VALLEY_RATIO": env_decimal("GRIDCARE_TOU_MIN_PEAK_VALLEY_RATIO", "3"),
    "TWO_PART_MIN_KVA": env_decimal("GRIDCARE_TWO_PART_MIN_KVA", "315"),
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
    "RELIABILITY_URBAN_TARGET": env_decimal("GRIDCARE_RELIABILITY_URBAN_TARGET", "0.999"),
}
