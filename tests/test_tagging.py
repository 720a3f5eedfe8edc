"""Language, plain language, type, phase and audience tagging."""

from __future__ import annotations

import json

import pytest

from harvester.pipelines.tag import tag
from harvester.tagging import vocabulary
from harvester.tagging.language import identify
from harvester.tagging.plain_language import plain_language

TEXTS = {
    "fi": "Kotoutumiskoulutus on maahanmuuttajille tarkoitettu koulutus, jossa opiskellaan suomen kieltä ja "
    "yhteiskuntatietoa. Koulutukseen hakeudutaan TE-toimiston kautta alkukartoituksen jälkeen.",
    "sv": "Integrationsutbildningen är avsedd för invandrare som vill lära sig svenska och få kunskap om "
    "samhället. Man söker till utbildningen via arbets- och näringsbyrån efter den inledande kartläggningen.",
    "en": "Integration training is meant for immigrants who want to learn Finnish and understand how society "
    "works. You apply for the training through the TE Office after the initial assessment.",
    "so": "Waxbarashada is-dhexgalka waxaa loogu talagalay soo-galootiga doonaya inay bartaan luqadda "
    "finishka iyo bulshada. Waxaad ka codsan kartaa xafiiska shaqada kadib qiimeynta hore.",
    "ar": "التدريب على الاندماج مخصص للمهاجرين الذين يريدون تعلم اللغة الفنلندية وفهم المجتمع. "
    "يمكنك التقدم للتدريب عن طريق مكتب العمل بعد التقييم الأولي.",
    "fa": "آموزش ادغام برای مهاجرانی است که می‌خواهند زبان فنلاندی یاد بگیرند و جامعه را بشناسند. "
    "پس از ارزیابی اولیه از طریق اداره کار برای این آموزش درخواست می‌دهید.",
    "ckb": "ڕاهێنانی تێکەڵبوون بۆ ئەو کۆچبەرانەیە کە دەیانەوێت زمانی فینلەندی فێربن و کۆمەڵگە بناسن. "
    "دوای هەڵسەنگاندنی سەرەتایی لە ڕێگەی نووسینگەی کارەوە داوا دەکەیت.",
    "ti": "ስልጠና ምውህሃድ ንስደተኛታት ቋንቋ ፊንላንድ ክመሃሩን ሕብረተሰብ ክፈልጡን ዝደልዩ እዩ። ድሕሪ ቀዳማይ ገምጋም ብቤት ጽሕፈት ስራሕ ኣቢልካ ትሓትት።",
    "ru": "Интеграционное обучение предназначено для иммигрантов, которые хотят выучить финский язык и "
    "понять общество. Подать заявку можно через бюро занятости после первичной оценки.",
    "uk": "Інтеграційне навчання призначене для іммігрантів, які хочуть вивчити фінську мову. "
    "Подати заяву можна через бюро зайнятості після початкової оцінки її знань.",
}


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_language_of_each_catalogue_language(lang):
    assert identify(TEXTS[lang]).languages == [lang]


def test_langdetect_is_deterministic():
    text = TEXTS["fi"][:90]
    assert len({tuple(identify(text).languages) for _ in range(10)}) == 1


def test_declared_language_is_overruled_when_the_text_clearly_disagrees():
    result = identify(TEXTS["en"], declared="fi")
    assert result.languages == ["en"] and result.method == "detected-over-declared"


def test_declared_language_is_kept_for_short_latin_text():
    result = identify("Opas", declared="sv", short_text="Opas")
    assert result.languages == ["sv"] and result.method == "declared"


def test_script_decides_short_non_latin_text():
    assert identify("", declared="fi", short_text="ሓበሬታ ንሓደስቲ ነበርቲ ከተማ ጅቫስኪላ").languages == ["ti"]


def test_multilingual_document_lists_every_language_main_first():
    text = "\n".join([TEXTS["fi"], TEXTS["fi"], TEXTS["en"], TEXTS["ar"]])
    result = identify(text, declared="fi")
    assert result.languages[0] == "fi"
    assert set(result.languages) == {"fi", "en", "ar"}


