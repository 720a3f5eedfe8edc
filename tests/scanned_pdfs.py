"""Generated PDFs of our own texts, each in two versions: with a text layer (fpdf2) and "scanned"
(the page drawn by Pillow with DejaVu Sans, shaped by Raqm, wrapped in a PDF as one image), as a
scanner or a design tool exporting outlines would leave it. Used by tests/test_ocr.py and bench/ocr.py."""

from __future__ import annotations

import io
from pathlib import Path

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

DOCUMENTS = {
    "fi": {
        "title": "Asunnon vuokraaminen Suomessa",
        "paragraphs": [
            "Kun muutat uuteen kuntaan, ensimmäinen asunto löytyy usein kunnan vuokrataloyhtiöltä. "
            "Hakemuksen voi jättää verkossa tai toimistossa, ja siihen liitetään oleskelulupa ja "
            "tiedot perheen tuloista.",
            "Vuokrasopimus tehdään kirjallisena. Lue sopimus huolellisesti ennen kuin allekirjoitat "
            "sen, ja kysy neuvontapisteestä, jos jokin kohta jää epäselväksi. Vuokravakuus on "
            "tavallisesti kahden kuukauden vuokra.",
            "Kelan asumistukea haetaan heti, kun vuokrasopimus on allekirjoitettu. Tuki maksetaan "
            "yleensä suoraan vuokranantajalle, ja muutoksista tuloissa on ilmoitettava Kelaan.",
        ],
    },
    "sv": {
        "title": "Att hyra en bostad i Finland",
        "paragraphs": [
            "När du flyttar till en ny kommun hittar du ofta den första bostaden hos kommunens "
            "hyresbolag. Ansökan lämnas på nätet eller på kontoret, och till den bifogas "
            "uppehållstillståndet och uppgifter om familjens inkomster.",
            "Hyresavtalet görs skriftligt. Läs avtalet noggrant innan du skriver under, och fråga "
            "på rådgivningen om något är oklart. Hyresgarantin är vanligen två månaders hyra.",
            "Bostadsbidrag från FPA söks så snart avtalet är undertecknat. Bidraget betalas ofta "
            "direkt till hyresvärden, och ändringar i inkomsterna ska anmälas till FPA.",
        ],
    },
    "ar": {
        "title": "استئجار مسكن في فنلندا",
        "paragraphs": [
            "عندما تنتقل إلى بلدية جديدة، تجد المسكن الأول غالبا لدى شركة الإسكان التابعة للبلدية. "
            "يمكن تقديم الطلب عبر الإنترنت أو في المكتب، ويرفق به تصريح الإقامة ومعلومات عن دخل الأسرة.",
            "يكون عقد الإيجار مكتوبا. اقرأ العقد بعناية قبل أن توقع عليه، واسأل في مركز الإرشاد إذا "
            "كان هناك شيء غير واضح. تأمين الإيجار عادة يساوي إيجار شهرين.",
            "يقدم طلب دعم السكن من مؤسسة كيلا فور توقيع العقد. يدفع الدعم غالبا مباشرة إلى المؤجر، "
            "ويجب إبلاغ كيلا عن أي تغيير في الدخل.",
        ],
    },
}


def text_layer_pdf(language: str) -> bytes:
    """The document with a text layer, as a word processor would export it."""
    from fpdf import FPDF

    doc = DOCUMENTS[language]
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    align = "R" if language == "ar" else "L"
    pdf.set_font("DejaVu", "B", 18)
    pdf.multi_cell(0, 10, doc["title"], new_x="LMARGIN", new_y="NEXT", align=align)
    pdf.set_font("DejaVu", "", 11)
    for paragraph in doc["paragraphs"]:
        pdf.ln(3)
        pdf.multi_cell(0, 6, paragraph, new_x="LMARGIN", new_y="NEXT", align=align)
    return bytes(pdf.output())


def _wrap(draw, text: str, font, width: int, direction: str) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if draw.textlength(trial, font=font, direction=direction) <= width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    return [*lines, current] if current else lines


def scanned_pdf(language: str, dpi: int = 150, pages: int = 1) -> bytes:
    """The same document with no text layer: each page one greyscale image."""
    from PIL import Image, ImageDraw, ImageFont

    doc = DOCUMENTS[language]
    rtl = language == "ar"
    direction = "rtl" if rtl else "ltr"
    width, height = int(8.27 * dpi), int(11.69 * dpi)
    margin = int(0.8 * dpi)
    title_font = ImageFont.truetype(str(FONT_DIR / "DejaVuSans-Bold.ttf"), int(18 / 72 * dpi))
    body_font = ImageFont.truetype(str(FONT_DIR / "DejaVuSans.ttf"), int(11 / 72 * dpi))
    images = []
    for _ in range(pages):
        image = Image.new("L", (width, height), 255)
        draw = ImageDraw.Draw(image)
        y = margin
        blocks = [(doc["title"], title_font)] + [(p, body_font) for p in doc["paragraphs"]]
        for text, font in blocks:
            for line in _wrap(draw, text, font, width - 2 * margin, direction):
                length = draw.textlength(line, font=font, direction=direction)
                x = width - margin - length if rtl else margin
                draw.text((x, y), line, font=font, fill=0, direction=direction, language=language)
                y += int(font.size * 1.5)
            y += int(font.size * 0.8)
        images.append(image)
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out.getvalue()
