import datetime

import pytest
from django.utils import translation

from crm.models import ActionPlanLine, CrmCountry, Network, ObserverOrganisation, PresidencyTerm, Topic
from crm.selectors import crm_country_codes, presidency_term_for

pytestmark = pytest.mark.django_db

MEMBERS = {"BZ", "CA", "CR", "DO", "SV", "GT", "HN", "MX", "NI", "PA", "US"}


def test_member_states_and_observer_countries():
    assert crm_country_codes(status=CrmCountry.Status.MEMBER) == MEMBERS
    assert crm_country_codes(status=CrmCountry.Status.OBSERVER) == {"AR", "CO", "EC", "JM", "PE"}
    assert len(crm_country_codes()) == 16


def test_observer_organisations_networks_lines_topics():
    assert set(ObserverOrganisation.objects.values_list("acronym", flat=True)) == {
        "IACHR", "IOM", "ECLAC/CELADE", "UNHCR", "UN SR Migrants", "SICA", "UNFPA"}
    assert set(Network.objects.values_list("slug", flat=True)) == {"trafficking", "consular-protection", "rrocm"}
    assert list(ActionPlanLine.objects.values_list("slug", flat=True)) == [
        "information-exchange", "seminars", "training", "projects"]
    assert Topic.objects.count() == 9
    for model in (ObserverOrganisation, Network, ActionPlanLine, Topic):
        for row in model.objects.all():
            assert row.name_es and row.name_en and row.name_fr, row


def test_names_follow_active_language():
    line = ActionPlanLine.objects.get(slug="training")
    with translation.override("es"):
        assert line.name == "Capacitación"
    with translation.override("en"):
        assert str(line) == "Training"
    with translation.override("fr"):
        assert line.name == "Formation"


def test_presidency_terms_i_to_xi():
    terms = list(PresidencyTerm.objects.all())
    assert [t.roman for t in terms] == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI"]
    assert (terms[0].country.code, terms[0].start_date.year) == ("MX", 1996)
    assert (terms[-1].country.code, terms[-1].start_date.year) == ("SV", 2006)
    assert presidency_term_for(datetime.date(2001, 6, 1)).country.code == "CR"
    assert presidency_term_for(datetime.date(2020, 1, 1)) is None


def test_reference_data_visible_in_wagtail_admin(client, secretariat, trainer):
    client.force_login(secretariat)
    response = client.get("/admin/snippets/crm/topic/")
    assert response.status_code == 200
    assert "Trata de personas" in response.content.decode() or "Trafficking in persons" in response.content.decode()
    assert client.get("/admin/snippets/crm/presidencyterm/").status_code == 200
    assert client.get("/admin/snippets/crm/topic/add/").status_code == 200
    client.force_login(trainer)
    assert client.get("/admin/snippets/crm/topic/").status_code == 200
    assert client.get("/admin/snippets/crm/topic/add/").status_code in (302, 403)
