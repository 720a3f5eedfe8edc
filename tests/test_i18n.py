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


def test_table_cells_follow_the_interface_language(harvested):
    """Datasette's render_cell gets no request: the cells still speak the chosen language."""
    import re

    from harvester.tagging.vocabulary import label_map

    datasette = web.build(harvested[0])

    async def fetch(query: str, cookie: str | None = None):
        await datasette.invoke_startup()
        headers = {"cookie": cookie} if cookie else {}
        return (await datasette.client.get(f"/catalog/materials?_size=200{query}", headers=headers)).text

    def cells(page: str, column: str) -> set[str]:
        found = re.findall(rf'<td class="col-{column} [^"]*"[^>]*>(.*?)</td>', page, re.S)
        return {part.strip() for cell in found for part in cell.split(",") if part.strip()}

    pages = {
        "fi": asyncio.run(fetch("")),
        "sv": asyncio.run(fetch("&lang=sv")),
        "en": asyncio.run(fetch("", cookie="ui_lang=en")),
    }
    for lang, page in pages.items():
        phases = label_map("phases", lang)
        shown = cells(page, "phases")
        assert shown and shown <= set(phases.values()), (lang, shown)
        assert phases["initial"] in shown, lang
        plain = cells(page, "plain_language") - {"–"}
        assert plain == {f"{i18n.translate('material.plain', lang)} ✓"}, (lang, plain)
    for lang, page in pages.items():
        types = {re.sub(r"<[^>]+>", "", cell) for cell in cells(page, "type")}
        assert types and types <= set(label_map("types", lang).values()), (lang, types)
