"""The HTTP API: pydantic models, authentication, and one router per audience."""
