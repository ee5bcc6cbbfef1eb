"""JTL Cloud settings: read from the environment, safe defaults for development.

``JTL_ENV=production`` turns on every HTTPS-only and cookie-hardening switch
and refuses to start without a real secret key, allowed hosts and a shared
cache. Every variable is listed in the README's configuration table.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from jtlcloud.lib.env import EnvError, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# --- Environment -------------------------------------------------------------

JTL_ENV = env_str("JTL_ENV", "development")
if JTL_ENV not in {"development", "production"}:
    raise EnvError(f"JTL_ENV must be 'development' or 'production', not {JTL_ENV!r}")
PRODUCTION = JTL_ENV == "production"

DEBUG = env_bool("JTL_DEBUG", False)
if PRODUCTION and DEBUG:
    raise EnvError("JTL_DEBUG must be off in production: debug pages show settings and code")
DATA_DIR = Path(env_str("JTL_DATA_DIR", str(BASE_DIR / "data")))

_DEV_SECRET = "dev-only-secret-key-not-for-production-use-0123456789abcdef"  # noqa: S105
SECRET_KEY = env_str("JTL_SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and len(SECRET_KEY) < 50:
    raise EnvError("JTL_SECRET_KEY must be set to at least 50 random characters in production")

ALLOWED_HOSTS = env_list(
    "JTL_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise EnvError("JTL_ALLOWED_HOSTS must name the site's host names in production")
CSRF_TRUSTED_ORIGINS = env_list("JTL_CSRF_TRUSTED_ORIGINS", [])
# How many reverse proxies append to X-Forwarded-For in front of the app.
JTL_TRUSTED_PROXY_HOPS = env_int("JTL_TRUSTED_PROXY_HOPS", 0, minimum=0, maximum=5)
JTL_SITE_URL = env_str("JTL_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Applications --------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",  # serves the API docs page's scripts from our origin, not a CDN
    "jtlcloud.audit",
    "jtlcloud.accounts",
    "jtlcloud.installations",
    "jtlcloud.telemetry",
    "jtlcloud.alerts",
    "jtlcloud.privacy",
    "jtlcloud.web",
    "jtlcloud.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "jtlcloud.web.middleware.SessionTimeoutMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "jtlcloud.web.middleware.SecondFactorMiddleware",
    "jtlcloud.web.middleware.StaffAdminMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "jtlcloud.web.middleware.PrivateCacheMiddleware",
    "jtlcloud.web.access_prompts.AccessPromptMiddleware",
    "jtlcloud.privacy.analytics.AnalyticsMiddleware",
]

ROOT_URLCONF = "jtlcloud.urls"
WSGI_APPLICATION = "jtlcloud.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/login"
LOGIN_REDIRECT_URL = "/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "jtlcloud" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jtlcloud.web.context.site",
            ],
        },
    },
]

# --- Database and cache -------------------------------------------------------

_default_db = f"sqlite:///{DATA_DIR / 'jtlcloud.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", _default_db), conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Connections persist (per thread): closing the last connection to a WAL
    # database checkpoints it, which cost ~15 ms on every request (bench/ingest.py).
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("JTL_SQLITE_CONN_MAX_AGE", 600, minimum=0)
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while a writer commits; IMMEDIATE takes the write
        # lock at BEGIN so two writers queue instead of failing with "locked".
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; "
            # 64 MB of page cache (the default is 2 MB) keeps the pages that
            # ingest touches in memory; temporary tables live in memory.
            "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
        ),
        "transaction_mode": "IMMEDIATE",
    }

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
elif PRODUCTION:
    raise EnvError(
        "REDIS_URL must be set in production: throttling needs a cache every worker shares"
    )
else:
    # One process serves the embedded default, so a per-process cache is shared enough.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
if not REDIS_URL:
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")
RATELIMIT_ENABLE = True
RATELIMIT_USE_CACHE = "default"

# --- Authentication -------------------------------------------------------------

PASSWORD_HASHERS = ["jtlcloud.accounts.hashers.PinHasher"]
# Argon2id cost; the defaults are Django's. Tests lower the memory to stay fast.
JTL_ARGON2_TIME_COST = env_int("JTL_ARGON2_TIME_COST", 2, minimum=1)
JTL_ARGON2_MEMORY_KIB = env_int("JTL_ARGON2_MEMORY_KIB", 102400, minimum=8)
JTL_ARGON2_PARALLELISM = env_int("JTL_ARGON2_PARALLELISM", 8, minimum=1)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "jtlcloud.accounts.pin_rules.PinLengthValidator"},
    {"NAME": "jtlcloud.accounts.pin_rules.PinPatternValidator"},
    {"NAME": "jtlcloud.accounts.pin_rules.PinPersonalValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# A second factor for everyone (staff always need one, whatever this says).
JTL_REQUIRE_SECOND_FACTOR = env_bool("JTL_REQUIRE_SECOND_FACTOR", PRODUCTION)
JTL_LOGIN_FAILURES_PER_ACCOUNT = env_int("JTL_LOGIN_FAILURES_PER_ACCOUNT", 10, minimum=1)
JTL_LOGIN_FAILURES_PER_IP = env_int("JTL_LOGIN_FAILURES_PER_IP", 30, minimum=1)
JTL_LOGIN_WINDOW_MINUTES = env_int("JTL_LOGIN_WINDOW_MINUTES", 15, minimum=1)
JTL_OTP_FAILURES_PER_ACCOUNT = env_int("JTL_OTP_FAILURES_PER_ACCOUNT", 5, minimum=1)
# The reset link's lifetime; SECURITY.md caps it at an hour.
PASSWORD_RESET_TIMEOUT = env_int("JTL_PIN_RESET_SECONDS", 3600, minimum=60, maximum=3600)
JTL_EMAIL_VERIFY_SECONDS = env_int("JTL_EMAIL_VERIFY_SECONDS", 2 * 24 * 3600, minimum=300)
OTP_TOTP_ISSUER = "JTL Cloud"

# --- Sessions and cookies --------------------------------------------------------

# Session cookies only: no Expires or Max-Age on any cookie we set. The server
# ends sessions itself after the idle and absolute timeouts below.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
JTL_SESSION_IDLE_MINUTES = env_int("JTL_SESSION_IDLE_MINUTES", 60, minimum=1, maximum=60)
JTL_SESSION_MAX_HOURS = env_int("JTL_SESSION_MAX_HOURS", 12, minimum=1, maximum=12)
SESSION_COOKIE_AGE = JTL_SESSION_MAX_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_NAME = "__Host-jtl_session" if PRODUCTION else "jtl_session"
CSRF_USE_SESSIONS = True
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "jtlcloud.web.views.errors.csrf_failure"
LANGUAGE_COOKIE_AGE = None
# Messages ride in the session: the default would add a cookie of its own.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- HTTP security ------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("JTL_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("JTL_HSTS_SECONDS", 31536000 if PRODUCTION else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = env_bool("JTL_HSTS_PRELOAD", PRODUCTION)
if PRODUCTION and JTL_TRUSTED_PROXY_HOPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Everything from our own origin; nothing inline, nothing from anywhere else.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- Email ----------------------------------------------------------------------------

EMAIL_HOST = env_str("JTL_EMAIL_HOST", "")
EMAIL_PORT = env_int("JTL_EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("JTL_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("JTL_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("JTL_EMAIL_STARTTLS", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env_str("JTL_EMAIL_FROM", "JTL Cloud <no-reply@jtl.example>")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif PRODUCTION:
    raise EnvError("JTL_EMAIL_HOST must name an SMTP server in production")
else:
    # Without an SMTP server, development writes each email as a file to read.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "mail")

# --- Installations and access ------------------------------------------------------

# How long the owners' access log keeps who looked at what (purge_access_log deletes older).
JTL_ACCESS_LOG_RETENTION_DAYS = env_int("JTL_ACCESS_LOG_RETENTION_DAYS", 730, minimum=1)

# --- Operator -------------------------------------------------------------------------

JTL_OPERATOR_NAME = env_str("JTL_OPERATOR_NAME", "JTL Cloud")
JTL_OPERATOR_ADDRESS = env_str("JTL_OPERATOR_ADDRESS", "JTL Ltd, 1 Example Street, Leeds, LS1 1AA")
JTL_CONTACT_EMAIL = env_str("JTL_CONTACT_EMAIL", "sales@jtl.co.uk")

# --- Privacy ------------------------------------------------------------------------------------

# Visit analytics (policy 2a): first-party, server-side, no cookie.
JTL_ANALYTICS_ENABLED = env_bool("JTL_ANALYTICS_ENABLED", True)
# Store IPv4 addresses as /24 and IPv6 as /48 networks instead of the whole address.
JTL_ANALYTICS_TRUNCATE_IP = env_bool("JTL_ANALYTICS_TRUNCATE_IP", False)
# Page views older than this are deleted by `jtlcloud purge_visits` (13 months by default).
JTL_ANALYTICS_RETENTION_DAYS = env_int("JTL_ANALYTICS_RETENTION_DAYS", 396, minimum=1)
# A pause longer than this between two page views of one device starts a new visit.
JTL_ANALYTICS_VISIT_GAP_MINUTES = env_int("JTL_ANALYTICS_VISIT_GAP_MINUTES", 30, minimum=1)
# The buffer is written once it holds this many views or its oldest is this old.
JTL_ANALYTICS_BATCH_SIZE = env_int("JTL_ANALYTICS_BATCH_SIZE", 50, minimum=1)
JTL_ANALYTICS_FLUSH_SECONDS = env_int("JTL_ANALYTICS_FLUSH_SECONDS", 10, minimum=1)
JTL_ANALYTICS_BUFFER_MAX = env_int("JTL_ANALYTICS_BUFFER_MAX", 10000, minimum=100)
# --- Installation data -------------------------------------------------------------------

# Ingest limits, per request: body bytes (also after gzip) and readings + events.
JTL_INGEST_MAX_BYTES = env_int("JTL_INGEST_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
JTL_INGEST_MAX_ITEMS = env_int("JTL_INGEST_MAX_ITEMS", 10_000, minimum=1)
# Ingest requests per installation per minute (an agent catching up sends back to back).
JTL_INGEST_RATE_PER_MINUTE = env_int("JTL_INGEST_RATE_PER_MINUTE", 120, minimum=1)
# Accepted timestamps: at most this old, at most this far in the future.
JTL_INGEST_MAX_AGE_DAYS = env_int("JTL_INGEST_MAX_AGE_DAYS", 5 * 366, minimum=1)
JTL_INGEST_MAX_FUTURE_SECONDS = env_int("JTL_INGEST_MAX_FUTURE_SECONDS", 600, minimum=0)
# An installation not heard from for this long shows as offline.
JTL_OFFLINE_AFTER_MINUTES = env_int("JTL_OFFLINE_AFTER_MINUTES", 10, minimum=1)
# Default retention (installations may have their own): raw readings, then rollups.
JTL_RAW_RETENTION_DAYS = env_int("JTL_RAW_RETENTION_DAYS", 400, minimum=1)
JTL_ROLLUP_RETENTION_DAYS = env_int("JTL_ROLLUP_RETENTION_DAYS", 3660, minimum=1)
# Personal API tokens: the longest lifetime a user may choose.
JTL_API_TOKEN_MAX_DAYS = env_int("JTL_API_TOKEN_MAX_DAYS", 365, minimum=1)

# --- Static files, i18n, logging -----------------------------------------------------------

STATIC_URL = "/static/"
# collectstatic's target in production; development serves straight from the finders.
STATIC_ROOT = (
    Path(env_str("JTL_STATIC_ROOT", str(BASE_DIR / "staticfiles"))) if PRODUCTION else None
)
STATICFILES_DIRS = [BASE_DIR / "jtlcloud" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("JTL_LOG_LEVEL", "INFO")},
    "loggers": {"django.security.DisallowedHost": {"level": "ERROR"}},
}
