"""A snippet chooser that only users who may view the model can open."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.urls import path
from wagtail.snippets.views.chooser import SnippetChooserViewSet


class ViewPermissionChooserViewSet(SnippetChooserViewSet):
    """Wagtail's chooser views check admin access only, so every staff role could list any snippet through them.
    For models that hold personal or country-scoped data, require the model's view permission on each chooser view."""

    def get_urlpatterns(self):
        permission = f"{self.model._meta.app_label}.view_{self.model._meta.model_name}"
        return [path(str(pattern.pattern), _requiring(permission, pattern.callback), name=pattern.name)
                for pattern in super().get_urlpatterns()]


def _requiring(permission: str, view):
    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.has_perm(permission):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded
