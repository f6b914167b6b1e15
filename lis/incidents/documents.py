"""What the recipient of a reporting clock asks for, filled from the incident (POL-2.6): for IMY
the facts of GDPR art. 33.3, for CERT-SE those of the early warning, the incident notification
and the final report (cybersäkerhetslagen), for the other clocks what happened, when and what was
done. A printable page and a tagged PDF (PDF/UA) from the same content; names as anyone may read
them (protected identities pseudonymised, risks.selectors.ARCHIVE)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from lis.core import access
from lis.core.pack import get_pack
from lis.core.typst_pdf import render_typst
from lis.risks.selectors import ARCHIVE

from . import clocks
from .models import Incident


def _time(value) -> str:
    return clocks.local(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _unknown(value) -> str:
    text = "" if value is None else str(value).strip()
    return text or _("Inte känt ännu")


def _short(recipient: str) -> str:
    before, _sep, inside = recipient.partition("(")
    before, inside = before.strip(), inside.rstrip(")").strip()
    return before if len(before) <= 12 or not inside else inside


def clock_report_content(incident: Incident, key: str) -> dict[str, Any]:
    """The report's content as plain values (texts and local times)."""
    spec = clocks.clock_spec(key) or {"key": key, "name": key, "recipient": "", "deadlines": []}
    pack = get_pack()
    severities = {s.key: s.name for s in pack.incident_severities}
    systems = list(incident.systems.select_related("unit").order_by("name"))
    sets = list(incident.information_sets.select_related("system").order_by("system__name", "name"))
    measures = [m.title for m in incident.measures.order_by("pk")]
    timeline = list(incident.timeline.order_by("happened_at", "pk"))
    unit = incident.unit
    controller = unit.governing_board.name if unit is not None and unit.governing_board_id else ""
    contact = access.person_label(ARCHIVE, incident.handler) if incident.handler_id else ""
    informed = dict(Incident._meta.get_field("data_subjects_informed").choices)
    facts = [
        (_("Incidentnummer"), incident.number),
        (_("Organisation"), pack.municipality_name),
        (_("Berörd förvaltning/bolag"), unit.name if unit else _("Inte angiven")),
        (_("Kontaktperson"), contact or _("Inte utsedd")),
    ]
    when = [
        (_("När incidenten inträffade"), _unknown(_time(incident.occurred_at))),
        (_("När den upptäcktes"), _time(incident.noticed_at)),
        (_("När den upphörde"), _unknown(_time(incident.ended_at))),
    ]
    what = [
        (_("Vad som har hänt"), incident.description),
        (_("Kategori"), incident.category or _("Inte bedömd")),
        (_("Allvarlighet"), severities.get(incident.severity, _("Inte bedömd"))),
        (_("Berörda system och tjänster"), ", ".join(s.name for s in systems) or _("Inte känt ännu")),
    ]
    done = [
        (_("Vidtagna och föreslagna åtgärder"), _unknown(incident.measures_taken)),
        (_("Åtgärder i riskanalysen"), "; ".join(measures) or "–"),
    ]
    if key == "gdpr":
        sections = [
            (_("Personuppgiftsansvarig och kontakt"), facts + [(_("Personuppgiftsansvarig"), controller or "–")]),
            (_("Tidpunkter"), when + [(_("Anmäls senare än 72 timmar"), _late(incident, key))]),
            (_("Incidenten"), what + [(_("Berörda informationsmängder"), ", ".join(s.name for s in sets) or "–")]),
            (
                _("Berörda personuppgifter"),
                [
                    (_("Kategorier av registrerade"), _unknown(incident.data_subject_categories)),
                    (_("Ungefärligt antal registrerade"), _unknown(incident.data_subjects_approx)),
                    (_("Kategorier av personuppgiftsposter"), _unknown(incident.record_categories)),
                    (_("Ungefärligt antal poster"), _unknown(incident.records_approx)),
                ],
            ),
            (_("Sannolika konsekvenser"), [(_("Sannolika konsekvenser"), _unknown(incident.likely_consequences))]),
            (
                _("Åtgärder och information till de registrerade"),
                done
                + [
                    (
                        _("Har de registrerade informerats"),
                        str(informed.get(incident.data_subjects_informed, "")) or _("Inte bestämt"),
                    )
                ],
            ),
        ]
    elif key == "nis2":
        malicious = _("Ja, misstänks") if incident.category == "Angrepp" else _("Inte känt ännu")
        sections = [
            (_("Uppgifter om verksamheten"), facts),
            (
                _("Tidig varning"),
                when[:2]
                + [
                    (
                        _("Misstänks incidenten vara orsakad av olagliga eller avsiktligt skadliga handlingar"),
                        malicious,
                    ),
                    (_("Kan incidenten få gränsöverskridande konsekvenser"), _("Inte känt ännu")),
                ],
            ),
            (
                _("Incidentanmälan"),
                what
                + [
                    (_("Inledande bedömning av allvarlighet och konsekvenser"), _unknown(incident.likely_consequences)),
                ],
            ),
            (
                _("Slutrapport"),
                [
                    (_("Utförlig beskrivning"), incident.description),
                    (_("Typ av hot eller grundorsak"), incident.category or _("Inte bedömd")),
                ]
                + done
                + [
                    (_("Gränsöverskridande konsekvenser"), _("Inte känt ännu")),
                    (_("Lärdomar"), _unknown(incident.lessons_learned)),
                ],
            ),
        ]
    else:
        sections = [(_("Uppgifter"), facts), (_("Tidpunkter"), when), (_("Incidenten"), what), (_("Åtgärder"), done)]
    deadlines = [
        {
            "name": d.name,
            "due": _time(d.due_at) if d.due_at else "",
            "sent": _time(d.sent.sent_at) if d.sent else "",
            "reference": d.sent.reference if d.sent else "",
        }
        for d in clocks.deadlines(incident)
        if d.clock_key == key
    ]
    return {
        "incident": {"number": incident.number, "pk": incident.pk},
        "clock": {
            "key": key,
            "name": spec["name"],
            "recipient": spec["recipient"],
            "short": _short(spec["recipient"]),
        },
        "sections": [{"title": title, "fields": fields} for title, fields in sections],
        "deadlines": deadlines,
        "timeline": [{"at": _time(e.happened_at), "kind": e.get_kind_display(), "text": e.text} for e in timeline],
        "municipality": pack.municipality_name,
    }


