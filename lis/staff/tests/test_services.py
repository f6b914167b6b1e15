"""The exception flow (POL-3.20) through the services, with personas: request → the chef is
told → grant (the tjänsteanteckning) or refuse; withdraw; end; who may decide; dates."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from lis.conftest import make_persona
from lis.core.models import ChangeLogEntry, Notification
from lis.organisation.models import Role
from lis.staff import services
from lis.staff.models import ClassifiedPosition, PolicyException, RemoteWorkAgreement

from .conftest import TODAY
from .helpers import ask, grant

pytestmark = pytest.mark.django_db
D = datetime.timedelta(days=1)
S = PolicyException.Status


def test_it_records_a_request_for_the_persons_unit_and_tells_their_chef(people):
    exception = ask(people["employee_vaf"])
    assert exception.status == S.REQUESTED
    assert exception.unit == people["employee_vaf"].person.unit
    assert exception.requested_by == people["employee_vaf"].user
    note = Notification.objects.get(recipient=people["chef_vaf"].user)
    assert note.link == f"/personal/undantag/{exception.pk}/"
    assert "Webbforumet Exempel" in note.message
    assert not Notification.objects.filter(recipient=people["employee_vaf"].user).exists()


def test_it_grants_a_tjansteanteckning_dated_today_with_both_names(people):
    exception = grant(people["chef_vaf"], ask(people["employee_vaf"]), diary_number="VAN 2026/12")
    exception.refresh_from_db()
    assert exception.status == S.GRANTED
    assert exception.decided_on == TODAY
    assert exception.decided_by == people["chef_vaf"].person
    assert exception.valid_until == TODAY + 60 * D
    assert exception.diary_number == "VAN 2026/12"
    assert Notification.objects.filter(recipient=people["employee_vaf"].user, message__contains="beviljat").exists()


def test_it_lets_the_chef_grant_for_a_shorter_time_but_not_longer_than_asked(people):
    exception = ask(people["employee_vaf"], days=30)
    with pytest.raises(ValidationError) as error:
        grant(people["chef_vaf"], exception, days=31)
    assert "valid_until" in error.value.error_dict
    assert PolicyException.objects.get(pk=exception.pk).status == S.REQUESTED
    grant(people["chef_vaf"], exception, days=10)


def test_it_rejects_a_grant_without_reason_or_expiry(people):
    exception = ask(people["employee_vaf"])
    with pytest.raises(ValidationError) as error:
        services.exception_grant(
            actor=people["chef_vaf"].user, exception=exception, decision_reason=" ", valid_until=None
        )
    assert set(error.value.error_dict) == {"decision_reason", "valid_until"}
    assert PolicyException.objects.get(pk=exception.pk).status == S.REQUESTED


def test_it_refuses_with_a_reason(people):
    exception = ask(people["employee_vaf"])
    with pytest.raises(ValidationError) as error:
        services.exception_refuse(actor=people["chef_vaf"].user, exception=exception, decision_reason="")
    assert "decision_reason" in error.value.error_dict
    services.exception_refuse(actor=people["chef_vaf"].user, exception=exception, decision_reason="Inte relevant.")
    exception.refresh_from_db()
    assert (exception.status, exception.decided_on, exception.valid_until) == (S.REFUSED, TODAY, None)


def test_it_lets_the_requester_withdraw_a_pending_request_only(people):
    exception = ask(people["employee_vaf"])
    with pytest.raises(PermissionDenied):
        services.exception_withdraw(actor=people["chef_vaf"].user, exception=exception)
    services.exception_withdraw(actor=people["employee_vaf"].user, exception=exception)
    assert PolicyException.objects.get(pk=exception.pk).status == S.WITHDRAWN
    with pytest.raises(ValidationError):
        services.exception_withdraw(actor=people["employee_vaf"].user, exception=exception)
    with pytest.raises(ValidationError):
        grant(people["chef_vaf"], exception)


@pytest.mark.parametrize("who", ["employee_vaf", "chef_vaf"])
def test_it_lets_the_person_or_their_chef_end_a_granted_exception(people, who):
    exception = grant(people["chef_vaf"], ask(people["employee_vaf"]))
    services.exception_end(actor=people[who].user, exception=exception)
    exception.refresh_from_db()
    assert (exception.status, exception.ended_on, exception.end_reason) == (S.ENDED, TODAY, "Används inte längre")


def test_it_rejects_ending_by_anyone_else(people):
    exception = grant(people["chef_vaf"], ask(people["employee_vaf"]))
    for who in ("strategist", "hr", "coordinator_vaf", "unit_head_buf"):
        with pytest.raises(PermissionDenied):
            services.exception_end(actor=people[who].user, exception=exception)


def test_it_rejects_a_decision_by_the_requester_themself(people):
    # A chef asking for their own exception: it goes to their own chef, and they cannot decide it.
    exception = ask(people["chef_enhet"])
    assert Notification.objects.filter(recipient=people["chef_vaf"].user).exists()
    with pytest.raises(PermissionDenied):
        grant(people["chef_enhet"], exception)
    grant(people["chef_vaf"], exception)


@pytest.mark.parametrize("who", ["unit_head_buf", "strategist", "administrator", "hr", "coordinator_vaf", "chef_enhet"])
def test_it_rejects_a_decision_by_anyone_but_the_persons_chef(people, who):
    exception = ask(people["employee_vaf"])
    with pytest.raises(PermissionDenied):
        grant(people[who], exception)
    with pytest.raises(PermissionDenied):
        services.exception_refuse(actor=people[who].user, exception=exception, decision_reason="Nej.")
    assert PolicyException.objects.get(pk=exception.pk).status == S.REQUESTED


def test_it_sends_the_enhetens_request_to_the_enhetschef_not_the_forvaltningschef(people):
    exception = ask(people["employee_enhet"])
    with pytest.raises(PermissionDenied):
        grant(people["chef_vaf"], exception)
    grant(people["chef_enhet"], exception)


def test_it_tells_of_a_missing_chef_in_the_language_of_the_request(people):
    # Before: the text was translated once, at import, and stayed in that language.
    with translation.override("en"):
        with pytest.raises(ValidationError) as english:
            ask(people["unit_head_buf"])
    with translation.override("sv"):
        with pytest.raises(ValidationError) as swedish:
            ask(people["unit_head_buf"])
    assert "säkerhetsstrategen" in swedish.value.messages[0]
    assert english.value.messages[0] != swedish.value.messages[0]


def test_it_refuses_a_request_without_a_chef_and_writes_nothing(people):
    entries = ChangeLogEntry.objects.count()
    with pytest.raises(ValidationError) as error:
        ask(people["unit_head_buf"])  # BUF is a förvaltning with no chef above it
    assert "säkerhetsstrategen" in " ".join(error.value.messages)
    assert not PolicyException.objects.exists()
    assert ChangeLogEntry.objects.count() == entries


def test_it_rejects_a_request_beyond_the_packs_maximum_or_in_the_past(people):
    with pytest.raises(ValidationError) as error:
        ask(people["employee_vaf"], days=366)
    assert "2027-12-01" in error.value.error_dict["requested_until"][0].messages[0]
    with pytest.raises(ValidationError) as error:
        ask(people["employee_vaf"], days=-1)
    assert "requested_until" in error.value.error_dict
    ask(people["employee_vaf"], days=365)  # exactly twelve months: 2027-12-01


def test_it_rejects_an_empty_request_naming_each_field(people):
    with pytest.raises(ValidationError) as error:
        services.exception_request(actor=people["employee_vaf"].user, source=" ", reason="", requested_until=None)
    assert set(error.value.error_dict) == {"source", "reason", "requested_until"}
    assert not PolicyException.objects.exists()


def register(chef, person, **fields):
    values = {
        "source": "Pappersanteckning: YouTube",
        "reason": "Instruktionsfilmer.",
        "decided_on": TODAY - 100 * D,
        "decision_reason": "Beviljat muntligt och antecknat.",
        **fields,
    }
    return services.exception_register(actor=chef.user, person=person, **values)


def test_it_registers_a_tjansteanteckning_made_outside_lis(people):
    exception = register(people["chef_vaf"], people["employee_vaf"].person)
    assert exception.status == S.GRANTED
    assert exception.decided_on == TODAY - 100 * D
    assert exception.valid_until is None and exception.requested_at is None
    assert exception.decided_by == people["chef_vaf"].person


def test_it_rejects_a_registered_decision_dated_in_the_future(people):
    with pytest.raises(ValidationError) as error:
        register(people["chef_vaf"], people["employee_vaf"].person, decided_on=TODAY + D)
    assert "decided_on" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        register(people["chef_vaf"], people["employee_vaf"].person, valid_until=TODAY + 400 * D)
    assert "valid_until" in error.value.error_dict
    assert not PolicyException.objects.exists()


def test_it_rejects_registering_for_someone_elses_staff(people):
    for who in ("unit_head_buf", "strategist", "hr"):
        with pytest.raises(PermissionDenied):
            register(people[who], people["employee_vaf"].person)


# --- distansarbete -------------------------------------------------------------------------------


def test_it_records_remote_work_by_the_chef_or_hr_with_the_chef_named(people):
    person = people["employee_vaf"].person
    for who in ("chef_vaf", "hr"):
        agreement = services.remote_work_create(
            actor=people[who].user, person=person, agreed_on=TODAY, review_on=TODAY + 365 * D
        )
        assert agreement.manager == people["chef_vaf"].person
    for who in ("unit_head_buf", "strategist", "employee_vaf"):
        with pytest.raises(PermissionDenied):
            services.remote_work_create(actor=people[who].user, person=person, agreed_on=TODAY)


@pytest.mark.parametrize("who", ["hr", "chef_enhet"])
def test_it_rejects_recording_ones_own_remote_work_agreement(people, amal, who):
    # HR could record their own agreement; the policy makes it one between chef and medarbetare.
    if who == "hr":  # HR has a chef of their own, so only the rule refuses
        make_persona(amal, "chef_pe", unit="PE", roles=[(Role.UNIT_HEAD, "PE", None)])
    person = people[who].person
    with pytest.raises(PermissionDenied):
        services.remote_work_create(actor=people[who].user, person=person, agreed_on=TODAY)
    assert not RemoteWorkAgreement.objects.exists()
    if who == "chef_enhet":  # their own chef records it
        agreement = services.remote_work_create(actor=people["chef_vaf"].user, person=person, agreed_on=TODAY)
        assert agreement.manager == people["chef_vaf"].person
        with pytest.raises(PermissionDenied):
            services.remote_work_update(actor=people[who].user, agreement=agreement, note="Själv.")


def test_it_rejects_remote_work_agreed_in_the_future_or_ending_before(people):
    person = people["employee_vaf"].person
    with pytest.raises(ValidationError) as error:
        services.remote_work_create(actor=people["chef_vaf"].user, person=person, agreed_on=TODAY + D)
    assert "agreed_on" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.remote_work_create(
            actor=people["chef_vaf"].user, person=person, agreed_on=TODAY, ends_on=TODAY - D, review_on=TODAY - D
        )
    assert {"ends_on", "review_on"} <= set(error.value.error_dict)
    assert not RemoteWorkAgreement.objects.exists()


def test_it_ends_remote_work_not_in_the_future(people):
    agreement = services.remote_work_create(
        actor=people["chef_vaf"].user, person=people["employee_vaf"].person, agreed_on=TODAY - 30 * D
    )
    with pytest.raises(ValidationError):
        services.remote_work_end(actor=people["chef_vaf"].user, agreement=agreement, ends_on=TODAY + D)
    services.remote_work_end(actor=people["hr"].user, agreement=agreement, ends_on=TODAY)
    assert RemoteWorkAgreement.objects.get(pk=agreement.pk).ends_on == TODAY


# --- säkerhetsklassade placeringar ---------------------------------------------------------------


def classify(persona, amal, **fields):
    values = {
        "unit": amal["units"]["IT"],
        "title": "Drifttekniker",
        "security_class": "3",
        "decided_on": TODAY - 10 * D,
        "decided_by": persona.person,
        **fields,
    }
    return services.classified_create(actor=persona.user, **values)


def test_it_records_the_placement_with_the_decider_chosen_not_guessed(people, amal):
    chief = people["strategist"].person
    assert classify(people["strategist"], amal).decided_by == chief
    assert classify(people["hr"], amal, title="Löneadministratör", decided_by=chief).decided_by == chief
    assert classify(people["administrator"], amal, title="Nätverkstekniker", decided_by=chief).decided_by == chief


@pytest.mark.parametrize("decider", [None, "hr", "administrator", "it_manager"])
def test_it_rejects_a_placement_whose_decider_is_not_a_sakerhetsskyddschef(people, amal, decider):
    # Before: HR's or an admin's placement silently named whichever säkerhetsskyddschef sorted first.
    entries = ChangeLogEntry.objects.count()
    with pytest.raises(ValidationError) as error:
        classify(people["hr"], amal, decided_by=people[decider].person if decider else None)
    assert "decided_by" in error.value.error_dict
    assert "säkerhetsskyddschef" in error.value.error_dict["decided_by"][0].messages[0]
    assert not ClassifiedPosition.objects.exists() and ChangeLogEntry.objects.count() == entries


def test_it_rejects_changing_the_decider_to_someone_not_a_sakerhetsskyddschef(people, amal):
    position = classify(people["strategist"], amal)
    with pytest.raises(ValidationError) as error:
        services.classified_update(actor=people["hr"].user, position=position, decided_by=people["hr"].person)
    assert "decided_by" in error.value.error_dict
    assert ClassifiedPosition.objects.get(pk=position.pk).decided_by == people["strategist"].person


@pytest.mark.parametrize("who", ["it_manager", "unit_head_buf", "employee_vaf", "coordinator_vaf", "chef_vaf"])
def test_it_rejects_a_placement_by_anyone_else(people, amal, who):
    with pytest.raises(PermissionDenied):
        classify(people[who], amal)
    assert not ClassifiedPosition.objects.exists()


def test_it_rejects_a_placement_decided_in_the_future_or_without_title(people, amal):
    with pytest.raises(ValidationError) as error:
        classify(people["strategist"], amal, decided_on=TODAY + D, title=" ", security_class="4")
    assert {"decided_on", "title", "security_class"} <= set(error.value.error_dict)
    position = classify(people["strategist"], amal)
    with pytest.raises(ValidationError):
        services.classified_end(actor=people["hr"].user, position=position, ended_on=TODAY + D)
    services.classified_end(actor=people["hr"].user, position=position, ended_on=TODAY)
    assert ClassifiedPosition.objects.get(pk=position.pk).ended_on == TODAY
