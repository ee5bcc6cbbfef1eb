"""The demo world: seeded organisations, people and installations, and live simulated data.

Each module here with ``ORDER`` and ``seed(world)`` adds its part; ``seed_demo``
runs them by ``ORDER``, passing the ``world`` dict so later parts can use
what earlier ones made. Seeding is idempotent: running the demo twice is fine.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any


def seed_all() -> dict[str, Any]:
    modules = [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in pkgutil.iter_modules(__path__)
    ]
    world: dict[str, Any] = {}
    for module in sorted(
        (m for m in modules if hasattr(m, "seed")), key=lambda m: getattr(m, "ORDER", 100)
    ):
        module.seed(world)
    return world
