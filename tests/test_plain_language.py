"""Plain-language detection: the register model on Finnish and Swedish, markers, texts about plain language.

All texts here were written for these tests: plain ones after Selkokeskus guidance (short sentences,
common words, one thing a sentence), standard ones on the same topics, and texts *about* plain language.
"""

import json
import math

import pytest

from harvester.tagging.plain_language import (
    common_words,
    is_plain,
    plain_language,
    plain_register,
    readability,
    register,
)
from harvester.tagging.register_features import (
    WORD,
    finnish_constructions,
    finnish_explanations,
    finnish_officialese,
    paragraph_words,
    prose_sentences,
)
from harvester.tagging.tagger import tag

FI_PLAIN = (
    "Kirjasto on kaikille avoin paikka. Kirjastossa voit lainata kirjoja ilmaiseksi. "
    "Tarvitset kirjastokortin. Saat kortin, kun näytät henkilökortin. "
    "Kortti on ilmainen. Voit lainata kirjoja, lehtiä ja elokuvia. "
    "Kirjastossa voit myös käyttää tietokonetta. Voit tulostaa ja lukea lehtiä. "
    "Lapset voivat tulla satutuntiin. Satutunti on joka keskiviikko. "
    "Kirjaston työntekijät auttavat sinua. Voit kysyä heiltä, jos et löydä kirjaa."
)
FI_STANDARD = (
    "Kaupunginkirjaston palveluvalikoimaan kuuluvat aineistojen lainaamisen lisäksi asiakaskäytössä "
    "olevat tietokoneet, tulostuspalvelut sekä monipuolinen tapahtumatarjonta, jonka suunnittelussa "
    "huomioidaan eri-ikäisten käyttäjäryhmien tarpeet. Kirjastokortin saamiseksi asiakkaan tulee "
    "esittää voimassa oleva henkilöllisyystodistus, ja alaikäisen hakemukseen tarvitaan huoltajan "
    "allekirjoittama suostumus. Myöhästymismaksuja ei peritä lasten ja nuorten aineistoista."
)
FI_ABOUT = (
    "Selkokieli on suomen kielen muoto, jonka sisältöä, sanastoa ja rakenteita on mukautettu "
    "luettavammiksi ja ymmärrettävämmiksi. Selkokeskuksen arvion mukaan selkokielisiä palveluja "
    "tarvitsee Suomessa noin 650 000–750 000 ihmistä, joista merkittävä osa on maahanmuuttajia. "
    "Kaupungin viestintäyksikkö on käynnistänyt hankkeen, jossa keskeisimmät verkkosivut julkaistaan "
    "jatkossa myös selkosuomeksi ja henkilöstölle järjestetään selkokielen koulutusta."
)
SV_PLAIN = (
    "Biblioteket är öppet för alla. Där kan du låna böcker gratis. "
    "Du behöver ett lånekort. Du får kortet när du visar ditt id-kort. "
    "Kortet kostar inget. Du kan låna böcker, tidningar och filmer. "
    "På biblioteket finns datorer. Du kan skriva ut och läsa tidningar där. "
    "Barn kan komma på sagostund. Sagostunden är varje onsdag. "
    "Personalen hjälper dig. Fråga dem om du inte hittar en bok."
)
SV_STANDARD = (
    "Stadsbibliotekets tjänsteutbud omfattar utöver utlåning av medier även datorarbetsplatser, "
    "utskriftstjänster och ett omfattande evenemangsprogram, vars planering beaktar olika "
    "användargruppers behov. För att erhålla ett lånekort ska kunden uppvisa en giltig "
    "identitetshandling, och för minderåriga krävs vårdnadshavarens underskrivna samtycke. "
    "Förseningsavgifter debiteras inte för barn- och ungdomslitteratur."
)
SV_ABOUT = (
    "Lättläst svenska är en anpassad form av svenska där innehåll, ordförråd och meningsbyggnad "
    "bearbetats för att underlätta läsförståelsen. Enligt uppskattningar behöver uppemot en fjärdedel "
    "av den vuxna befolkningen lättlästa texter, bland annat personer med intellektuell "
    "funktionsnedsättning, dyslexi eller annat modersmål. Kommunens kommunikationsavdelning har därför "
    "inlett ett utvecklingsarbete där de mest centrala webbsidorna publiceras på lättläst svenska."
)
FI_PLAIN_NEWS = (
    "Bussilippujen hinnat nousevat ensi vuonna. Lippu maksaa tammikuusta alkaen 20 senttiä enemmän. "
    "Hinnat nousevat, koska polttoaine on kallista. Myös kuljettajien palkat ovat nousseet. "
    "Kuukausilippu maksaa jatkossa 60 euroa. Lapset ja opiskelijat saavat lipun halvemmalla. "
    "Eläkeläiset saavat myös alennusta. Uudet hinnat ovat netissä ja bussissa."
)
FI_CLEAR_STANDARD = (
    "Asumistuen määrään vaikuttavat ruokakunnan kaikkien jäsenten tulot, asumismenot ja asunnon sijainti. "
    "Hakemukseen on liitettävä vuokrasopimus sekä selvitys ruokakunnan bruttotuloista. "
    "Tukea myönnetään tavallisesti vuodeksi kerrallaan, minkä jälkeen Kela tarkistaa oikeuden tukeen. "
    "Olennaisista muutoksista tuloissa tai perhetilanteessa on ilmoitettava viipymättä."
)
SV_PLAIN_NEWS = (
    "Bussbiljetten blir dyrare nästa år. En biljett kostar 20 öre mer från januari. "
    "Priset går upp för att bensin är dyr. Chaufförerna får också mer i lön. "
    "Ett månadskort kostar 60 euro. Barn och studenter får betala mindre. "
    "Pensionärer får också rabatt. De nya priserna finns på nätet och i bussen."
)
SV_CLEAR_STANDARD = (
    "Bostadsbidragets storlek påverkas av samtliga hushållsmedlemmars inkomster, boendekostnader och "
    "bostadens belägenhet. Ansökan ska kompletteras med hyresavtal samt en redogörelse för hushållets "
    "bruttoinkomster. Stödet beviljas vanligtvis för ett år i taget, varefter handläggaren omprövar rätten "
    "till förmånen. Väsentliga förändringar i inkomster eller familjesituation ska anmälas utan dröjsmål."
)
EN_EASY = (
    "The library is open to everyone. You can borrow books for free. You need a library card. "
    "You get the card when you show your ID. The card is free. Staff can help you. Ask them for help."
)
IMMIGRANTS = {"immigrants": {"method": "rule", "matched": ["text:voit "], "score": 2.0}}


