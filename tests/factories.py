"""factory_boy factories for the tests."""

import factory
import faker
from allauth.account.models import EmailAddress

from accounts.models import Institution, User

DEFAULT_PASSWORD = "Correct-Horse-42"
_names = faker.Faker("es_MX")


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution
        django_get_or_create = ("country", "name")

    name = factory.Sequence(lambda n: f"Instituto de Migración {n}")
    country = "GT"
    type = Institution.Type.MIGRATION


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a verified primary e-mail address and, optionally, a role (group name)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"official{n}@example.org")
    # Faker sometimes joins name parts with two spaces; documents (PDF text, e-mails) collapse them, so tests that
    # look for the name there would fail on that alone.
    full_name = factory.LazyFunction(lambda: " ".join(_names.name().split()))
    country = "GT"
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        self.save()
        EmailAddress.objects.get_or_create(user=self, email=self.email, defaults={"verified": True, "primary": True})
        if extracted:
            from accounts.roles import Role
            from accounts.services import role_assign

            role = Role(extracted)
            country = self.focal_point_country.code if role == Role.FOCAL_POINT else None
            role_assign(user=self, role=role, country=country)
