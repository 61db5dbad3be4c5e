"""Routes of general assemblies. Thin views: parse → call a service or a query → render.

Who sees an assembly: anyone with a role in one of its cooperatives. The host cooperative's
secretariat runs it; sociétaires answer, give proxies and vote for themselves."""
# The route modules hang their routes off the blueprint; they share `common`.
from . import (  # noqa: F401
    convocation,
    keys,
    member,
    minutes,
    prepare,
    sitting,
)