@pytest.mark.parametrize("text", [FI_PLAIN, FI_PLAIN_NEWS, SV_PLAIN, SV_PLAIN_NEWS])
def test_plain_finnish_and_swedish_read_as_plain_without_any_marker(text):
    assert is_plain(text)


@pytest.mark.parametrize(
    "text", [FI_STANDARD, FI_CLEAR_STANDARD, FI_ABOUT, SV_STANDARD, SV_CLEAR_STANDARD, SV_ABOUT]
)
def test_standard_texts_on_the_same_topics_stay_standard(text):
    assert not is_plain(text)


def test_short_sentences_alone_do_not_make_clear_standard_language_plain():
    # Under 11 words a sentence, but long words and uncommon vocabulary: selkeä yleiskieli, not selkokieli.
    measure = readability(FI_CLEAR_STANDARD, "fi")
    assert measure["sentence_words"] < 11
    assert register(FI_CLEAR_STANDARD, "fi") is None


def test_register_evidence_says_what_decided_and_is_json():
    evidence = register(FI_PLAIN, "fi")
    assert evidence["method"] == "register"
    figures = evidence["readability"]
    assert figures["language"] == "fi" and figures["score"] >= figures["threshold"]
    assert {"sentence_words", "word_letters", "long_words", "rare_words", "words"} <= set(figures)
    assert json.loads(json.dumps(evidence)) == evidence


