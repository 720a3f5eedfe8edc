"""Evidence that tells close languages apart where the statistical model cannot.

fastText's lid.176 has no Tigrinya and no Dari, reads Somali poorly, and is unsure of short Ukrainian
written without і/ї/є/ґ and of Kurmanji titles. Each function below looks for what linguistic descriptions
name as the difference (function words, spelling conventions, letters one language lacks) and
returns the language, a score and the markers it matched, so that a curator can see why.
"""

from __future__ import annotations

import re
from collections import Counter

WORD = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*", re.UNICODE)


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def _weighted(words: str, weight: float) -> dict[str, float]:
    return dict.fromkeys(words.split(), weight)


def _hits(tokens: list[str], weights: dict[str, float]) -> tuple[float, Counter]:
    found = Counter(t for t in tokens if t in weights)
    return sum(weights[t] * n for t, n in found.items()), found


def _top(found: Counter, limit: int = 6) -> list[str]:
    return [w for w, _ in found.most_common(limit)]


# --- Amharic and Tigrinya -------------------------------------------------------------------------
# Both are written in Ge'ez script, but their everyday function words differ (Tigrinya እዩ 'is',
# ኣብ 'in', ናብ 'to', ካብ 'from', ምስ 'with', ናይ 'of'; Amharic ነው 'is', እና 'and', ወደ 'to', ላይ 'on',
# ውስጥ 'in', ጋር 'with' and the genitive prefix የ-). Tigrinya orthography writes the initial a-vowel
# with ኣ where Amharic writes አ, and uses the ቐ and ኸ series, which Amharic does not.
TIGRINYA_WORDS = _weighted(
    "እዩ ኢዩ እዮም እያ እየ እዮ ኣብ ናብ ካብ ምስ ናይ እዚ እዛ እዚኦም እቲ እታ እቶም እተን ኣሎ ኣለዉ ኣሎዉ ኣላ ነይሩ ነይሮም ከም ድማ እውን ከኣ "
    "ግና ስለዚ ክሳብ ወይ ኣይኮነን ኣይኮኑን የለን የብሉን ብዙሕ ብዙሓት ሓደ ሓዱሽ ሓድሽ ዝኾነ ኣዝዩ ንሱ ንሳ ንሳቶም ንሕና ኣነ ንስኻ ንስኺ "
    "ኢሉ ኢላ ኢሎም ገለ ኩሉ ኩሎም ድሕሪ ቅድሚ ኣብዚ ኣብቲ ኣብታ እንተ ጥራይ ሕጂ ሎሚ ትማሊ እንታይ መን ከመይ ኣበይ ኣይ ብዘይ "
    "ምእንቲ ብምኽንያት ዘሎ ዘለዉ ዝነበረ ዝነበሩ ክኸውን ይኸውን ኮይኑ ኮይኖም ብምባል ገሊጹ ሰባት ሃገር ሃገራት ዓዲ",
    2.0,
)
AMHARIC_WORDS = _weighted(
    "ነው ናቸው ነበር ነበሩ ነች ናት እና ወደ ላይ ውስጥ ጋር ይህ ይህን ይህም ያ እነዚህ እንደ ሆኖም ወይም ሲሆን ደግሞ ብቻ በኋላ "
    "ከዚህ እዚህ አለ አሉ አለው አላቸው የለም አይደለም ሁሉ ሁሉም ብዙ አንድ አዲስ እሱ እሷ እነሱ እኛ እኔ አንተ አንቺ አሁን ዛሬ "
    "ትናንት ምን ማን እንዴት የት ነገር ቢሆንም ማለት ተናግረዋል ገልጸዋል አስታውቀዋል ያለው የሆነ መሆኑን እንዲሁም ሰዎች ሀገር "
    "አገር ሀገሪቱ በጣም ግን ስለሆነ ምክንያቱም ወቅት ጊዜ",
    2.0,
)
AMHARIC_WORDS["ግን"] = 0.5  # Tigrinya has ግን too, less often than ግና
TIGRINYA_LETTERS = set("ቐቑቒቓቔቕቖቘቚቛቜቝኸኹኺኻኼኽኾዀዂዃዄዅ")  # qʰ and xʷ series: Tigrinya only
TIGRINYA_A = "ኣ"  # ʾa; Amharic writes አ for both ʾä and ʾa
AMHARIC_A = "አ"
TIGRINYA_HA = "ሓ"  # ḥa; Amharic, which merged ḥä and ḥa, mostly writes ሐ
AMHARIC_SUFFIXES = ("ዎች", "ዎቹ", "ኦች", "ቸው", "ቹ")
TIGRINYA_SUFFIXES = ("ታት", "ቶም", "ኦም")
ETHIOPIC_PUNCT = re.compile(r"[\u1360-\u1368]")


