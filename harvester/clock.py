"""Timestamps as the catalogue stores them: UTC, to the second, ISO 8601 with Z."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
