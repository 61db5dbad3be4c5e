"""The routes of the `gov` blueprint (`common`): cooperatives, colleges, the register, share
capital, the board, CAE contracts, the audit journal, jobs; `auth` holds the accounts'."""
# Importing the route modules hangs their routes off `bp` (each takes it from `common`).
from ..board import views as board_views  # noqa: F401  (the board's routes)
from ..capital import views as capital_views  # noqa: F401  (the share capital's routes)
from ..contracts import views as contract_views  # noqa: F401  (the contracts' routes)
from . import (  # noqa: F401
    audit,
    coops,
    home,
    imports,
    jobs,
    register,
)
