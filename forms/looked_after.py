"""The allocation of a named IRO (docs/domain.md A1): the weekly allocation meeting's choice."""

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from . import TaskForm, long_text, register


@register("allocate_iro")
class AllocateIro(TaskForm):
    iro = RadioField(
        "Who will be the child's IRO?",
        description="Suggested first: the child's child protection IRO or their siblings' IRO, then the lightest "
        "caseload per full-time equivalent (child protection plans, looked-after children and short "
        "breaks).",
        validators=[InputRequired(message="Select the IRO for this child")],
        validate_choice=False,
        widget=GovRadioInput(),
    )
    allocation_note = long_text("Notes from the allocation meeting (optional)", max_length=2000)

    def prepare(self, context) -> None:
        super().prepare(context)
        options = context.iro_options() if context is not None else []
        self.iro.choices = [SelectChoice(o.username, _label(o)) for o in options]

    def extra_checks(self) -> dict:
        if self.iro.data and self.iro.data not in {choice.value for choice in self.iro.choices}:
            return {"iro": "Select an IRO from the list"}
        return {}


def _label(option) -> str:
    load = f"{option.caseload} children, {option.per_fte:.0f} per FTE"
    return f"{option.name} ({option.preferred}; {load})" if option.preferred else f"{option.name} ({load})"
