"""The security baseline: password hashing, login lockout, CSP, CSRF, API docs offline, deploy checks."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.test import Client, override_settings

from xieshang.organisations.tests.factories import DEFAULT_PASSWORD, UserFactory

ROOT = Path(settings.BASE_DIR)
LOGIN = "/accounts/login/"


# --- passwords and lockout -----------------------------------------------------------------------


def test_passwords_are_hashed_with_argon2_outside_the_tests() -> None:
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        encoded = make_password("Xieshang@2024")
        assert identify_hasher(encoded).algorithm == "argon2"
        assert encoded.startswith("argon2$argon2id$")
        assert check_password("Xieshang@2024", encoded)
        assert not check_password("Xieshang@2025", encoded)


@pytest.mark.django_db
def test_a_wrong_password_gets_a_clear_chinese_message() -> None:
    user = UserFactory(office=True)
    r = Client().post(LOGIN, {"username": user.username, "password": "wrong-password"})
    assert r.status_code == 200
    assert "用户名或密码不正确" in r.content.decode()
    assert "连续输错 5 次将暂时锁定" in r.content.decode()


@pytest.mark.django_db
def test_five_failed_logins_lock_the_account_from_that_address_even_with_the_right_password() -> None:
    user = UserFactory(office=True)
    c = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        c.post(LOGIN, {"username": user.username, "password": "wrong-password"})
    r = c.post(LOGIN, {"username": user.username, "password": DEFAULT_PASSWORD})
    assert r.status_code == 429
    page = r.content.decode()
    assert "账号已暂时锁定" in page and "15 分钟" in page
    assert "_auth_user_id" not in c.session
    # Someone typing wrong passwords elsewhere cannot lock the owner out of their own desk.
    other = Client(REMOTE_ADDR="10.9.8.7")
    assert other.post(LOGIN, {"username": user.username, "password": DEFAULT_PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_a_lockout_does_not_lock_out_colleagues_behind_the_same_address() -> None:
    victim, colleague = UserFactory(office=True), UserFactory(office=True)
    c = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        c.post(LOGIN, {"username": victim.username, "password": "wrong-password"})
    r = c.post(LOGIN, {"username": colleague.username, "password": DEFAULT_PASSWORD})
    assert r.status_code == 302
    assert c.session["_auth_user_id"] == str(colleague.pk)


def test_lockout_message_matches_the_settings() -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME * 60 == 15
    template = (ROOT / "templates" / "registration" / "locked.html").read_text()
    assert "15 分钟" in template


# --- CSRF ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_login_form_needs_the_csrf_token() -> None:
    user = UserFactory(office=True)
    c = Client(enforce_csrf_checks=True)
    r = c.post(LOGIN, {"username": user.username, "password": DEFAULT_PASSWORD})
    assert r.status_code == 403
    assert "_auth_user_id" not in c.session


def test_csrf_middleware_is_on_and_the_api_uses_sessions_only() -> None:
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE
    assert settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] == [
        "rest_framework.authentication.SessionAuthentication"
    ]


def test_no_view_is_exempt_from_csrf() -> None:
    offenders = []
    for path in (ROOT / "xieshang").rglob("*.py"):
        if "tests" in path.parts:
            continue
        if "csrf_exempt" in path.read_text(encoding="utf-8"):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


# --- Content-Security-Policy -------------------------------------------------------------------


def _policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", [LOGIN, "/healthz", "/admin/login/", "/api/schema/", "/no-such-page/", "/api/v1/items/"]
)
def test_every_response_carries_the_content_security_policy(path: str) -> None:
    r = Client().get(path)
    policy = _policy(r)
    assert policy.get("default-src") == ["'self'"], (path, r.status_code)
    assert policy.get("script-src") == ["'self'"]
    assert "'unsafe-inline'" not in r.headers["Content-Security-Policy"]
    assert policy.get("frame-ancestors") == ["'none'"]
    assert r.headers.get("X-Frame-Options") == "DENY"
    assert r.headers.get("X-Content-Type-Options") == "nosniff"


def test_templates_have_no_inline_scripts_or_styles() -> None:
    offenders = []
    for path in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in path.parts or "node_modules" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\sstyle=", text) or "<style" in text:
            offenders.append(str(path.relative_to(ROOT)))
        if re.search(r"\son[a-z]+=", text):
            offenders.append(f"{path.relative_to(ROOT)} (inline event handler)")
    assert offenders == []


# --- API docs offline under the CSP ---------------------------------------------------------------


@pytest.mark.django_db
def test_api_docs_need_a_login_and_load_nothing_from_outside() -> None:
    assert Client().get("/api/docs/").status_code == 302
    assert Client().get("/api/schema/").status_code == 403
    c = Client()
    c.force_login(UserFactory(office=True))
    r = c.get("/api/docs/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "cdn" not in html.lower() and "//" not in re.sub(r"https?://testserver", "", html).replace("<!--", "")
    for src in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert src.startswith("/"), src
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert inline_scripts == []
    # The page's one inline <style> block is allowed by its hash, nothing else inline is.
    styles = re.findall(r"<style>(.*?)</style>", html, flags=re.S)
    allowed = _policy(r)["style-src"]
    for block in styles:
        digest = base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in allowed
    assert "'unsafe-inline'" not in allowed
    script = c.get("/api/docs/?script=")
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content
    schema = c.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200 and "/api/v1/items/" in schema.json()["paths"]


def test_the_openapi_schema_validates_without_warnings(tmp_path: Path) -> None:
    out = tmp_path / "schema.yaml"
    r = subprocess.run(  # noqa: S603 - fixed argv: this interpreter and manage.py
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )
    assert r.returncode == 0, r.stderr[-2000:]
    assert "/api/v1/assignments/{id}/sign/" in out.read_text()


@pytest.mark.chromium
@pytest.mark.django_db(transaction=True)
def test_api_docs_render_in_chromium_under_the_csp(live_server) -> None:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from playwright.sync_api import sync_playwright

    from e2e.chromium import CHROMIUM, CHROMIUM_ARGS

    user = UserFactory(office=True)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    problems: list[str] = []
    outside: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            context.add_cookies([{"name": "sessionid", "value": session.session_key, "url": live_server.url}])
            page = context.new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("request", lambda req: outside.append(req.url) if not req.url.startswith(live_server.url) else None)
            page.goto(f"{live_server.url}/api/docs/")
            page.wait_for_selector(".opblock", timeout=20000)
            assert page.locator(".opblock").count() >= 20
            assert page.locator("text=签收").count() >= 1
        finally:
            browser.close()
    assert [m for m in problems if "Content Security Policy" in m or "Refused" in m] == []
    assert outside == []


# --- production settings ------------------------------------------------------------------------


def _production(env: dict[str, str | None], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean["DATABASE_URL"] = "postgres://xieshang@127.0.0.1:5432/xieshang"
    clean.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **env})
    clean = {k: v for k, v in clean.items() if v is not None}
    return subprocess.run(  # noqa: S603 - fixed argv: this interpreter and manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=120, env=clean
    )


def test_production_settings_pass_check_deploy_without_warnings() -> None:
    r = _production(
        {"DJANGO_SECRET_KEY": secrets.token_urlsafe(60), "DJANGO_ALLOWED_HOSTS": "example.org"},
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "System check identified no issues (0 silenced)." in r.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_ALLOWED_HOSTS": "example.org"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "short", "DJANGO_ALLOWED_HOSTS": "example.org"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "x" * 64}, "DJANGO_ALLOWED_HOSTS"),
        ({"DJANGO_SECRET_KEY": "x" * 64, "DJANGO_ALLOWED_HOSTS": "example.org", "DATABASE_URL": None}, "DATABASE_URL"),
    ],
)
def test_production_refuses_to_start_without_its_secrets(env: dict[str, str | None], message: str) -> None:
    r = _production(env, "check")
    assert r.returncode != 0
    assert message in r.stderr


def test_production_cookies_and_transport_are_secure() -> None:
    r = _production(
        {"DJANGO_SECRET_KEY": secrets.token_urlsafe(60), "DJANGO_ALLOWED_HOSTS": "example.org"},
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000, s.ALLOWED_HOSTS, s.XIESHANG_BENCH)",
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "False True True True True ['example.org'] False"


def test_production_checks_kept_connections_and_shares_redis_when_given() -> None:
    env: dict[str, str | None] = {"DJANGO_SECRET_KEY": secrets.token_urlsafe(60), "DJANGO_ALLOWED_HOSTS": "example.org"}
    show = (
        "from django.conf import settings as s; d = s.DATABASES['default'];"
        " print(d['ENGINE'], d['CONN_HEALTH_CHECKS'], s.CACHES['default']['BACKEND'])"
    )
    r = _production(env, "shell", "-c", show)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == (
        "django.db.backends.postgresql True django.core.cache.backends.db.DatabaseCache"
    )
    r = _production({**env, "REDIS_URL": "redis://127.0.0.1:6379/1"}, "shell", "-c", show)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1].endswith("django.core.cache.backends.redis.RedisCache")