def test_the_words_selkokieli_and_lattlast_in_the_body_do_not_make_a_text_plain():
    assert plain_language({"title": "Kaupunki uudistaa viestintäänsä"}, FI_ABOUT, "fi") == (0, None)
    assert plain_language({"title": "Kommunen förnyar sin webb"}, SV_ABOUT, "sv") == (0, None)


def test_a_body_marker_counts_when_the_body_reads_plainly():
    flag, evidence = plain_language({"title": "Kirjasto"}, "Tämä teksti on selkosuomea. " + FI_PLAIN, "fi")
    assert flag == 1 and evidence["method"] == "marker+register"
    assert evidence["matched"] == {"text": "selkosuom"}
    assert plain_language({"title": "Kirjasto"}, "Sivu on myös selkosuomeksi. " + FI_STANDARD, "fi")[0] == 0


def test_a_marker_in_title_headings_or_alt_text_decides():
    flag, evidence = plain_language({"title": "Kirjasto selkosuomeksi"}, FI_PLAIN_NEWS, "fi")
    assert flag == 1 and evidence["method"] == "marker" and evidence["matched"] == {"title": "selkosuom"}
    assert plain_language({"headings": "Lättläst | Biblioteket"}, SV_PLAIN, "sv")[0] == 1
    assert plain_language({"images": "Selkotunnus /img/selkotunnus.png"}, "", "fi")[0] == 1
    # The marker decides even where the register model would not have fired on its own.
    assert plain_language({"title": "Selkoesite"}, "Kela auttaa. Tule käymään.", "fi")[0] == 1


def test_a_marked_page_written_in_standard_prose_is_about_plain_language():
    about = FI_ABOUT + " " + FI_STANDARD
    assert plain_language({"title": "Selkokieli kaupungin palveluissa"}, about, "fi") == (0, None)


def test_english_easy_read_works_through_markers_only():
    assert register(EN_EASY, "en") is None
    assert plain_language({"title": "Easy-to-read guide to the library"}, EN_EASY, "en")[0] == 1


def test_word_lists_and_very_short_texts_are_not_judged():
    word_list = "Kirja. Lehti. Kortti. Tietokone. Tulostin. Satutunti. Lapset. Aikuiset. " * 4
    assert register(word_list, "fi") is None
    assert register("Kirjasto on auki. Tule käymään.", "fi") is None


def test_unmarked_material_needs_immigrant_audience_and_no_professional_one():
    evidence = plain_register(FI_PLAIN, "fi", IMMIGRANTS)
    assert evidence["method"] == "readability+audience" and evidence["matched"]["audience"] == ["text:voit "]
    weak_teacher = {**IMMIGRANTS, "teachers": {"method": "rule", "matched": ["text:ryhmä"], "score": 0.3}}
    assert plain_register(FI_PLAIN, "fi", weak_teacher)
    for_teachers = {**IMMIGRANTS, "teachers": {"method": "rule", "matched": ["title:opettaj"], "score": 5.0}}
    assert plain_register(FI_PLAIN, "fi", for_teachers) is None
    assert plain_register(FI_PLAIN, "fi", {"immigrants": {"method": "default", "score": 0}}) is None
    assert plain_register(FI_STANDARD, "fi", IMMIGRANTS) is None


def test_common_word_lists_ship_with_the_package():
    assert {"ja", "on", "voit"} <= common_words("fi")
    assert {"och", "är", "du"} <= common_words("sv")
    assert common_words("et") == frozenset()


