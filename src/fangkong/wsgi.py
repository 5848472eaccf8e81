import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")

application = get_wsgi_application()

# Everything loaded so far (Django, the apps, the URL map) lives as long as the process:
# out of the collector's sight, and young objects collected less often. Each request
# makes thousands of short-lived objects; with the default thresholds the collector ran
# every 700 of them and walked the whole heap at every tenth pass. Measured on checkpoint
# uploads under load, a tenth less CPU a request and a shorter tail (docs/performance.md).
gc.collect()
gc.freeze()
gc.set_threshold(20_000, 50, 100)
