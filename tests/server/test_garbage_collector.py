"""The collector's settings for a long-running server (server_stub/collector.py)."""

import gc

from server_stub.garbage_collector import YOUNG_COLLECTION_EVERY, settle_after_start_up


def test_start_up_objects_are_left_out_of_later_collections():
    threshold = gc.get_threshold()
    try:
        settle_after_start_up()
        assert gc.get_freeze_count() > 0  # this test's modules, frozen
        assert gc.get_threshold() == (YOUNG_COLLECTION_EVERY, *threshold[1:])
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