def amharic_or_tigrinya(text: str) -> tuple[str, float, list[str]]:
    """'am' or 'ti', the margin of the evidence (0 when there is none) and the markers matched."""
    tokens = words(ETHIOPIC_PUNCT.sub(" ", text))
    ti, ti_found = _hits(tokens, TIGRINYA_WORDS)
    am, am_found = _hits(tokens, AMHARIC_WORDS)
    # the genitive prefix የ- starts many Amharic words; Tigrinya says ናይ and rarely starts a word with የ
    ye = sum(1 for t in tokens if t.startswith("የ") and len(t) > 2)
    am += 0.5 * ye
    # Amharic plural -ዎች/-ኦች (definite -ዎቹ), -ቸው 'their'; relative የሚ-/የተ-; Tigrinya plural -ታት, -ኦም 'their'
    am_affix = sum(1 for t in tokens if t.endswith(AMHARIC_SUFFIXES) or t.startswith(("የሚ", "የተ", "በሚ")))
    ti_affix = sum(1 for t in tokens if t.endswith(TIGRINYA_SUFFIXES) or t.startswith(("ዝተ", "ንዝ", "ብዝ")))
    am += 1.0 * am_affix
    ti += 1.0 * ti_affix
    letters = sum(text.count(ch) for ch in TIGRINYA_LETTERS)
    a_ti, a_am = text.count(TIGRINYA_A), text.count(AMHARIC_A)
    ha = text.count(TIGRINYA_HA)
    ti += 1.0 * letters + 1.0 * a_ti + 0.5 * ha
    am += 0.5 * a_am
    markers_ti = (
        _top(ti_found)
        + ([f"{ti_affix}× -ታት/-ኦም/ዝተ-"] if ti_affix else [])
        + ([f"{letters}×ቐ/ኸ"] if letters else [])
        + ([f"{a_ti}×ኣ"] if a_ti else [])
        + ([f"{ha}×ሓ"] if ha else [])
    )
    markers_am = (
        _top(am_found)
        + ([f"{ye}×የ-"] if ye else [])
        + ([f"{am_affix}× -ዎች/-ቸው/የሚ-"] if am_affix else [])
        + ([f"{a_am}×አ"] if a_am else [])
    )
    if am > ti:
        return "am", am - ti, markers_am
    return "ti", ti - am, markers_ti


