"""Routes of the contributive budget, under /c/<slug>/contributions. Thin views: parse →
call a service or a query → render.

Members log and follow their time; reviewers review their circles' time; the secretariat
records budgets and envelopes and closes months into payment batches; anyone with a role in the
cooperative reads the budget reports."""
# The route modules hang their routes off the blueprint; they share `common`.
from . import (  # noqa: F401
    budgets,
    entries,
    payments,
    review,
)
