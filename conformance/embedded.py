"""The embedded default: the reference server, started on a free loopback port when no --base-url is given."""

from __future__ import annotations

from conformance.dataset import Dataset


def start_reference(dataset: Dataset, profile: str):  # -> reference.serve.RunningServer
    # Imported here: a run against --base-url never needs the server's packages.
    from reference.app import create_app
    from reference.serve import start_in_thread

    return start_in_thread(create_app(dataset, profile), host="127.0.0.1", port=0)
