"""One settings file, driven by the environment.

Embedded mode (no DATABASE_URL): SQLite in WAL mode under KEHU_DATA_DIR.
Production: DATABASE_URL=postgres://... selects PostgreSQL.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("KEHU_DATA_DIR", BASE_DIR.parent / "data")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data dir."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def _env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


SECRET_KEY = _secret_key()
DEBUG = _env_bool("KEHU_DEBUG", False)
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver").split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "kehu.core",
    "kehu.accounts",
    "kehu.customers",
    "kehu.service",
    "kehu.channels.email",
    "kehu.knowledge",
    "kehu.assist",
    "kehu.surveys",
    "kehu.contact",
    "kehu.search",
    "kehu.insights",
    "kehu.sales",
    "kehu.workforce",
    "kehu.quality",
    "kehu.outbound",
    "kehu.fieldwork",
]

MIDDLEWARE = [
    "kehu.core.middleware.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "kehu.urls"
WSGI_APPLICATION = "kehu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

SQLITE_PATH = DATA_DIR / "kehu.sqlite3"
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "PRAGMA foreign_keys=ON;"
    "PRAGMA busy_timeout=20000;"
    "PRAGMA temp_store=MEMORY;"
    "PRAGMA cache_size=-64000;"
    # No mmap_size: kehu.core.sqlite maps a database file only once it is large (MMAP_BYTES).
    # Checkpoints run on a thread of their own after each commit (kehu.core.sqlite.checkpoint);
    # SQLite's own, inside a commit, only once the WAL holds 8 MB.
    "PRAGMA wal_autocheckpoint=2000;"
)

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
    # No JIT: Debian's PostgreSQL compiles any query the planner costs above 100,000, and an
    # import's duplicate lookup (thousands of values at once) spent 0.4–1.2 s compiling for
    # 15 ms of work. Kehu's queries are short; JIT only pays off on long analytic scans.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()  # after any from the URL
    # The hot path's hand-written statements stay prepared on their connection (kehu.core.prepared).
    if os.environ.get("KEHU_PG_PREPARE", "1") != "0":
        _options.setdefault("prepare_threshold", 1)
else:
    DATABASES = {
        "default": {
            "ENGINE": "kehu.core.sqlite",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                # IMMEDIATE: a writer takes the lock at BEGIN, so two writers queue on
                # busy_timeout instead of failing with "database is locked" mid-transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": SQLITE_PRAGMAS,
            },
            # Keep each thread's connection: opening one and running the pragmas above cost
            # a few milliseconds a request (one API client: 82 → 133 requests/s).
            "CONN_MAX_AGE": None,
            "CONN_HEALTH_CHECKS": True,
            # A file (not :memory:) so live-server tests share it; one per process so parallel
            # runs do not collide.
            "TEST": {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("KEHU_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns at every start when it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "uploads"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KEHU_LOG_LEVEL", "WARNING")},
}

# --- Kehu's own settings (read at call time through django.conf.settings) ---
# Days an owned customer may go without a follow-up before it returns to the pool;
# a team (Department.pool_return_days) may override it.
KEHU_POOL_RETURN_DAYS = int(os.environ.get("KEHU_POOL_RETURN_DAYS", "30"))
# How many customers one rep may hold; a team may override it.
KEHU_MAX_CUSTOMERS_PER_REP = int(os.environ.get("KEHU_MAX_CUSTOMERS_PER_REP", "2000"))
# Days a deleted customer stays in the recycle bin before it is purged.
KEHU_TRASH_RETENTION_DAYS = int(os.environ.get("KEHU_TRASH_RETENTION_DAYS", "30"))
# Minutes between the scheduled sweeps that `kehu serve` runs in the background.
KEHU_SWEEP_INTERVAL_MINUTES = int(os.environ.get("KEHU_SWEEP_INTERVAL_MINUTES", "60"))

# Service desk -------------------------------------------------------------------------
# The service center's working hours; SLA targets on the working-hours clock count only these.
KEHU_WORKING_HOURS = os.environ.get("KEHU_WORKING_HOURS", "09:00-12:00,13:00-18:00")
# Weekdays off (Monday is 0); holidays and make-up days are rows of the business calendar.
KEHU_WEEKEND_DAYS = [int(d) for d in os.environ.get("KEHU_WEEKEND_DAYS", "5,6").split(",") if d.strip()]
# Roles that may see who filed an anonymous report (举报人).
KEHU_REPORTER_VISIBLE_ROLES = os.environ.get("KEHU_REPORTER_VISIBLE_ROLES", "supervisor,manager,admin").split(",")
# Ticket kinds that get a return visit (回访) after closing, and how long after.
KEHU_RETURN_VISIT_KINDS = os.environ.get(
    "KEHU_RETURN_VISIT_KINDS", "complaint,repair,emergency_repair,report").split(",")
KEHU_RETURN_VISIT_DELAY_HOURS = int(os.environ.get("KEHU_RETURN_VISIT_DELAY_HOURS", "24"))
# Largest attachment accepted, in bytes, and the file types refused outright.
KEHU_MAX_ATTACHMENT_BYTES = int(os.environ.get("KEHU_MAX_ATTACHMENT_BYTES", str(20 * 1024 * 1024)))
KEHU_BLOCKED_EXTENSIONS = os.environ.get(
    "KEHU_BLOCKED_EXTENSIONS", ".exe,.bat,.cmd,.com,.scr,.js,.vbs,.msi,.jar,.ps1,.sh").split(",")

# Mail: replies go out by SMTP; the service address receives requests (kehu mail receive/poll).
KEHU_SERVICE_EMAIL = os.environ.get("KEHU_SERVICE_EMAIL", "service@kehu.localhost")
# Where customers reach this installation: links in survey invitations start with it.
KEHU_PUBLIC_URL = os.environ.get("KEHU_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# Customer insights (docs/insights.md). Pyramid: cumulative shares of paying customers ranked by
# money paid, or {"by": "amount", "key": 1_000_000, "quality": 200_000, "general": 20_000}.
KEHU_PYRAMID_CUTOFFS = {"by": "share", "key": 0.01, "quality": 0.05, "general": 0.20}
# Lifecycle: "past" after this many days without payment; "lost" after this many without payment or follow-up.
KEHU_LIFECYCLE_DAYS = (365, 730)
# The sweep refreshes insights once a day from this local hour on.
KEHU_INSIGHTS_HOUR = int(os.environ.get("KEHU_INSIGHTS_HOUR", "2"))
KEHU_MAIL_DOMAIN = KEHU_SERVICE_EMAIL.rpartition("@")[2] or "kehu.localhost"
DEFAULT_FROM_EMAIL = KEHU_SERVICE_EMAIL
EMAIL_HOST = os.environ.get("KEHU_SMTP_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("KEHU_SMTP_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("KEHU_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("KEHU_SMTP_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("KEHU_SMTP_TLS", False)
EMAIL_TIMEOUT = 10
# Incoming mail (kehu mail receive / poll; docs/email.md).
KEHU_MAIL_TICKET_KIND = os.environ.get("KEHU_MAIL_TICKET_KIND", "inquiry")
KEHU_MAIL_AUTO_REPLY = _env_bool("KEHU_MAIL_AUTO_REPLY", True)
KEHU_MAIL_AUTO_REPLY_TEXT = os.environ.get("KEHU_MAIL_AUTO_REPLY_TEXT", "")
KEHU_MAIL_AUTO_REPLY_PER_HOUR = int(os.environ.get("KEHU_MAIL_AUTO_REPLY_PER_HOUR", "5"))
KEHU_MAIL_MAX_MESSAGE_BYTES = int(os.environ.get("KEHU_MAIL_MAX_MESSAGE_BYTES", str(50 * 1024 * 1024)))
KEHU_MAIL_IMAP_HOST = os.environ.get("KEHU_MAIL_IMAP_HOST", "")
KEHU_MAIL_IMAP_USER = os.environ.get("KEHU_MAIL_IMAP_USER", "")
KEHU_MAIL_IMAP_SSL = _env_bool("KEHU_MAIL_IMAP_SSL", True)
KEHU_MAIL_IMAP_FOLDER = os.environ.get("KEHU_MAIL_IMAP_FOLDER", "INBOX")