# The same original integration topic twice: selkokieli news (short sentences, one thing each, common
# words, no condensed constructions, no audience named) and standard news.
FI_SELKO_NEWS = (
    "Kotoutumiskoulutukseen pääsee nyt nopeammin. Jonot ovat lyhentyneet monessa kaupungissa. "
    "Viime vuonna koulutusta piti odottaa monta kuukautta. Nyt odotusaika on noin yksi kuukausi. "
    "Kotoutumiskoulutuksessa opiskellaan suomea tai ruotsia. Siellä opitaan myös, miten Suomessa asutaan "
    "ja tehdään työtä. Koulutus on ilmainen. Opiskelijat saavat rahaa Kelasta tai kunnasta. "
    "Kunnat ovat palkanneet lisää opettajia. Siksi uusia ryhmiä on enemmän kuin ennen."
)
FI_STANDARD_NEWS = (
    "Kotoutumiskoulutuksen jonot ovat lyhentyneet merkittävästi useissa kaupungeissa, mikä nopeuttaa "
    "maahan muuttaneiden työllistymistä. Vielä viime vuonna koulutukseen ohjatut asiakkaat joutuivat "
    "odottamaan aloituspaikkaa keskimäärin useita kuukausia, mutta nykyisin odotusaika on lyhentynyt "
    "noin kuukauteen. Kuntien mukaan muutos johtuu ennen muuta opettajaresurssien lisäämisestä sekä "
    "hankintamenettelyjen keventämisestä. Koulutukseen osallistuminen on opiskelijalle maksutonta, ja "
    "sen ajalta voi saada työttömyysetuutta tai toimeentulotukea."
)
# Short sentences, but written in the condensed style selkokieli avoids.
FI_CONDENSED = (
    "Hakemuksen jättäneiden asiakkaiden on toimitettava tositteet saatuaan päätöksen. Käsittelyä "
    "nopeutetaan tarkistamalla liitteet ennen lähettämistä. Asiakas voi tehdessään hakemusta pyytää "
    "neuvontaa (esim. puhelimitse), mikäli lomakkeen täyttäminen tuntuu vaikealta."
)


def body_item(text, **fields):
    return {"kind": "page", "url": "about:text", "title": None, "text": text, "link_texts": [], **fields}


def test_selkokieli_news_and_standard_news_on_the_same_topic():
    assert is_plain(FI_SELKO_NEWS)
    assert not is_plain(FI_STANDARD_NEWS)
    plain, standard = readability(FI_SELKO_NEWS, "fi"), readability(FI_STANDARD_NEWS, "fi")
    for name in ("log_sentence_words", "rare_lower", "constructions"):
        assert plain[name] < standard[name], name


def test_condensed_constructions_are_counted_and_perfect_tenses_are_not():
    counts = finnish_constructions(WORD.findall(FI_CONDENSED))
    assert counts["past_participle"] == 1  # jättäneiden
    assert counts["temporal"] == 1  # saatuaan
    assert counts["infinitive"] == 1  # tarkistamalla
    assert counts["nominal"] >= 2  # lähettämistä, täyttäminen
    assert counts["possessive"] == 1  # tehdessään
    perfect = "Jonot ovat lyhentyneet. Kunnat ovat palkanneet opettajia. Koulutus on alkanut kaupungissa."
    assert sum(finnish_constructions(WORD.findall(perfect)).values()) == 0
    # Nouns that end like an infinitive or a -minen form are not constructions.
    nouns = "Kotoutumiskoulutukseen tulee ihmisiä. Ihmisten korvaukseen vaikuttaa moni asia."
    assert sum(finnish_constructions(WORD.findall(nouns)).values()) == 0
    assert finnish_officialese(FI_CONDENSED, WORD.findall(FI_CONDENSED)) == 3  # mikäli, esim., (
    assert not is_plain(FI_CONDENSED)


def test_unmarked_selkokieli_prose_is_plain_whoever_it_is_for_but_professionals():
    item = tag(body_item(FI_SELKO_NEWS))
    assert item["plain_language"] == 1
    evidence = item["tag_evidence"]["plain_language"]
    assert evidence["method"] == "register"
    assert evidence["readability"]["score"] >= evidence["readability"]["threshold"]
    assert tag(body_item(FI_STANDARD_NEWS))["plain_language"] == 0
    no_audience = {"immigrants": {"method": "default", "matched": [], "score": 0}}
    assert plain_register(FI_SELKO_NEWS, "fi", no_audience, "info-page")["method"] == "register"
    teachers = {**no_audience, "teachers": {"method": "rule", "matched": ["title:opettaj"], "score": 2.0}}
    assert plain_register(FI_SELKO_NEWS, "fi", teachers, "info-page") is None


