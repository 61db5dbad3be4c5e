"""The votes' routes, on `votes.blueprint.bp`: a vote's life (`pages`), its published results
(`results`), the bureau's key ceremony (`ceremony`), the emailed codes (`codes`), the vote's
documents (`documents`); what they share in `common`."""
from . import ceremony, codes, documents, pages, results  # noqa: F401  (their routes hang off bp)
