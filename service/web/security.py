"""What every response and every form gets: CSRF tokens, security headers, cookie
settings, and GOV.UK error pages (an unexpected error's with a reference, service/incidents.py).

The Content-Security-Policy allows scripts and styles from this site only, so the
pages carry no inline script (the layout replaces the one in govuk-frontend-jinja's
template with static/app.js). The JSON API is exempt from CSRF: it takes bearer
tokens, not cookies; it answers its own errors in JSON before these pages would.

The session cookie is marked Secure when the site is served over HTTPS. That cannot be
decided per request (the cookie's flags are configuration), so it is on when
PREFERRED_URL_SCHEME is "https" or the environment says IRO_HTTPS=1: set one of them
wherever the service sits behind TLS.
"""

from flask import current_app, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from service import api, incidents

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
TITLES = {
    400: "Sorry, there is a problem with the service",
    403: "You do not have permission to see this page",
    404: "Page not found",
    413: "The file or form is too large: a diagram can be at most 2 MB",
    500: "Sorry, there is a problem with the service",
}

csrf = CSRFProtect()


def init_app(app):
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=app.config.get("PREFERRED_URL_SCHEME") == "https" or app.config["HTTPS"],
    )
    csrf.init_app(app)
    csrf.exempt(api.bp)
    app.after_request(_headers)
    app.register_error_handler(CSRFError, _csrf_failed)
    # by class, not by code: a blueprint's own handler for HTTPException (the API's) then comes first
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)  # anything else; the API answers its own in JSON


def _headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if response.mimetype in ("text/html", "application/json") or request.path.startswith("/api/"):
        response.headers.setdefault("Cache-Control", "no-store")  # case data stays out of shared and back caches
    return response


def error_page(status: int):
    return render_template("error.html", status=status, title=TITLES[status]), status


def _http_error(error):
    return error_page(error.code) if error.code in TITLES else error


def _unexpected(error):
    """A GOV.UK page with the reference the log has; `plain` keeps the layout off the database,
    which may be what failed."""
    reference = incidents.record(error)
    try:
        return render_template("error.html", status=500, title=TITLES[500], reference=reference, plain=True), 500
    except Exception:  # the page itself failed: the reference still reaches the person
        return f"{TITLES[500]}. Reference: {reference}", 500, {"Content-Type": "text/plain; charset=utf-8"}


def _csrf_failed(error):
    """A form without a valid token. After a session ran out that is the usual cause: sign in again."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    return error_page(400)
