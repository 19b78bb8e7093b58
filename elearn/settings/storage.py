"""Where uploaded and generated files live: STORAGES built from the environment, in one place.

With AWS_STORAGE_BUCKET_NAME set, every file store is an S3 bucket (AWS, MinIO or any S3-compatible service at
S3_ENDPOINT_URL), under three key prefixes, so web and worker containers keep no files on their own disk:

    media/          "default": Wagtail images, renditions and documents, bulk uploads (public prefixes: see
                    docs/operations.md for the bucket policy)
    certificates/   "certificates": certificate PDFs, metrics reports, bulk ZIPs (private; only views hand them out)
    h5p/            "h5p": extracted H5P packages and libraries (private; only the h5p views serve them)

Without it, the same three stores are folders on the local disk (MEDIA_ROOT, CERTIFICATES_ROOT, H5P_ROOT).
H5P writes exact names (a library's newer patch version replaces its files), so its stores overwrite.
Static files are never in the bucket: WhiteNoise serves them from the image.
"""

from urllib.parse import urlsplit

S3_BACKEND = "storages.backends.s3.S3Storage"
FILESYSTEM_BACKEND = "django.core.files.storage.FileSystemStorage"


def s3_options(env) -> dict | None:
    """Connection options shared by the three S3 stores, or None when no bucket is configured.

    Keys and secret may stay empty: boto3 then finds credentials itself (instance role, AWS_* files)."""
    bucket = env.str("AWS_STORAGE_BUCKET_NAME", default="")
    if not bucket:
        return None
    endpoint = env.str("S3_ENDPOINT_URL", default="")
    options = {
        "bucket_name": bucket,
        "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
        "endpoint_url": endpoint or None,
        "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
        # MinIO and most self-hosted stores only answer path-style addresses (http://host:9000/bucket/key).
        "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="path" if endpoint else "") or None,
        "signature_version": "s3v4",
    }
    options = {key: value for key, value in options.items() if value is not None}
    # Objects get the bucket's own (private) default; public reading is granted by the bucket policy for the
    # media prefixes only, never by per-object ACLs (which buckets with ACLs disabled refuse anyway).
    options["default_acl"] = None
    return options


def build_storages(env, *, certificates_root, staticfiles_backend: str) -> dict:
    """settings.STORAGES: S3 when a bucket is configured, local folders otherwise (see the module docstring)."""
    staticfiles = {"BACKEND": staticfiles_backend}
    s3 = s3_options(env)
    if s3 is None:
        return {
            "default": {"BACKEND": FILESYSTEM_BACKEND},
            "staticfiles": staticfiles,
            "certificates": {"BACKEND": FILESYSTEM_BACKEND, "OPTIONS": {
                "location": str(certificates_root), "base_url": "/certificates-not-served/"}},
            # Under settings.H5P_ROOT, read when used (as "default" reads MEDIA_ROOT).
            "h5p": {"BACKEND": "h5p.storage.H5PFileSystemStorage"},
        }
    custom_domain = env.str("AWS_S3_CUSTOM_DOMAIN", default="")
    return {
        # Public media: plain, unsigned addresses, so cached pages keep working image links.
        "default": {"BACKEND": S3_BACKEND, "OPTIONS": {
            **s3, "location": "media", "querystring_auth": False, "file_overwrite": False,
            **({"custom_domain": custom_domain} if custom_domain else {})}},
        "staticfiles": staticfiles,
        # Private: never a public address; the views check permissions and stream the file.
        "certificates": {"BACKEND": S3_BACKEND, "OPTIONS": {
            **s3, "location": "certificates", "querystring_auth": True, "file_overwrite": False}},
        "h5p": {"BACKEND": S3_BACKEND, "OPTIONS": {
            **s3, "location": "h5p", "querystring_auth": True, "file_overwrite": True}},
    }


def media_origin(env) -> str:
    """The origin public media is served from when it is not the platform's own ("" then): pages' Content
    Security Policy must allow images and audio/video from it."""
    s3 = s3_options(env)
    if s3 is None:
        return ""
    if custom_domain := env.str("AWS_S3_CUSTOM_DOMAIN", default=""):
        return f"https://{custom_domain}"
    if endpoint := s3.get("endpoint_url"):
        parts = urlsplit(endpoint)
        return f"{parts.scheme}://{parts.netloc}"
    region = s3.get("region_name")
    host = f"s3.{region}.amazonaws.com" if region else "s3.amazonaws.com"
    return f"https://{host}" if s3.get("addressing_style") == "path" else f"https://{s3['bucket_name']}.{host}"


# Folders of the "default" storage that pages link to directly (Wagtail images and their renditions; the same two
# deploy/minio/init.sh opens). Everything else in the bucket (documents, bulk uploads, admin avatars, certificates,
# H5P) is read only through the platform.
PUBLIC_MEDIA_FOLDERS = ("original_images", "images")


def public_read_policy(bucket: str, location: str = "media") -> dict:
    """The bucket policy that lets anyone read the public media folders, and nothing else (`manage.py
    storage_policy` prints it for `aws s3api put-bucket-policy` or `mc anonymous set-json`)."""
    return {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "PublicMediaRead",
            "Effect": "Allow",
            "Principal": "*",
            "Action": ["s3:GetObject"],
            "Resource": [f"arn:aws:s3:::{bucket}/{location}/{folder}/*" for folder in PUBLIC_MEDIA_FOLDERS],
        }],
    }
