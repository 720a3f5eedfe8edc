"""The interface language: ?lang= chooses it, a cookie remembers it, labels and strings follow it."""

from __future__ import annotations

import asyncio
import importlib.util

from harvester import web

spec = importlib.util.spec_from_file_location("i18n_plugin", web.CONFIG_DIR / "plugins" / "i18n.py")
i18n = importlib.util.module_from_spec(spec)
spec.loader.exec_module(i18n)


def test_every_message_has_finnish_swedish_and_english():
    for key, entry in i18n.messages().items():
        assert set(entry) == {"fi", "sv", "en"}, key
        assert all(entry[lang].strip() for lang in entry), key


def test_translate_falls_back_to_finnish_then_the_key():
    assert i18n.translate("nav.search", "sv") == "Sök"
    assert i18n.translate("nav.search", "xx") == "Haku"
    assert i18n.translate("no.such.key", "en") == "no.such.key"


def test_lang_parameter_is_remembered_in_a_cookie(tmp_path):
    datasette = web.build(tmp_path / "empty.db")

    async def fetch():
        await datasette.invoke_startup()
        chosen = await datasette.client.get("/-/versions.json?lang=sv")
        ignored = await datasette.client.get("/-/versions.json?lang=de")
        return chosen, ignored

    chosen, ignored = asyncio.run(fetch())
    assert "ui_lang=sv" in chosen.headers.get("set-cookie", "")
    assert "ui_lang" not in ignored.headers.get("set-cookie", "")
