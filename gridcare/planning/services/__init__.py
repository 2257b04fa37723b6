"""Planning's writes: plans, rosters, sites and scenarios (each in its own module)."""
