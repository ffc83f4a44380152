"""Task forms: one WTForms class per user-task form key (docs/adr/0012-forms-are-wtforms-classes.md).

A diagram's user task names its form with the `formKey` property. The page renders
the class with govuk-frontend-wtf; the JSON API validates the same class, so a task
completed either way meets the same rules. Over the API each answer must first be of
its field's JSON type (`json_type`, from the field's class): nothing is converted to
fit, as a browser's post would be. What a valid form gives the diagram is
`task_data(form)`: JSON values under the fields' names, which gateways read.

A form whose choices or checks depend on the case reads them in `prepare(context)`.
The context (built by service.tasks.task_context) offers: `today` (London date of the
application clock), `child` (the case, or None), `data` (the task's data in the
diagram), `iro_options()`, `cp_chair_options()`, `minute_taker_options()`, `endorsing_review(since)`,
`alerts_since_last_review()` and `child_views()` (what the child sent from their own page before the review).

A form may give the diagram more than its fields: `derived()` returns values worked out on
the server (normalised answers, facts about the case read through the context), which
`task_data(form)` merges into the answers after the fields. They are never taken from what
was posted: a name `derived()` returns is not a field, so the API refuses it as unknown.
"""

import re
from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovCheckboxInput, GovDateInput, GovTextInput
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FieldList,
    FloatField,
    Form,
    FormField,
    IntegerField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice, SelectFieldBase
from wtforms.validators import InputRequired, Length, Optional

from service import json_types, routing
from service.workflow import working_days as calendar

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

    @staticmethod
    def posted(day: date) -> list[str]:
        """The day as a browser posts it: the day, month and year boxes."""
        return [f"{day.day:02d}", f"{day.month:02d}", str(day.year)]


class MojDatePicker(GovTextInput):
    """MOJ Frontend's date picker (templates/moj/date_picker.html): the field's hint and an example of
    the format, and the earliest day the calendar offers (`field.earliest`, set by the form's prepare)."""

    template = "moj/date_picker_field.html"

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        params["hint"] = {"text": " ".join(filter(None, [field.description, "For example, 27/3/2027."]))}
        params["classes"] = "govuk-input--width-10"
        earliest = getattr(field, "earliest", None)
        if earliest is not None:
            params["minDate"] = f"{earliest.day}/{earliest.month}/{earliest.year}"
        return params


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class PickedDateField(DateField):
    """A date to book, near today, as one box taking day/month/year with MOJ Frontend's date picker
    beside it: the calendar shows the weekdays, which matter when booking (a weekend or bank holiday
    is warned of). Dates people know, such as a date of birth, stay DayMonthYearField."""

    widget = MojDatePicker()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%d/%m/%Y", **kwargs)

    def process_formdata(self, valuelist):
        """The picker's one box (27/3/2027), or, as the form took before the picker and as systems
        may still post, the three day, month and year boxes or an ISO date (2027-03-27)."""
        if len(valuelist) == 3:
            valuelist = ["/".join(part.strip() for part in valuelist) if any(p.strip() for p in valuelist) else ""]
        if len(valuelist) > 1:
            self.raw_data = [""]
            raise ValueError(f"Enter {self.label.text.lower()} as day/month/year, for example 27/3/2027")
        text = valuelist[0].strip() if valuelist else ""
        if not text:
            self.data = None
            return
        try:
            self.data = date.fromisoformat(text) if _ISO_DAY.fullmatch(text) else None
            if self.data is None:
                super().process_formdata([text])
        except ValueError:
            raise ValueError(f"{self.label.text} must be a real date, for example 27/3/2027") from None

    @staticmethod
    def posted(day: date) -> list[str]:
        """The day as a browser posts it: one box, as the picker writes it."""
        return [f"{day.day}/{day.month}/{day.year}"]


def choices_of(words: dict) -> list:
    """Radio or select choices from {stored value: words shown}."""
    return [SelectChoice(code, text) for code, text in words.items()]


class CountedText(GovCharacterCount):
    """A GOV.UK character count: the page says how many characters are left of the field's limit."""

    def __init__(self, max_length: int):
        self.max_length = max_length

    def map_gov_params(self, field, **kwargs):
        return {"maxlength": self.max_length, **super().map_gov_params(field, **kwargs)}


def long_text(label, required_message=None, max_length=4000):
    """A text box counting its characters down to `max_length`; required when given the message
    to show if it is left empty."""
    checks = [InputRequired(message=required_message)] if required_message else [Optional()]
    what = label.removesuffix(" (optional)")
    return TextAreaField(
        label,
        widget=CountedText(max_length),
        validators=[*checks, Length(max=max_length, message=f"{what} must be {max_length} characters or fewer")],
    )


