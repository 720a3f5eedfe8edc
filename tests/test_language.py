"""Language identification on the hard cases: close languages, ALL-CAPS titles, other scripts.

Every text here was written for these tests."""

from __future__ import annotations

import json
import socket

import pytest

from harvester.tagging import language
from harvester.tagging.language import identify, main_language

DARI = (
    "شاروالی کابل اعلام کرد که سرک‌های عمومی این ولسوالی تا اخیر ماه جوزا ترمیم می‌شوند. "
    "همچنان برای متعلمین لیسه‌های شهر، صنف‌های اضافی ساخته خواهد شد."
)
PERSIAN = (
    "شهرداری تهران اعلام کرد که خیابان‌های اصلی این شهرستان تا پایان اردیبهشت بازسازی می‌شوند. "
    "همچنین برای دانش‌آموزان مدرسه‌های استان کلاس‌های تازه ساخته خواهد شد."
)
PERSIAN_NEUTRAL = "کتابخانه شهر هر روز از ساعت نه صبح تا شش عصر باز است و عضویت در آن رایگان است."
AMHARIC = (
    "ይህ መመሪያ ለአዲስ ስደተኞች የተዘጋጀ ነው። በከተማው ውስጥ የሚገኙ አገልግሎቶችን እና የቋንቋ ትምህርትን ያብራራል። "
    "ተጨማሪ መረጃ ከፈለጉ ወደ ቢሯችን መምጣት ይችላሉ።"
)
TIGRINYA = (
    "እዚ መምርሒ ንሓደስቲ ስደተኛታት ዝተዳለወ እዩ። ኣብ ከተማ ዘለዉ ኣገልግሎታትን ትምህርቲ ቋንቋን ይገልጽ። "
    "ተወሳኺ ሓበሬታ እንተደሊኹም ናብ ቤት ጽሕፈትና ክትመጹ ትኽእሉ ኢኹም።"
)
KURMANJI = (
    "Ev rêber ji bo penaberên nû hatiye amadekirin. Di vê pirtûkê de hûn dikarin agahiyên li ser "
    "kursên zimanê fînî û xebatê bibînin."
)
TURKISH = (
    "Bu rehber yeni gelen göçmenler için hazırlandı. Bu kitapta Fince dil kursları ve iş bulma "
    "hakkında bilgi bulabilirsiniz."
)
SORANI = "ئەم ڕێبەرە بۆ پەنابەرە نوێیەکان ئامادە کراوە. لێرەدا زانیاری دەربارەی خولەکانی زمانی فینلەندی هەیە."
FINNISH = (
    "Kotoutumiskoulutuksessa opiskellaan suomen kieltä ja tutustutaan suomalaiseen työelämään. "
    "Koulutus kestää yleensä noin vuoden, ja sen aikana voi tehdä myös työharjoittelua."
)
SOMALI = (
    "Waxbarashada luqadda waxay socotaa qiyaastii hal sano. Inta lagu jiro waxbarashada waxaad "
    "sidoo kale baran kartaa nolosha shaqada ee Finland iyo sida bulshadu u shaqeyso."
)


@pytest.mark.parametrize(
    ("text", "lang", "method"), [(DARI, "prs", "dari-vocabulary"), (PERSIAN, "fa", None)]
)
def test_dari_and_persian_are_told_apart_by_their_own_words(text, lang, method):
    result = identify(text)
    assert result.languages == [lang]
    if method:
        assert result.method == method and result.evidence[lang]["matched"]


def test_persian_without_afghan_markers_stays_persian():
    assert main_language(PERSIAN_NEUTRAL) == "fa"


def test_a_persian_declaration_is_refined_to_dari_and_a_dari_declaration_is_kept():
    assert identify(DARI, declared="fa").languages == ["prs"]
    assert identify(PERSIAN_NEUTRAL, declared="prs").languages == ["prs"]


def test_amharic_is_not_read_as_tigrinya():
    result = identify(AMHARIC)
    assert result.languages == ["am"] and result.method == "amharic-vocabulary"


def test_tigrinya_is_recognised_by_its_function_words_and_spelling():
    result = identify(TIGRINYA)
    assert result.languages == ["ti"] and result.method == "tigrinya-vocabulary"
    assert "እዩ" in result.evidence["ti"]["matched"]


def test_short_amharic_headline():
    assert main_language("አዲሱ የቋንቋ ትምህርት በሚቀጥለው ሳምንት ይጀመራል") == "am"


def test_kurmanji_is_not_read_as_turkish():
    assert main_language(KURMANJI) == "kmr"
    assert main_language(TURKISH) == "tr"


def test_short_kurmanji_title():
    assert main_language("Rêbera xwendina zimên ji bo jin û zarokan") == "kmr"


def test_kurmanji_typed_without_circumflexes():
    assert main_language("Ji bo agahiyen zedetir, ji kerema xwe re telefon bikin.") == "kmr"


