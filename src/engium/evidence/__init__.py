"""SOC 2 evidence on demand: a signed archive of the controls' records over a window (ADR 0027)."""
