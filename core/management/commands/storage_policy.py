"""Print the S3 bucket policy that makes public media (Wagtail images) readable by anyone, and nothing else."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from elearn.settings.storage import public_read_policy


class Command(BaseCommand):
    help = "Print the bucket policy for AWS_STORAGE_BUCKET_NAME: public read of images only (see docs/operations.md)."

    def handle(self, *args, **options):
        config = settings.STORAGES["default"]
        if config["BACKEND"] != "storages.backends.s3.S3Storage":
            raise CommandError("Media is stored on the local disk: set AWS_STORAGE_BUCKET_NAME to use a bucket.")
        bucket = config["OPTIONS"]["bucket_name"]
        self.stdout.write(json.dumps(public_read_policy(bucket, config["OPTIONS"]["location"]), indent=2))
