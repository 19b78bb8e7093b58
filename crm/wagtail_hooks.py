"""CRM reference data in the Wagtail admin, grouped under one menu."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from accounts.models import Institution
from crm.models import ActionPlanLine, CrmCountry, Network, ObserverOrganisation, PresidencyTerm, Topic


class CrmCountryViewSet(SnippetViewSet):
    model = CrmCountry
    icon = "site"
    list_display = ["country", "status"]
    list_filter = ["status"]


class ObserverOrganisationViewSet(SnippetViewSet):
    model = ObserverOrganisation
    icon = "group"
    list_display = ["acronym", "name_es", "name_en", "name_fr"]


class NetworkViewSet(SnippetViewSet):
    model = Network
    icon = "link"
    list_display = ["name_es", "name_en", "acronym"]


class ActionPlanLineViewSet(SnippetViewSet):
    model = ActionPlanLine
    icon = "list-ol"
    list_display = ["sort_order", "name_es", "name_en", "name_fr"]


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    list_display = ["name_es", "name_en", "name_fr"]
    search_fields = ["name_es", "name_en", "name_fr"]


class PresidencyTermViewSet(SnippetViewSet):
    model = PresidencyTerm
    icon = "date"
    list_display = ["roman", "country", "city", "start_date", "end_date"]


class InstitutionViewSet(SnippetViewSet):
    model = Institution
    icon = "home"
    list_display = ["name", "acronym", "country", "type"]
    list_filter = ["country", "type"]
    search_fields = ["name", "acronym"]


class CrmReferenceGroup(SnippetViewSetGroup):
    menu_label = _("CRM reference data")
    menu_icon = "globe"
    menu_order = 300
    items = (CrmCountryViewSet, ObserverOrganisationViewSet, NetworkViewSet, ActionPlanLineViewSet,
             TopicViewSet, PresidencyTermViewSet, InstitutionViewSet)


register_snippet(CrmReferenceGroup)
