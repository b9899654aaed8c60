"""Credit reports as PDF (ReportLab), in Chinese or English.

The same content as the printable HTML page — subject, records with status and dispute
marks, list entries, grades (or why one is withheld) — with the data's as-of date and the
verification code on every page's footer. Chinese text is set in Adobe's standard
``STSong-Light`` CID font (Adobe-GB1): PDF readers supply it, so no font file is shipped or
embedded and the package stays small; the text remains extractable and searchable.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

LABELS = {
    "zh": {
        "title": "信用报告",
        "code": "代码",
        "as_of": "数据截至",
        "issued": "出具时间",
        "verification": "验证码",
        "records": "信用记录",
        "decided": "决定日期",
        "item": "事项",
        "instrument": "文书",
        "status": "状态",
        "disputed": "（异议中）",
        "lists": "名单",
        "none": "无",
        "grades": "信用评价",
        "withheld": "不良评价，书面告知送达前不予展示",
        "verify": "可用验证码核验本报告：xinyong report verify 验证码",
        "page": "第 {n} 页",
    },
    "en": {
        "title": "Credit report",
        "code": "Code",
        "as_of": "Data as of",
        "issued": "Issued",
        "verification": "Verification code",
        "records": "Records",
        "decided": "Decided",
        "item": "Item",
        "instrument": "Instrument",
        "status": "Status",
        "disputed": " (disputed)",
        "lists": "List entries",
        "none": "None",
        "grades": "Grades",
        "withheld": "an adverse grade, not shown before its written notice is served",
        "verify": "Check this report with its verification code: xinyong report verify CODE",
        "page": "Page {n}",
    },
}


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=13, wordWrap="CJK")
    return {
        "body": base,
        "title": ParagraphStyle("title", parent=base, fontSize=16, leading=22, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base, fontSize=12, leading=16, spaceBefore=8),
    }


def report_pdf(body: dict[str, Any], verification_code: str, locale: str) -> bytes:
    """An issued report's ``body`` as a PDF in ``locale`` (``zh`` or ``en``)."""
    words = LABELS["zh" if locale == "zh" else "en"]
    zh = locale == "zh"
    style = _styles()

    def para(text: Any, kind: str = "body") -> Paragraph:
        return Paragraph(escape(str(text if text is not None else "")), style[kind])

    subject, meta = body["subject"], body["report"]
    story: list[Any] = [
        para(f"{words['title']}: {subject['name']}", "title"),
        _table(
            [
                [para(words["code"]), para(subject.get("code") or "")],
                [para(words["as_of"]), para(meta["as_of"])],
                [para(words["issued"]), para(f"{meta['issued_at']} · {meta['pack']}")],
                [para(words["verification"]), para(verification_code)],
            ],
            [35 * mm, 135 * mm],
            header=False,
        ),
        para(words["records"], "h2"),
    ]
    rows = [[para(words[k]) for k in ("decided", "item", "instrument", "status")]]
    for record in body["records"]:
        name = record["item_name_zh"] if zh else record["item_name_en"]
        mark = words["disputed"] if record.get("disputed") else ""
        rows.append(
            [
                para(record["decided_on"]),
                para(f"{name}{mark}"),
                para(f"{record['instrument_number']} ({record['instrument_issuer']})"),
                para(record["status"]),
            ]
        )
    story.append(_table(rows, [25 * mm, 55 * mm, 70 * mm, 20 * mm]))
    story.append(para(words["lists"], "h2"))
    for entry in body["lists"] or [None]:
        if entry is None:
            story.append(para(words["none"]))
            continue
        name = entry["list_name_zh"] if zh else entry["list_name_en"]
        story.append(para(f"{name} · {entry['status']} · {entry['active_from'] or ''}"))
    story.append(para(words["grades"], "h2"))
    for grade in body.get("grades") or [None]:
        if grade is None:
            story.append(para(words["none"]))
            continue
        name = grade["name_zh"] if zh else grade["name_en"]
        shown = words["withheld"] if "withheld" in grade else f"{grade['grade']} ({grade['score']})"
        story.append(para(f"{name}: {shown}"))
    story += [Spacer(1, 6 * mm), para(words["verify"])]

    def footer(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.drawString(
            20 * mm,
            10 * mm,
            f"{words['verification']} {verification_code} · {words['as_of']} {meta['as_of']} · "
            + words["page"].format(n=doc.page),
        )
        canvas.restoreState()

    out = BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=f"{words['title']} {verification_code}",
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


def _table(rows: list[list[Any]], widths: list[float], *, header: bool = True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")))
    table.setStyle(TableStyle(commands))
    return table
