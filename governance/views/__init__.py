"""governance's routes: on `gov` (`blueprint.bp`) cooperatives and colleges (`coops`), the
register (`register`, `imports`), the audit journal (`audit`), jobs (`jobs`), undelivered mail
(`undelivered`) and the home pages (`home`); on `auth` the accounts' (`auth`, `two_factor`).
Importing a route module hangs its routes off its blueprint; `common` holds what they share."""
from . import (  # noqa: F401
    audit,
    auth,
    coops,
    home,
    imports,
    jobs,
    register,
    two_factor,
    undelivered,
)
