"""Klachtwijzer settings: everything machine-specific comes from the environment.

Defaults are the embedded ones (SQLite file, filesystem broker) so a fresh machine with only
Python runs the system; production sets DATABASE_URL, CELERY_BROKER_URL and SECRET_KEY.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import django_stubs_ext
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

from config.env import (
    cache_from_url,
    database_from_url,
    envbool,
    envfloat,
    envint,
    envlist,
    envmailboxes,
    envrate,
    envrates,
    envstr,
)

django_stubs_ext.monkeypatch()  # lets admin.ModelAdmin[Model] etc. be subscripted at runtime

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("KLACHTWIJZER_VAR_DIR", str(BASE_DIR / "var")) or BASE_DIR / "var")

# --- Core -------------------------------------------------------------------------------------
DEBUG = envbool("DEBUG", False)
SECRET_KEY = envstr("SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY (or SECRET_KEY_FILE), or DEBUG=true for development."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "complaints",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # An administrator may override any template, e.g. the letters in letters/<language>/,
        # with a file of the same name in TEMPLATE_OVERRIDES_DIR, without touching the code.
        "DIRS": [
            *([Path(_overrides)] if (_overrides := envstr("TEMPLATE_OVERRIDES_DIR")) else []),
            BASE_DIR / "templates",
        ],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "complaints.web.context.navigation",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
DATABASES = {
    "default": database_from_url(
        envstr("DATABASE_URL", "sqlite:///db.sqlite3") or "sqlite:///db.sqlite3", base_dir=BASE_DIR
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.CachedPermissionBackend"]
# How long a worker process may keep a user's permission set (see accounts/backends.py).
PERMISSION_CACHE_SECONDS = envint("PERMISSION_CACHE_SECONDS", 30)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English writes dates day-first with 24-hour time (en-GB: "30/11/2026 09:40"), not Django's
# American "en"; the language code stays "en" (stored per user and customer), only its formats
# change. Dutch keeps Django's own.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Security (production) --------------------------------------------------------------------
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- REST API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The token first: a request that carries one is judged by it (a stale session cookie
        # beside it changes nothing), and without credentials the answer is 401, not 403.
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only, as the schema says (no browsable API: Accept: text/html got an HTML page).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "complaints.api.renderers.FallbackNegotiation",
    # JSON bodies only: in a form every value is text and "" means "not given", so the
    # schema's types (and a blank refused) could not hold there. Anything else is a 415.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "complaints.api.pagination.ComplaintCursorPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "config.schema.AutoSchema",
    "EXCEPTION_HANDLER": "config.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Klachtwijzer API",
    "DESCRIPTION": (
        "Complaint handling along the triad: show understanding, apologise, solve. "
        "Klachtafhandeling volgens de triade: begrip tonen, sorry zeggen, oplossen."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.schema.add_error_components",
    ],
    "ENUM_NAME_OVERRIDES": {
        "EmotionEnum": "complaints.choices.Emotion",
        "StageEnum": "complaints.states.Stage",
        "LanguageEnum": "complaints.choices.Language",
        "PromiseStateEnum": "complaints.models.promises.PromiseState",
        "FollowUpStateEnum": "complaints.models.followups.FollowUpState",
        "NotificationKindEnum": "complaints.models.scheduling.NotificationKind",
        "CoulanceKindEnum": "complaints.models.coulance.CoulanceKind",
        "CoulanceStatusEnum": "complaints.models.coulance.CoulanceStatus",
        "LetterStatusEnum": "complaints.models.coulance.LetterStatus",
        "ReportKindEnum": "reports.models.ReportKind",
        "ActionStatusEnum": "reports.models.ActionStatus",
    },
}

# --- Celery -----------------------------------------------------------------------------------
CELERY_BROKER_URL = envstr("CELERY_BROKER_URL", "filesystem://") or "filesystem://"
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The embedded broker: a folder shared by producer and worker, no server needed.
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(VAR_DIR / "broker-processed"),
        "store_processed": False,
        "control_folder": str(VAR_DIR / "broker-control"),
    }
    for _folder in (_broker_dir, VAR_DIR / "broker-processed", VAR_DIR / "broker-control"):
        _folder.mkdir(parents=True, exist_ok=True)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Sending mail has its own queue, so a deployment can give it its own worker (-Q mail); a worker
# started without -Q consumes both.
CELERY_TASK_QUEUES = (Queue("celery"), Queue("mail"))
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {"complaints.scheduling.send_outbox": {"queue": "mail"}}
# Work due in the future lives in database rows (complaints.ScheduledJob); beat only ticks the
# dispatcher, which claims due rows with SKIP LOCKED (see complaints/scheduling/).
SCHEDULER_TICK_SECONDS = envint("SCHEDULER_TICK_SECONDS", 60)
# Rows claimed per transaction, and how many drain tasks each tick starts (one per worker).
SCHEDULER_BATCH_SIZE = envint("SCHEDULER_BATCH_SIZE", 100)
SCHEDULER_FAN_OUT = envint("SCHEDULER_FAN_OUT", 2)
# A drain task stops after this long and leaves the rest to the next tick.
SCHEDULER_DRAIN_SECONDS = envint("SCHEDULER_DRAIN_SECONDS", 50)
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "dispatch-due-work": {
        "task": "complaints.scheduling.tick",
        "schedule": float(SCHEDULER_TICK_SECONDS),
        # A tick that waited longer than its interval is pointless: the next one is coming.
        "options": {"expires": float(SCHEDULER_TICK_SECONDS)},
    },
}
# The root-cause report for the month before, on the 1st at 06:00 (CELERY_TIMEZONE: Amsterdam).
CELERY_BEAT_SCHEDULE["monthly-root-cause-report"] = {
    "task": "reports.monthly_report",
    "schedule": crontab(minute=0, hour=6, day_of_month=1),
}
# Pending coulance requests follow changes of limits, roles and managers made outside the admin.
CELERY_BEAT_SCHEDULE["reroute-coulance"] = {
    "task": "complaints.coulance.reroute",
    "schedule": 15 * 60.0,
    "options": {"expires": 15 * 60.0},
}
# A queued coulance letter is the truth, not the broker's message: the sweep enqueues again a
# letter whose delivery should have started this long ago (its message never made it or was lost).
LETTER_SWEEP_GRACE_SECONDS = envint("LETTER_SWEEP_GRACE_SECONDS", 120)
CELERY_BEAT_SCHEDULE["resend-lost-letters"] = {
    "task": "complaints.coulance.resend_lost_letters",
    "schedule": float(SCHEDULER_TICK_SECONDS),
    "options": {"expires": float(SCHEDULER_TICK_SECONDS)},
}
CELERY_BEAT_SCHEDULE["poll-inbound-mail"] = {
    "task": "complaints.mail.poll",
    "schedule": float(envint("INBOUND_POLL_SECONDS", 60)),
    "options": {"expires": float(envint("INBOUND_POLL_SECONDS", 60))},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Email ------------------------------------------------------------------------------------
# An email whose "sent" was never recorded (a crash or a lost database connection right after
# the mail server took it) goes again, with the same Message-ID, only after this long.
EMAIL_RESEND_GRACE_SECONDS = envint("EMAIL_RESEND_GRACE_SECONDS", 15 * 60)
EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "klantenservice@example.com")
EMAIL_FILE_PATH = envstr("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))  # for the file backend
# Inbound mail (complaints.mail): the IMAP mailboxes read every INBOUND_POLL_SECONDS, as a
# JSON list (see config.env.envmailboxes). None configured: inbound mail is off, and /ready/
# says so; the poll then does nothing.
INBOUND_MAILBOXES = envmailboxes("INBOUND_MAILBOXES")
INBOUND_POLL_SECONDS = envint("INBOUND_POLL_SECONDS", 60)
INBOUND_TIMEOUT_SECONDS = envfloat("INBOUND_TIMEOUT_SECONDS", 30.0)
# Messages fetched per poll per mailbox (the rest wait for the next poll).
INBOUND_BATCH = envint("INBOUND_BATCH", 200)
# Links in emails to customers (the survey) start with this.
SITE_URL = (envstr("SITE_URL", "http://localhost:8000") or "").rstrip("/")

# --- Complaint policy -------------------------------------------------------------------------
# Hours until a complaint must be acknowledged and resolved, per priority.
COMPLAINT_DEADLINES_HOURS = {
    "urgent": {
        "acknowledge": envint("DEADLINE_URGENT_ACK_HOURS", 2),
        "resolve": envint("DEADLINE_URGENT_RESOLVE_HOURS", 24),
    },
    "high": {
        "acknowledge": envint("DEADLINE_HIGH_ACK_HOURS", 8),
        "resolve": envint("DEADLINE_HIGH_RESOLVE_HOURS", 72),
    },
    "normal": {
        "acknowledge": envint("DEADLINE_NORMAL_ACK_HOURS", 24),
        "resolve": envint("DEADLINE_NORMAL_RESOLVE_HOURS", 14 * 24),
    },
    "low": {
        "acknowledge": envint("DEADLINE_LOW_ACK_HOURS", 48),
        "resolve": envint("DEADLINE_LOW_RESOLVE_HOURS", 28 * 24),
    },
}
DEFAULT_APPROVAL_LIMIT = Decimal("0.00")
# The owner is warned this long before a deadline passes.
DEADLINE_WARNING_MINUTES = envint("DEADLINE_WARNING_MINUTES", 60)

# --- The public complaint form (/klacht/, /complaint/) -----------------------------------------
# Complaints through the form per email address and per client address (DRF's rate format,
# counted in CACHES: set CACHE_URL to Redis when more than one web process serves the form).
PUBLIC_FORM_RATE = envrate("PUBLIC_FORM_RATE", "5/hour")
# The team whose least-loaded agent (fewest open complaints) owns a complaint from the form;
# empty: the least-loaded of everyone who may own complaints.
PUBLIC_FORM_TEAM = (envstr("PUBLIC_FORM_TEAM", "") or "").strip()

# --- Promises and follow-ups ------------------------------------------------------------------
# Remind the owner this long before a callback is due; a promise not kept this long after its
# moment is broken.
PROMISE_REMINDER_MINUTES = envint("PROMISE_REMINDER_MINUTES", 30)
PROMISE_GRACE_MINUTES = envint("PROMISE_GRACE_MINUTES", 15)
# The follow-up (nazorg) comes this many days after resolution; its survey link stays valid
# this many days; whether follow-ups email the customer a survey unless told otherwise.
FOLLOW_UP_DAYS = envint("FOLLOW_UP_DAYS", 30)
SURVEY_VALID_DAYS = envint("SURVEY_VALID_DAYS", 30)
FOLLOW_UP_SURVEY_DEFAULT = envbool("FOLLOW_UP_SURVEY_DEFAULT", True)

# --- Coulance letters -------------------------------------------------------------------------
# The name that signs the letters, under the agent's name.
COMPANY_NAME = envstr("COMPANY_NAME", "Klachtwijzer") or "Klachtwijzer"
# Approval limits are in EUR; a request in another currency is judged at these rates
# (COULANCE_EUR_RATES="USD=0.92,GBP=1.17": one unit counts for that many euros).
COULANCE_EUR_RATES = envrates("COULANCE_EUR_RATES")

# --- Root-cause reports and corrective actions ------------------------------------------------
# Who receives the monthly report's email with its link (e.g. a company-wide distribution list).
ROOT_CAUSE_REPORT_RECIPIENTS = envlist("ROOT_CAUSE_REPORT_RECIPIENTS", [])
# A done corrective action's effect: the cause's complaints this many days before and after.
CORRECTIVE_ACTION_EFFECT_DAYS = envint("CORRECTIVE_ACTION_EFFECT_DAYS", 90)

# --- Logging ----------------------------------------------------------------------------------
# One line per record: JSON (time, level, logger, message, request_id, user_id and the record's
# extra fields) for a log collector, or text for a person reading a terminal.
LOG_FORMAT = (envstr("LOG_FORMAT") or ("text" if DEBUG else "json")).strip().lower()
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
# One line per answered request (method, path without its query, status, view, duration).
LOG_REQUESTS = envbool("LOG_REQUESTS", True)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"work": {"()": "ops.context.RequestContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
        },
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(user_id)s] %(message)s"
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["work"], "formatter": LOG_FORMAT}
    },
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console handler (DEBUG only) would print its records a second time.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # WeasyPrint and fontTools narrate every PDF step at INFO; only their problems matter.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Security: lockout, throttles, password hashing, CSP, HTTPS [track: security] ----------
# Proxies in front of the web nodes that may be believed (HAProxy: 1). Only then is the client's
# address read from X-Forwarded-For (the entry the last proxy appended) and HTTPS from
# X-Forwarded-Proto; with 0 a client could claim any address, so REMOTE_ADDR counts.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")

# One cache for every web node (throttle counts); the local-memory default suits one process.
CACHES = {"default": cache_from_url(envstr("CACHE_URL", "") or "")}

# Lockout (django-axes): LOGIN_FAILURE_LIMIT wrong passwords for one username from one address
# lock that pair for LOGIN_COOLOFF_MINUTES; every sign-in through authenticate(request=...)
# counts (the login page, the admin, the token endpoint). Unlock: delete the attempt in the
# admin (Axes > Access attempts). The standalone backend only guards the door; permissions stay
# with the cached backend after it (AxesBackend would ask the database for them on every check).
INSTALLED_APPS += ["axes", "csp"]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", *AUTHENTICATION_BACKENDS]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "csp.middleware.CSPMiddleware",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A wrong password while locked does not restart the cool-off, so "try again in N minutes"
# holds; the lock is by user and address, so it keeps no one else out meanwhile.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# The same client address as the API's throttles (DRF's, with NUM_PROXIES below).
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_address"
if AXES_FAILURE_LIMIT < 1:
    raise ImproperlyConfigured("LOGIN_FAILURE_LIMIT must be 1 or more")

# API throttles: per user when signed in, per address when not; the token endpoint stricter.
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = [
    "rest_framework.throttling.AnonRateThrottle",
    "rest_framework.throttling.UserRateThrottle",
]
API_THROTTLE_RATES = {
    "anon": envrate("THROTTLE_ANON_RATE", "60/minute"),
    "user": envrate("THROTTLE_USER_RATE", "1200/minute"),
    "sign_in": envrate("THROTTLE_SIGN_IN_RATE", "10/minute"),  # accounts.throttling
}
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = API_THROTTLE_RATES
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT

# Passwords: Argon2id; the others after it so that older hashes still verify and are
# re-hashed with Argon2id at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# Content-Security-Policy (django-csp): no inline script or style anywhere. A page that needs
# more says so on its own response (the letter preview: its own <style> by hash; Redoc: a nonce
# for the styles it inserts), see common/csp.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Swagger UI would fetch a validator badge from its makers' site: off (img-src 'self').
SPECTACULAR_SETTINGS["SWAGGER_UI_SETTINGS"] = {"deepLinking": True, "validatorUrl": None}

# HTTPS: on unless DEBUG. Behind a proxy that terminates TLS, set TRUSTED_PROXY_COUNT (the proxy
# sends X-Forwarded-Proto: https); if the proxy also redirects plain HTTP, SECURE_SSL_REDIRECT
# may be false (check --deploy then says W008, as it should).
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT else None
# The load balancer's checks speak plain HTTP to each node.
SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^ready/$"]

# --- API tokens: hashed, expiring, revocable [track: tokens] -------------------------------
# A new API token opens the API this many days (accounts.ApiToken; the key is kept as a hash).
TOKEN_TTL_DAYS = envint("TOKEN_TTL_DAYS", 30)
# A token's "last used" is written at most this often, so requests do not write on every call.
TOKEN_LAST_USED_EVERY_SECONDS = envint("TOKEN_LAST_USED_EVERY_SECONDS", 3600)
if TOKEN_TTL_DAYS < 1 or TOKEN_LAST_USED_EVERY_SECONDS < 0:
    raise ImproperlyConfigured(
        "TOKEN_TTL_DAYS must be 1 or more, and TOKEN_LAST_USED_EVERY_SECONDS 0 or more."
    )

# --- Operations: health, readiness, structured logs, errors, metrics [track: ops] ----------
# First of all: it answers /health/, /ready/ and /metrics itself (no session, login, lockout,
# throttle, CSRF, host or HTTPS redirect), and gives every other request its X-Request-ID.
MIDDLEWARE.insert(0, "ops.middleware.RequestMiddleware")
# /ready/ fails when the oldest due job or unsent email has waited longer than this (0: never).
READY_MAX_DUE_AGE_SECONDS = envint("READY_MAX_DUE_AGE_SECONDS", 600)
READY_MAX_EMAIL_AGE_SECONDS = envint("READY_MAX_EMAIL_AGE_SECONDS", 600)
READY_BROKER_TIMEOUT_SECONDS = envfloat("READY_BROKER_TIMEOUT_SECONDS", 2.0)
# /metrics (Prometheus); with a token, only for "Authorization: Bearer <token>".
METRICS_ENABLED = envbool("METRICS_ENABLED", True)
METRICS_TOKEN = envstr("METRICS_TOKEN") or ""
# The worker logs through LOGGING above (ops.tasks answers Celery's setup_logging).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Error reporting, only with a DSN (web processes and workers alike).
SENTRY_DSN = envstr("SENTRY_DSN") or ""
if SENTRY_DSN:
    from ops.sentry import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=envstr("SENTRY_ENVIRONMENT") or ("development" if DEBUG else "production"),
        release=envstr("SENTRY_RELEASE") or "",
        traces_sample_rate=envfloat("SENTRY_TRACES_SAMPLE_RATE", 0.0),
    )

# --- Background work: CSV imports as tasks, stuck letters [track: background] --------------
# A CSV import runs as a job (reports.import_jobs): the upload is refused above IMPORT_MAX_BYTES;
# a worker writes IMPORT_CHUNK_ROWS rows per transaction; a job without progress for
# IMPORT_STALE_SECONDS (its worker died, or its message was lost) is queued again by the sweep,
# and failed after IMPORT_MAX_ATTEMPTS claims.
IMPORT_MAX_BYTES = envint("IMPORT_MAX_BYTES", 25 * 1024 * 1024)
IMPORT_CHUNK_ROWS = envint("IMPORT_CHUNK_ROWS", 500)
IMPORT_STALE_SECONDS = envint("IMPORT_STALE_SECONDS", 5 * 60)
IMPORT_MAX_ATTEMPTS = envint("IMPORT_MAX_ATTEMPTS", 3)
CELERY_BEAT_SCHEDULE["sweep-import-jobs"] = {
    "task": "reports.sweep_import_jobs",
    "schedule": float(SCHEDULER_TICK_SECONDS),
    "options": {"expires": float(SCHEDULER_TICK_SECONDS)},
}
# A coulance letter still "sending" LETTER_SENDING_TIMEOUT_SECONDS after its claim (the worker
# died between handing it to the mail server and recording it) is sent again with the same
# Message-ID; the LETTER_MAX_UNCONFIRMED_SENDS-th time it is found so, it is failed instead and
# its owner told. The timeout is never shorter than EMAIL_RESEND_GRACE_SECONDS, for the same reason.
LETTER_SENDING_TIMEOUT_SECONDS = max(
    envint("LETTER_SENDING_TIMEOUT_SECONDS", 15 * 60), EMAIL_RESEND_GRACE_SECONDS
)
LETTER_MAX_UNCONFIRMED_SENDS = envint("LETTER_MAX_UNCONFIRMED_SENDS", 3)

# --- Customers' personal data: who may read and change it [track: customers] ---------------
# (settings of the customers track go here)

# --- Limits on text fields and request bodies [track: limits] ------------------------------
# The longest texts are in common/limits.py. The largest JSON body the API reads: a larger one
# is answered 413 (JSON) before it is read. Web forms keep Django's DATA_UPLOAD_MAX_MEMORY_SIZE
# (2.5 MB, files not counted), which DRF's JSON parser meets too (it reads request.body).
API_MAX_BODY_BYTES = envint("API_MAX_BODY_BYTES", 1024 * 1024)
if API_MAX_BODY_BYTES < 1:
    raise ImproperlyConfigured("API_MAX_BODY_BYTES must be at least 1")
MIDDLEWARE.insert(  # after the language is known, before authentication
    MIDDLEWARE.index("django.middleware.locale.LocaleMiddleware") + 1,
    "config.body_limit.ApiBodyLimitMiddleware",
)

# --- Attachments [track: attachments] ------------------------------------------------------
# Files on complaints: at most ATTACHMENT_MAX_BYTES each and ATTACHMENTS_MAX_BYTES per message
# (one upload, one email). Stored through the "attachments" storage: folders under
# KLACHTWIJZER_VAR_DIR/attachments by default, an S3-compatible bucket (django-storages) when
# ATTACHMENTS_S3_BUCKET is set. Never served as media: only the download view, which checks
# that the user may see the complaint.
ATTACHMENT_MAX_BYTES = envint("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
ATTACHMENTS_MAX_BYTES = envint("ATTACHMENTS_MAX_BYTES", 25 * 1024 * 1024)
if not 1 <= ATTACHMENT_MAX_BYTES <= ATTACHMENTS_MAX_BYTES:
    raise ImproperlyConfigured("need 1 <= ATTACHMENT_MAX_BYTES <= ATTACHMENTS_MAX_BYTES")
# A multipart body may be this much larger than the files in it (the other fields, boundaries).
ATTACHMENTS_BODY_OVERHEAD_BYTES = 1024 * 1024
ATTACHMENTS_DIR = Path(envstr("ATTACHMENTS_DIR") or VAR_DIR / "attachments")
_s3_bucket = envstr("ATTACHMENTS_S3_BUCKET")
if _s3_bucket:
    STORAGES["attachments"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _s3_bucket,
            "endpoint_url": envstr("ATTACHMENTS_S3_ENDPOINT_URL"),
            "region_name": envstr("ATTACHMENTS_S3_REGION"),
            "access_key": envstr("ATTACHMENTS_S3_ACCESS_KEY_ID"),
            "secret_key": envstr("ATTACHMENTS_S3_SECRET_ACCESS_KEY"),
            "location": envstr("ATTACHMENTS_S3_PREFIX", "attachments"),
            "default_acl": "private",
            "querystring_auth": True,  # no public URL, should one ever be asked for
            "file_overwrite": False,
        },
    }
else:
    STORAGES["attachments"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # MEDIA_URL is never routed: these files have no public address.
        "OPTIONS": {"location": str(ATTACHMENTS_DIR)},
    }

# --- More than one machine: pooler, proxy, roles [track: cluster] --------------------------
# Behind PgBouncer in transaction mode (DATABASE_POOLER=pgbouncer-transaction): no prepared
# statements, no server-side cursors (see config.env.database_behind_pooler and deploy/).
# Imported here, not at the top, so that this section merges on its own.
from config.env import database_behind_pooler  # noqa: E402

DATABASES["default"] = database_behind_pooler(DATABASES["default"], envstr("DATABASE_POOLER"))

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # also creates VAR_DIR
