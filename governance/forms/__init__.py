"""WTForms of the governance package; labels use lazy gettext."""
