"""A gunicorn worker freezes what it imported, so that a full garbage collection does not stall its requests."""

from __future__ import annotations

import gc

from service.cli.gunicorn_settings import freeze_imported_heap, gunicorn_settings
from service.settings import Settings


def test_every_worker_of_mufakat_serve_freezes_its_heap_once_the_app_is_loaded() -> None:
    settings = gunicorn_settings("127.0.0.1", 8000, 2, Settings())

    assert settings["post_worker_init"] is freeze_imported_heap


def test_after_freezing_the_full_collection_walks_none_of_the_objects_made_before() -> None:
    imported = [[number] for number in range(1_000)]  # objects made before the freeze, like the app's
    gc.collect()
    assert len(gc.get_objects(generation=2)) >= len(imported)
    try:
        freeze_imported_heap(worker=None)

        assert gc.get_freeze_count() >= len(imported)
        assert not any(item is imported[0] for item in gc.get_objects(generation=2))  # frozen: never walked
        made_later = [[number] for number in range(1_000)]
        gc.collect()
        assert any(item is made_later[0] for item in gc.get_objects(generation=2))  # later objects are collected
    finally:
        gc.unfreeze()
