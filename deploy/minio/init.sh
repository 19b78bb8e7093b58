#!/bin/sh
# One-shot set-up of the MinIO bucket for docker-compose.yml (service `minio-init`, image minio/mc). Safe to run on
# every `docker compose up`: each step leaves an existing bucket, policy or user as it should be.
set -eu

bucket="${AWS_STORAGE_BUCKET_NAME:?}"
mc alias set campus http://minio:9000 "${MINIO_ROOT_USER:?}" "${MINIO_ROOT_PASSWORD:?}"

# Every file store of the platform lives in this one bucket under media/, certificates/ and h5p/
# (elearn/settings/storage.py). It is private by default.
mc mb --ignore-existing "campus/${bucket}"

# Wagtail images and their renditions are public (nginx serves them at /media/); certificates, H5P packages and
# documents stay private: the platform's views check permissions and stream them.
mc anonymous set download "campus/${bucket}/media/original_images"
mc anonymous set download "campus/${bucket}/media/images"

# The platform signs in with its own key, allowed this bucket only (the root account stays with the operator).
cat > /tmp/campus-app-policy.json <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["s3:GetBucketLocation", "s3:ListBucket"],
     "Resource": ["arn:aws:s3:::${bucket}"]},
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
     "Resource": ["arn:aws:s3:::${bucket}/*"]}
  ]
}
POLICY
mc admin policy create campus campus-app /tmp/campus-app-policy.json
mc admin user add campus "${AWS_ACCESS_KEY_ID:?}" "${AWS_SECRET_ACCESS_KEY:?}"
# Attaching a policy the user already has is refused; that is the state wanted.
if ! mc admin user info campus "${AWS_ACCESS_KEY_ID}" | grep -q "campus-app"; then
  mc admin policy attach campus campus-app --user "${AWS_ACCESS_KEY_ID}"
fi
echo "bucket ${bucket} ready"
