"""Write ``schemes/packs/cn/calendar/YYYY.yaml`` once from the chinese-calendar package.

A one-off generator (chinese-calendar is a dev dependency, never used at run time): it
turns the years chinese-calendar knows into pack data, one file a year, with the State
Council notice each comes from. Notice numbers and dates are filled only where they were
checked against a public copy (below); elsewhere they stay ``null`` with
``verified: false``. Run from the repository root:

    uv run python scripts/calendar_from_chinese_calendar.py
"""

from __future__ import annotations

from pathlib import Path

import chinese_calendar

OUT = Path("src/xinyong/schemes/packs/cn/calendar")

NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
}

# (number, date, url) checked against public copies of the notice, by the year it governs.
CHECKED = {
    2023: (
        "国办发明电〔2022〕16号",
        "2022-12-08",
        "http://www.mee.gov.cn/zcwj/gwywj/202212/t20221209_1007555.shtml",
    ),
    2024: (
        "国办发明电〔2023〕7号",
        "2023-10-25",
        "http://paper.people.com.cn/rmrb/html/2023-10/26/nw.D110000renmrb_20231026_3-06.htm",
    ),
    2025: (
        "国办发明电〔2024〕12号",
        "2024-11-12",
        "https://m.gmw.cn/2024-11/12/content_1303894933.htm",
    ),
}
# Date and a public copy known, number not checked.
DATED = {
    2026: ("2025-11-04", "https://politics.gmw.cn/2025-11/04/content_38391083.htm"),
}


def main() -> None:
    years = sorted(
        {d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays}
    )
    OUT.mkdir(parents=True, exist_ok=True)
    for year in years:
        number, issued, url, verified = "null", "null", "null", "false"
        if year in CHECKED:
            number, issued, url = CHECKED[year]
            verified = "true"
        elif year in DATED:
            issued, url = DATED[year]
        lines = [
            f"# PRC working-day calendar {year}: days off and make-up working days (调休).",
            "# Generated once from chinese-calendar 1.11 by scripts/calendar_from_*.py",
            f"year: {year}",
            "notice:",
            f"  title: 国务院办公厅关于{year}年部分节假日安排的通知",
            f"  number: {number}",
            f"  date: {issued}",
            f"  url: {url}",
            f"  verified: {verified}",
            "holidays:",
        ]
        for day, holiday in sorted(chinese_calendar.holidays.items()):
            if day.year == year:
                lines.append(f"  - {{date: {day.isoformat()}, name: {NAMES_ZH[holiday]}}}")
        workdays = sorted((d, h) for d, h in chinese_calendar.workdays.items() if d.year == year)
        lines.append("workdays:" + ("" if workdays else " []"))
        for day, holiday in workdays:
            lines.append(f"  - {{date: {day.isoformat()}, name: {NAMES_ZH[holiday]}}}")
        (OUT / f"{year}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"wrote {OUT / f'{year}.yaml'}")  # noqa: T201


if __name__ == "__main__":
    main()
