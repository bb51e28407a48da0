"""factory_boy factories, one module per app, all importable from here."""

from .agreements import *  # noqa: F403
from .projects import *  # noqa: F403
from .tracker import *  # noqa: F403
