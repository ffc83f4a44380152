"""Task forms: one WTForms class per user-task form key (DESIGN.md decision 10).

A diagram's user task names its form with the `formKey` property. The page renders
the class with govuk-frontend-wtf; the JSON API validates the same class, so a task
completed either way meets the same rules. What a valid form gives the diagram is
`task_data(form)`: JSON values under the fields' names, which gateways read.

A form whose choices or checks depend on the case reads them in `prepare(context)`.
The context (built by service.task_context) offers: `today` (London date of the
application clock), `child` (the case, or None), `data` (the task's data in the
diagram), `iro_options()`, `endorsing_review(since)` and `alerts_since_last_review()`.

A form may give the diagram more than its fields: `derived()` returns values worked out on
the server (normalised answers, facts about the case read through the context), which
`task_data(form)` merges into the answers after the fields. They are never taken from what
was posted: a name `derived()` returns is not a field, so the API refuses it as unknown.
"""
from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovTextArea
from werkzeug.datastructures import MultiDict
from wtforms import DateField, FieldList, Form, FormField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

FORMS: dict[str, type] = {}


class TaskForm(FlaskForm):
    """Base of every task form: CSRF on the page, none over the API (tokens guard it)."""

    context = None

    def prepare(self, context) -> None:
        """Set choices from the case; called before validating or showing the form."""
        self.context = context

    def extra_checks(self) -> dict:
        """Checks across fields: {field name: message}. Override where a rule needs two fields."""
        return {}

    def derived(self) -> dict:
        """Values the diagram reads besides the fields, computed here (see the module docstring)."""
        return {}

    def change_rows(self, formdata) -> bool:
        """Act on an "Add another" or "Remove" button of a form with rows; True if the post was one
        (the page then shows the form again, changed, and saves nothing)."""
        return False

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


def choices_of(words: dict) -> list:
    """Radio or select choices from {stored value: words shown}."""
    return [SelectChoice(code, text) for code, text in words.items()]


def long_text(label, required_message=None, max_length=4000):
    """A text box; required when given the message to show if it is left empty."""
    checks = [InputRequired(message=required_message)] if required_message else [Optional()]
    return TextAreaField(label, widget=GovTextArea(), validators=[
        *checks, Length(max=max_length, message=f"{label} must be {max_length} characters or fewer")])


def iso_day(value) -> date | None:
    """A date the diagram holds as an ISO string (or None)."""
    return date.fromisoformat(value[:10]) if isinstance(value, str) and value else None


def register(form_key: str):
    """Class decorator: make a form available to diagrams under `form_key`."""
    def add(form_class):
        if form_key in FORMS:
            raise ValueError(f"form key {form_key!r} is registered twice")
        FORMS[form_key] = form_class
        return form_class
    return add


def form_for(form_key: str | None, formdata=None, data: dict | None = None, api: bool = False,
             context=None) -> TaskForm:
    """The form of a task: from a posted page, or from JSON (`data`) for the API."""
    form_class = FORMS.get(form_key) or TaskForm
    if api:
        form = form_class(formdata=_formdata(form_class, data or {}), meta={"csrf": False})
    else:
        form = form_class(formdata=formdata, data=data)
    form.prepare(context)
    return form


def with_answers(form_key: str | None, answers: dict, context=None) -> TaskForm:
    """A page's form showing saved answers (JSON values, as drafts keep them), as if posted again."""
    form_class = FORMS.get(form_key) or TaskForm
    form = form_class(formdata=_formdata(form_class, answers) if answers else None)
    form.prepare(context)
    return form


def _formdata(form_class, data: dict, prefix: str = "") -> MultiDict:
    """JSON values as a browser would post them (a date as day, month and year; a list of
    objects as the numbered rows of a FieldList)."""
    pairs = []
    for name, value in data.items():
        key, unbound = prefix + name, getattr(form_class, name, None)
        rows_class = _rows_form(unbound)
        if rows_class is not None and isinstance(value, list):
            for i, row in enumerate(value):
                pairs += (_formdata(rows_class, row, f"{key}-{i}-").items(multi=True) if isinstance(row, dict)
                          else [(f"{key}-{i}", str(row))])
        elif isinstance(value, list):
            pairs += [(key, str(v)) for v in value]
        elif _is_date_field(unbound) and isinstance(value, str):
            try:
                day = date.fromisoformat(value)
                pairs += [(key, f"{day.day:02d}"), (key, f"{day.month:02d}"), (key, str(day.year))]
            except ValueError:
                pairs.append((key, value))
        elif isinstance(value, bool):
            pairs += [(key, "y")] if value else []
        elif value is not None:
            pairs.append((key, str(value)))
    return MultiDict(pairs)


def _is_date_field(unbound) -> bool:
    field_class = getattr(unbound, "field_class", None)
    return field_class is not None and issubclass(field_class, DateField)


def _rows_form(unbound):
    """The form class of a FieldList of FormFields, else None."""
    if getattr(unbound, "field_class", None) is not FieldList:
        return None
    inner = unbound.args[0] if unbound.args else unbound.kwargs.get("unbound_field")
    return inner.args[0] if getattr(inner, "field_class", None) is FormField else None


def task_data(form) -> dict:
    """The form's answers as JSON values, keyed by field name (dates as ISO strings), then
    what the form derives (`TaskForm.derived`).

    Rows of a FieldList that were left empty are dropped (`RowsForm.is_empty`)."""
    answers = {}
    for name, field in form._fields.items():
        if name in ("csrf_token", "submit", "save_draft"):
            continue
        answers[name] = _json_value(field)
    if isinstance(form, TaskForm):
        answers.update(form.derived())
    return answers


def first_errors(form) -> dict:
    """{field name: its first message}; a row of a repeated group is named `list-N-field`."""
    errors = {}
    for field in form:
        if isinstance(field, FieldList):
            for entry in field.entries:
                errors.update(first_errors(entry.form) if isinstance(entry, FormField)
                              else {entry.name: entry.errors[0]} if entry.errors else {})
            own = [message for message in field.errors if isinstance(message, str)]  # not the rows' own
            if own:
                errors[field.name] = own[0]
        elif field.errors:
            errors[field.name] = field.errors[0]
    return errors


def _json_value(field):
    if isinstance(field, FieldList):
        return [_json_value(entry) for entry in field.entries
                if not (isinstance(entry, FormField) and entry.form.is_empty())]
    if isinstance(field, FormField):
        return task_data(field.form)
    value = field.data
    return value.isoformat() if isinstance(value, date) else value


class RowsForm(Form):
    """One row of a repeated group (a FieldList of FormFields), e.g. one review decision.

    A page offers a few blank rows; a row left blank (ticked boxes aside) is not checked
    and not kept."""

    def is_empty(self) -> bool:
        return all(_blank(f.data) for f in self if not isinstance(f.data, bool))

    def validate(self, extra_validators=None) -> bool:
        return self.is_empty() or super().validate(extra_validators)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


from . import looked_after, management_alert, rag, rag_followup, review, significant_change  # noqa: E402,F401  (register their forms)
