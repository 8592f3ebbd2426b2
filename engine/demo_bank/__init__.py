"""The demo item bank's data files (one JSON file per competence, media/ beside them).

A package only so that `importlib.resources.files("engine.demo_bank")` anchors on it directly;
load it with `engine.bank_source.load_demo_bank()`.
"""