def confirm_day_field() -> BooleanField:
    """The box that books a review or conference on a weekend or bank holiday all the same
    (`offer_confirm_day` shows it only for such a day; `non_working_day_warning` refuses without it)."""
    return BooleanField("Yes, book it on this day", widget=GovCheckboxInput())


def offer_confirm_day(form, day, confirm: str = "confirm_day") -> None:
    """Keep the confirmation box only while the day chosen is no working day, naming the day."""
    if day is None or calendar.is_working_day(day):
        del form[confirm]
    else:
        form[confirm].label.text = f"Yes, book it on {day:%A %-d %B %Y}"


def non_working_day_warning(day, confirmed: bool, may_be: str) -> str | None:
    """The refusal of a booking on a weekend or bank holiday not yet confirmed, offering the next
    working day; `may_be` says who may be seen then, e.g. "Reviews can be on {} at the child's placement"."""
    if day is None or confirmed or calendar.is_working_day(day):
        return None
    why = calendar.why_not_working_day(day)
    kind = "a weekend" if why in ("a Saturday", "a Sunday") else "a bank holiday"
    later = calendar.next_working_day(day)
    return f"{day:%-d %B %Y} is {why}. {may_be.format(kind)}: tick to confirm, or book {later:%A %-d %B %Y}"


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


def form_for(
    form_key: str | None, formdata=None, data: dict | None = None, api: bool = False, context=None
) -> TaskForm:
    """The form of a task: from a posted page, or from JSON (`data`) for the API."""
    form_class = form_class_for(form_key)
    if api:
        form = form_class(formdata=_formdata(form_class, data or {}), meta={"csrf": False})
    else:
        form = form_class(formdata=formdata, data=data)
    form.prepare(context)
    return form


def with_answers(form_key: str | None, answers: dict, context=None) -> TaskForm:
    """A page's form showing saved answers (JSON values, as drafts keep them), as if posted again."""
    form_class = form_class_for(form_key)
    form = form_class(formdata=_formdata(form_class, answers) if answers else None)
    form.prepare(context)
    return form


def form_class_for(form_key: str | None) -> type:
    """The form class of a task's form key; a task without one has a form of no fields."""
    return (FORMS.get(form_key) if form_key else None) or TaskForm


# the first class a field is an instance of decides its JSON type; order matters (subclasses first)
FIELD_TYPES = (
    (FormField, json_types.OBJECT),
    (SelectMultipleField, json_types.CHOICES),
    (BooleanField, json_types.BOOLEAN),
    (DateField, json_types.DATE),
    (SelectFieldBase, json_types.CHOICE),
    (IntegerField, json_types.NUMBER),
    (DecimalField, json_types.NUMBER),
    (FloatField, json_types.NUMBER),
    (StringField, json_types.TEXT),
)


def json_type(unbound) -> json_types.JsonType:
    """The JSON type the API takes for a field, decided by its WTForms class alone, so a new
    form needs no line of its own; TypeError for a class nobody has given a type."""
    field_class = unbound.field_class
    if issubclass(field_class, FieldList):
        return json_types.ROWS if _rows_form(unbound) is not None else json_types.LIST
    for base, taken in FIELD_TYPES:
        if issubclass(field_class, base):
            return taken
    raise TypeError(f"{field_class.__name__} has no JSON type: add it to forms.FIELD_TYPES")


def fields_of(form_class) -> dict:
    """{name: unbound field} of a form class, those added after the class statement included."""
    return {
        name: getattr(form_class, name)
        for name in dir(form_class)
        if not name.startswith("_") and hasattr(getattr(form_class, name), "_formfield")
    }


def shape_errors(form_class, data: dict, prefix: str = "") -> dict:
    """{name: why} for answers the form has no field for, or whose JSON type is not their field's
    (`json_type`; null is no answer); a row's are named `list-N-field`, as `first_errors` names them."""
    errors = {}
    for name, value in data.items():
        key, unbound = prefix + name, getattr(form_class, name, None)
        if not hasattr(unbound, "_formfield"):
            errors[key] = "unknown field"
        elif value is not None:
            errors.update(_value_errors(unbound, value, key))
    return errors


def _value_errors(unbound, value, key: str) -> dict:
    expected = json_type(unbound)
    problem = expected.problem(value)
    if problem:
        return {key: problem}
    if expected is json_types.OBJECT:
        return shape_errors(unbound.args[0], value, f"{key}-")
    if unbound.field_class is FieldList:
        errors = {}
        for i, item in enumerate(value):
            errors.update(_value_errors(_inner(unbound), item, f"{key}-{i}"))  # a row may not be null
        return errors
    return {}


def answers_schema(form_class) -> dict:
    """The JSON Schema of a form's answers over the API, from the same `json_type`."""
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            name: _answer_schema(unbound, nullable=True) for name, unbound in sorted(fields_of(form_class).items())
        },
    }


