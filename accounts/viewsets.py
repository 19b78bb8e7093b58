from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from accounts.forms import CampusUserCreationForm, CampusUserEditForm


class UserViewSet(WagtailUserViewSet):
    def get_form_class(self, for_update=False):
        return CampusUserEditForm if for_update else CampusUserCreationForm
