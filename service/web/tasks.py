"""One task: its page and form, and what can be done with it (submit, save a draft,
pick it up, give it back, reassign it). Each action is one service call, then a redirect; the
"Add another" and "Remove" buttons of a form with rows only show the form again, changed."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import SelectChoice, SelectField
from wtforms.validators import InputRequired

import forms
from service import routing
from service.casework import alerts
from service.casework import children as cases
from service.errors import ConflictError, InvalidData
from service.models import TaskStatus
from service.people import access
from service.people import accounts as people
from service.tasks import task_page as tasks
from service.tasks import worklist

from . import queries
from .auth import pages_blueprint

bp = pages_blueprint("tasks", __name__)

CONFLICT = "Someone else has already completed this task, or it changed since you opened it. Nothing was saved."


class ReassignForm(FlaskForm):
    assignee = SelectField(
        "Give this task to", widget=GovSelect(), validators=[InputRequired("Select who should do this task")]
    )


@bp.route("/tasks/<int:task_id>", methods=["GET", "POST"])
def task(task_id):
    who = current_user.identity
    page = tasks.page(who, task_id)
    if request.method == "GET":
        return _render(page, _form(page))
    if not page.may_act:  # a manager looking on: nothing to post here
        abort(404)
    form = forms.form_for(page.task.form_key, formdata=request.form, context=page.context)
    if form.change_rows(request.form):  # the same answers, a row more or fewer: nothing saved
        return _render(page, form)
    try:
        if request.form.get("action") == "draft":
            tasks.save_draft(who, task_id, forms.task_data(form))
            flash("Your answers have been saved", "success")
            return redirect(url_for(".task", task_id=task_id))
        if not form.validate():
            return _render(page, form), 400
        tasks.submit(
            who,
            task_id,
            forms.task_data(form),
            expected_version=request.form.get("instance_version", type=routing.whole_number),
        )
    except ConflictError:
        page = tasks.page(who, task_id)  # a task an alert moved on from says so
        return _render(page, form, conflict=alerts.moved_on(page.task) or CONFLICT), 409
    flash("Task completed", "success")
    return redirect(url_for("worklist.my_tasks"))


def _form(page):
    """The empty form, or as the draft left it."""
    return forms.with_answers(page.task.form_key, page.draft or {}, context=page.context)


def _reassign_form(page, formdata=None):
    """Offered to managers while the task is open: the people holding the task's role."""
    who, task = current_user.identity, page.task
    if not access.may_reassign(who) or task.status != TaskStatus.OPEN or not task.candidate_role:
        return None
    form = ReassignForm(formdata=formdata)
    form.assignee.choices = [SelectChoice("", "Choose a person")] + [
        SelectChoice(username, name)
        for username, name in people.holders(task.candidate_role)
        if username != task.assignee
    ]
    return form


def _render(page, form, conflict=None, reassign=None):
    """The task page; the form only while this person can still act on the task."""
    child, actionable = page.child, page.may_act and page.task.status == TaskStatus.OPEN
    return render_template(
        "task.html",
        page=page,
        task=page.task,
        form=form if actionable else None,
        conflict=conflict,
        reassign=reassign or _reassign_form(page),
        assignee=queries.name_of(page.task.assignee),
        completed_by=queries.name_of(page.task.completed_by),
        child=child,
        holders=child and queries.case_holders(child),
        episode=child and cases.episode(child),
        child_visible=child is not None and queries.visible_child(current_user.identity, child.id) is not None,
    )


@bp.post("/tasks/<int:task_id>/claim")
def claim(task_id):
    try:
        worklist.claim(current_user.identity, task_id)
    except ConflictError:
        flash("Someone else has already picked up this task", "important")
        return redirect(url_for("worklist.unassigned"))
    flash("You have picked up this task", "success")
    return redirect(url_for(".task", task_id=task_id))


@bp.post("/tasks/<int:task_id>/release")
def release(task_id):
    try:
        worklist.release(current_user.identity, task_id)
    except ConflictError:
        flash("This task is no longer yours to give back", "important")
        return redirect(url_for(".task", task_id=task_id))
    flash("You have given the task back: it is waiting to be picked up", "success")
    return redirect(url_for("worklist.my_tasks"))


@bp.post("/tasks/<int:task_id>/reassign")
def reassign(task_id):
    who = current_user.identity
    page = tasks.page(who, task_id)
    if not access.may_reassign(who):
        abort(404)
    form = _reassign_form(page, request.form)
    if form is None:
        return redirect(url_for(".task", task_id=task_id))
    if form.validate():
        try:
            worklist.reassign(who, task_id, form.assignee.data)
        except InvalidData as refused:
            form.assignee.errors = [refused.errors.get("assignee", str(refused))]
        except ConflictError:
            flash("The task changed while you were reassigning it. Check who holds it now.", "important")
            return redirect(url_for(".task", task_id=task_id))
        else:
            flash(f"The task is now with {queries.name_of(form.assignee.data)}", "success")
            return redirect(url_for(".task", task_id=task_id))
    return _render(page, _form(page), reassign=form), 400
