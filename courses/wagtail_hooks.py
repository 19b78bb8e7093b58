from wagtail import hooks

from courses.models import CatalogPage
from courses.services import catalog_setup


@hooks.register("after_create_page")
def setup_new_catalog(request, page):
    if isinstance(page.specific, CatalogPage):
        catalog_setup(catalog=page.specific)
