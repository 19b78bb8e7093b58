"""CRM reference data: countries, observer organisations, networks, Action Plan lines, topics, presidencies."""

import datetime

from django.db import migrations

MEMBER_STATES = ["BZ", "CA", "CR", "DO", "SV", "GT", "HN", "MX", "NI", "PA", "US"]
OBSERVER_COUNTRIES = ["AR", "CO", "EC", "JM", "PE"]

# (acronym, Spanish, English, French)
OBSERVER_ORGANISATIONS = [
    ("IACHR", "Comisión Interamericana de Derechos Humanos", "Inter-American Commission on Human Rights",
     "Commission interaméricaine des droits de l'homme"),
    ("IOM", "Organización Internacional para las Migraciones", "International Organization for Migration",
     "Organisation internationale pour les migrations"),
    ("ECLAC/CELADE",
     "Comisión Económica para América Latina y el Caribe – Centro Latinoamericano y Caribeño de Demografía",
     "Economic Commission for Latin America and the Caribbean – Latin American and Caribbean Demographic Centre",
     "Commission économique pour l'Amérique latine et les Caraïbes – Centre latino-américain et caribéen de "
     "démographie"),
    ("UNHCR", "Alto Comisionado de las Naciones Unidas para los Refugiados",
     "Office of the United Nations High Commissioner for Refugees",
     "Haut-Commissariat des Nations unies pour les réfugiés"),
    ("UN SR Migrants", "Relator Especial de las Naciones Unidas sobre los derechos humanos de los migrantes",
     "UN Special Rapporteur on the human rights of migrants",
     "Rapporteur spécial des Nations unies sur les droits de l'homme des migrants"),
    ("SICA", "Sistema de la Integración Centroamericana", "Central American Integration System",
     "Système d'intégration centraméricain"),
    ("UNFPA", "Fondo de Población de las Naciones Unidas", "United Nations Population Fund",
     "Fonds des Nations unies pour la population"),
]

# (slug, acronym, Spanish, English, French)
NETWORKS = [
    ("trafficking", "", "Red regional para el combate a la trata de personas",
     "Regional network to combat trafficking in persons", "Réseau régional de lutte contre la traite des personnes"),
    ("consular-protection", "", "Red de protección consular", "Consular protection network",
     "Réseau de protection consulaire"),
    ("rrocm", "RROCM", "Red Regional de Organizaciones Civiles para las Migraciones",
     "Regional Network of Civil Organizations for Migration",
     "Réseau régional des organisations civiles pour les migrations"),
]

# (slug, Spanish, English, French) in Action Plan order
ACTION_PLAN_LINES = [
    ("information-exchange", "Intercambio de información", "Information exchange", "Échange d'informations"),
    ("seminars", "Seminarios", "Seminars", "Séminaires"),
    ("training", "Capacitación", "Training", "Formation"),
    ("projects", "Proyectos", "Projects", "Projets"),
]

TOPICS = [
    ("trafficking-in-persons", "Trata de personas", "Trafficking in persons", "Traite des personnes"),
    ("smuggling-of-migrants", "Tráfico ilícito de migrantes", "Smuggling of migrants", "Trafic illicite de migrants"),
    ("consular-protection", "Protección consular", "Consular protection", "Protection consulaire"),
    ("return-and-reintegration", "Retorno y reintegración", "Return and reintegration", "Retour et réintégration"),
    ("human-rights-of-migrants", "Derechos humanos de las personas migrantes", "Human rights of migrants",
     "Droits humains des personnes migrantes"),
    ("migration-data", "Datos y estadísticas migratorias", "Migration data and statistics",
     "Données et statistiques migratoires"),
    ("border-management", "Gestión de fronteras", "Border management", "Gestion des frontières"),
    ("international-protection", "Protección internacional y personas refugiadas",
     "International protection and refugees", "Protection internationale et réfugiés"),
    ("migrant-children", "Niñez y adolescencia migrante", "Migrant children and adolescents",
     "Enfants et adolescents migrants"),
]

# (number, country, city of the Vice-Ministers' meeting, year). Terms are recorded as calendar years; the
# Secretariat can refine the dates in the admin.
PRESIDENCY_TERMS = [
    (1, "MX", "Puebla", 1996),
    (2, "PA", "Ciudad de Panamá", 1997),
    (3, "CA", "Ottawa", 1998),
    (4, "SV", "San Salvador", 1999),
    (5, "US", "Washington, D.C.", 2000),
    (6, "CR", "San José", 2001),
    (7, "GT", "Antigua Guatemala", 2002),
    (8, "MX", "Cancún", 2003),
    (9, "PA", "Ciudad de Panamá", 2004),
    (10, "CA", "Vancouver", 2005),
    (11, "SV", "San Salvador", 2006),
]


def load(apps, schema_editor):
    CrmCountry = apps.get_model("crm", "CrmCountry")
    for code in MEMBER_STATES:
        CrmCountry.objects.update_or_create(country=code, defaults={"status": "member"})
    for code in OBSERVER_COUNTRIES:
        CrmCountry.objects.update_or_create(country=code, defaults={"status": "observer"})

    ObserverOrganisation = apps.get_model("crm", "ObserverOrganisation")
    for acronym, es, en, fr in OBSERVER_ORGANISATIONS:
        ObserverOrganisation.objects.update_or_create(
            acronym=acronym, defaults={"name_es": es, "name_en": en, "name_fr": fr}
        )

    Network = apps.get_model("crm", "Network")
    for slug, acronym, es, en, fr in NETWORKS:
        Network.objects.update_or_create(
            slug=slug, defaults={"acronym": acronym, "name_es": es, "name_en": en, "name_fr": fr}
        )

    ActionPlanLine = apps.get_model("crm", "ActionPlanLine")
    for order, (slug, es, en, fr) in enumerate(ACTION_PLAN_LINES, start=1):
        ActionPlanLine.objects.update_or_create(
            slug=slug, defaults={"sort_order": order, "name_es": es, "name_en": en, "name_fr": fr}
        )

    Topic = apps.get_model("crm", "Topic")
    for slug, es, en, fr in TOPICS:
        Topic.objects.update_or_create(slug=slug, defaults={"name_es": es, "name_en": en, "name_fr": fr})

    PresidencyTerm = apps.get_model("crm", "PresidencyTerm")
    for number, country, city, year in PRESIDENCY_TERMS:
        PresidencyTerm.objects.update_or_create(
            number=number,
            defaults={
                "country": country,
                "city": city,
                "start_date": datetime.date(year, 1, 1),
                "end_date": datetime.date(year, 12, 31),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("crm", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
