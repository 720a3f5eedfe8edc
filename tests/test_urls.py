from __future__ import annotations

import pytest

from harvester.urls import canonicalize, file_format, in_scope, is_skippable, material_id


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://Example.FI:80/a/?utm_source=x&p=3#top", "http://example.fi/a/?p=3"),
        ("https://x.fi/b/?fbclid=abc&gclid=1", "https://x.fi/b/"),
        ("https://x.fi/?b=2&a=1", "https://x.fi/?a=1&b=2"),
        (
            "https://k.fi/documents/10616/48/Opas+alkuun.pdf/0a1b2c3d-4e5f?t=1561024800000",
            "https://k.fi/documents/10616/48/Opas+alkuun.pdf/0a1b2c3d-4e5f",
        ),
        (
            "https://k.fi/kotona-suomessa?p_p_id=101_INSTANCE_x&p_p_lifecycle=0&cur=2",
            "https://k.fi/kotona-suomessa?cur=2",
        ),
        ("https://x.fi/%C3%A4iti/", "https://x.fi/%C3%A4iti/"),
        ("https://x.fi/äiti/", "https://x.fi/%C3%A4iti/"),
        ("http://127.0.0.1:8701/", "http://127.0.0.1:8701/"),
        ("https://x.fi", "https://x.fi/"),
    ],
)
def test_canonicalize(url, expected):
    assert canonicalize(url) == expected


def test_ids_are_stable_and_short():
    assert material_id("https://x.fi/a") == material_id(canonicalize("https://X.fi/a#frag"))
    assert len(material_id("https://x.fi/a")) == 16


@pytest.mark.parametrize(
    ("url", "fmt"),
    [
        ("https://x.fi/wp-content/uploads/2017/05/opas.pdf", "pdf"),
        ("https://x.fi/a/Opas.DOCX", "docx"),
        ("https://k.fi/documents/1/2/Opas+x.pdf/0a1b2c3d-aaaa?t=1", "pdf"),
        ("https://x.fi/opas/", None),
        ("https://x.fi/?p=12", None),
        ("https://x.fi/kuva.jpg", None),
    ],
)
def test_file_format(url, fmt):
    assert file_format(url) == fmt


def test_skippable():
    assert is_skippable("https://x.fi/kuva.JPG")
    assert is_skippable("mailto:a@b.fi")
    assert not is_skippable("https://x.fi/opas.pdf")
    assert not is_skippable("https://x.fi/opas/")


def test_scope_is_a_path_prefix_not_a_string_prefix():
    scope = ["https://k.fi/kotona-suomessa", "https://o.fi/oulu/hanke/"]
    assert in_scope("https://k.fi/kotona-suomessa", scope)
    assert in_scope("https://k.fi/kotona-suomessa?x=1", scope)
    assert in_scope("https://k.fi/kotona-suomessa/blogi/-/blogs/a", scope)
    assert not in_scope("https://k.fi/kotona-suomessa-muu", scope)
    assert in_scope("https://O.fi/oulu/hanke/opas/", scope)
    assert not in_scope("https://o.fi/oulu/asuminen/", scope)
    assert not in_scope("https://evil.fi/oulu/hanke/", scope)
