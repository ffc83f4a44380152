"""Finding a child from any staff page: the header's search box asks here (`GET /search?q=`).

A single exact case number is listed like any other result, not opened: the page always says
what it searched for, and the person sees the child's team and status before opening the case.
"""

from flask import render_template, request
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import Form, StringField

from service.casework import search
from service.errors import InvalidData

from .auth import pages_blueprint

bp = pages_blueprint("search", __name__)


class SearchForm(Form):
    """Sent with GET, so it has no CSRF token: it changes nothing."""

    q = StringField("Name, date of birth or case number", widget=GovTextInput())


@bp.get("/search")
def find():
    form = SearchForm(request.args)
    if "q" not in request.args:
        return render_template("search.html", form=form, results=None)
    try:
        results = search.find(current_user.identity, form.q.data or "")
    except InvalidData as refused:
        form.q.errors = list(refused.errors.values())
        return render_template("search.html", form=form, results=None), 400
    return render_template("search.html", form=form, results=results)
