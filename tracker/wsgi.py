import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

application = get_wsgi_application()

# What loading the app created lives as long as the worker: keep the full
# garbage collections from scanning it again every few dozen requests.
gc.freeze()
