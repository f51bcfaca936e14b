"""The production server's configuration file, as gunicorn reads it."""

import gc
import importlib.util
from pathlib import Path

from django.conf import settings

CONFIG = Path(settings.BASE_DIR) / "gunicorn.conf.py"


def load_config():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", CONFIG)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_worker_hides_what_it_loaded_from_the_garbage_collector():
    config = load_config()
    gc.unfreeze()
    threshold = gc.get_threshold()
    try:
        config.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 10_000
        # and collects young objects every 20,000 allocations rather than every 700
        assert gc.get_threshold()[0] == 20_000
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
