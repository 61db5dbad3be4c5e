"""Routes of the votes package (the web pages come next)."""
from . import bp  # noqa: F401
