"""The offline upload API (JSON, idempotent): see docs/openapi.yaml.

- service.py applies an upload item by item (no HTTP), and defines the content hash;
- validate.py checks an uploaded interview document field by field (no Flask);
- views.py is the HTTP side: /sync/v1/session and /sync/v1/interviews.
"""
