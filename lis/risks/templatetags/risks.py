from django import template

from lis.risks.services import can_verify_measure

register = template.Library()


@register.filter
def overdue(measure, today) -> bool:
    return measure.is_overdue(today)


@register.filter
def verifiable_by(measure, principal) -> bool:
    """Whether `principal` may verify this genomförd measure now (not the one who completed it)."""
    return (
        measure.awaits_verification
        and measure.completed_by_id != getattr(principal.user, "pk", None)
        and can_verify_measure(principal, measure)
    )
