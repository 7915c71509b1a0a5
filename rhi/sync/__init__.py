"""The offline upload API (JSON, idempotent): see docs/openapi.yaml. One module a job:

- protocol.py: the wire protocol as the OpenAPI file describes it: the batch, items, results,
  limits and the content hash (no HTTP, no database);
- apply.py: applying an upload item by item, each in its own transaction (no HTTP);
- events.py: contact attempts, offers and the child's answer from a tablet, checked by the
  episode page's own forms and applied through `rhi.episodes.service`;
- idempotency.py: the answer to each Idempotency-Key, kept for a day;
- validate.py: checking an uploaded interview document field by field (no Flask);
- compare.py: the field-by-field difference between the server's and a tablet's version;
- resolve.py: applying the worker's choice between the two versions (no Flask);
- copies.py: what a tablet keeps for working with no signal;
- views.py and versions.py: HTTP only (/sync/v1/..., and the versions page).
"""