# --- Dari and Iranian Persian ---------------------------------------------------------------------
# One written language with two standards. Afghan Dari keeps its own administrative and everyday
# words (ولسوالی district, شاروالی municipality, پوهنتون university, شفاخانه hospital, معارف
# education, موتر car, سرک road), spells loanwords after English rather than French (داکتر, پولیس,
# فیصد, جنوری…), names the solar months after the zodiac (حمل, ثور, جوزا …) and borrows Pashto
# letters (ځ in پوهنځی, names with ټ ډ ړ ښ). Iranian Persian says استان, شهرداری, بیمارستان, پلیس,
# دکتر, درصد, خودرو and names the months فروردین … اسفند and ژانویه … دسامبر.
DARI_WORDS = {
    **_weighted(
        "ولسوالی ولسوالیها ولسوال ولسوالان شاروالی شاروال شاروالیها پوهنتون پوهنتونها "
        "پوهنځی پوهنځیها پوهاند پوهنوال پوهندوی پوهنمل پوهیالی شفاخانه "
        "شفاخانهٔ دکتور صحی صحیه متعلمین متعلمان متعلم لیسه قوماندان قوماندانی قوماندانان "
        "داکتر داکتران پولیس "
        "انجنیر انجنیران فیصد فیصدی موتر موترها سرک سرکها تشناب جرگه آمریت "
        "جنوری فبروری اپریل جولای سپتمبر اکتوبر نومبر دسمبر سنبله جوزا ولایات ولایتی ولسی مشرانو "
        "ملیون افغانی افغانیها روغتون څارنوالی سارنوالی ښاروالی انکشاف انکشافی فیصله فیصلهٔ تخنیکی "
        "بودیجه پروگرام پروگرامها ورکشاپ دیپلوم کانکور اطاق اطاقها طیاره فابریکه ترانسپورت "
        "مارکیت سکتور پروسه پالیسی استراتیژی ستراتیژی اکادمی سیمینار کورس کورسها تربیه تیلفون هوتل "
        "بکلوریا ماستری درستیز ساحه ساحات داخله مالیه مالداری",
        2.0,
    ),
    **_weighted("مکتب مکاتب عدلیه قریه", 1.5),
    **_weighted(
        "ولایت والی معارف مرض امراض مامورین عودت محصلین محصلان محصل جون معاش قرضه پلان پلانها "
        "تذکره کمپیوتر تلفون مسوول مسوولین مسوولان مسوولیت صحت زراعت سرحد سرحدات",
        1.0,
    ),
    **_weighted(
        "کابل افغانستان هرات ریاست صنف صنوف تعلیمات سهولت سهولات آمر آمرین اردو دهات عامه اشتراک", 0.5
    ),
}
PERSIAN_WORDS = {
    **_weighted(
        "استان استانها استانداری استاندار شهرداری شهرداریها خودرو خودروها خودروهای "
        "تومان ژانویه فوریه آوریل ژوئن ژوئیه اوت سپتامبر اکتبر نوامبر دسامبر فروردین اردیبهشت خرداد "
        "مرداد شهریور آبان اسفند پلیس دکتر کنکور دیپلم اتاق بودجه استراتژی آکادمی سمینار هتل "
        "فرایند فرآیند کارخانه تربیت فرمانداری فرماندار بخشداری دهیاری دادگستری",
        2.0,
    ),
    **_weighted(
        "شهرستان شهرستانها بیمارستان بیمارستانها دانشآموز "
        "دانشجو دانشجویان درصد ماشین کامپیوتر رایانه تلفن ریال تهران ایران ایرانی مهندس اتوبوس "
        "بهداشت بهداشتی پرورش وام کارگاه فرودگاه هواپیما روستا روستاها روستایی ارتش سپاه بسیج معظم "
        "کشاورزی",
        1.0,
    ),
}
# a day number followed by a month name is a date: the month tells the calendar
DARI_DATE = re.compile(r"[\d۰-۹٠-٩]+\s*(حمل|ثور|جوزا|سرطان|اسد|سنبله|میزان|عقرب|قوس|جدی|دلو|حوت)(?!\w)")
PERSIAN_DATE = re.compile(
    r"[\d۰-۹٠-٩]+\s*(فروردین|اردیبهشت|خرداد|تیر|مرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند)(?!\w)"
)
PASHTO_LETTERS = set("ټډړږښځڅګېۍڼ")
ARABIC_AGENT_NOUNS = set(
    _weighted(
        "مسئول مسوول مسؤول معلم محصل متعلم مامور مأمور مهاجر مسافر متخصص مشاور محافظ مدیر معترض مخالف "
        "موافق متهم مجرم معاون مفتش مراجع متقاضی مشتری مستخدم مهندس محقق مترجم",
        1.0,
    )
)
JOINED_MI = re.compile(r"(?<!\w)می(?:[گکشردتخبآنسفپجز])\w*(?:ند|د|م|یم|ید)(?!\w)")
ARABIC_TO_PERSIAN = str.maketrans("يك", "یک")
DARI_MARGIN = 2.0  # evidence that must outweigh the Iranian markers before a text is called Dari


