"""Every output module; importing this package registers all outputs."""
from . import statland  # noqa: F401
