"""Privacy (P8, P9): where personal data lives, data-subject requests, erasure, retention, consent."""