def test_sorani_by_its_letters_even_in_a_short_title():
    assert identify(SORANI).languages == ["ckb"]
    result = identify("", short_text="ڕێنمایی بۆ خێزانە نوێیەکان")
    assert result.languages == ["ckb"] and result.method == "sorani-letters"


@pytest.mark.parametrize(
    ("title", "lang"),
    [
        ("OPAS MAAHANMUUTTAJAVANHEMMILLE: LAPSEN KOULUPOLKU SUOMESSA", "fi"),
        ("SÅ HITTAR DU RÄTT VÅRDCENTRAL I DIN KOMMUN", "sv"),
        ("HOW TO FIND A FAMILY DOCTOR IN YOUR TOWN", "en"),
        ("SIDA LOO HELO DHAKHTARKA QOYSKA EE MAGAALADAADA", "so"),
    ],
)
def test_all_caps_titles_are_read_case_insensitively(title, lang):
    assert main_language(title) == lang
    assert main_language(title.lower()) == lang  # the same answer as for the lower-case title


def test_ukrainian_without_its_own_letters_is_not_russian():
    assert main_language("Ця програма допоможе вам знайти роботу та вивчати мову") == "uk"
    assert main_language("Коли можна подати заяву на роботу") == "uk"  # the model alone says Bulgarian
    assert main_language("Как получить вид на жительство в Финляндии") == "ru"


def test_chinese_and_japanese_get_a_language():
    result = identify("欢迎来到芬兰。本指南介绍语言课程、住房和工作机会，以及如何预约医生。")
    assert result.languages == ["zh"] and result.method == "script"
    assert main_language("フィンランドでの生活ガイド：住まいと仕事について") == "ja"


def test_other_scripts_get_their_language():
    assert main_language("ยินดีต้อนรับสู่ประเทศฟินแลนด์ คู่มือนี้สำหรับผู้มาใหม่") == "th"
    assert main_language("핀란드 생활 안내서: 언어 강좌와 일자리 정보") == "ko"


@pytest.mark.parametrize(
    ("title", "lang"),
    [
        ("Opas uudelle kuntalaiselle", "fi"),
        ("Guide för nya invånare i kommunen", "sv"),
        ("Hagaha dadka cusub ee magaalada", "so"),
        ("Путеводитель для новых жителей", "ru"),
    ],
)
def test_short_titles(title, lang):
    assert identify("", short_text=title).languages == [lang]


def test_declared_language_is_kept_for_an_ambiguous_short_text():
    result = identify("", declared="sv", short_text="Info")
    assert result.languages == ["sv"] and result.method == "declared"


def test_declared_language_is_overruled_by_a_clear_text():
    result = identify(FINNISH, declared="en")
    assert result.languages == ["fi"] and result.method == "detected-over-declared"


def test_multilingual_document_lists_both_languages_main_first():
    text = "\n".join([FINNISH, FINNISH, SOMALI])
    result = identify(text)
    assert result.languages == ["fi", "so"]
    assert result.shares["fi"] > result.shares["so"] > 0.12


def test_a_long_somali_text_lists_only_somali():
    # fastText reads these paragraphs as "fi 0.3" at best: its leftovers must not add up to Finnish
    text = "\n".join(
        [
            "Haddii aad xanuunsan tahay, subaxa hore wac xarunta caafimaadka ee xaafaddaada. Kalkaalisada "
            "ayaa kuu qabanaysa ballan dhakhtar haddii loo baahdo.",
            "Kela waxay bixisaa kaalmo guriga iyo lacagta carruurta. Codsiga waxaad ku samayn kartaa "
            "internetka ama xafiiska Kela ee Jyväskylä.",
            SOMALI,
        ]
    )
    assert identify(text, declared="so").languages == ["so"]
    assert identify(text).languages == ["so"]


def test_evidence_is_json_and_says_what_decided():
    for text in (DARI, AMHARIC, KURMANJI, FINNISH):
        result = identify(text)
        json.dumps({"method": result.method, "shares": result.shares, "evidence": result.evidence})
        assert result.evidence[result.languages[0]]["method"] == result.method


def test_the_model_loads_from_the_installed_package_without_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("language identification tried to open a socket")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    language.fasttext_model.cache_clear()
    assert main_language(FINNISH) == "fi"
    assert main_language(KURMANJI) == "kmr"
    assert language.fasttext_model.cache_info().misses == 1  # loaded once, then reused


def test_a_declaration_stands_where_the_script_alone_cannot_tell():
    # Ge'ez script, but no word or letter that tells Amharic from Tigrinya: the page's declaration holds
    result = identify("", declared="am", short_text="ኢትዮጵያ")
    assert result.languages == ["am"] and result.method == "declared"
    assert identify("", declared="ti", short_text="ኢትዮጵያ").languages == ["ti"]
