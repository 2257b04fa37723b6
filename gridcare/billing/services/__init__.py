"""Writes of the billing app, one module per sub-domain (tariffs, readings, bill runs,
payments, prepaid, arrears, reconciliation, bank debit)."""
