"""Which settings module runs, chosen by the DJANGO_ENV variable."""

import os

ENVIRONMENTS = ("dev", "test", "production")


def settings_module() -> str:
    """Return the dotted settings module for DJANGO_ENV (dev by default)."""
    name = os.environ.get("DJANGO_ENV", "dev") or "dev"
    if name not in ENVIRONMENTS:
        raise RuntimeError(f"DJANGO_ENV must be one of {', '.join(ENVIRONMENTS)}; got {name!r}")
    return f"elearn.settings.{name}"


def configure() -> None:
    """Point Django at the settings for this environment unless the caller already chose one."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module())