def test_simple_learning_materials_are_not_selkokieli_without_audience_evidence():
    # Graded Finnish for learners is a different thing from selkokieli: a workbook in the same prose
    # counts only through the stricter material route, which needs immigrants as its named audience.
    no_audience = {"immigrants": {"method": "default", "matched": [], "score": 0}}
    assert plain_register(FI_SELKO_NEWS, "fi", no_audience, "workbook") is None
    assert plain_register(FI_SELKO_NEWS, "fi", no_audience, "game-or-app") is None


def test_a_body_that_names_plain_language_must_read_clearly_plainly():
    # Tips for professionals about selkokieli, in fairly plain sentences: plain enough for the register
    # model alone, not clearly plain, and written for the worker, not the client.
    tips = (
        "Selkokieli auttaa asiakastyössä. Moni asiakas ymmärtää suomea, mutta virkakieli on hänelle "
        "vaikeaa. Puhu rauhallisesti ja käytä lyhyitä lauseita. Kysy välillä, ymmärsikö asiakas asian. "
        "Kirjoita tärkeät päivämäärät ja osoitteet paperille. Työyhteisössä kannattaa sopia yhteiset "
        "käytännöt."
    )
    assert register(tips, "fi") is not None
    assert plain_language({"title": "Vinkkejä ohjaajalle"}, tips, "fi") == (0, None)
    assert tag(body_item(tips, title="Vinkkejä ohjaajalle"))["plain_language"] == 0
    # A selkokieli text that says so in its body and reads clearly plainly is found by the marker.
    item = tag(body_item("Tämä uutinen on selkosuomea. " + FI_SELKO_NEWS))
    assert item["plain_language"] == 1
    assert item["tag_evidence"]["plain_language"]["method"] == "marker+register"


def test_paragraph_words_counts_running_text_lines_only():
    text = "Kirjasto\nKirjasto on kaikille avoin. Lainaaminen on ilmaista.\nAukioloajat\nTule käymään!"
    assert paragraph_words(text) == 4.5  # two paragraphs of 7 and 2 words; the headings do not count
    assert paragraph_words("Yksi kappale ilman rivinvaihtoja ja ilman lopetusmerkkiä") == 7


def test_sentence_length_is_read_from_running_prose_not_headings():
    # Headings and a breadcrumb would halve the mean sentence length of standard prose.
    page = (
        "Etusivu › Palvelut › Kurssit\n\nSuomea odotusaikana\n"
        "Kotoutumiskoulutukseen voi joutua odottamaan useita kuukausia, minkä vuoksi järjestämme\n"
        "odotusajan kurssin, jossa pääsee aloittamaan suomen kielen opiskelun.\n\nIlmoittautuminen\n"
        "Ilmoittaudu neuvontapisteessä tai soita meille, esim. aamupäivisin."
    )
    sentences = prose_sentences(page)
    assert sentences[0].startswith("Kotoutumiskoulutukseen") and len(sentences) == 2
    measure = readability(page, "fi")
    assert math.exp(measure["log_prose_sentence_words"]) > 2 * measure["sentence_words"]


def test_explanations_of_hard_words_count_for_plain_language():
    text = (
        "Kela eli Kansaneläkelaitos maksaa asumistukea. "
        "Kotikunta tarkoittaa kuntaa, jossa asut. Kirjasto on auki huomenna."
    )
    assert finnish_explanations(WORD.findall(text)) == 2
    assert readability(text, "fi")["explanations"] == round(2 / 3, 3)
    assert readability(FI_STANDARD_NEWS, "fi")["explanations"] == 0
