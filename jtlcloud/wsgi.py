"""The WSGI application served by gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jtlcloud.settings")
application = get_wsgi_application()

# A server process: let visit analytics write its buffer from a timer thread too.
from jtlcloud.privacy.analytics import recorder  # noqa: E402

recorder.timer_allowed = True
