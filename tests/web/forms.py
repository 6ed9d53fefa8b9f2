"""Driving the staff web app's forms without a browser (FastAPI's TestClient), for the rules that need
no JavaScript: CSRF, roles, redirects, audit."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.web.members import Credentials, csrf_token

SIGN_IN_TOKEN = re.compile(r'name="sign_in_token" value="([^"]+)"')


def sign_in(client: TestClient, who: Credentials, **extra: str) -> Any:
    form = client.get("/sign-in")
    token = SIGN_IN_TOKEN.search(form.text)
    assert token is not None
    return client.post("/sign-in", data={"sign_in_token": token.group(1), "email": who.email,
                                         "password": who.password, **extra}, follow_redirects=False)


def page_token(client: TestClient, path: str = "/account") -> str:
    """The CSRF token the pages put in their forms, read from a page as a browser would."""
    response = client.get(path)
    assert response.status_code == 200, response.text
    return csrf_token(response.text)
