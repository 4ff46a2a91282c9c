"""The default storage's entry in STORAGES for S3-compatible object storage (ADR 11).

Kept apart from settings.py so that the tests build exactly the entry a server does, pointed at their
own S3 server."""


def s3_storage(*, bucket, access_key, secret_key, endpoint_url="", region=""):
    """STORAGES["default"] for a private bucket: no public ACL, no public URLs — files reach people
    only through the permission-checked views (core/files.py)."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            "access_key": access_key,
            "secret_key": secret_key,
            "default_acl": "private",
            # A URL, if anything ever asked for one, would be signed and expire; none is handed out.
            "querystring_auth": True,
            "file_overwrite": False,  # a second file of the same name gets a new name, as on disk
            "location": "media",
        },
    }
