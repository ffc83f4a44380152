"""Cover while an IRO is away: the managers' page to set it, end it early and move open tasks
(the buttons' CSRF tokens are checked for every POST by security.py)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import SelectChoice, SelectField
from wtforms.validators import InputRequired

from forms import DayMonthYearField
from service.errors import InvalidData
from service.people import access, accounts, roles
from service.tasks import cover

from .auth import pages_blueprint

bp = pages_blueprint("cover", __name__)


class CoverForm(FlaskForm):
    """Whether each person named is an IRO is the service's check (`cover.set_cover`), with its message."""

    away = SelectField(
        "IRO who is away",
        widget=GovSelect(),
        validators=[InputRequired("Choose the IRO who is away")],
        validate_choice=False,
    )
    covering = SelectField(
        "IRO covering their work",
        widget=GovSelect(),
        validators=[InputRequired("Choose the IRO covering")],
        validate_choice=False,
    )
    from_date = DayMonthYearField("First day away", validators=[InputRequired("Enter the first day away")])
    to_date = DayMonthYearField("Last day away", validators=[InputRequired("Enter the last day away")])


@bp.app_template_global()
def sets_cover() -> bool:
    return current_user.is_authenticated and access.may_set_cover(current_user.identity)


@bp.before_request
def _managers_only():
    if not sets_cover():
        abort(404)


@bp.route("/people/cover", methods=["GET", "POST"])
def index():
    form = CoverForm()
    iros = [SelectChoice("", "Choose an IRO")] + [SelectChoice(u, n) for u, n in accounts.holders(roles.IRO)]
    form.away.choices, form.covering.choices = iros, iros
    if request.method == "POST" and form.validate():
        try:
            cover.set_cover(
                current_user.identity, form.away.data, form.covering.data, form.from_date.data, form.to_date.data
            )
        except InvalidData as refused:
            for name, message in refused.errors.items():
                form[name].errors.append(message)
        else:
            flash("Cover set.", "success")
            return redirect(url_for(".index"))
    status = 400 if form.errors else 200
    return render_template("cover.html", form=form, covers=cover.current_and_future(), today=cover.today()), status


@bp.post("/people/cover/<int:cover_id>/end")
def end(cover_id):
    cover.end(current_user.identity, cover_id)
    flash("Cover ended: new work goes to the IRO again.", "success")
    return redirect(url_for(".index"))


@bp.post("/people/cover/<int:cover_id>/move-tasks")
def move_tasks(cover_id):
    moved = cover.move_open_tasks(current_user.identity, cover_id)
    flash(f"Moved {moved} open task{'' if moved == 1 else 's'}.", "success")
    return redirect(url_for(".index"))
