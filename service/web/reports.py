"""Reports for those who oversee the whole service: the review figures managers report
(DOMAIN.md E) and the SSDA903 reviews file the performance team sends to the DfE.

Only the service-wide managers (`roles.SEE_EVERY_CHILD`) see them; anyone else gets
the 404 page, as for a page that does not exist. The period defaults to the financial
year so far, London time.
"""
from flask import render_template, request
from flask_login import current_user
from govuk_frontend_wtf.main import wtforms_errors
from govuk_frontend_wtf.wtforms_widgets import GovInput, GovSelect
from wtforms import DateField, Form, SelectChoice, SelectField
from wtforms.validators import Optional

from service import calendar, clock, review_figures, roles
from service.errors import InvalidData

from . import queries, security
from .auth import pages_blueprint

bp = pages_blueprint("reports", __name__)
REVERSED = "The end date must be the same as or after the start date"


@bp.before_request
def _service_wide_managers_only():
    if current_user.is_authenticated and not sees_reports():
        return security.error_page(404)
    return None


@bp.app_template_global()
def sees_reports() -> bool:
    """Whether the signed-in person may see the reports (and so their link in the navigation)."""
    return current_user.is_authenticated and current_user.identity.has(*roles.SEE_EVERY_CHILD)


class GovDateBox(GovInput):
    """A browser's date box, which sends YYYY-MM-DD."""

    input_type = "date"


class PeriodForm(Form):
    """Sent with GET, so it has no CSRF token: it changes nothing."""

    start = DateField("From", name="from", widget=GovDateBox(), validators=[Optional()],
                      invalid_value_message="Enter the start date as a real date, for example 2027-04-01")
    end = DateField("To", name="to", widget=GovDateBox(), validators=[Optional()],
                    invalid_value_message="Enter the end date as a real date, for example 2028-03-31")
    team = SelectField("Team", widget=GovSelect(), default="", invalid_choice_message="Choose a team from the list")
    iro = SelectField("IRO", widget=GovSelect(), default="", invalid_choice_message="Choose an IRO from the list")

    def read(self, today):
        """(start, end) of a valid form, defaults filled in and shown in the boxes; None if it has errors."""
        valid = self.validate()
        if not (self.start.errors or self.end.errors):
            self.end.data = self.end.data or today
            self.start.data = self.start.data or review_figures.financial_year_start(self.end.data)
            try:
                review_figures.check_period(self.start.data, self.end.data)
            except InvalidData:
                self.end.errors.append(REVERSED)
                valid = False
        return (self.start.data, self.end.data) if valid else None


def _form() -> PeriodForm:
    form = PeriodForm(request.args)
    form.team.choices = [SelectChoice("", "All teams"), *(SelectChoice(c, f"{c}: {n}") for c, n in queries.teams())]
    form.iro.choices = [SelectChoice("", "All IROs"), *(SelectChoice(u, n) for u, n in review_figures.iro_choices())]
    return form


def _page(form, today, period, problems=()):
    """The figures of the period; the form with its errors without one (400). `problems` keep the figures (409)."""
    report = period and review_figures.report(*period, today, team=form.team.data or None, iro=form.iro.data or None)
    errors = wtforms_errors(form)["errorList"] + [{"text": problem} for problem in problems]
    status = 400 if period is None else 409 if problems else 200
    return render_template("reports_reviews.html", form=form, report=report, errors=errors,
                           on_time_target=review_figures.ON_TIME_TARGET), status


@bp.get("/reports/reviews")
def reviews():
    today, form = calendar.london_date(clock.now()), _form()
    return _page(form, today, form.read(today))


@bp.get("/reports/ssda903-reviews.csv")
def ssda903_reviews():
    today, form = calendar.london_date(clock.now()), _form()
    period = form.read(today)
    if period is None:
        return _page(form, today, None)
    try:
        body = review_figures.ssda903_reviews_csv(*period)
    except review_figures.ReviewsNotCoded as refused:
        return _page(form, today, period, problems=[str(refused)])
    start, end = period
    return body, {"Content-Type": "text/csv; charset=utf-8", "Cache-Control": "no-store",
                  "Content-Disposition": f'attachment; filename="ssda903-reviews-{start}-{end}.csv"'}
