"""The window's item is built field by field from what a candidate sees: no solution, no
psychometric parameter, whatever the item type — checked on every item of the demo bank."""

import json

from engine.bank_source import load_demo_bank
from kiosk.core.item_view import VIEW_KEYS, ItemView

SOLUTION_FIELDS = {"correct_choices", "accepted", "tolerances", "discrimination", "difficulty"}


def test_no_item_reaches_the_window_with_its_solution():
    items = load_demo_bank()
    assert {str(item.type) for item in items} == {"QCU", "QCM", "QROC", "QROCM-ind", "QROCM-dep"}
    for item in items:
        wire = ItemView.of(item).to_wire()
        assert set(wire) == VIEW_KEYS
        assert not SOLUTION_FIELDS & set(wire)
        for field in wire["fields"]:
            assert set(field) == {"name", "label", "kind", "placeholder"}
        view = ItemView.from_wire(json.loads(json.dumps(wire)))
        assert view == ItemView.of(item)
        assert not any(hasattr(view, name) for name in SOLUTION_FIELDS)
