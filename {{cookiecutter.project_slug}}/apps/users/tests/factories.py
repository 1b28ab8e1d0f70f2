import factory

from apps.users.models import User

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    first_name = factory.Faker("first_name", locale="ko_KR")
    last_name = factory.Faker("last_name", locale="ko_KR")
    password = factory.django.Password(DEFAULT_PASSWORD)


class StaffUserFactory(UserFactory):
    is_staff = True
