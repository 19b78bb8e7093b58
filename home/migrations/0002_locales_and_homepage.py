"""Create the es/en/fr locales and the Spanish home page as the site root (replacing Wagtail's welcome page)."""

import uuid

from django.db import migrations

LANGUAGES = ["es", "en", "fr"]


def create(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Locale = apps.get_model("wagtailcore", "Locale")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    HomePage = apps.get_model("home", "HomePage")

    for code in LANGUAGES:
        Locale.objects.get_or_create(language_code=code)
    spanish = Locale.objects.get(language_code="es")

    if HomePage.objects.exists():
        return
    page_type = ContentType.objects.get(app_label="wagtailcore", model="page")
    Page.objects.filter(content_type=page_type, slug="home", depth=2).delete()
    home_type, _ = ContentType.objects.get_or_create(app_label="home", model="homepage")
    root = Page.objects.get(depth=1)
    path = root.path + "0001"
    while Page.objects.filter(path=path).exists():
        path = root.path + f"{int(path[-4:]) + 1:04d}"
    homepage = HomePage.objects.create(
        title="Campus CRM",
        draft_title="Campus CRM",
        slug="inicio",
        content_type=home_type,
        path=path,
        depth=2,
        numchild=0,
        url_path="/inicio/",
        locale=spanish,
        translation_key=uuid.uuid4(),
        live=True,
    )
    root.numchild = Page.objects.filter(depth=2, path__startswith=root.path).count()
    root.save(update_fields=["numchild"])
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", port=80, root_page_id=homepage.pk, is_default_site=True,
                        site_name="Campus CRM")


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
