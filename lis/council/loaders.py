"""The council's demo loader (lis.core.extensions.register_loader); imported from apps.py ready()."""

from lis.core.extensions import register_loader

from .demo import load_council_demo

register_loader("demo", "council", load_council_demo)
