"""What a browser sends back for a Django admin change form as rendered (catalog and bundle admin tests)."""

from typing import Any


def admin_form_data(response: Any) -> dict[str, Any]:
    """The POST data a browser would send back for an admin change form as rendered."""
    data: dict[str, Any] = {}

    def put(form: Any, name: str) -> None:
        value = form[name].value()
        key = form.add_prefix(name)
        if isinstance(value, bool):
            if value:
                data[key] = "on"
        elif value is not None:
            data[key] = value
    form = response.context["adminform"].form
    for name in form.fields:
        put(form, name)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
        for f in formset.forms:
            for name in f.fields:
                put(f, name)
    return data
