"""The server-rendered pages, in the GOV.UK Design System."""


def init_app(app):
    """Register sign-in, the pages' blueprints and the security headers."""
