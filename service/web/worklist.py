"""The worklists: "My tasks" and the unassigned tasks of my roles, filtered and paged."""

from flask import redirect, render_template, request, url_for
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import Form, SelectChoice, SelectField

from service import routing
from service.tasks import cover, worklist

from . import queries
from .auth import pages_blueprint

bp = pages_blueprint("worklist", __name__)


DUE_WORDS = {"overdue": "Overdue", "today": "Due today", "week": "Due this week"}


class FilterForm(Form):
    """Sent with GET, so it has no CSRF token: it changes nothing."""

    task_type = SelectField("Task", widget=GovSelect())
    team = SelectField("Team", widget=GovSelect())
    due = SelectField("Due", widget=GovSelect())


@bp.get("/")
def home():
    return redirect(url_for(".my_tasks"))


@bp.get("/tasks")
def my_tasks():
    return _worklist(
        (worklist.my_tasks, worklist.my_due_counts, worklist.my_task_types), "My tasks", "You have no tasks"
    )


@bp.get("/tasks/unassigned")
def unassigned():
    return _worklist(
        (worklist.unassigned, worklist.unassigned_due_counts, worklist.unassigned_task_types),
        "Unassigned tasks",
        "There are no unassigned tasks in your roles",
        claimable=True,
    )


def _worklist(reads, title, empty, claimable=False):
    """`reads`: the list's page, its due counts and its task types, for this person."""
    listing, due_counts, task_types = reads
    who = current_user.identity
    form = FilterForm(request.args)
    form.task_type.choices = _choices("All tasks", ((t, t) for t in task_types(who)))
    form.team.choices = _choices("All teams", queries.teams())
    form.due.choices = _choices("Any time", DUE_WORDS.items())
    due = form.due.data if form.due.data in worklist.DUE else None
    filters = worklist.Filters(form.task_type.data or None, form.team.data or None, due)
    page = listing(who, filters, request.args.get("page", 1, type=routing.whole_number))
    visible = worklist.visible_children_among(who, {row.child_id for row in page.rows if row.child_id})
    return render_template(
        "worklist.html",
        title=title,
        empty=empty,
        form=form,
        page=page,
        claimable=claimable,
        visible_children=visible,
        pagination=pagination(page),
        filtered=filters != worklist.Filters(),
        due_counts=due_counts(who),
        due_words=DUE_WORDS,
        covers=cover.of_person(who.id),
        today=cover.today(),
    )


def _choices(everything: str, pairs) -> list[SelectChoice]:
    return [SelectChoice("", everything), *(SelectChoice(value, label) for value, label in pairs)]


def pagination(page):
    """GOV.UK pagination's parameters, keeping the filters in every link."""
    if page.pages == 1:
        return None

    def link(number):
        return url_for(request.endpoint, **{**request.args.to_dict(), "page": number})

    shown = sorted({1, page.page - 1, page.page, page.page + 1, page.pages} & set(range(1, page.pages + 1)))
    items = []
    for before, number in zip([None, *shown], shown, strict=False):
        if before and number > before + 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": link(number), "current": number == page.page})
    return {
        "previous": {"href": link(page.page - 1)} if page.page > 1 else None,
        "next": {"href": link(page.page + 1)} if page.page < page.pages else None,
        "items": items,
    }
