"""The demo's Sent e-mail page: what the demo's own mail server received (service/demo/mail_server.py),
newest first, for anyone signed in. create_app registers it only in demo mode; elsewhere the page does not exist."""

from flask import current_app, render_template, request

from service import routing
from service.web.auth import pages_blueprint
from service.web.worklist import pagination

from . import mail_server as demo_mail

bp = pages_blueprint("sent_mail", __name__)


@bp.get(demo_mail.SENT_PAGE)
def index():
    page = demo_mail.received(demo_mail.maildir(current_app), request.args.get("page", 1, type=routing.whole_number))
    return render_template(
        "sent_mail.html", page=page, folder=demo_mail.maildir(current_app), pagination=pagination(page)
    )
