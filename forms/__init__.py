"""Task forms: one WTForms class per user-task form key (DESIGN.md decision 10).

A diagram's user task names its form with the `formKey` property; the web layer
looks the class up here. Forms arrive with the processes that use them.
"""
FORMS: dict[str, type] = {}


def register(form_key: str):
    """Class decorator: make a form available to diagrams under `form_key`."""
    def add(form_class):
        if form_key in FORMS:
            raise ValueError(f"form key {form_key!r} is registered twice")
        FORMS[form_key] = form_class
        return form_class
    return add
