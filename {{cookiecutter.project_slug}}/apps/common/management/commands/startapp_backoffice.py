from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.common.scaffold import ScaffoldError, scaffold_app


class Command(BaseCommand):
    help = (
        "Create apps/<name>/ in the house layout (model, selectors, services, API, export, admin, "
        "tests, Korean catalogue), register it in the settings, URLs and import contracts, and "
        "write its migration."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("name", help="The app's name, a lowercase identifier: orders")
        parser.add_argument("--model", help="The model's name (default: from the app's, Order)")
        parser.add_argument(
            "--no-export", action="store_true", help="Leave the CSV export out of the app"
        )
        parser.add_argument("--label", help="The model's Korean name, for the catalogue: 주문")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            written = scaffold_app(
                app=options["name"],
                model=options["model"],
                export=not options["no_export"],
                base_dir=Path(settings.BASE_DIR),
                label=options["label"],
            )
        except ScaffoldError as error:
            raise CommandError(str(error)) from error
        app = options["name"]
        catalogue = f"apps/{app}/locale/ko/LC_MESSAGES/django.po"
        self.stdout.write(
            f"Created apps/{app}/ ({len(written)} files), registered, with its migration."
        )
        if options["label"] is None:
            self.stdout.write(
                f"The model's Korean name is still its English one: give it in {catalogue} "
                f"(the msgstr of its names) and run `make messages`, or make the app with "
                f"LABEL=, as in `make app NAME={app} LABEL=주문`."
            )
        self.stdout.write(
            f"Next: the model's fields (apps/{app}/models.py) and the columns "
            f"(apps/{app}/serializers.py); docs/adding-an-app.md has the steps."
        )
