"""Task forms: one WTForms class per user-task form key (DESIGN.md decision 10).

A diagram's user task names its form with the `formKey` property. The page renders
the class with govuk-frontend-wtf; the JSON API validates the same class, so a task
completed either way meets the same rules. What a valid form gives the diagram is
`task_data(form)`: JSON values under the fields' names, which gateways read.
"""
from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from werkzeug.datastructures import MultiDict
from wtforms import DateField

FORMS: dict[str, type] = {}


class TaskForm(FlaskForm):
    """Base of every task form: CSRF on the page, none over the API (tokens guard it)."""

    def extra_checks(self) -> dict:
        """Checks across fields: {field name: message}. Override where a rule needs two fields."""
        return {}

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for name, message in self.extra_checks().items():
            getattr(self, name).errors = [*getattr(self, name).errors, message]
            valid = False
        return valid


class DayMonthYearField(DateField):
    """A date asked as day, month and year boxes (the GOV.UK date input)."""

    widget = GovDateInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%d %m %Y", **kwargs)

    def process_formdata(self, valuelist):
        if len(valuelist) != 3:  # a browser always sends the three boxes; a crafted post may not
            self.raw_data = ["", "", ""]
            if valuelist:
                raise ValueError(f"Enter {self.label.text.lower()} as a day, a month and a year")
        if not any(v.strip() for v in self.raw_data):
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(f"{self.label.text} must be a real date") from None


def register(form_key: str):
    """Class decorator: make a form available to diagrams under `form_key`."""
    def add(form_class):
        if form_key in FORMS:
            raise ValueError(f"form key {form_key!r} is registered twice")
        FORMS[form_key] = form_class
        return form_class
    return add


def form_for(form_key: str | None, formdata=None, data: dict | None = None, api: bool = False) -> TaskForm:
    """The form of a task: from a posted page, or from JSON (`data`) for the API."""
    form_class = FORMS.get(form_key) or TaskForm
    if api:
        return form_class(formdata=_formdata(form_class, data or {}), meta={"csrf": False})
    return form_class(formdata=formdata, data=data)


def with_answers(form_key: str | None, answers: dict) -> TaskForm:
    """A page's form showing saved answers (JSON values, as drafts keep them)."""
    form = form_for(form_key)
    for name, value in answers.items():
        if name in form:
            form[name].data = date.fromisoformat(value) if value and isinstance(form[name], DateField) else value
    return form


def _formdata(form_class, data: dict) -> MultiDict:
    """JSON values as a browser would post them (a date as day, month and year)."""
    pairs = []
    for name, value in data.items():
        if isinstance(value, list):
            pairs += [(name, str(v)) for v in value]
        elif _is_date_field(form_class, name) and isinstance(value, str):
            try:
                day = date.fromisoformat(value)
                pairs += [(name, f"{day.day:02d}"), (name, f"{day.month:02d}"), (name, str(day.year))]
            except ValueError:
                pairs.append((name, value))
        elif isinstance(value, bool):
            pairs += [(name, "y")] if value else []
        elif value is not None:
            pairs.append((name, str(value)))
    return MultiDict(pairs)


def _is_date_field(form_class, name) -> bool:
    field_class = getattr(getattr(form_class, name, None), "field_class", None)
    return field_class is not None and issubclass(field_class, DateField)


def task_data(form: TaskForm) -> dict:
    """The form's answers as JSON values, keyed by field name (dates as ISO strings)."""
    answers = {}
    for name, field in form._fields.items():
        if name in ("csrf_token", "submit", "save_draft"):
            continue
        value = field.data
        answers[name] = value.isoformat() if isinstance(value, date) else value
    return answers


from . import significant_change  # noqa: E402,F401  (registers its form)
