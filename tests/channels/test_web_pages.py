"""/chat, /inspect and their static files: served from the package, under a strict CSP."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", ["/chat", "/inspect"])
def test_the_pages_are_served_with_a_strict_content_security_policy(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "/_dialog/static/common.js" in response.text
    assert "http" not in response.text.replace("http-equiv", "")  # no CDN: nothing loads from elsewhere


@pytest.mark.parametrize(("name", "kind"), [("common.js", "text/javascript"), ("chat.js", "text/javascript"),
                                            ("inspect.js", "text/javascript"), ("dialog.css", "text/css")])
def test_the_static_files_ship_in_the_package(client, name: str, kind: str) -> None:
    response = client.get("/_dialog/static/" + name)
    assert response.status_code == 200 and response.headers["content-type"].startswith(kind)


@pytest.mark.parametrize("name", ["nope.js", "..%2Fwebhook.py", "__init__.py", ".hidden.js"])
def test_anything_else_is_not_found(client, name: str) -> None:
    assert client.get("/_dialog/static/" + name).status_code == 404


def test_the_static_files_need_no_token_but_the_pages_do(make_client) -> None:
    client = make_client(auth_token="s3cret")
    assert client.get("/_dialog/static/common.js").status_code == 200
    assert client.get("/chat").status_code == 401
    assert client.get("/chat?token=s3cret").status_code == 200


def test_the_pages_insert_text_as_text() -> None:
    """The scripts never hand strings to the HTML parser (the browser test sends the attacks)."""
    from importlib import resources

    for name in ("common.js", "chat.js", "inspect.js"):
        source = resources.files("dialog.channels").joinpath("static", name).read_text(encoding="utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in source, f"{name} uses {sink}"
