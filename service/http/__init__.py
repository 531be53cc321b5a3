"""The HTTP layer: the Flask app factory, blueprints and schemas, problem details, auth and observability."""
