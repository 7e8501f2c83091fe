"""Hand-built cues from the customer-service literature (see docs/assist.md, "Cues").

Each cue is a pattern over folded (simplified, lower-case) text. A cue feeds the linear
model as one extra feature, and its matched phrases become the reasons for a label the
cue supports (e.g. a threat to go to the media supports type `irritable` and urgency
`high`). The model, not the cue, decides; only safety words override (see model.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Cue:
    name: str
    pattern: re.Pattern[str]
    supports: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _cue(name: str, words: str, **supports: tuple[str, ...]) -> Cue:
    return Cue(name, re.compile(words), supports)


CUES: tuple[Cue, ...] = (
    # Danger to people or property: a repair call with these is an emergency (抢修).
    _cue(
        "safety",
        r"冒烟|冒黑烟|起火|着火|失火|火花|打火|自燃|烧焦|烧化|漏电|触电|被电|电线掉|电线.{0,4}断"
        r"|燃气泄漏|燃气味|煤气味|天然气味|漏气|泄漏|爆管|爆炸|爆了|困人|被困|淹了|进水了|塌"
        r"|划伤|失灵|倒在|压在|刮断",
        kind=("emergency_repair",), urgency=("critical",), emotion=("anxious",),
    ),
    _cue(
        "outage",
        r"大面积|整个小区|整栋|整条街|整个片区|整个园区|一片都|全村|停电|停水|停气|断网",
        kind=("repair", "emergency_repair"), urgency=("high", "medium"),
    ),
    # Threats to escalate outside the company (the literature's 辱骂、威胁).
    _cue(
        "threat",
        r"12315|12345|市长热线|工信部|消协|银保监|监管|曝光|媒体|记者|微博|抖音|上网发|律师"
        r"|起诉|法院|告你们|没完",
        type=("irritable", "domineering"), urgency=("high",), emotion=("angry",),
        kind=("complaint",),
    ),
    _cue(
        "insult",
        r"废物|垃圾|骗子|有病|白痴|脑子|混蛋|滚|干什么吃的|什么玩意|破服务|傻|sb|骂人|辱骂",
        type=("irritable",), emotion=("angry",), kind=("complaint",),
    ),
    _cue(
        "superior",
        r"领导|经理|主管|主任|负责人|老板|上级|换个人|叫.{0,4}来",
        type=("irritable", "domineering", "vain"), kind=("complaint",),
    ),
    _cue(
        "interrupt",
        r"别打断|打断|让我说完|听我说|你先别说|别解释|不要解释|别跟我解释|别废话",
        type=("irritable", "domineering"), emotion=("angry",),
    ),
    _cue(
        "repeat",
        r"说了多少遍|第[二三四五六七八九十几\d]+[次遍]|[五六七八九十\d]+遍|再问你一遍|又是|还是没"
        r"|反复|到底|究竟|催办|修不修",
        type=("irritable",), emotion=("angry",), urgency=("high",),
    ),
    _cue(
        "status",
        r"老客户|vip|钻石|白金|金卡|会员|我认识|跟他熟|我的身份|身份|专属|专人|面子|配得上"
        r"|消费.{0,4}万|知道我是谁|人大代表|总公司上班|最大的客户|见得多了",
        type=("vain",),
    ),
    _cue(
        "refusal",
        r"我不管|不签|不配合|不愿|拒绝|我就不|不接受|不去|不交|不提供|不会交|不想听|关我什么事"
        r"|跟我没关系|不是我的问题|不是自己的问题|凭什么|爱怎么样|你们自己",
        type=("uncooperative",), emotion=("negative",),
    ),
    _cue(
        "command",
        r"必须|马上|立刻|今天之内|没得商量|没有商量|我说了算|按我说的|按他的意思|不用你教|我比你懂"
        r"|只要结果|一分都不能少|全额赔偿|强硬|专横|给我一个说法",
        type=("domineering",), urgency=("high",),
    ),
    _cue(
        "polite",
        r"谢谢|麻烦|辛苦|不好意思|没关系|不着急|不急|您好|请问|配合|客气|理解|好的|行吧|方便",
        type=("easygoing",), emotion=("calm", "positive"),
    ),
    _cue(
        "hesitation",
        r"考虑一下|再想想|要不|商量一下|不知道选|犹豫|下次再说|随便问问|看着办",
        type=("easygoing",), kind=("inquiry",),
    ),
    _cue(
        "anxious",
        r"着急|急死|很急|赶紧|尽快|快点|快来|快派|等不了|求求|担心|怎么办|救命|asap|紧急|焦急|催促",
        emotion=("anxious",), urgency=("high", "critical"),
    ),
    # Quick temper is the irritable type's mark (性子急、脾气暴), so anger words are its reasons.
    _cue(
        "angry",
        r"气死|气人|火大|太过分|欺人太甚|生气|愤怒|气愤|恼火|激动|失控|语气很冲|暴躁|受够了|忍无可忍"
        r"|忍不了|烂透|恶心|😡",
        emotion=("angry",), type=("irritable",),
    ),
    _cue(
        "negative",
        r"失望|不满|太差|无语|唉|烦死|差劲|不合理|恶劣|不负责",
        emotion=("negative",), kind=("complaint",),
    ),
    _cue(
        "praise",
        r"点赞|点个赞|表扬|满意|很好|太好了|太棒|好评|专业|耐心|负责|感谢|👍",
        emotion=("positive",), kind=("other",),
    ),
    _cue("report", r"举报|偷电|偷水|私拉|私接|冒充|诈骗|盗刷|私下|刷好评|私拆|假货", kind=("report",)),
    _cue("suggest", r"建议|希望|能不能|可否|能否|加个|增加", kind=("suggestion",)),
    _cue(
        "complain",
        r"投诉|多收|多扣|乱扣|乱收|没到账|没人来|没人影|没人修|不通知|态度.{0,2}差|骗|翻新|少一|没给"
        r"|赖账|退款呢",
        kind=("complaint",),
    ),
    _cue(
        "repair",
        r"报修|维修|修好|坏了|不亮|没反应|打不开|打不着|黑屏|故障|跳闸|断了|没信号|闪退|连不上"
        r"|充不进|漏水|滴水|不显示|登录不了",
        kind=("repair",), urgency=("medium",),
    ),
    _cue(
        "question",
        r"请问|怎么|多少|吗$|吗[?？]|是不是|能不能|哪里|多久|什么时候|有没有|咨询|想问|了解",
        kind=("inquiry",), urgency=("low",),
    ),
    _cue("shouting", r"[!！]{2,}|[?？]{2,}", type=("irritable",), emotion=("angry",)),
)

# All-caps English (three letters or more) is shouting in a chat; matched on the shown text.
CAPS = re.compile(r"\b[A-Z]{3,}(?:\s+[A-Z]{2,})*\b")
CAPS_SUPPORTS: dict[str, tuple[str, ...]] = {"type": ("irritable",), "emotion": ("angry",)}
_NOT_SHOUTING = {"APP", "VIP", "ATM", "IPTV", "NFC", "WIFI", "ASAP", "SMS", "USB", "CEO"}


def find_cues(folded: str, shown: str) -> dict[str, list[str]]:
    """cue name -> the distinct phrases it matched, in order of appearance."""
    found: dict[str, list[str]] = {}
    for cue in CUES:
        phrases = list(dict.fromkeys(m.group(0) for m in cue.pattern.finditer(folded)))
        if phrases:
            found[cue.name] = phrases
    caps = [m.group(0) for m in CAPS.finditer(shown) if m.group(0) not in _NOT_SHOUTING]
    if caps:
        found["caps"] = list(dict.fromkeys(caps))
    return found


def supports(name: str) -> dict[str, tuple[str, ...]]:
    if name == "caps":
        return CAPS_SUPPORTS
    return _BY_NAME[name].supports


_BY_NAME = {cue.name: cue for cue in CUES}
CUE_NAMES: tuple[str, ...] = (*(cue.name for cue in CUES), "caps")
