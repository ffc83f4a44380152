"""Reports for those who oversee the whole service: the review figures managers report
(docs/domain.md E), the SSDA903 reviews file the performance team sends to the DfE, the RAG
register with table 3.4.9 (docs/domain.md B6), the child protection figures (D) and the IRO
caseloads per FTE (E).

Only the service-wide managers (`access.sees_reports`) see them; anyone else gets
the 404 page, as for a page that does not exist. The review figures' period defaults to the
financial year so far (as the child protection figures'), the RAG register's (as the alert
register's) to the last 12 months, London time. Caseloads are today's.
"""

from flask import render_template, request
from flask_login import current_user
from govuk_frontend_wtf.main import wtforms_errors
from govuk_frontend_wtf.wtforms_widgets import GovInput, GovSelect
from wtforms import DateField, Form, SelectChoice, SelectField
from wtforms.validators import Optional

from service.casework import caseloads as iro_caseloads
from service.errors import InvalidData
from service.people import access
from service.reports import alert_register, participation_figures, protection_figures, rag_register, review_figures
from service.workflow import clock
from service.workflow import working_days as calendar

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
    return current_user.is_authenticated and access.sees_reports(current_user.identity)


class GovDateBox(GovInput):
    """A browser's date box, which sends YYYY-MM-DD."""

    input_type = "date"


class DatesForm(Form):
    """A report's period, from and to. Sent with GET, so it has no CSRF token: it changes nothing.
    The period ends today unless given, and starts on 1 April of its financial year."""

    start = DateField(
        "From",
        name="from",
        widget=GovDateBox(),
        validators=[Optional()],
        invalid_value_message="Enter the start date as a real date, for example 2027-04-01",
    )
    end = DateField(
        "To",
        name="to",
        widget=GovDateBox(),
        validators=[Optional()],
        invalid_value_message="Enter the end date as a real date, for example 2028-03-31",
    )

    @staticmethod
    def default_start(end):
        return review_figures.financial_year_start(end)

    def read(self, today):
        """(start, end) of a valid form, defaults filled in and shown in the boxes; None if it has errors."""
        valid = self.validate()
        if not (self.start.errors or self.end.errors):
            self.end.data = self.end.data or today
            self.start.data = self.start.data or self.default_start(self.end.data)
            try:
                review_figures.check_period(self.start.data, self.end.data)
            except InvalidData:
                self.end.errors.append(REVERSED)
                valid = False
        return (self.start.data, self.end.data) if valid else None


class TwelveMonthsForm(DatesForm):
    """A period that starts, unless given, 12 months before its end: the registers' default."""

    @staticmethod
    def default_start(end):
        return alert_register.default_period(end)[0]


def _team_select():
    return SelectField("Team", widget=GovSelect(), default="", invalid_choice_message="Choose a team from the list")


def _iro_select():
    return SelectField("IRO", widget=GovSelect(), default="", invalid_choice_message="Choose an IRO from the list")


def _team_choices():
    return [SelectChoice("", "All teams"), *(SelectChoice(c, f"{c}: {n}") for c, n in queries.teams())]


def _people(everyone, found):
    return [SelectChoice("", everyone), *(SelectChoice(u, n) for u, n in found)]


class PeriodForm(DatesForm):
    team = _team_select()
    iro = _iro_select()


def _form() -> PeriodForm:
    form = PeriodForm(request.args)
    form.team.choices = _team_choices()
    form.iro.choices = _people("All IROs", review_figures.iro_choices())
    return form


def _page(form, today, period, problems=()):
    """The figures of the period; the form with its errors without one (400). `problems` keep the figures (409)."""
    report = period and review_figures.report(*period, today, team=form.team.data or None, iro=form.iro.data or None)
    errors = wtforms_errors(form)["errorList"] + [{"text": problem} for problem in problems]
    status = 400 if period is None else 409 if problems else 200
    return render_template(
        "reports_reviews.html", form=form, report=report, errors=errors, on_time_target=review_figures.ON_TIME_TARGET
    ), status


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
    return body, {
        "Content-Type": "text/csv; charset=utf-8",
        "Cache-Control": "no-store",
        "Content-Disposition": f'attachment; filename="ssda903-reviews-{start}-{end}.csv"',
    }


