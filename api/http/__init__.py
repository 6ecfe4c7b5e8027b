"""The HTTP API (FastAPI): `create_app(database_url)`."""

from api.http.app import create_app

__all__ = ["create_app"]
