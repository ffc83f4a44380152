"""The form registry: a diagram's form key names exactly one form."""

import pytest

import forms


def test_a_form_key_can_be_registered_only_once():
    @forms.register("test_only_form")
    class First:
        pass

    try:
        assert forms.FORMS["test_only_form"] is First
        with pytest.raises(ValueError, match="test_only_form"):
            forms.register("test_only_form")(type("Second", (), {}))
    finally:
        del forms.FORMS["test_only_form"]
