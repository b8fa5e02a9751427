import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

from config.startup import require_secure_secret_key  # noqa: E402  needs settings, configured above

require_secure_secret_key()
