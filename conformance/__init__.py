"""Conformance suite for the Get Chat Messages API."""

__version__ = "0.1.0"