def dari_or_persian(text: str) -> tuple[str, float, list[str]]:
    """'prs' or 'fa', the margin and the markers. Without evidence: 'fa', the common written norm."""
    text = text.translate(ARABIC_TO_PERSIAN)
    tokens = words(text)
    dari, dari_found = _hits(tokens, DARI_WORDS)
    persian, persian_found = _hits(tokens, PERSIAN_WORDS)
    dari_dates = DARI_DATE.findall(text)
    persian_dates = PERSIAN_DATE.findall(text)
    dari += 2.0 * len(dari_dates)
    persian += 2.0 * len(persian_dates)
    # Afghan orthography joins the present prefix (میکند), Iranian puts a zero-width non-joiner (می‌کند)
    joined, zwnj = len(JOINED_MI.findall(text)), text.count("می\u200c")
    dari += min(joined, 4) * 0.25
    persian += min(zwnj, 4) * 0.25
    # Arabic-origin agent nouns: Dari keeps the Arabic plural -ین (مسئولین), Iranian usage prefers -ان
    arabic_plural = sum(1 for t in tokens if t.endswith("ین") and t[:-2] in ARABIC_AGENT_NOUNS)
    persian_plural = sum(1 for t in tokens if t.endswith("ان") and t[:-2] in ARABIC_AGENT_NOUNS)
    dari += min(arabic_plural, 4) * 0.5
    persian += min(persian_plural, 4) * 0.5
    pashto = sum(1 for t in tokens if PASHTO_LETTERS.intersection(t))
    dari += min(pashto, 3) * 1.0  # Pashto names and loanwords; capped, they may be a quotation
    markers_dari = (
        _top(dari_found)
        + dari_dates[:3]
        + ([f"{arabic_plural}× -ین plural"] if arabic_plural else [])
        + ([f"{pashto}× Pashto letters"] if pashto else [])
    )
    markers_persian = _top(persian_found) + persian_dates[:3]
    if dari >= DARI_MARGIN and dari > 1.5 * persian:
        return "prs", dari - persian, markers_dari
    return "fa", persian - dari, markers_persian


# --- Sorani and the other Arabic-script languages ---------------------------------------------------
SORANI_LETTERS = set("ڕڵۆێ")  # not used by Persian, Arabic or Pashto
SORANI_E = "ە"  # also used by a few Persian writers for the final -e
ARABIC_ONLY = set("ةىيكأإؤ")  # Arabic ya, kaf, ta marbuta and hamza seats; Persian writes ی ک
PERSIAN_LETTERS = set("پچژگکی")


def arabic_script_letters(text: str) -> dict[str, int]:
    return {
        "sorani": sum(text.count(ch) for ch in SORANI_LETTERS),
        "sorani_e": text.count(SORANI_E),
        "arabic": sum(text.count(ch) for ch in ARABIC_ONLY),
        "persian": sum(text.count(ch) for ch in PERSIAN_LETTERS),
        "pashto": sum(text.count(ch) for ch in PASHTO_LETTERS),
    }


# --- Ukrainian and Russian --------------------------------------------------------------------------
# Ukrainian has і ї є ґ and no ы э ъ ё; where a text happens to lack the letters, the function words
# still differ: Ukrainian що, як, це, або, але, чи, з, його, вона, вони vs Russian что, как, это,
# или, но, ли, с, его, она, они.
UKRAINIAN_WORDS = _weighted(
    "що щоб як це цей ця цю цього цих або але чи з зі із й його вона вони ми ви ти може буде будуть "
    "треба дуже також зараз щодо проте адже вже коли року та мова мови нема немає тому де яка який яке "
    "свою свого своє бути було була були має мають можна потрібно під час між серед усе все весь",
    1.0,
)
for _shared in ("все", "весь", "де", "під", "час", "можна", "бути", "було", "була", "були", "свою", "свого"):
    UKRAINIAN_WORDS[_shared] = 0.0  # the same word (or a near homograph) in Russian: no evidence
