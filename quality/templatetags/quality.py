"""`{% feedback_url visit_request %}`: the feedback link, for templates of apps below quality (the
status page) that may not import it (ADR 8)."""

from django import template

from ..feedback import feedback_url as _feedback_url

register = template.Library()


@register.simple_tag
def feedback_url(visit_request):
    return _feedback_url(visit_request)