def _answer_schema(unbound, nullable: bool) -> dict:
    expected = json_type(unbound)
    if expected is json_types.OBJECT:
        schema = answers_schema(unbound.args[0])
    elif unbound.field_class is FieldList:
        schema = {**expected.schema, "items": _answer_schema(_inner(unbound), nullable=False)}
    else:
        schema = dict(expected.schema)
    return {**schema, "type": [schema["type"], "null"]} if nullable else schema


def _formdata(form_class, data: dict, prefix: str = "") -> MultiDict:
    """JSON values as a browser would post them (a date as its field's boxes would; a list of
    objects as the numbered rows of a FieldList)."""
    pairs: list[tuple[str, str]] = []
    for name, value in data.items():
        key, unbound = prefix + name, getattr(form_class, name, None)
        rows_class = _rows_form(unbound)
        if rows_class is not None and isinstance(value, list):
            for i, row in enumerate(value):
                pairs += (
                    _formdata(rows_class, row, f"{key}-{i}-").items(multi=True)
                    if isinstance(row, dict)
                    else [(f"{key}-{i}", str(row))]
                )
        elif isinstance(value, list):
            pairs += [(key, str(v)) for v in value]
        elif (date_field := _date_field(unbound)) is not None and isinstance(value, str):
            try:
                pairs += [(key, posted) for posted in date_field.posted(date.fromisoformat(value))]
            except ValueError:
                pairs.append((key, value))
        elif isinstance(value, bool):
            pairs += [(key, "y")] if value else []
        elif value is not None:
            pairs.append((key, str(value)))
    return MultiDict(pairs)


def _date_field(unbound):
    """The class of a date field (DayMonthYearField, PickedDateField), else None."""
    field_class = getattr(unbound, "field_class", None)
    return field_class if field_class is not None and issubclass(field_class, DateField) else None


def _rows_form(unbound):
    """The form class of a FieldList of FormFields, else None."""
    if getattr(unbound, "field_class", None) is not FieldList:
        return None
    inner = _inner(unbound)
    return inner.args[0] if getattr(inner, "field_class", None) is FormField else None


def _inner(field_list):
    """The unbound field each entry of a FieldList is made from."""
    return field_list.args[0] if field_list.args else field_list.kwargs.get("unbound_field")


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
                errors.update(
                    first_errors(entry.form)
                    if isinstance(entry, FormField)
                    else {entry.name: entry.errors[0]}
                    if entry.errors
                    else {}
                )
            own = [message for message in field.errors if isinstance(message, str)]  # not the rows' own
            if own:
                errors[field.name] = own[0]
        elif field.errors:
            errors[field.name] = field.errors[0]
    return errors


def _json_value(field):
    if isinstance(field, FieldList):
        return [
            _json_value(entry)
            for entry in field.entries
            if not (isinstance(entry, FormField) and entry.form.is_empty())
        ]
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


MAX_ROWS = 40  # the page adds rows one at a time; the cap only stops a runaway or crafted post


class RowsTaskForm(TaskForm):
    """A task form with rows (FieldLists of RowsForms), the GOV.UK "add another" pattern without
    script: "Add another" (`add_row`: the list's name) and "Remove" (`remove_row`: the list's name,
    a dash and the row's index) post the form, which comes back changed; nothing is checked or saved."""

    template = "forms/cp_rows.html"
    max_rows = MAX_ROWS

    def row_lists(self) -> list:
        return [field for field in self if isinstance(field, FieldList)]

    def rows_of(self, rows) -> list:
        """The rows the page shows: those posted or saved, then one blank row while there is room."""
        if len(rows) < self.max_rows and (not rows.entries or not rows[-1].form.is_empty()):
            rows.append_entry()
        return rows.entries

    def change_rows(self, formdata) -> bool:
        lists = {field.name: field for field in self.row_lists()}
        if "add_row" in formdata:
            rows = lists.get(formdata.get("add_row"))
            if rows is not None and len(rows) < self.max_rows:
                rows.append_entry()
            return True
        if "remove_row" in formdata:
            name, _, index = (formdata.get("remove_row") or "").rpartition("-")
            rows, at = lists.get(name), _index(index)
            if rows is not None and at is not None and 0 <= at < len(rows):
                rows.pop_entry(at)  # the rows after it are renumbered
            return True
        return False

    def extra_checks(self) -> dict:
        errors = {}
        for rows in self.row_lists():
            if sum(not entry.form.is_empty() for entry in rows) > self.max_rows:
                errors[rows.name] = f"Enter {self.max_rows} rows or fewer"
        return errors


def _index(text: str) -> int | None:
    try:
        return routing.whole_number(text)
    except ValueError:
        return None


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


from . import (  # noqa: E402,F401  (register their forms)
    child_protection,
    looked_after,
    management_alert,
    minutes,
    rag,
    rag_followup,
    review,
    significant_change,
)
