"""Planning's pure code (no database): queueing (Erlang C, Erlang A), the arrivals forecast, the
simulated hall day and the facility-location model."""
