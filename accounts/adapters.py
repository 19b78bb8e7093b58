from allauth.account.adapter import DefaultAccountAdapter

from accounts.roles import Role


class AccountAdapter(DefaultAccountAdapter):
    """Every self-registered account starts as a Learner."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            from accounts.services import role_assign

            role_assign(user=user, role=Role.LEARNER)
        return user
