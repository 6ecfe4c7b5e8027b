"""The HTTP API (FastAPI): `api.http.app.create_app(database_url)`. Nothing is
imported here, so that the command line and the client can use the route table
(`api.http.paths`) without loading the web framework."""
