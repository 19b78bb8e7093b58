"""The public sitemap: every live, public page in every language."""

from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap


class MultilingualSitemap(Sitemap):
    """Wagtail's sitemap lists the default-language tree only; list the trees of every translation of the root."""

    def items(self):
        from wagtail.models import Page

        roots = self.get_wagtail_site().root_page.get_translations(inclusive=True)
        in_trees = Q()
        for root in roots:
            in_trees |= Q(path__startswith=root.path)
        return Page.objects.filter(in_trees).live().public().order_by("path").defer_streamfields().specific()
