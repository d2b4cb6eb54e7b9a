"""Shared fixtures; tests/ is on sys.path (pytest's rootdir conftest), so tests import event_factory."""
