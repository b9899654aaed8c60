"""Realistic Chinese names for synthetic subjects, drawn from Faker's zh_CN word lists.

The lists come from Faker; the drawing uses the caller's ``random.Random`` so that a seed
gives the same names on every run (Faker's own generator is slower and would add a second
source of randomness).
"""

from __future__ import annotations

import random
from itertools import accumulate

from faker.providers.company.zh_CN import Provider as CompanyWords
from faker.providers.person.zh_CN import Provider as PersonWords

_SURNAMES = list(PersonWords.last_names)
_SURNAME_WEIGHTS = list(accumulate(PersonWords.last_names.values()))
_GIVEN = {True: list(PersonWords.first_names_male), False: list(PersonWords.first_names_female)}
_COMPANY_WORDS = list(CompanyWords.company_prefixes)
_COMPANY_SUFFIXES = [*CompanyWords.company_suffixes, "有限责任公司", "股份有限公司", "有限公司"]
_TRADES = [
    "贸易",
    "建筑工程",
    "食品",
    "物流",
    "医药",
    "环保科技",
    "机械制造",
    "餐饮管理",
    "房地产开发",
    "电子商务",
    "化工",
    "纺织",
    "运输",
    "印刷",
    "农业开发",
    "软件",
]
_SHOPS = [
    "小吃店",
    "便利店",
    "五金店",
    "理发店",
    "水果店",
    "服装店",
    "修理部",
    "茶叶店",
    "快餐店",
    "药店",
    "早餐店",
    "烟酒商行",
]
_SOCIAL = [
    ("行业协会", "social_group"),
    ("商会", "social_group"),
    ("研究会", "social_group"),
    ("慈善基金会", "foundation"),
    ("教育基金会", "foundation"),
    ("培训学校", "private_non_enterprise"),
    ("养老服务中心", "private_non_enterprise"),
]
_BODIES = [
    "市场监督管理局",
    "税务局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "人力资源和社会保障局",
    "应急管理局",
    "教育局",
    "财政局",
    "民政局",
]
_INSTITUTIONS = [
    "人民医院",
    "第一中学",
    "实验小学",
    "图书馆",
    "疾病预防控制中心",
    "公共资源交易中心",
    "档案馆",
    "职业技术学院",
]
_FIELDS = ["餐饮", "物流", "建材", "电子", "旅游", "家政", "汽车", "文化"]


def person_name(rng: random.Random, *, male: bool) -> str:
    surname = rng.choices(_SURNAMES, cum_weights=_SURNAME_WEIGHTS)[0]
    return surname + rng.choice(_GIVEN[male])  # Faker's given names have one or two characters


def company_name(rng: random.Random, place: str) -> str:
    return place + rng.choice(_COMPANY_WORDS) + rng.choice(_TRADES) + rng.choice(_COMPANY_SUFFIXES)


def shop_name(rng: random.Random, place: str, owner: str) -> str:
    return place + owner[1:] + rng.choice(_SHOPS)


def social_org_name(rng: random.Random, place: str) -> tuple[str, str]:
    suffix, org_type = rng.choice(_SOCIAL)
    return place + rng.choice(_FIELDS) + suffix, org_type


def body_name(rng: random.Random, place: str) -> str:
    return place + rng.choice(_BODIES)


def institution_name(rng: random.Random, place: str) -> str:
    return place + rng.choice(_INSTITUTIONS)
