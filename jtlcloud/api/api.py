"""The v1 JSON API: one NinjaAPI, one router per domain."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(
    title="JTL Cloud API",
    version="1",
    description=(
        "Installations push readings and events; service providers read the data "
        "of installations whose owner granted them access."
    ),
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
)

# Routers are added here, once, in a fixed order (ninja refuses to add one twice).
from jtlcloud.api import ingest, read  # noqa: E402

api.add_router("/", ingest.router)
api.add_router("/", read.router)
