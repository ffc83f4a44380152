"""The process owner's pages: every diagram and its versions, the editor (bpmn-js or
dmn-js), validation, deploy, rollback, upload and download, migrating running
instances; and the live diagram of one instance.

Only the Process Owner reaches the diagrams: anyone else gets the 404 page, as for a
file that does not exist. An instance's page is also open to whoever sees its child
(it is linked from the child's page). Each form makes one service call and redirects.
"""

import json

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.main import wtforms_errors
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovTextInput
from wtforms import HiddenField, StringField
from wtforms.validators import InputRequired, Length

import forms
from service.diagrams import deployments, instance_view, specs
from service.diagrams import instance_migration as migration
from service.errors import InvalidData, ServiceError
from service.people import access, roles
from service.workflow import working_days as calendar

from . import queries, security
from .auth import pages_blueprint

bp = pages_blueprint("processes", __name__)
COMMENT = "Say what you changed and why, for the version history"
DMN_STYLE_ATTRIBUTES = "; style-src-attr 'unsafe-inline'"
LISTED = 50  # running instances listed per version (the oldest first); the table gives the count


class DeployForm(FlaskForm):
    content = HiddenField(validators=[InputRequired("The diagram is empty")])
    comment = StringField(
        "What changed",
        widget=GovTextInput(),
        description=COMMENT,
        validators=[InputRequired("Enter what changed"), Length(max=500)],
    )


class UploadForm(FlaskForm):
    file = FileField(
        "Diagram file (.bpmn or .dmn)", widget=GovFileInput(), validators=[FileRequired("Choose a .bpmn or .dmn file")]
    )
    comment = StringField(
        "What changed",
        widget=GovTextInput(),
        description=COMMENT,
        validators=[InputRequired("Enter what changed"), Length(max=500)],
    )


class ActionForm(FlaskForm):
    """A button that changes something: the CSRF token is its only field."""


@bp.app_template_global()
def sees_processes() -> bool:
    return current_user.is_authenticated and access.sees_processes(current_user.identity)


@bp.before_request
def _owners_only():
    if request.endpoint != "processes.instance" and not sees_processes():
        abort(404)


@bp.get("/processes")
def index():
    return render_template("processes.html", files=deployments.files(), upload=UploadForm())


@bp.post("/processes/upload")
def upload():
    form = UploadForm()
    if not form.validate_on_submit():
        return _upload_refused(form, wtforms_errors(form)["errorList"])
    try:
        version = deployments.upload(
            form.file.data.filename or "",
            form.file.data.read(),
            actor=current_user.identity.username,
            comment=form.comment.data,
        )
    except deployments.DiagramRefused as refused:
        return _upload_refused(form, _problem_list(refused.problems))
    except InvalidData as refused:
        return _upload_refused(form, [{"text": str(refused), "href": "#file"}])
    flash(f"Deployed {version.file_name} version {version.number}", "success")
    return redirect(url_for("processes.process", file_name=version.file_name))


def _upload_refused(form, errors):
    return render_template("processes.html", files=deployments.files(), upload=form, errors=errors), 400


@bp.get("/processes/<file_name>")
def process(file_name):
    rows = deployments.versions(file_name, current_user.identity, listed=LISTED)
    newest = rows[0].version
    return render_template(
        "process.html",
        file_name=file_name,
        rows=rows,
        newest=newest,
        diff=deployments.diff_with_previous(file_name, newest.number),
        on_older=any(row.running for row in rows[1:]),
        listed=LISTED,
        action=ActionForm(),
    )


@bp.get("/processes/<file_name>/versions/<int:number>")
def version(file_name, number):
    found = deployments.version(file_name, number)
    return render_template(
        "process_version.html",
        version=found,
        newest=deployments.newest(file_name),
        diff=deployments.diff_with_previous(file_name, number),
        action=ActionForm(),
    )


@bp.get("/processes/<file_name>/versions/<int:number>/download")
def download(file_name, number):
    found = deployments.version(file_name, number)
    stem, _, suffix = found.file_name.rpartition(".")
    return found.content, {
        "Content-Type": "application/xml; charset=utf-8",
        "Cache-Control": "no-store",
        "Content-Disposition": f'attachment; filename="{stem}-v{found.number}.{suffix}"',
    }


@bp.post("/processes/<file_name>/versions/<int:number>/rollback")
def rollback(file_name, number):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        version = deployments.rollback(file_name, number, actor=current_user.identity.username)
    except deployments.DiagramRefused as refused:
        flash(
            f"Version {number} cannot be deployed again: " + "; ".join(problem.message for problem in refused.problems)
        )
        return redirect(url_for("processes.version", file_name=file_name, number=number))
    except InvalidData as refused:
        flash(str(refused))
        return redirect(url_for("processes.version", file_name=file_name, number=number))
    flash(f"Version {number} deployed again as version {version.number}", "success")
    return redirect(url_for("processes.process", file_name=file_name))


