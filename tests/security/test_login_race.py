"""Finding 6: the login lockout could be raced.

25 parallel wrong passwords were all checked and none locked the account (limit 5), because each
request read the failure count before verifying and wrote it after. Now the attempt is counted
atomically before the password is verified: at most 5 of the 25 are ever checked.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from engium.runtime import Runtime
from tests.conftest import OWNER_PASSWORD, make_tenant
from tests.live_server import LiveServer

GUESSES = 25
LIMIT = 5  # ENGIUM_LOGIN_MAX_FAILURES' default


def test_parallel_guesses_are_counted_before_they_are_checked(live: LiveServer, live_runtime: Runtime) -> None:
    target = make_tenant(live_runtime)

    def guess(n: int) -> int:
        with live.client() as client:
            body = {"email": target.owner_email, "password": f"wrong guess {n}"}
            return client.post("/api/v1/auth/login", json=body).status_code

    with ThreadPoolExecutor(max_workers=GUESSES) as pool:
        statuses = list(pool.map(guess, range(GUESSES)))

    # 401: the password was checked (and was wrong); 429: refused unchecked, the account is locked.
    assert statuses.count(401) <= LIMIT
    assert statuses.count(429) >= GUESSES - LIMIT
    assert set(statuses) <= {401, 429}
    with live.client() as client:
        locked = client.post("/api/v1/auth/login", json={"email": target.owner_email, "password": OWNER_PASSWORD})
        assert locked.status_code == 429


def test_a_correct_password_resets_the_count(live: LiveServer, live_runtime: Runtime) -> None:
    target = make_tenant(live_runtime)
    with live.client() as client:
        for n in range(LIMIT - 1):
            assert client.post("/api/v1/auth/login", json={"email": target.owner_email, "password": f"no {n}"}
                               ).status_code == 401
        assert client.post("/api/v1/auth/login", json={"email": target.owner_email, "password": OWNER_PASSWORD}
                           ).status_code == 200
        for n in range(LIMIT - 1):
            assert client.post("/api/v1/auth/login", json={"email": target.owner_email, "password": f"no {n}"}
                               ).status_code == 401
