"""``engium guard redteam``: scripted prompt-injection attacks against the whole assistant pipeline, with
the guard on and off (attacks.py: what is tried; scenario.py: the business attacked; runner.py: the
run; scoring.py: what counts as a success). Results are in docs/adr/0012-prompt-injection-guard.md."""