RUSSIAN_WORDS = _weighted(
    "и что чтобы как это этот эта эту этого этих или но ли с со к его она они мы вы ты может будет "
    "будут нужно очень также сейчас уже когда года только был была были есть нет где какой какая какое "
    "свой своего между среди при из от",
    1.0,
)
UKRAINIAN_LETTERS = set("іїєґІЇЄҐ")
RUSSIAN_LETTERS = set("ыэъёЫЭЪЁ")


def ukrainian_or_russian(text: str) -> tuple[str, float, list[str]]:
    uk_letters = sum(text.count(ch) for ch in UKRAINIAN_LETTERS)
    ru_letters = sum(text.count(ch) for ch in RUSSIAN_LETTERS)
    tokens = words(text)
    uk, uk_found = _hits(tokens, UKRAINIAN_WORDS)
    ru, ru_found = _hits(tokens, RUSSIAN_WORDS)
    uk += 2.0 * uk_letters
    ru += 2.0 * ru_letters
    if uk > ru:
        return "uk", uk - ru, _top(uk_found) + ([f"{uk_letters}× і/ї/є/ґ"] if uk_letters else [])
    return "ru", ru - uk, _top(ru_found) + ([f"{ru_letters}× ы/э/ъ/ё"] if ru_letters else [])


# --- Kurmanji ------------------------------------------------------------------------------------
# Latin-script Kurmanji (Hawar alphabet) writes ê î û, which Turkish does not, and lacks Turkish
# ı ğ ö ü; its frequent short words (û 'and', ji 'from', di 'in', bi 'with', jî 'also', xwe 'self',
# the ezafe yê/ya/yên) occur in no language the catalogue otherwise meets.
KURMANJI_WORDS = {
    **_weighted(
        "û jî xwe hûn yê yên wê wî bû tê dê hemû piştî berî heye hene nîne jê lê pê gelek dike dikin kir "
        "kirin hatiye hatin bûye dibe dibin êdî niha ligel herêma kurdistanê kurdî tevî çawa vê vî "
        "ewê ewî wekî navbera dema",
        2.0,
    ),
    **_weighted("ji di bi li ew ev ku ên ser nav bo ez em", 0.7),
}
KURMANJI_LETTERS = set("êîûÊÎÛ")
KURMANJI_HINT = re.compile(r"(?<!\w)(?:ji|xwe|hatiye|dike|dikin|gelek|heye|hene)(?!\w)", re.IGNORECASE)
KURMANJI_WORDS_ALONE = 4.0  # word score that makes a text without ê î û Kurmanji
TURKISH_ONLY = set("ıığöüĞÖÜİ")


def kurmanji_evidence(text: str) -> tuple[float, list[str]]:
    """A score (about the number of Kurmanji-only words) and the markers; 0 for Turkish spelling."""
    letters = sum(text.count(ch) for ch in KURMANJI_LETTERS)
    turkish = sum(text.count(ch) for ch in TURKISH_ONLY)
    if turkish > max(1, letters // 4):
        return 0.0, []
    if not letters:  # typed without circumflexes (a common web habit): the words must speak alone
        if not KURMANJI_HINT.search(text):
            return 0.0, []
        score, found = _hits(words(text), KURMANJI_WORDS)
        strong = any(KURMANJI_WORDS[w] >= 2.0 for w in found)
        return (score, _top(found)) if score >= KURMANJI_WORDS_ALONE and strong else (0.0, [])
    score, found = _hits(words(text), KURMANJI_WORDS)
    return score + min(letters, 10) * 0.3, _top(found) + [f"{letters}× ê/î/û"]


# --- Somali --------------------------------------------------------------------------------------
# Frequent Somali words: iyo 'and', ayaa/waxaa (focus), oo, ee, waa, soo, ugu, laga, lagu, loo.
SOMALI_WORDS = frozenset(
    _weighted(
        "iyo ayaa waxaa waxay wuxuu oo ee waa soo ugu laga lagu loo kala inay inuu kuwa kaas taas haddii "
        "sidoo kale ahaa ahayd jira waxa",
        1.0,
    )
)


def somali_words(text: str) -> int:
    """How many frequent Somali words the text has: a hint that fastText's answer is not to be trusted."""
    return sum(1 for w in text.lower().split() if w in SOMALI_WORDS)
