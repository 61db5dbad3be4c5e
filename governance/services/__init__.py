"""Every write of the governance package, one module per subject; each function is a
`governance.platform.service` (permission check, one transaction, audit entry)."""
