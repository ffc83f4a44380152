"""The server-rendered pages, in the GOV.UK Design System.

Blueprints stay thin: each page reads through the service layer (and the read
queries of `queries.py`), each form makes one service call and redirects. Templates
live in service/templates; GOV.UK Frontend's files are copied into service/static by
`make` from the npm package the Jinja port supports (package.json).
"""

import os

from flask import Blueprint
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from . import (
    account,
    alerts,
    auth,
    calendar,
    children,
    conferences,
    cover,
    feedback,
    links,
    mail,
    minutes,
    my_children,
    notifications,
    own_page,
    processes,
    reports,
    search,
    security,
    tasks,
    template_helpers,
    worklist,
)

STATIC = os.path.join(os.path.dirname(os.path.dirname(__file__)), "static")


def init_app(app):
    """Register sign-in, the pages' blueprints and the security headers."""
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(os.path.join(app.root_path, "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    WTFormsHelpers(app)
    template_helpers.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    # GOV.UK Frontend's CSS asks for its fonts and images under /assets.
    app.register_blueprint(
        Blueprint(
            "govuk_assets", __name__, static_folder=os.path.join(STATIC, "govuk", "assets"), static_url_path="/assets"
        )
    )
    for module in (
        account,
        worklist,
        search,
        my_children,
        tasks,
        children,
        conferences,
        notifications,
        reports,
        alerts,
        processes,
        mail,
        minutes,
        links,
        own_page,
        feedback,
        calendar,
        cover,
    ):
        app.register_blueprint(module.bp)
    app.register_blueprint(calendar.feed_bp)
