"""Settings for the test suite: the product's own settings with the testing switch on."""

import os

os.environ["OUTSOURCER_TESTING"] = "1"
os.environ.setdefault("OUTSOURCER_HTTPS", "0")

from outsourcer.settings import *  # noqa: F403

# The Redis path is exercised by tests/test_redis.py, which switches CACHES and TASKS over to it.
TEST_REDIS_URL = os.environ.get("OUTSOURCER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
if "django_rq" not in INSTALLED_APPS:  # noqa: F405
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]  # noqa: F405
RQ_QUEUES = {"default": {"URL": TEST_REDIS_URL}}

# Uploaded files of the test run go to a directory of their own, never into the checkout's data.
import tempfile  # noqa: E402

MEDIA_ROOT = tempfile.mkdtemp(prefix="outsourcer-test-media-")
