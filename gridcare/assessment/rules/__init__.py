"""Pure rules of the assessment app: no database, no services, no Django models."""
