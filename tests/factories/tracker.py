import factory
from django.contrib.auth.models import Group

from tracker.models import Country, Desk, Organization, User

__all__ = ["PASSWORD", "DeskFactory", "OrganizationFactory", "UserFactory", "country"]

PASSWORD = "correct horse battery staple"


def country(code: str = "KEN") -> Country:
    """Countries are reference data loaded by a migration."""
    return Country.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    language = "en"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))

    @factory.post_generation
    def desks(self, create, extracted, **kwargs):
        if create and extracted:
            for desk in extracted:
                desk.members.add(self)
        if create:
            self.save()


class DeskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Desk
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"desk{n}")
    name_en = factory.LazyAttribute(lambda d: f"{d.code.title()} Division")
    name_zh = factory.LazyAttribute(lambda d: f"{d.code}处")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name_en = factory.Sequence(lambda n: f"Ministry of Planning {n}")
    name_zh = factory.Sequence(lambda n: f"规划部{n}")
    kind = Organization.Kind.FOREIGN_GOVERNMENT
