"""Build the demo web's PDFs from their sources in demo/pdf-src/<site>/*.yml.

The PDFs are committed (they are small); run this after changing a source:
    python -m demo.build_pdfs            # needs fpdf2 (test extras) and the DejaVu fonts
Each source gives the output path, the PDF /Title (often a useless "Microsoft Word - …",
as on the real sites), author, /Lang and the text blocks (h1, h2, p, li).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import yaml

DEMO_DIR = Path(__file__).parent
FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]
FIXED_DATE = datetime(2018, 3, 15, 12, 0, tzinfo=UTC)  # reproducible output


def _font_dir() -> Path:
    for folder in FONT_DIRS:
        if (folder / "DejaVuSans.ttf").exists():
            return folder
    sys.exit("DejaVu fonts not found: apt-get install fonts-dejavu-core")


def build(spec: dict, out: Path) -> None:
    from fpdf import FPDF

    fonts = _font_dir()
    pdf = FPDF(format="A4")
    pdf.set_creation_date(FIXED_DATE)
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    if spec.get("meta_title"):
        pdf.set_title(spec["meta_title"])
    if spec.get("author"):
        pdf.set_author(spec["author"])
    if spec.get("lang"):
        pdf.set_lang(spec["lang"])
    pdf.set_creator("Aineistopankki demo web")
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for block in spec.get("blocks") or []:
        ((kind, text),) = block.items()
        text = str(text)
        if kind == "h1":
            pdf.set_font("DejaVu", "B", 17)
            pdf.multi_cell(width, 9, text, new_x="LMARGIN", new_y="NEXT", align="L")
            pdf.ln(3)
        elif kind == "h2":
            pdf.ln(2)
            pdf.set_font("DejaVu", "B", 13)
            pdf.multi_cell(width, 7, text, new_x="LMARGIN", new_y="NEXT", align="L")
            pdf.ln(1)
        elif kind == "li":
            pdf.set_font("DejaVu", "", 11)
            pdf.multi_cell(width, 6, f"• {text}", new_x="LMARGIN", new_y="NEXT", align="L")
        else:
            pdf.set_font("DejaVu", "", 11)
            pdf.multi_cell(width, 6, text, new_x="LMARGIN", new_y="NEXT", align="L")
            pdf.ln(2)
    out.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(out))


def build_docx(spec: dict, out: Path) -> None:
    """A minimal Word document (WordprocessingML in a zip), with heading styles and core properties."""
    import zipfile
    from xml.sax.saxutils import escape

    styles = {"h1": "Heading1", "h2": "Heading2"}
    paragraphs = []
    for block in spec.get("blocks") or []:
        ((kind, text),) = block.items()
        style = f'<w:pPr><w:pStyle w:val="{styles[kind]}"/></w:pPr>' if kind in styles else ""
        prefix = "• " if kind == "li" else ""
        paragraphs.append(
            f'<w:p>{style}<w:r><w:t xml:space="preserve">{escape(prefix + str(text))}</w:t></w:r></w:p>'
        )
    ooxml = "http://schemas.openxmlformats.org"
    head = '<?xml version="1.0" encoding="UTF-8"?>'
    document = (
        f'{head}<w:document xmlns:w="{ooxml}/wordprocessingml/2006/main"><w:body>'
        f"{''.join(paragraphs)}</w:body></w:document>"
    )
    props = {"title": spec.get("meta_title"), "creator": spec.get("author"), "language": spec.get("lang")}
    core = (
        f'{head}<cp:coreProperties xmlns:cp="{ooxml}/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">'
        + "".join(f"<dc:{key}>{escape(value or '')}</dc:{key}>" for key, value in props.items())
        + "</cp:coreProperties>"
    )
    main_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    core_type = "application/vnd.openxmlformats-package.core-properties+xml"
    types = (
        f'{head}<Types xmlns="{ooxml}/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main_type}"/>'
        f'<Override PartName="/docProps/core.xml" ContentType="{core_type}"/></Types>'
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, text in (
            ("[Content_Types].xml", types),
            ("word/document.xml", document),
            ("docProps/core.xml", core),
        ):
            info = zipfile.ZipInfo(name, date_time=(2018, 3, 15, 12, 0, 0))  # reproducible output
            package.writestr(info, text)


def main() -> None:
    count = 0
    for src in sorted((DEMO_DIR / "pdf-src").glob("*/*.yml")):
        spec = yaml.safe_load(src.read_text(encoding="utf-8"))
        out = DEMO_DIR / "sites" / src.parent.name / spec["output"]
        (build_docx if out.suffix == ".docx" else build)(spec, out)
        count += 1
        print(f"{out.relative_to(DEMO_DIR)}")
    print(f"{count} documents built")


if __name__ == "__main__":
    main()
