from django import template
from django.utils.html import format_html

from core.forms import display_phone

register = template.Library()


@register.simple_tag
def widget(field, **attrs):
    """Render a form field's widget with its error and help text tied to it for screen readers."""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-help")
    if field.errors:
        described.append(f"{field.auto_id}-error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.field.required and field.widget_type not in ("checkboxselectmultiple", "radioselect"):
        attrs["aria-required"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def phone(value):
    return display_phone(value)


@register.simple_tag(takes_context=True)
def page_url(context, number):
    query = context.get("query")
    return format_html("?{}page={}", f"{query}&" if query else "", number)


@register.filter
def waiting(req, today):
    return req.waiting_days(today)
