"""Writes of the hall queue, one module per sub-domain."""
