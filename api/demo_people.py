"""Made-up people and organisations for the demo: valid-looking national ID
numbers (GB 11643 check character), names, occupations. Nothing real."""

from __future__ import annotations

import random

from ledger.personal import national_id_check_character

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕"
REGION_CODES = {"national": "110101", "hunan-hengyang": "430405", "liaoning": "210102", "shandong": "370102",
                "jiangxi": "360102"}
OCCUPATIONS = (  # (occupation code, level, occupation type); standard and shortage come from the catalogue (H2)
    ("6-31-01-03", 4, "skill"),  # 电工
    ("4-10-01-05", 5, "skill"),  # 养老护理员
    ("4-01-02-02", 4, "knowledge"),  # 电子商务师
    ("6-18-02-04", 4, "simulation"),  # 焊工
    ("4-03-02-01", 5, "skill"),  # 中式烹调师
)
ORGANISATIONS = {
    "national": ("人社部职业技能提升行动", "中国职业培训在线"),
    "hunan-hengyang": ("衡阳市人社局", "学习强国衡阳"),
    "liaoning": ("辽宁省人社厅", "辽宁职业技能云平台"),
    "shandong": ("山东省人社厅", "山东技能兴鲁平台"),
    "jiangxi": ("江西省人社厅", "江西省职业技能提升行动管理平台"),
}


def national_id(region: str, serial: int) -> str:
    """Unique for each serial below 12 million: the serial picks the birth date and sequence."""
    day_index = serial // 1000
    year, month, day = 1966 + day_index // 336, day_index // 28 % 12 + 1, day_index % 28 + 1
    first_17 = f"{REGION_CODES[region]}{year}{month:02d}{day:02d}{serial % 1000:03d}"
    return first_17 + national_id_check_character(first_17)


def name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def nonce(rng: random.Random) -> str:
    return "%032x" % rng.getrandbits(128)