@bp.get("/reports/participation")
def participation():
    """How children took part in their reviews, and who sent their views before them."""
    today, form = calendar.london_date(clock.now()), DatesForm(request.args)
    period = form.read(today)
    return render_template(
        "reports_participation.html",
        form=form,
        figures=period and participation_figures.report(*period),
        errors=wtforms_errors(form)["errorList"],
    ), 200 if period else 400


# --- the RAG register and table 3.4.9 ---------------------------------------------------------------------


class RagForm(TwelveMonthsForm):
    team = _team_select()
    iro = _iro_select()
    worker = SelectField(
        "Allocated worker",
        widget=GovSelect(),
        default="",
        invalid_choice_message="Choose an allocated worker from the list",
    )
    status = SelectField(
        "Status",
        widget=GovSelect(),
        default="",
        invalid_choice_message="Choose Red, Amber or Green",
        choices=[
            SelectChoice("", "Red, Amber and Green"),
            *(SelectChoice(code.value, word) for code, word in rag_register.STATUS_WORDS.items()),
        ],
    )

    def filters(self) -> dict:
        """The register's filters chosen, by the names `rag_register` takes them."""
        return {name: getattr(self, name).data or None for name in ("team", "iro", "worker", "status")}


def _rag_form():
    form = RagForm(request.args)
    form.team.choices = _team_choices()
    form.iro.choices = _people("All IROs", rag_register.iro_choices())
    form.worker.choices = _people("All allocated workers", rag_register.worker_choices())
    return form


def _rag_page(form, period):
    """The register and table 3.4.9 of the period; the form with its errors without one (400)."""
    found = table = query = None
    if period:
        filters = form.filters()
        found, table = rag_register.register(*period, **filters), rag_register.table_349(*period)
        query = {
            "from": period[0].isoformat(),
            "to": period[1].isoformat(),
            **{name: value for name, value in filters.items() if value},
        }  # the CSV's, for the same rows
    return render_template(
        "reports_rag.html",
        form=form,
        period=period,
        rows=found,
        table=table,
        query=query,
        errors=wtforms_errors(form)["errorList"],
    ), 200 if period else 400


@bp.get("/reports/rag")
def rag():
    form = _rag_form()
    return _rag_page(form, form.read(calendar.london_date(clock.now())))


@bp.get("/reports/rag.csv")
def rag_csv():
    form = _rag_form()
    period = form.read(calendar.london_date(clock.now()))
    if period is None:
        return _rag_page(form, None)
    start, end = period
    return rag_register.register_csv(start, end, **form.filters()), {
        "Content-Type": "text/csv; charset=utf-8",
        "Cache-Control": "no-store",
        "Content-Disposition": f'attachment; filename="rag-register-{start}-{end}.csv"',
    }


# --- child protection figures and IRO caseloads ------------------------------------------------------------


def _protection_form() -> PeriodForm:
    form = PeriodForm(request.args)
    form.team.choices = _team_choices()
    form.iro.choices = _people("All IROs", protection_figures.iro_choices())
    return form


@bp.get("/reports/child-protection")
def protection():
    today, form = calendar.london_date(clock.now()), _protection_form()
    period = form.read(today)
    figures = period and protection_figures.report(
        *period, today, team=form.team.data or None, iro=form.iro.data or None
    )
    return render_template(
        "reports_protection.html",
        form=form,
        figures=figures,
        errors=wtforms_errors(form)["errorList"],
        target=protection_figures.REVIEWS_ON_TIME_TARGET,
    ), 200 if period else 400


@bp.get("/reports/caseloads")
def caseloads():
    return render_template(
        "reports_caseloads.html",
        rows=iro_caseloads.caseloads(),
        recommended=iro_caseloads.RECOMMENDED,
        today=calendar.london_date(clock.now()),
    )