def test_plain_language_needs_an_explicit_marker():
    assert plain_language({"title": "Selkokielinen opas"}, "Tämä on opas.")[0] == 1
    assert plain_language({"url": "https://x.fi/lattlast/"}, "")[0] == 0
    assert plain_language({"title": "Lättläst guide"}, "")[0] == 1
    long_sentences = "Tämä opas on saatavilla myös selkosuomeksi, ja sen pitkissä virkkeissä on paljon " * 3
    assert plain_language({"title": "Opas"}, long_sentences)[0] == 0


def base_item(**fields):
    item = {
        "kind": "file",
        "url": "https://x.fi/a.pdf",
        "title": "",
        "text": "",
        "link_texts": [],
        "headings": [],
    }
    item.update(fields)
    return item


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Hyvä alku Länsirannikolla – loppuraportti 2016–2018", "report"),
        ("Tervetuloa Länsirannikolle – opas uudelle asukkaalle", "guide"),
        ("Hanke-esite", "brochure"),
        ("Helmi-työkirja – suomen kielen harjoituksia", "workbook"),
        ("Sanasto: kotoutumisen tärkeimmät sanat", "glossary"),
        ("Tuotekortti: Alkuvaiheen palvelumalli", "model"),
        ("Testbatteri i svenska som andraspråk", "assessment"),
        ("Palvelukartta: sähköiset neuvontapalvelut", "service-map"),
        ("Lättläst guide: Att bo i Österbotten", "guide"),
    ],
)
def test_type_from_title(title, expected):
    assert tag(base_item(title=title, text=TEXTS["fi"]))["type"] == expected


def test_type_from_link_text_when_the_title_says_nothing():
    item = tag(base_item(title="Dokumentti", link_texts=["Esite arabiaksi (PDF)"], text=TEXTS["ar"]))
    assert item["type"] == "brochure"
    assert item["tag_evidence"]["type:brochure"]["matched"] == ["link_text:esite"]


def test_defaults_and_embeds():
    assert tag(base_item(kind="page", title="Terveyspalvelut", text=TEXTS["fi"]))["type"] == "info-page"
    video = tag(base_item(kind="embed", url="https://www.youtube.com/watch?v=x", title="Helmi-peli"))
    assert video["type"] == "video"


def test_phases_use_content_and_the_project_prior():
    item = tag(
        base_item(title="Opas nivelvaiheeseen: ammatillinen koulutus ja jatko-opinnot", text=TEXTS["fi"]),
        project={"phases": ["transition"]},
    )
    assert item["phases"][0] == "transition"
    evidence = item["tag_evidence"]["phase:transition"]
    assert "prior:project" in evidence["matched"] and evidence["method"] == "rule"


def test_audiences_for_professionals_and_employers():
    assert (
        "guidance-professionals"
        in tag(base_item(title="Ohjaajan opas monikieliseen neuvontaan"))["audiences"]
    )
    assert (
        "employers" in tag(base_item(title="Opas työnantajalle: maahanmuuttaja työyhteisössä"))["audiences"]
    )


def test_every_tag_keeps_its_evidence():
    item = tag(base_item(title="Selkokielinen opas", text=TEXTS["fi"]))
    evidence = item["tag_evidence"]
    assert {f"language:{lang}" for lang in item["languages"]} <= set(evidence)
    assert {f"phase:{p}" for p in item["phases"]} <= set(evidence)
    assert {f"audience:{a}" for a in item["audiences"]} <= set(evidence)
    assert evidence["plain_language"]["method"] == "marker"


def test_vocabularies_have_the_public_ids_and_three_labels():
    assert vocabulary.ids("phases") == ["initial", "integration-training", "transition", "employment"]
    assert vocabulary.ids("audiences") == [
        "immigrants", "guidance-professionals", "teachers", "employers", "organisations", "decision-makers",
    ]  # fmt: skip
    assert len(vocabulary.ids("types")) == 14
    for name in vocabulary.VOCABULARIES:
        for row in vocabulary.labels(name):
            assert row["label_fi"] and row["label_sv"] and row["label_en"], (name, row)


