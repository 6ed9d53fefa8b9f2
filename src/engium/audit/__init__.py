"""The immutable, verifiable audit log: taxonomy, recorder, middleware, chain, checkpoints, verify."""
