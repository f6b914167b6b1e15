from django import template

register = template.Library()


@register.filter
def overdue(measure, today) -> bool:
    return measure.is_overdue(today)
