"""Entry point for gunicorn: `gunicorn wsgi:app`."""

from rhi import create_app

app = create_app()
