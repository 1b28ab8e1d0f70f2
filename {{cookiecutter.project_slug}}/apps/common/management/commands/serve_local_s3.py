import threading
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})


class Command(BaseCommand):
    help = (
        "Serve moto's S3 stand-in at AWS_S3_ENDPOINT_URL (http://127.0.0.1:<port>) with the "
        "exports bucket created, until stopped: `make s3` and `make dev` run it."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # A development dependency, imported only here: production never runs this command.
        from moto.server import ThreadedMotoServer

        endpoint = urlsplit(settings.AWS_S3_ENDPOINT_URL or "")
        if endpoint.scheme != "http" or endpoint.hostname not in LOCAL_HOSTS or not endpoint.port:
            raise CommandError(
                f"AWS_S3_ENDPOINT_URL is {settings.AWS_S3_ENDPOINT_URL!r}: the local S3 server "
                "needs http://127.0.0.1:<port> (unset it in .env for the default, port 5000)."
            )
        server = ThreadedMotoServer(ip_address=endpoint.hostname, port=endpoint.port, verbose=False)
        server.start()
        try:
            call_command("create_export_bucket", stdout=self.stdout)
            self.stdout.write(f"S3 stand-in on {settings.AWS_S3_ENDPOINT_URL}; Ctrl-C stops it.")
            self.stdout.flush()
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()
