"""People see labels, URLs and the JSON API keep ids: Jinja filters for the catalogue's templates and
the materials table's cells ("Alkuvaihe", "somali", "Opas" for initial, so, guide), in Finnish first."""

from __future__ import annotations

import json

from jinja2 import pass_context
from markupsafe import Markup, escape

from datasette import hookimpl
from harvester.tagging.vocabulary import label_map
from harvester.web import catalogue_name

VOCABULARY_COLUMNS = {"type": "types", "languages": "languages", "phases": "phases", "audiences": "audiences"}
FACET_NAMES = {
    "languages": "Kieli · Språk · Language",
    "phases": "Kotoutumisen vaihe · Skede · Phase",
    "audiences": "Kohderyhmä · Målgrupp · Audience",
    "type": "Aineistotyyppi · Typ · Type",
    "project_id": "Pilottihanke · Projekt · Project",
    "format": "Muoto · Format",
    "status": "Tila · Status",
    "round": "Hakukierros · Ansökningsomgång · Call round",
    "year": "Vuosi · År · Year",
}


def label(value, vocabulary: str, lang: str = "fi") -> str:
    return label_map(vocabulary, lang).get(value, value or "")


def labels(value, vocabulary: str, lang: str = "fi") -> list[str]:
    """Labels of a tag list, given as the catalogue's JSON text or as a list."""
    values = json.loads(value) if isinstance(value, str) else (value or [])
    return [label(v, vocabulary, lang) for v in values]


def _lang(context) -> str:
    lang = context.get("ui_lang")
    return lang if lang in ("fi", "sv", "en") else "fi"


@hookimpl
def prepare_jinja2_environment(env):
    env.globals["catalogue"] = catalogue_name()  # templates link to the catalogue's tables by it
    # In templates the labels follow the page's language (`ui_lang`, set by the i18n plugin).
    env.filters["label"] = pass_context(lambda ctx, value, vocabulary: label(value, vocabulary, _lang(ctx)))
    env.filters["labels"] = pass_context(lambda ctx, value, vocabulary: labels(value, vocabulary, _lang(ctx)))
    env.filters["facet_name"] = lambda name: FACET_NAMES.get(name, name)
    env.filters["facet_value"] = lambda value, column, fallback: (
        label(value, VOCABULARY_COLUMNS[column]) if column in VOCABULARY_COLUMNS else fallback
    )
    env.filters["fromjson"] = lambda value: (
        json.loads(value) if isinstance(value, str) and value else (value or [])
    )


@hookimpl
def render_cell(value, column, table, database):
    """Labels instead of ids in the materials table."""
    if database != catalogue_name() or table != "materials" or value is None:
        return None
    if column in ("languages", "phases", "audiences"):
        try:
            shown = labels(value, VOCABULARY_COLUMNS[column])
        except (ValueError, TypeError):
            return None
        return Markup(", ".join(str(escape(s)) for s in shown))
    if column == "plain_language":
        return Markup("selkokieli ✓") if value else Markup("")
    return None