def _late(incident: Incident, key: str) -> str:
    for deadline in clocks.deadlines(incident):
        if deadline.clock_key == key and deadline.state == clocks.PASSED:
            return _("Ja: ange skälen till förseningen")
    return _("Nej")


def clock_report_data(content: dict[str, Any]) -> dict[str, Any]:
    """What the report's PDF prints: `content` (clock_report_content) with its fixed words."""
    clock = content["clock"]
    deadlines = []
    for deadline in content["deadlines"]:
        when = _("senast %(due)s") % {"due": deadline["due"]} if deadline["due"] else _("räknas från incidentanmälan")
        if deadline["sent"]:
            when += "; " + _("skickad %(sent)s") % {"sent": deadline["sent"]}
            if deadline["reference"]:
                when += f", {_('referens')} {deadline['reference']}"
        deadlines.append([deadline["name"], when])
    return {
        "title": _("Underlag till %(recipient)s: incident %(n)s")
        % {"recipient": clock["recipient"], "n": content["incident"]["number"]},
        "description": clock["name"],
        "municipality": content["municipality"],
        "subtitle": f"{clock['name']} · {content['municipality']}",
        "sections": [
            {"title": section["title"], "fields": [[str(label), str(value)] for label, value in section["fields"]]}
            for section in content["sections"]
        ],
        "deadlines": deadlines,
        "timeline": [[f"{event['at']} ({event['kind']})", event["text"]] for event in content["timeline"]],
        "labels": {"deadlines": _("Tidsfrister"), "timeline": _("Tidslinje")},
    }


def clock_report_pdf(content: dict[str, Any]) -> bytes:
    """Tagged for accessibility (PDF/UA-1)."""
    return render_typst("incidents/clock_report.typ", clock_report_data(content), archival=False)
