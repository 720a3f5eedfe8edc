"""People see labels, URLs and the JSON API keep ids: Jinja filters for the catalogue's templates and
the materials table's cells ("Alkuvaihe", "somali", "Opas" for initial, so, guide), in Finnish first."""

from __future__ import annotations

import json

from jinja2 import pass_context
from markupsafe import Markup, escape

from datasette import hookimpl
from harvester.catalog.readiness import licence_problem, problem_message
from harvester.tagging.vocabulary import label_map
from harvester.ui_language import REQUEST_LANGUAGE, translate
from harvester.web import catalogue_name

VOCABULARY_COLUMNS = {"type": "types", "languages": "languages", "phases": "phases", "audiences": "audiences"}
FACET_ORDER = ("languages", "phases", "audiences", "type", "project_id", "round", "year", "format", "status")


def label(value, vocabulary: str, lang: str = "fi") -> str:
    return label_map(vocabulary, lang).get(value, value or "")


def labels(value, vocabulary: str, lang: str = "fi") -> list[str]:
    """Labels of a tag list, given as the catalogue's JSON text or as a list."""
    values = json.loads(value) if isinstance(value, str) else (value or [])
    return [label(v, vocabulary, lang) for v in values]


def _lang(context) -> str:
    lang = context.get("ui_lang")
    return lang if lang in ("fi", "sv", "en") else "fi"


def file_size(size, lang: str = "fi") -> str:
    """Bytes for people: "1,2 Mt" in Finnish, "1.2 MB" in English."""
    if not isinstance(size, int | float) or size <= 0:
        return ""
    units = {"fi": ("t", "kt", "Mt", "Gt"), "sv": ("B", "kB", "MB", "GB")}.get(lang, ("B", "kB", "MB", "GB"))
    value, unit = float(size), 0
    while value >= 1000 and unit < len(units) - 1:
        value, unit = value / 1000, unit + 1
    shown = f"{value:.0f}" if unit == 0 or value >= 10 else f"{value:.1f}"
    return f"{shown.replace('.', ',') if lang != 'en' else shown} {units[unit]}"


def facets_in_order(facets) -> list:
    """Facets in the configured order, whatever their counts (Datasette orders by size), and none
    without values (a "Vuosi" facet where no material has a year)."""
    rank = {name: i for i, name in enumerate(FACET_ORDER)}
    shown = [f for f in facets if f.get("results")]
    return sorted(shown, key=lambda f: (rank.get(f["name"], len(FACET_ORDER)), f["name"]))


def _translated(context, key: str, **values) -> str:
    t = context.get("t")
    return t(key, **values) if callable(t) else key


@hookimpl
def prepare_jinja2_environment(env):
    env.globals["catalogue"] = catalogue_name()  # templates link to the catalogue's tables by it
    # In templates the labels follow the page's language (`ui_lang`, set by the i18n plugin).
    env.filters["label"] = pass_context(lambda ctx, value, vocabulary: label(value, vocabulary, _lang(ctx)))
    env.filters["labels"] = pass_context(lambda ctx, value, vocabulary: labels(value, vocabulary, _lang(ctx)))
    env.filters["facet_name"] = pass_context(
        lambda ctx, name: _translated(ctx, f"facet.{name}") if name in FACET_ORDER else name
    )
    env.filters["facet_value"] = pass_context(
        lambda ctx, value, column, fallback: (
            label(value, VOCABULARY_COLUMNS[column], _lang(ctx)) if column in VOCABULARY_COLUMNS else fallback
        )
    )
    env.filters["facets_in_order"] = facets_in_order
    env.filters["filesize"] = pass_context(lambda ctx, size: file_size(size, _lang(ctx)))
    env.filters["aoe_problem"] = pass_context(
        lambda ctx, problem: _translated(ctx, *[problem_message(problem)[0]], **problem_message(problem)[1])
    )
    env.filters["licence_blocks"] = licence_problem
    env.filters["fromjson"] = lambda value: (
        json.loads(value) if isinstance(value, str) and value else (value or [])
    )


@hookimpl
def render_cell(row, value, column, table, database):
    """Labels instead of ids in the materials table, titles linking to the material's own page,
    project ids to the project's page."""
    if database != catalogue_name() or value is None:
        return None
    if table == "projects" and column in ("name_fi", "name_sv") and "id" in row.keys():  # noqa: SIM118
        return Markup(f'<a href="/hanke/{escape(row["id"])}">{escape(value)}</a>')
    if table != "materials":
        return None
    if column == "title" and row is not None and "id" in row.keys():  # noqa: SIM118 (a sqlite3.Row)
        return Markup(f'<a href="/aineisto/{escape(row["id"])}" dir="auto">{escape(value)}</a>')
    if column == "project_id":  # expanded as a foreign key: {"value": id, "label": name}
        project, name = (value["value"], value["label"]) if isinstance(value, dict) else (value, value)
        return Markup(f'<a href="/hanke/{escape(project)}">{escape(name or project)}</a>')
    lang = REQUEST_LANGUAGE.get()  # render_cell gets no request: the i18n plugin keeps its language
    if column in ("languages", "phases", "audiences"):
        try:
            shown = labels(value, VOCABULARY_COLUMNS[column], lang)
        except (ValueError, TypeError):
            return None
        return Markup(", ".join(str(escape(s)) for s in shown))
    if column == "type":  # expanded as a foreign key to the types table, or the bare id
        type_id = value.get("value") if isinstance(value, dict) else value
        if not isinstance(type_id, str):
            return None
        shown = escape(label(type_id, "types", lang))
        return Markup(f'<a href="/{catalogue_name()}/types/{escape(type_id)}">{shown}</a>')
    if column == "plain_language":  # an empty Markup would show the 0
        return Markup(f"{escape(translate('material.plain', lang))} ✓") if value else Markup("–")
    return None


# The materials table as people browse it ("Taulukko / API"): the internal columns (hashes, the
# extracted text, harvest bookkeeping) are left out of the HTML unless asked for with ?_col=;
# the JSON and CSV keep every column.
MATERIALS_SHOWN = (
    "id", "title", "type", "languages", "plain_language", "phases", "audiences", "format",
    "project_id", "license", "year", "status",
)  # fmt: skip


def shown_columns(columns, table: str, request) -> list:
    """The columns (Datasette's display_columns or a row's cells) of the HTML table."""
    if table != "materials" or (request is not None and request.args.getlist("_col")):
        return list(columns)
    return [c for c in columns if (c["name"] if "name" in c else c["column"]) in MATERIALS_SHOWN]


@hookimpl(specname="prepare_jinja2_environment")
def column_filters(env):
    env.filters["shown_columns"] = shown_columns