def test_addressing_forms_name_the_audience_in_finnish_swedish_and_english():
    for title, audience in [
        ("Opas työnantajille: uusi työntekijä työyhteisössä", "employers"),
        ("Handbok för handledare i övergångsskedet", "guidance-professionals"),
        ("Lesson plans for teachers of Finnish as a second language", "teachers"),
        ("Vertaisryhmän ohjaajan opas vapaaehtoisille", "organisations"),
        ("Suosituksia kunnille: alkuvaiheen palvelumalli", "decision-makers"),
    ]:
        assert tag(base_item(title=title, text=TEXTS["fi"]))["audiences"][0] == audience, title


def test_type_and_language_act_as_audience_priors_not_overrides():
    report = tag(base_item(title="Loppuraportti 2019", text=TEXTS["fi"]))
    assert report["audiences"][0] == "decision-makers"
    assert "prior:type report" in report["tag_evidence"]["audience:decision-makers"]["matched"]
    somali = tag(base_item(title="Hagaha", text=TEXTS["so"] * 3))
    assert somali["audiences"] == ["immigrants"]
    # Content that names its readers outweighs a prior.
    employer_report = tag(base_item(title="Raportti työnantajille: rekrytointi", text=TEXTS["fi"]))
    assert employer_report["audiences"][0] == "employers"


def test_after_integration_training_is_the_transition_phase():
    item = tag(
        base_item(title="Mitä kotoutumiskoulutuksen jälkeen? Opiskelu ja ammattikoulu", text=TEXTS["fi"])
    )
    assert item["phases"][0] == "transition"


def test_file_names_are_read_word_by_word():
    assert tag(base_item(title="asiointi_harjoitukset", text=TEXTS["fi"]))["type"] == "workbook"


def test_same_input_same_tags():
    results = {
        json.dumps(tag(base_item(title="Opas", text=TEXTS["fi"] + TEXTS["en"])), sort_keys=True)
        for _ in range(5)
    }
    assert len(results) == 1


def test_the_selkotunnus_logo_marks_plain_language():
    from harvester.extract.html import extract_html

    html = (
        "<html lang='fi'><body><main><h1>Asuminen</h1>"
        "<img src='/kuvat/selkotunnus.png' alt='Selkokielen tunnus'>"
        "<p>Tämä sivu kertoo asumisesta. Vuokra maksetaan joka kuukausi. Kela voi auttaa.</p>"
        "</main></body></html>"
    )
    page = extract_html(html, "https://x.fi/asuminen/")
    assert page.images == ["Selkokielen tunnus /kuvat/selkotunnus.png"]
    item = tag(base_item(kind="page", title="Asuminen", text=page.text, images=page.images))
    assert item["plain_language"] == 1
    assert "images" in item["tag_evidence"]["plain_language"]["matched"]


# An unmarked text in the plain register, written for a newcomer (original text for this test).
UNMARKED_PLAIN = (
    "Tarvitsetko asunnon? Me autamme sinua.\n"
    "Vuokra-asunnon voit hakea kaupungilta. Hae asuntoa netissä.\n"
    "Voit hakea myös yksityiseltä. Kysy vuokra ennen kuin muutat.\n"
    "Vuokra maksetaan joka kuukausi. Maksa vuokra ajoissa.\n"
    "Tarvitsetko rahaa vuokraan? Kela voi auttaa. Hae tukea Kelasta.\n"
    "Muista kotivakuutus. Se on tärkeä. Kysy lisää ohjaajalta.\n"
    "Saat avaimet, kun muutat. Tarkista asunto heti. Kerro viasta isännöitsijälle.\n"
    "Voit tulla info-pisteeseen. Palvelu on ilmainen. Voit kysyä omalla kielellä."
)


def test_an_unmarked_plain_text_for_newcomers_is_plain_by_readability_and_audience():
    item = tag(base_item(kind="page", title="Tarvitsetko asunnon?", text=UNMARKED_PLAIN))
    assert item["plain_language"] == 1
    evidence = item["tag_evidence"]["plain_language"]
    assert evidence["method"] == "readability+audience"
    assert evidence["readability"]["sentence_words"] <= 6.0 and evidence["matched"]["audience"]


