"""Baseline for bench/returns_page.py: the smallest Flask app, served by the same gunicorn.

Served as `bench.bare_app:app` from the repo root, so the benchmark measures what rhi adds
on top of Python + gunicorn + Flask.
"""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def index() -> str:
    return "<!doctype html><html><head><title>bare</title></head><body><p>ok</p></body></html>"