@bp.get("/processes/<file_name>/edit")
def edit(file_name):
    newest = deployments.newest(file_name)
    form = DeployForm(formdata=None, content=newest.content)
    return _editor(newest, form)


@bp.post("/processes/<file_name>/validate")
def validate(file_name):
    """The editor's Validate button: the server's problems as JSON, nothing stored."""
    deployments.newest(file_name)  # 404 for a file that does not exist
    form = DeployForm()
    if not form.content.validate(form):
        return jsonify(problems=[{"element_id": None, "message": "The diagram is empty"}]), 400
    return jsonify(problems=[_problem_json(p) for p in deployments.check(file_name, form.content.data)])


@bp.post("/processes/<file_name>/deploy")
def deploy(file_name):
    newest = deployments.newest(file_name)
    form = DeployForm()
    if not form.validate_on_submit():
        return _editor(newest, form, errors=wtforms_errors(form)["errorList"], status=400)
    try:
        version = deployments.deploy(
            file_name, form.content.data, actor=current_user.identity.username, comment=form.comment.data
        )
    except deployments.DiagramRefused as refused:
        return _editor(newest, form, problems=refused.problems, errors=_problem_list(refused.problems), status=400)
    except InvalidData as refused:
        return _editor(newest, form, errors=[{"text": str(refused), "href": "#comment"}], status=400)
    flash(
        f"Deployed {file_name} version {version.number}. New instances start on it; running ones keep "
        f"their version until you migrate them.",
        "success",
    )
    return redirect(url_for("processes.process", file_name=file_name))


def _editor(newest, form, problems=(), errors=(), status=200):
    page = render_template(
        "process_editor.html",
        newest=newest,
        form=form,
        errors=list(errors),
        problems=json.dumps([_problem_json(p) for p in problems]),
        choices=json.dumps(_choices()),
    )
    if newest.kind == "dmn":  # dmn-js places the bpmn.io logo its licence requires with a style attribute
        return page, status, {"Content-Security-Policy": security.CONTENT_SECURITY_POLICY + DMN_STYLE_ATTRIBUTES}
    return page, status


def _choices() -> dict:
    """What the properties panel offers: the forms, roles, processes, decisions, messages and
    calendar functions that exist now."""
    defined: dict[str, set[str]] = {"bpmn": set(), "dmn": set()}
    messages = set()
    for version in specs.latest_versions():
        defined[version.kind].update(version.defines)
        messages.update(version.start_messages)
    return {
        "forms": [[key, _first_line(form.__doc__) or key] for key, form in sorted(forms.FORMS.items())],
        "roles": list(roles.ALL),
        "processes": sorted(defined["bpmn"]),
        "decisions": sorted(defined["dmn"]),
        "messages": sorted(messages),
        "functions": list(calendar.__all__) + ["now", "today", "notify"],
    }


def _first_line(text) -> str:
    return (text or "").strip().split("\n")[0]


def _problem_json(problem) -> dict:
    return {"element_id": problem.element_id, "message": problem.message}


def _problem_list(problems) -> list:
    return [{"text": p.message, "href": "#canvas"} for p in problems]


# --- running instances ----------------------------------------------------------------------------------


@bp.post("/instances/<int:instance_id>/migrate")
def migrate(instance_id):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        done = migration.migrate(instance_id, actor=current_user.identity.username)
    except ServiceError as refused:
        flash(f"Instance {instance_id} was not migrated: {refused}")
    else:
        flash(f"Instance {instance_id} now runs on the newest versions ({', '.join(done.target_versions)})", "success")
    return redirect(url_for("processes.instance", instance_id=instance_id))


@bp.post("/processes/<file_name>/migrate")
def migrate_all(file_name):
    if not ActionForm().validate_on_submit():
        abort(400)
    newest = deployments.newest(file_name)
    moved, refused = 0, []
    for process_id in newest.defines:
        for instance_id, plan in migration.migrate_all(process_id, actor=current_user.identity.username):
            if plan.safe:
                moved += 1
            else:
                refused.append(f"instance {instance_id}: {'; '.join(plan.reasons)}")
    flash(
        f"{moved} instance{'s' if moved != 1 else ''} migrated to the newest versions"
        + (f"; {len(refused)} left as they were: " + " | ".join(refused[:10]) if refused else ""),
        "success" if not refused else None,
    )
    return redirect(url_for("processes.process", file_name=file_name))


@bp.get("/instances/<int:instance_id>")
def instance(instance_id):
    """The live diagram of one instance: for the process owner, and whoever sees its child."""
    queries.check_instance_visible(current_user.identity, instance_id)
    view = instance_view.describe(instance_id)
    plan = migration.plan(instance_id) if sees_processes() and view.status == "running" else None
    return render_template(
        "instance.html", view=view, plan=plan, action=ActionForm(), marks=json.dumps(view.marks), full_width=False
    )
