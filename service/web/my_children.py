""" "My children": an IRO's or a social worker's own caseload, sortable and filterable (GET only)."""

from flask import render_template, request, url_for
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import Form, SelectChoice, SelectField

from service.casework import my_children
from service.models import RagStatus
from service.people import access

from . import security
from .auth import pages_blueprint

bp = pages_blueprint("my_children", __name__)
SORT_WORDS = {"name": "Name", "due": "Next due", "rag": "Last RAG grade"}


class FilterForm(Form):
    """Sent with GET, so it has no CSRF token: it changes nothing."""

    kind = SelectField(
        "Show",
        choices=[
            SelectChoice("", "All children"),
            SelectChoice("looked_after", "Looked after"),
            SelectChoice("cp", "Child protection"),
        ],
        default="",
        widget=GovSelect(),
    )
    rag = SelectField(
        "Last RAG grade",
        choices=[SelectChoice("", "Any grade"), *(SelectChoice(s.value, s.value.capitalize()) for s in RagStatus)],
        default="",
        widget=GovSelect(),
    )
    sort = SelectField(
        "Sort by", choices=[SelectChoice(*pair) for pair in SORT_WORDS.items()], default="name", widget=GovSelect()
    )


@bp.app_template_global()
def sees_my_children() -> bool:
    """Whether "My children" is in the navigation: for IROs and social workers."""
    return current_user.is_authenticated and access.has_caseload(current_user.identity)


@bp.get("/my-children")
def index():
    who = current_user.identity
    if not access.has_caseload(who):
        return security.error_page(404)
    form = FilterForm(request.args)
    if not form.validate():
        return render_template("my_children.html", form=form, rows=None, sort_links={}), 400
    rag = RagStatus(form.rag.data) if form.rag.data else None
    filters = my_children.Filters(form.kind.data or None, rag, form.sort.data)
    return render_template(
        "my_children.html",
        form=form,
        rows=my_children.my_children(who, filters),
        filtered=bool(filters.kind or filters.rag),
        sort_links={sort: url_for(".index", **{**request.args.to_dict(), "sort": sort}) for sort in SORT_WORDS},
    )
