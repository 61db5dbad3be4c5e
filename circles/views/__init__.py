"""Routes of circles, under /c/<slug>/circles. Thin views: parse → call a service or a query →
render or redirect.

Anyone with a role in the cooperative reads its map of circles, each circle and its board;
who may change what is in `circles.permissions` (buttons and forms show only to them, and every
write checks it again)."""
# The route modules hang their routes off the blueprint; they share `common`.
from . import (  # noqa: F401
    chantiers,
    circles,
    members,
)
