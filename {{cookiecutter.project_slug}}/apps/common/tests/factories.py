import factory

from apps.common.models import ExportJob
from apps.users.tests.factories import UserFactory


class ExportJobFactory(factory.django.DjangoModelFactory[ExportJob]):
    class Meta:
        model = ExportJob

    user = factory.SubFactory(UserFactory)
    export_name = factory.Sequence(lambda n: f"export {n}")
    query_params = factory.LazyFunction(dict)
