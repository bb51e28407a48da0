"""Settings for the Celery worker that the end-to-end tests start: the
project's settings, a queue of the test's own (other workers on the same
Redis never take its messages) and quick retries."""

import os

from tracker.settings import *  # noqa: F403

CELERY_TASK_DEFAULT_QUEUE = os.environ["WORKFLOWS_TEST_QUEUE"]
REMINDER_MAX_ATTEMPTS = 3
REMINDER_RETRY_BASE_SECONDS = 1
