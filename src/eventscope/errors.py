"""Errors a user can cause and fix: each message is one line naming the input and the problem."""


class EventscopeError(Exception):
    """Base class: the CLI prints the message, exits 1, and shows no traceback."""


class InputError(EventscopeError):
    """An article file, stdin, JSONL line or HTML page that cannot be read."""


class RuleFileError(EventscopeError):
    """A rule, lexicon or dictionary data file that is malformed (file and line are named)."""


class GazetteerError(EventscopeError):
    """A gazetteer index or GeoNames dump that is missing, corrupt or in the wrong format."""


class StoreError(EventscopeError):
    """A database URL that is malformed or unreachable, or a store that cannot be written."""
