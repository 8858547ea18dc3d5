"""The reference implementation of GET /api/v1/chats/{chat_id}/messages.

A small, correct server for both profiles, serving a conformance dataset;
with `--mutant` or `--variation` it turns into a deliberately defective or a
legitimately different server, to check that the suite tells them apart.
Run it with `python -m reference --help`.
"""
