"""The assessment app's writes."""
