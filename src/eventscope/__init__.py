"""eventscope: news reports of political violence in, ACLED-coded events with evidence out."""

__version__ = "0.1.0"
