"""Mail not delivered: the Review and QA Manager's list of failed notices, and sending them
again. Anyone else gets the 404 page."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from service.errors import InvalidData
from service.people import access
from service.tasks import undelivered

from .auth import pages_blueprint

bp = pages_blueprint("mail", __name__)


@bp.app_template_global()
def sees_undelivered_mail() -> bool:
    return current_user.is_authenticated and access.sees_undelivered_mail(current_user.identity)


@bp.get("/mail/undelivered")
def undelivered_list():
    return render_template("mail_undelivered.html", listing=undelivered.listing(current_user.identity))


@bp.post("/mail/undelivered/<int:message_id>/send-again")
def send_again(message_id):
    try:
        username = undelivered.send_again(current_user.identity, message_id)
    except InvalidData as refused:
        flash(str(refused))
    else:
        flash(f"The notice to {username} will be sent again within a minute", "success")
    return redirect(url_for(".undelivered_list"))


@bp.post("/mail/undelivered/send-all-again")
def send_all_again():
    queued, left = undelivered.send_all_again(current_user.identity)
    flash(
        f"{queued} notice{'s' if queued != 1 else ''} will be sent again"
        + (f"; {left} still cannot be (see each reason)" if left else ""),
        "success" if queued or not left else None,
    )
    return redirect(url_for(".undelivered_list"))
