"""The ingest benchmark's baseline: a Flask app whose one endpoint only parses the answer's
JSON and returns 204, served by the same gunicorn settings as the real app."""
import json

from flask import Flask, request


def create_app():
    app = Flask(__name__)

    @app.post("/api/v1/answers")
    def parse_only():
        json.loads(request.get_data())
        return "", 204

    return app
