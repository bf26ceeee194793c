"""A reviewed translation pipeline for medical articles."""

__version__ = "0.1.0"