def test_readability_alone_never_makes_a_text_plain():
    # The same short sentences, but written for teachers: plain-looking, not plain language.
    for_teachers = UNMARKED_PLAIN + "\nOpettajalle: käytä tekstiä opetusryhmän kanssa. Opettaja ohjaa."
    item = tag(base_item(kind="file", title="Opettajan materiaali: asuminen", text=for_teachers))
    assert "teachers" in item["audiences"] and item["plain_language"] == 0
    # No audience evidence at all: a bare list of short lines.
    bare = "Asunto. Vuokra. Sähkö. Vesi. Vakuutus. Avaimet. Sauna. Pyykki. Roskat. Piha. " * 8
    assert tag(base_item(kind="file", title="Lista", text=bare))["plain_language"] == 0
    # Standard Finnish prose for newcomers: long sentences and long words.
    standard = (
        "Vuokra-asunnon hakeminen edellyttää, että hakija täyttää kaupungin asuntotoimiston "
        "sähköisen hakemuslomakkeen ja liittää siihen selvityksen tuloistaan sekä perheensä koosta. "
    ) * 4
    assert tag(base_item(kind="page", title="Voit hakea asuntoa", text=standard))["plain_language"] == 0


def test_the_unmarked_plain_register_is_only_judged_in_finnish_swedish_and_english():
    from harvester.tagging.plain_language import plain_register

    audiences = {"immigrants": {"method": "rule", "matched": ["text:sinua"], "score": 3}}
    assert plain_register(UNMARKED_PLAIN, "fi", audiences)
    assert plain_register(UNMARKED_PLAIN, "et", audiences) is None
    assert plain_register(UNMARKED_PLAIN, "fi", {"immigrants": {"method": "default"}}) is None


def test_a_page_that_embeds_a_map_or_a_game_is_typed_by_it_when_its_words_name_no_type():
    from harvester.tagging.tagger import tag

    def page(title, **signals):
        return {
            "kind": "page",
            "url": "https://hanke.example.fi/palvelut/",
            "title": title,
            "text": "Kartalla näet terveysasemat, kirjastot ja TE-toimiston. Valitse palvelu kartalta.",
            "page_signals": signals,
        }

    mapped = tag(page("Palvelut Kajaanissa", interactive="map"))
    assert mapped["type"] == "service-map"
    assert mapped["tag_evidence"]["type:service-map"]["method"] == "structure"
    assert tag(page("Arki haltuun", app_links=True))["type"] == "game-or-app"
    assert tag(page("Muistipeli", interactive="game-or-app"))["type"] == "game-or-app"
    assert tag(page("Asumisen opas", interactive="map"))["type"] == "guide"  # its title names it
    assert tag(page("Palvelut Kajaanissa"))["type"] == "info-page"


def test_a_text_names_its_own_type_only_when_its_title_does_not():
    from harvester.tagging.rules import pick_type

    text = "Tämä esite kertoo, miten kirjastokortin saa ja mitä kirjastossa voi lainata."
    assert pick_type({"title": "Kirjasto on kaikille", "text": text}, "guide")[0] == "brochure"
    assert pick_type({"title": "Työkirja: kirjastossa", "text": text}, "guide")[0] == "workbook"
    assert (
        pick_type({"title": "Kirjasto on kaikille", "text": "Kirjastossa voi lainata."}, "guide")[0]
        == "guide"
    )


def test_an_operating_model_speaks_also_to_those_who_would_run_it():
    from harvester.tagging.tagger import tag

    model = {
        "kind": "file",
        "url": "https://hanke.example.fi/tiedostot/tuotekortti-kaveriohjaus.pdf",
        "title": "Tuotekortti: Kaveriohjaus",
        "text": (
            "Kaveriohjauksessa vapaaehtoinen kaveri tukee juuri muuttanutta arjen asioinnissa. "
            "Järjestö rekrytoi ja kouluttaa vapaaehtoiset, ja järjestön työntekijä ohjaa kaveripareja. "
            "Vapaaehtoiset tapaavat toisiaan kuukausittain. Järjestöt voivat ottaa mallin käyttöön, ja sitä "
            "voi soveltaa myös muussa vapaaehtoistyössä."
        ),
    }
    tagged = tag(model)
    assert tagged["type"] == "model"
    assert tagged["audiences"] == ["decision-makers", "organisations"]
    guide = tag({**model, "title": "Kaveriohjaajan opas", "url": "https://hanke.example.fi/opas.pdf"})
    assert guide["type"] == "guide" and "decision-makers" not in guide["audiences"]
