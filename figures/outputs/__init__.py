"""Every output module; importing this package registers all outputs.

Modules are found by name, so a new chapter's module needs no line here.
"""
import importlib
import pkgutil

for _module in sorted(info.name for info in pkgutil.iter_modules(__path__)):
    importlib.import_module(f"{__name__}.{_module}")
