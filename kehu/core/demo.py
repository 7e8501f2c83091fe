"""Demo data: a small organisation with fixed logins and realistic Chinese customers.

`kehu demo` calls `generate()`; `bench/run.py` reuses it for a million rows. Rows are
built as plain dicts and written per chunk of 5,000 customers with one executemany per
table (COPY on PostgreSQL), so 100,000 customers with everything attached take about half
a minute. Same seed and same day, same data: every random choice comes from one
Random(seed). Running it again resets the demo users' passwords to kehu-demo.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from kehu.accounts.models import Department, Role, User
from kehu.core.identifiers import credit_code_with_check, normalize_name
from kehu.core.models import AuditEntry
from kehu.core.phones import normalize_phone
from kehu.core.search import index_terms
from kehu.customers.choices import (
    BehaviourType,
    Channel,
    CustomerKind,
    LedgerKind,
    NeedType,
    Relation,
    Source,
    TimeState,
    ValueTier,
)
from kehu.customers.models import (
    Contact,
    Customer,
    Equipment,
    FollowUp,
    LedgerEntry,
    Segment,
    Tag,
)

DEMO_PASSWORD = "kehu-demo"

# --- The organisation -------------------------------------------------------------

SALES, EAST, SOUTH, CENTER, OPS = "销售部", "华东销售组", "华南销售组", "客服中心", "运营管理部"

# username, role, display name, department, superior (username)
FIXED_USERS: list[tuple[str, str, str, str | None, str | None]] = [
    ("admin", Role.ADMIN, "系统管理员", None, None),
    ("manager", Role.MANAGER, "王建国", OPS, None),
    ("supervisor", Role.SUPERVISOR, "李敏", EAST, "manager"),
    ("agent", Role.AGENT, "陈静", CENTER, None),
    ("rep1", Role.ACCOUNT_MANAGER, "张伟", EAST, "supervisor"),
    ("rep2", Role.ACCOUNT_MANAGER, "刘洋", EAST, "supervisor"),
]
# The other team and more agents; their names are drawn once from a fixed seed.
EXTRA_USERS: list[tuple[str, str, str | None, str | None]] = [
    ("supervisor2", Role.SUPERVISOR, SOUTH, "manager"),
    ("rep3", Role.ACCOUNT_MANAGER, SOUTH, "supervisor2"),
    ("rep4", Role.ACCOUNT_MANAGER, SOUTH, "supervisor2"),
    ("rep5", Role.ACCOUNT_MANAGER, SOUTH, "supervisor2"),
    ("agent2", Role.AGENT, CENTER, None),
    ("agent3", Role.AGENT, CENTER, None),
]
LOGINS = [u[0] for u in FIXED_USERS]

# --- Vocabularies -----------------------------------------------------------------

# province, city, district, area code, administrative division code (GB/T 2260)
REGIONS: list[tuple[str, str, str, str, str]] = [
    ("北京市", "北京市", "朝阳区", "010", "110105"),
    ("北京市", "北京市", "海淀区", "010", "110108"),
    ("上海市", "上海市", "浦东新区", "021", "310115"),
    ("上海市", "上海市", "徐汇区", "021", "310104"),
    ("天津市", "天津市", "和平区", "022", "120101"),
    ("重庆市", "重庆市", "渝中区", "023", "500103"),
    ("广东省", "广州市", "天河区", "020", "440106"),
    ("广东省", "深圳市", "南山区", "0755", "440305"),
    ("广东省", "深圳市", "福田区", "0755", "440304"),
    ("广东省", "佛山市", "顺德区", "0757", "440606"),
    ("浙江省", "杭州市", "西湖区", "0571", "330106"),
    ("浙江省", "杭州市", "滨江区", "0571", "330108"),
    ("浙江省", "宁波市", "鄞州区", "0574", "330212"),
    ("浙江省", "温州市", "鹿城区", "0577", "330302"),
    ("江苏省", "南京市", "鼓楼区", "025", "320106"),
    ("江苏省", "苏州市", "姑苏区", "0512", "320508"),
    ("江苏省", "无锡市", "滨湖区", "0510", "320211"),
    ("山东省", "济南市", "历下区", "0531", "370102"),
    ("山东省", "青岛市", "市南区", "0532", "370202"),
    ("湖北省", "武汉市", "江汉区", "027", "420103"),
    ("湖南省", "长沙市", "岳麓区", "0731", "430104"),
    ("四川省", "成都市", "锦江区", "028", "510104"),
    ("四川省", "成都市", "武侯区", "028", "510107"),
    ("陕西省", "西安市", "雁塔区", "029", "610113"),
    ("河南省", "郑州市", "金水区", "0371", "410105"),
    ("福建省", "福州市", "鼓楼区", "0591", "350102"),
    ("福建省", "厦门市", "思明区", "0592", "350203"),
    ("安徽省", "合肥市", "蜀山区", "0551", "340104"),
    ("辽宁省", "沈阳市", "和平区", "024", "210102"),
    ("辽宁省", "大连市", "中山区", "0411", "210202"),
    ("黑龙江省", "哈尔滨市", "南岗区", "0451", "230103"),
    ("云南省", "昆明市", "五华区", "0871", "530102"),
    ("广西壮族自治区", "南宁市", "青秀区", "0771", "450103"),
    ("河北省", "石家庄市", "长安区", "0311", "130102"),
    ("江西省", "南昌市", "东湖区", "0791", "360102"),
]
ROADS = ["人民路", "解放路", "中山路", "建设路", "长江路", "文化路", "科技路", "工业大道",
         "新华路", "和平路", "胜利路", "园区路", "迎宾大道", "学院路", "滨河路", "创业路"]

# Brand characters with their pinyin, for names (恒达) and e-mail domains (hengda.com.cn).
BRAND_CHARS = [
    ("恒", "heng"), ("达", "da"), ("华", "hua"), ("信", "xin"), ("宏", "hong"), ("远", "yuan"),
    ("盛", "sheng"), ("泰", "tai"), ("鑫", "xin"), ("隆", "long"), ("嘉", "jia"), ("瑞", "rui"),
    ("丰", "feng"), ("源", "yuan"), ("新", "xin"), ("天", "tian"), ("长", "chang"), ("安", "an"),
    ("永", "yong"), ("联", "lian"), ("金", "jin"), ("海", "hai"), ("创", "chuang"), ("益", "yi"),
    ("美", "mei"), ("东", "dong"), ("博", "bo"), ("凯", "kai"), ("正", "zheng"), ("德", "de"),
    ("顺", "shun"), ("鸿", "hong"), ("鼎", "ding"), ("力", "li"), ("兴", "xing"), ("旭", "xu"),
    ("明", "ming"), ("诚", "cheng"), ("通", "tong"), ("圣", "sheng"), ("万", "wan"), ("立", "li"),
    ("合", "he"), ("佳", "jia"), ("辉", "hui"), ("富", "fu"), ("康", "kang"), ("晨", "chen"),
    ("卓", "zhuo"), ("恩", "en"), ("润", "run"), ("启", "qi"), ("中", "zhong"), ("宇", "yu"),
]
# industry, the words that end a company name in it, what such a company buys
INDUSTRIES: list[tuple[str, list[str], list[str]]] = [
    ("制造业", ["机电设备", "精密机械", "五金制品", "电子科技", "新材料", "模具", "包装材料"],
     ["数控机床", "空压机", "工业机器人", "备品备件"]),
    ("零售", ["商贸", "百货", "超市连锁", "便利店"], ["收银系统", "冷柜", "货架"]),
    ("餐饮", ["餐饮管理", "食品", "酒楼"], ["商用厨具", "食材配送", "点餐系统"]),
    ("物流", ["物流", "供应链管理", "货运代理"], ["叉车", "仓储系统", "车载终端"]),
    ("教育", ["教育科技", "培训学校", "文化传播"], ["智慧教室", "投影设备", "办公设备"]),
    ("医疗", ["医疗器械", "医药", "健康管理"], ["检验设备", "消毒设备", "信息系统"]),
    ("电力", ["电力工程", "电气", "新能源"], ["变压器", "配电柜", "光伏组件"]),
    ("通信", ["通信技术", "网络科技", "信息技术"], ["交换机", "服务器", "专线宽带"]),
    ("汽车销售", ["汽车销售服务", "汽车贸易"], ["展厅设备", "诊断仪", "维保套餐"]),
    ("酒店", ["酒店管理", "酒店"], ["客房用品", "中央空调", "门锁系统"]),
    ("建筑", ["建筑工程", "装饰工程"], ["塔吊", "脚手架", "建材"]),
]
SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_CHARS = list(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华建志晓东海燕子涵浩然雨欣梓萱思远俊宇佳怡博文"
    "婷玉兰秀凤亮斌鹏辉红梅琳晨阳鑫蕾雪峰颖淑慧新宁丹诚嘉琪欣悦瑶宏"
)
GIVEN_PAIRS = ["建华", "志强", "晓东", "海燕", "子涵", "浩然", "雨欣", "梓萱", "思远", "俊杰", "秀英",
               "桂英", "建国", "丽华", "文博", "佳怡", "一鸣", "欣怡", "宇航", "明轩", "淑芬", "玉兰"]
TITLES = [("总经理", 0.8), ("采购经理", 0.5), ("财务", 0.1), ("办公室主任", 0.2), ("技术主管", 0.2),
          ("销售总监", 0.3), ("行政专员", 0.0)]
MOBILE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
                   "153", "155", "156", "157", "158", "159", "166", "173", "177", "180", "181", "182",
                   "183", "185", "186", "187", "188", "189", "198", "199"]
TAGS = ["VIP", "老客户", "重点跟进", "待回款", "展会", "转介绍", "投诉过", "新客户"]
SEGMENTS = [
    ("华东制造业", "按季度上门拜访，重点推荐设备维保和节能改造。", Channel.VISIT),
    ("连锁零售", "以微信群和月度促销信息维系，关注门店扩张计划。", Channel.WECHAT),
    ("价格敏感小客户", "以电话和短信为主，推送标准套餐和优惠活动。", Channel.PHONE),
]
EQUIPMENT = [("空压机", ["GA37", "ZR90", "SA-55"]), ("数控机床", ["VMC850", "CK6150"]),
             ("中央空调", ["KFR-72LW", "MDV-400"]), ("变压器", ["SCB11-800", "S13-630"]),
             ("UPS电源", ["C10KS", "3C20KS"]), ("叉车", ["CPD30", "CPCD50"]),
             ("服务器", ["R740", "2288H V5"]), ("复印机", ["iR2625", "MP 4055"])]

FOLLOWUP_TEXTS: dict[str, list[str]] = {
    Channel.PHONE: ["电话联系{who}，确认了{product}的采购数量，对方希望下周收到报价。",
                    "致电{who}了解{product}的使用情况，反馈运行稳定，提到明年可能扩产。",
                    "电话回访上次的报价，{who}说预算还在审批，月底再联系。"],
    Channel.VISIT: ["上门拜访{who}，参观了现场，了解到{product}使用中的问题，约定带技术人员复查。",
                    "拜访{who}，介绍了新款{product}，对方对节能指标很感兴趣。"],
    Channel.WECHAT: ["微信发送了{product}的产品资料和报价单，{who}回复会内部讨论。",
                     "微信沟通交货时间，{who}希望提前一周到货。"],
    Channel.EMAIL: ["邮件寄送{product}的合同草稿，请{who}安排法务审核。",
                    "邮件发送季度对账单，请{who}核对。"],
    Channel.SMS: ["短信提醒{who}本月账单到期，请安排付款。", "短信告知{who}{product}的保养时间。"],
    Channel.MEETING: ["与{who}开会讨论年度框架协议，价格条款待双方领导确认。",
                      "参加{who}组织的供应商会议，介绍了{product}的服务方案。"],
    Channel.LETTER: ["给{who}寄出节日贺卡和新品目录。"],
}
# For individuals: what a bank, an insurer, a dealer or a utility talks about with a person.
PERSON_TEXTS: dict[str, list[str]] = {
    Channel.PHONE: ["电话联系{who}，介绍了{product}，客户说考虑一下，周末再联系。",
                    "致电{who}回访上次的服务，客户表示满意。"],
    Channel.VISIT: ["{who}到店咨询{product}，留下了联系方式。"],
    Channel.WECHAT: ["微信发送了{product}的介绍，{who}问了价格和办理流程。"],
    Channel.EMAIL: ["邮件发送{product}的电子资料给{who}。"],
    Channel.SMS: ["短信提醒{who}{product}即将到期。"],
    Channel.MEETING: ["邀请{who}参加客户答谢会，介绍了{product}。"],
    Channel.LETTER: ["给{who}寄出生日贺卡和会员权益说明。"],
}
OUTCOMES = ["客户有意向", "需再跟进", "已报价", "已签约", "暂无需求", "约定下次拜访", "等待预算审批", ""]


def _weighted(pairs: list[tuple[Any, int]]) -> tuple[list[Any], list[int]]:
    """(population, cumulative weights): _pick draws from it without re-summing the weights."""
    # Plain str values: a driver must not see the enum (psycopg would write its name).
    return [getattr(p[0], "value", p[0]) for p in pairs], list(itertools.accumulate(p[1] for p in pairs))


def _pick(rng: random.Random, weighted: tuple[list[Any], list[int]]) -> Any:
    return rng.choices(weighted[0], cum_weights=weighted[1])[0]


SOURCE_W = _weighted([(Source.REFERRAL, 10), (Source.FAIR, 8), (Source.EVENT, 4), (Source.WEBSITE, 14),
                      (Source.EMAIL, 3), (Source.PHONE, 12), (Source.DIRECT_MAIL, 2),
                      (Source.CUSTOMER_REFERRAL, 8), (Source.WALK_IN, 4), (Source.OTHER, 2)])
# The pyramid: few key customers, more quality ones, most general or marginal.
TIER_W = _weighted([(ValueTier.KEY, 4), (ValueTier.QUALITY, 14), (ValueTier.GENERAL, 48),
                    (ValueTier.MARGINAL, 34)])
NEED_W = _weighted([(NeedType.PRICE, 40), (NeedType.SERVICE, 35), (NeedType.PRODUCT, 25), ("", 20)])
BEHAVIOUR_W = _weighted([(BehaviourType.EASYGOING, 30), ("", 40)]
                        + [(b, 3) for b in BehaviourType.values if b != BehaviourType.EASYGOING])
CHANNEL_W = _weighted([(Channel.PHONE, 40), (Channel.WECHAT, 25), (Channel.VISIT, 15), (Channel.EMAIL, 8),
                       (Channel.SMS, 5), (Channel.MEETING, 5), (Channel.LETTER, 2)])
STATE_OWNED_W = _weighted([(TimeState.POTENTIAL, 15), (TimeState.CURRENT, 70), (TimeState.PAST, 10),
                           (TimeState.LOST, 5)])
STATE_POOL_W = _weighted([(TimeState.POTENTIAL, 45), (TimeState.CURRENT, 15), (TimeState.PAST, 25),
                          (TimeState.LOST, 15)])
TIER_AMOUNT = {ValueTier.KEY: (200_000, 2_000_000), ValueTier.QUALITY: (50_000, 400_000),
               ValueTier.GENERAL: (5_000, 80_000), ValueTier.MARGINAL: (1_000, 15_000), "": (1_000, 20_000)}


# --- The organisation -------------------------------------------------------------


def ensure_org() -> dict[str, User]:
    """Departments and demo users, created once; passwords reset to kehu-demo every time."""
    sales, _ = Department.objects.get_or_create(name=SALES, parent=None)
    depts = {SALES: sales}
    for name in (EAST, SOUTH):
        depts[name], _ = Department.objects.get_or_create(name=name, parent=sales)
    for name in (CENTER, OPS):
        depts[name], _ = Department.objects.get_or_create(name=name, parent=None)
    # One hash for all demo accounts: hashing is deliberately slow, and these share a password.
    password = make_password(DEMO_PASSWORD)
    names = random.Random(20240601)
    specs = [*FIXED_USERS, *[(u, r, _person_name(names), d, s) for u, r, d, s in EXTRA_USERS]]
    users: dict[str, User] = {}
    for username, role, display, dept, superior in specs:
        user, created = User.objects.get_or_create(username=username, defaults={
            "role": role, "display_name": display, "department": depts.get(dept) if dept else None,
            "superior": users.get(superior) if superior else None,
            "is_staff": role == Role.ADMIN, "is_superuser": role == Role.ADMIN,
            "email": f"{username}@demo.kehu.invalid",
        })
        user.password = password
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
        users[username] = user
    for dept, leader in ((EAST, "supervisor"), (SOUTH, "supervisor2")):
        if depts[dept].leader_id is None:
            depts[dept].leader = users[leader]
            depts[dept].save(update_fields=["leader"])
    return users


def _person_name(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.45:
        given = rng.choice(GIVEN_CHARS)
    elif r < 0.75:
        given = rng.choice(GIVEN_PAIRS)
    else:
        given = rng.choice(GIVEN_CHARS) + rng.choice(GIVEN_CHARS)
    return rng.choice(SURNAMES) + given


# --- Writing rows fast ------------------------------------------------------------


class _Table:
    """Rows of one table as plain dicts, written with one executemany per chunk.

    Django's bulk_create compiles SQL per batch and builds a model instance per row;
    at a million rows that costs minutes. Here each column's conversion is looked up
    once and the rows go straight to the driver.
    """

    def __init__(self, model: type[models.Model], *, with_pk: bool = False):
        fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        self.model = model
        self.columns = [f.attname for f in fields]
        self.defaults = [None if f.primary_key else (None if f.null and not f.has_default() else f.get_default())
                         for f in fields]
        self.adapters = [self._adapter(f) for f in fields]
        qn = connection.ops.quote_name
        self.sql = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
                    f"VALUES ({', '.join(['%s'] * len(fields))})")
        self.copy_sql = (f"COPY {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
                         "FROM STDIN")
        self.rows: list[dict[str, Any]] = []
        self.written = 0

    @staticmethod
    def _adapter(f: models.Field) -> Callable[[Any], Any] | None:
        ops = connection.ops
        if isinstance(f, models.DateTimeField):
            if connection.vendor == "sqlite":
                # What Django stores: naive UTC text. Our datetimes are all UTC already.
                return lambda v: str(v.astimezone(dt.UTC).replace(tzinfo=None))
            return ops.adapt_datetimefield_value
        if isinstance(f, models.DateField):
            return ops.adapt_datefield_value
        if isinstance(f, models.DecimalField):
            return lambda v: ops.adapt_decimalfield_value(v, f.max_digits, f.decimal_places)
        if isinstance(f, models.JSONField):
            return lambda v: f.get_db_prep_save(v, connection)
        return None

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)

    def flush(self) -> None:
        if not self.rows:
            return
        plan = list(zip(self.columns, self.defaults, self.adapters, strict=True))
        values = []
        for row in self.rows:
            out = []
            for col, default, adapt in plan:
                v = row.get(col, default)
                out.append(adapt(v) if adapt is not None and v is not None else v)
            values.append(out)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY is several times faster than INSERT on PostgreSQL.
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for row in values:
                        copy.write_row(row)
            else:
                cursor.executemany(self.sql, values)
        self.written += len(values)
        self.rows = []


def _next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


# --- Customers --------------------------------------------------------------------


@dataclass
class DemoResult:
    customers: int = 0
    contacts: int = 0
    followups: int = 0
    ledger: int = 0
    equipment: int = 0
    seconds: float = 0.0
    users: dict[str, User] = field(default_factory=dict)


class _Maker:
    """Draws one customer after another from a seeded Random, never repeating a phone or name."""

    def __init__(self, rng: random.Random, today: dt.date, now: dt.datetime):
        self.rng = rng
        self.today = today
        self.now = now
        self.phones: set[str] = set()
        self.names: set[str] = set()
        self.codes: set[str] = set()

    def mobile(self) -> tuple[str, str]:
        rng = self.rng
        while True:
            norm = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"
            if norm not in self.phones:
                self.phones.add(norm)
                break
        r = rng.random()
        shown = f"{norm[:3]} {norm[3:7]} {norm[7:]}" if r < 0.1 else (
            f"{norm[:3]}-{norm[3:7]}-{norm[7:]}" if r < 0.15 else norm)
        return shown, norm

    def landline(self, area: str) -> tuple[str, str]:
        rng = self.rng
        while True:
            local = f"{rng.randint(2, 8)}{rng.randrange(10_000_000):07d}"
            shown = f"{area}-{local}"
            norm = normalize_phone(shown)
            if norm not in self.phones:
                self.phones.add(norm)
                return shown, norm

    def credit_code(self, division: str) -> str:
        rng = self.rng
        while True:
            org = "".join(rng.choices("0123456789ABCDEFGHJKLMNPQRTUWXY", k=9))
            code = credit_code_with_check("91" + division + org)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def company_name(self, city: str, words: list[str]) -> tuple[str, str, str]:
        rng = self.rng
        short = city.removesuffix("市")
        for attempt in range(60):
            (c1, p1), (c2, p2) = rng.sample(BRAND_CHARS, 2)
            suffix = "股份有限公司" if rng.random() < 0.08 else "有限公司"
            name = f"{short}{c1}{c2}{rng.choice(words)}{suffix}"
            if attempt > 10:  # a crowded city: a branch keeps the name unique
                name = name.removesuffix("公司") + f"公司{rng.choice(BRANCHES)}分公司"
            norm = normalize_name(name)
            if norm not in self.names:
                self.names.add(norm)
                return name, norm, p1 + p2
        raise RuntimeError("could not draw a unique company name")

    def days_ago(self, lo: float, hi: float) -> dt.datetime:
        return self.now - dt.timedelta(days=self.rng.uniform(lo, hi))


BRANCHES = [r[2].removesuffix("区") for r in REGIONS if len(r[2]) == 3] + ["第一", "第二", "第三", "开发区"]


@dataclass
class _Plan:
    """One customer row and what will hang off it."""

    customer: dict[str, Any]
    contacts: list[dict[str, Any]]
    followups: list[tuple[dt.datetime, int | None]]  # (time, user id)
    next_date: dt.date | None
    tags: list[str]
    segment: str | None
    ledger: bool
    equipment: int
    products: list[str]


def _owner_cycle(rng: random.Random, reps: list[User]) -> list[User | None]:
    """One block of six: a third in the pool; rep1 and rep2 get a quarter each of all."""
    rep1, rep2, others = reps[0], reps[1], reps[2:]
    block: list[User | None] = [None, None, rep1, rep2, rng.choice([rep1, rep2]),
                                rng.choice(others) if others else rep1]
    rng.shuffle(block)
    return block


def _make_customer(m: _Maker, owner: User | None, admin_id: int) -> _Plan:
    rng, now, today = m.rng, m.now, m.today
    province, city, district, area, division = rng.choice(REGIONS)
    is_company = rng.random() < 0.7
    created = m.days_ago(1, 730)
    time_state = _pick(rng, STATE_OWNED_W if owner else STATE_POOL_W)
    tier = "" if time_state == TimeState.POTENTIAL and rng.random() < 0.6 else _pick(rng, TIER_W)
    source = _pick(rng, SOURCE_W)
    need_type = _pick(rng, NEED_W)
    contacts: list[dict[str, Any]] = []
    if is_company:
        industry, words, products = rng.choice(INDUSTRIES)
        name, name_norm, domain = m.company_name(city, words)
        phone, phone_norm = m.landline(area) if rng.random() < 0.45 else m.mobile()
        email = f"{rng.choice(['info', 'sales', 'service', 'office'])}@{domain}.com.cn" if rng.random() < 0.6 else ""
        code = m.credit_code(division) if rng.random() < 0.85 else ""
        address = f"{rng.choice(ROADS)}{rng.randint(1, 999)}号" + (
            f"{rng.randint(1, 30)}幢{rng.randint(1, 20)}0{rng.randint(1, 9)}室" if rng.random() < 0.5 else "")
        for i in range(rng.choice([1, 1, 2, 2, 3])):
            title, dm_chance = TITLES[0] if i == 0 and rng.random() < 0.5 else rng.choice(TITLES)
            mobile, mobile_norm = m.mobile()
            office, office_norm = m.landline(area) if rng.random() < 0.25 else ("", "")
            contacts.append({
                "name": _person_name(rng), "title": title, "mobile": mobile, "mobile_norm": mobile_norm,
                "phone": office, "phone_norm": office_norm,
                "email": f"{TITLE_SLUGS[title]}{rng.randint(1, 99)}@{domain}.com.cn" if rng.random() < 0.4 else "",
                "wechat": f"wxid_{rng.randrange(36**8):011x}" if rng.random() < 0.5 else "",
                "birthday": _birthday(rng) if rng.random() < 0.5 else None,
                "is_decision_maker": rng.random() < dm_chance, "created_at": created,
            })
    else:
        industry, products = "", PERSON_PRODUCTS
        name = _person_name(rng)
        name_norm = normalize_name(name)
        phone, phone_norm = m.mobile()
        email = f"{rng.randrange(10_000_000, 3_000_000_000)}@qq.com" if rng.random() < 0.3 else ""
        code = ""
        address = (f"{rng.choice(ROADS)}{rng.randint(1, 999)}弄{rng.randint(1, 60)}号{rng.randint(1, 30)}0"
                   f"{rng.randint(1, 4)}室") if rng.random() < 0.5 else ""

    # Owned customers were worked in the last 90 days, the newest follow-up within the
    # pool-return period so the sweep does not take them back at once; some pool
    # customers carry the trace of a former owner.
    followups: list[tuple[dt.datetime, int | None]] = []
    next_date = None
    claimed = None
    if owner is not None:
        n = rng.choice([1, 1, 2, 2, 3, 4])
        times = sorted([m.days_ago(0.05, 27)] + [m.days_ago(0.05, 90) for _ in range(n - 1)])
        followups = [(t, owner.pk) for t in times]
        if rng.random() < 0.55:
            next_date = today + dt.timedelta(days=rng.randint(-6, 14))
        claimed = min(times[0], m.days_ago(30, 400))
    elif rng.random() < 0.3:
        followups = [(m.days_ago(40, 200), None)]
    created = min([created, *(t for t, _ in followups), *([claimed] if claimed else [])])
    last = followups[-1][0] if followups else None
    tags = []
    if tier == ValueTier.KEY or (tier == ValueTier.QUALITY and rng.random() < 0.3):
        tags.append("VIP")
    if (now - created).days > 365 and time_state in (TimeState.CURRENT, TimeState.PAST):
        tags.append("老客户")
    if owner is not None and tier in (ValueTier.KEY, ValueTier.QUALITY) and rng.random() < 0.5:
        tags.append("重点跟进")
    if source == Source.FAIR:
        tags.append("展会")
    if source in (Source.REFERRAL, Source.CUSTOMER_REFERRAL) and rng.random() < 0.5:
        tags.append("转介绍")
    if rng.random() < 0.03:
        tags.append("投诉过")
    if (now - created).days < 30:
        tags.append("新客户")
    segment = None
    if is_company and industry == "制造业" and province in ("浙江省", "江苏省", "上海市"):
        segment = SEGMENTS[0][0]
    elif is_company and industry == "零售" and rng.random() < 0.5:
        segment = SEGMENTS[1][0]
    elif tier == ValueTier.MARGINAL and need_type == NeedType.PRICE and rng.random() < 0.5:
        segment = SEGMENTS[2][0]
    customer = {
        "kind": CustomerKind.COMPANY.value if is_company else CustomerKind.INDIVIDUAL.value,
        "name": name, "name_norm": name_norm, "search_text": index_terms(name_norm), "credit_code": code, "phone": phone, "phone_norm": phone_norm,
        "email": email, "industry": industry, "province": province, "city": city, "district": district,
        "address": address, "source": source, "owner_id": owner.pk if owner else None,
        "team_id": owner.department_id if owner else None, "claimed_at": claimed, "last_followup_at": last,
        "value_tier": tier, "time_state": time_state,
        "relation": Relation.INTERNAL.value if rng.random() < 0.02 else Relation.EXTERNAL.value,
        "need_type": need_type, "behaviour_type": _pick(rng, BEHAVIOUR_W),
        "notes": f"关注{rng.choice(products)}。" if rng.random() < 0.2 else "",
        "created_at": created, "updated_at": last or created,
        "created_by_id": owner.pk if owner else admin_id, "version": 1,
    }
    return _Plan(
        customer=customer, contacts=contacts, followups=followups, next_date=next_date, tags=tags,
        segment=segment,
        ledger=time_state in (TimeState.CURRENT, TimeState.PAST) and rng.random() < 0.7,
        equipment=rng.choice([1, 1, 2, 3]) if is_company and rng.random() < 0.25 else 0,
        products=products,
    )


PERSON_PRODUCTS = ["理财产品", "车险续保", "家用空调", "宽带套餐", "会员卡", "保养套餐"]
TITLE_SLUGS = {"总经理": "gm", "采购经理": "purchase", "财务": "finance", "办公室主任": "office",
               "技术主管": "tech", "销售总监": "sales", "行政专员": "admin"}


def _birthday(rng: random.Random) -> dt.date:
    return dt.date(rng.randint(1962, 1998), rng.randint(1, 12), rng.randint(1, 28))


def _ledger_rows(m: _Maker, c: dict[str, Any]) -> list[dict[str, Any]]:
    """Invoices over the last year and the payments against them; some left overdue."""
    rng, today = m.rng, m.today
    lo, hi = TIER_AMOUNT.get(c["value_tier"], TIER_AMOUNT[""])
    note = "货款" if c["kind"] == CustomerKind.COMPANY else "服务费"
    rows: list[dict[str, Any]] = []
    for _ in range(rng.choice([1, 1, 2, 3, 4])):
        date = today - dt.timedelta(days=rng.randint(5, 365))
        amount = Decimal(rng.randrange(lo, hi) // 100 * 100)
        due = date + dt.timedelta(days=rng.choice([30, 30, 60, 90]))
        rows.append({"customer_id": c["id"], "kind": LedgerKind.INVOICE.value, "amount": amount, "date": date,
                     "due_date": due, "reference": f"FP{date:%Y%m}{rng.randrange(10**6):06d}", "note": note,
                     "created_by_id": c["owner_id"]})
        r = rng.random()
        if due < today and r < 0.08:
            continue  # overdue, nothing received yet
        if due >= today and r < 0.6:
            continue  # not yet due, not yet paid
        paid = amount if r < 0.85 or due >= today else (amount / 2).quantize(Decimal(1))
        pay_day = date + dt.timedelta(days=rng.randint(3, 80))
        if pay_day > today:
            pay_day = date + dt.timedelta(days=rng.randint(0, (today - date).days))
        rows.append({"customer_id": c["id"], "kind": LedgerKind.RECEIPT.value, "amount": paid, "date": pay_day,
                     "due_date": None, "reference": f"HK{pay_day:%Y%m%d}{rng.randrange(10**4):04d}",
                     "note": "银行转账" if rng.random() < 0.8 else "承兑汇票", "created_by_id": c["owner_id"]})
    return rows


def _overdue(rows: list[dict[str, Any]], today: dt.date) -> bool:
    invoiced_due = sum(r["amount"] for r in rows if r["kind"] == LedgerKind.INVOICE and r["due_date"] < today)
    received = sum(r["amount"] for r in rows if r["kind"] == LedgerKind.RECEIPT)
    return invoiced_due > received


def _equipment_rows(m: _Maker, c: dict[str, Any], n: int) -> list[dict[str, Any]]:
    rng, today = m.rng, m.today
    rows = []
    for _ in range(n):
        name, models_ = rng.choice(EQUIPMENT)
        installed = today - dt.timedelta(days=rng.randint(30, 2500))
        rows.append({"customer_id": c["id"], "name": name, "model": rng.choice(models_),
                     "serial_number": f"SN{installed:%y}{rng.randrange(10**8):08d}", "installed_on": installed,
                     "warranty_until": installed + dt.timedelta(days=365 * rng.choice([1, 2, 3, 5]))})
    return rows


def _followup_rows(m: _Maker, plan: _Plan, fallback_user: int) -> list[dict[str, Any]]:
    rng = m.rng
    c = plan.customer
    texts = FOLLOWUP_TEXTS if c["kind"] == CustomerKind.COMPANY else PERSON_TEXTS
    rows = []
    for i, (at, by) in enumerate(plan.followups):
        channel = _pick(rng, CHANNEL_W)
        contact = rng.choice(plan.contacts) if plan.contacts else None
        who = f"{contact['name']}（{contact['title']}）" if contact else c["name"]
        text = rng.choice(texts[channel]).format(who=who, product=rng.choice(plan.products))
        last = i == len(plan.followups) - 1
        rows.append({"customer_id": c["id"], "contact_id": contact["id"] if contact else None,
                     "channel": channel, "content": text, "outcome": rng.choice(OUTCOMES),
                     "next_date": plan.next_date if last else None, "by_id": by or fallback_user, "at": at})
    return rows


def _birthdays_soon(plans: list[_Plan], today: dt.date, reps: list[User]) -> None:
    """A couple of contacts of rep1's and rep2's customers have a birthday today or this week."""
    offsets = {reps[0].pk: [0, 3], reps[1].pk: [1, 5]}
    for plan in plans:
        todo = offsets.get(plan.customer["owner_id"] or 0)
        if todo and plan.contacts:
            days = todo.pop(0)
            born = today + dt.timedelta(days=days)
            try:
                plan.contacts[0]["birthday"] = born.replace(year=1978 + days)
            except ValueError:  # 29 February
                plan.contacts[0]["birthday"] = dt.date(1978 + days, 3, 1)


def _respread_contacts(m: _Maker, plans: list[_Plan], offset: int, total: int, wanted: int) -> None:
    """Give the i-th customer floor((i+1)·C/N) − floor(i·C/N) contacts: exactly C in all."""
    rng = m.rng
    for i, plan in enumerate(plans, start=offset):
        n = (i + 1) * wanted // total - i * wanted // total
        have = plan.contacts[:n]
        company = plan.customer["kind"] == CustomerKind.COMPANY
        while len(have) < n:
            mobile, norm = m.mobile()
            title, dm = rng.choice(TITLES) if company else ("家属", 0.5)
            have.append({"name": _person_name(rng), "title": title, "mobile": mobile, "mobile_norm": norm,
                         "is_decision_maker": rng.random() < dm,
                         "birthday": _birthday(rng) if rng.random() < 0.3 else None,
                         "created_at": plan.customer["created_at"]})
        plan.contacts = have


def generate(
    *,
    customers: int = 300,
    seed: int | None = None,
    contacts: int | None = None,
    extras: bool = True,
    audit: bool = True,
    batch: int = 5000,
    progress: Callable[[int, int], None] | None = None,
) -> DemoResult:
    """Create the demo organisation and `customers` customers.

    contacts: exactly this many contacts spread over the customers (the benchmark's
    1M + 1M), instead of the default 1–3 per company. extras: equipment, ledger,
    follow-ups, tags and segments. audit: one "customer.created" entry per customer.
    Customer and contact ids are assigned here (after the highest existing one), so
    rows can be linked without reading ids back; PostgreSQL's sequences are reset after.
    """
    started = time.monotonic()
    rng = random.Random(seed)
    users = ensure_org()
    reps = sorted((u for u in users.values() if u.role == Role.ACCOUNT_MANAGER), key=lambda u: u.username)
    admin_id = users["admin"].pk
    now = timezone.now()
    today = timezone.localdate()
    maker = _Maker(rng, today, now)
    # Keep clear of what is already there, so a second run adds and never collides.
    if Customer.objects.exists():
        maker.phones.update(Customer.objects.exclude(phone_norm="").values_list("phone_norm", flat=True))
        maker.phones.update(Contact.objects.exclude(mobile_norm="").values_list("mobile_norm", flat=True))
        maker.phones.update(Contact.objects.exclude(phone_norm="").values_list("phone_norm", flat=True))
        maker.names.update(Customer.objects.filter(kind=CustomerKind.COMPANY).values_list("name_norm", flat=True))
        maker.codes.update(Customer.objects.exclude(credit_code="").values_list("credit_code", flat=True))
    tag_ids: dict[str, int] = {}
    segment_ids: dict[str, int] = {}
    if extras:
        Tag.objects.bulk_create([Tag(name=t) for t in TAGS], ignore_conflicts=True)
        tag_ids = dict(Tag.objects.filter(name__in=TAGS).values_list("name", "pk"))
        for name, strategy, channel in SEGMENTS:
            Segment.objects.get_or_create(name=name, defaults={"strategy": strategy, "preferred_channel": channel})
        segment_ids = dict(Segment.objects.filter(name__in=[s[0] for s in SEGMENTS]).values_list("name", "pk"))

    tables = {
        "customer": _Table(Customer, with_pk=True), "contact": _Table(Contact, with_pk=True),
        "ledger": _Table(LedgerEntry), "equipment": _Table(Equipment), "followup": _Table(FollowUp),
        "tag": _Table(Customer.tags.through), "segment": _Table(Customer.segments.through),
        "audit": _Table(AuditEntry),
    }
    next_customer, next_contact = _next_id(Customer), _next_id(Contact)
    owners: list[User | None] = []
    done = 0
    while done < customers:
        size = min(batch, customers - done)
        plans = []
        for _ in range(size):
            if not owners:
                owners = _owner_cycle(rng, reps)
            plans.append(_make_customer(maker, owners.pop(), admin_id))
        if contacts is not None:
            _respread_contacts(maker, plans, done, customers, contacts)
        if done == 0 and extras:
            _birthdays_soon(plans, today, reps)
        for p in plans:
            p.customer["id"] = next_customer
            next_customer += 1
            tables["customer"].add(p.customer)
            for c in p.contacts:
                c["id"], c["customer_id"] = next_contact, p.customer["id"]
                next_contact += 1
                tables["contact"].add(c)
            if extras:
                _add_extras(maker, p, tables, tag_ids, segment_ids, admin_id)
            if audit:
                tables["audit"].add({
                    "at": p.customer["created_at"], "actor_id": p.customer["created_by_id"], "action": "customer.created",
                    "object_type": "customer", "object_id": p.customer["id"], "customer_id": p.customer["id"],
                    "changes": {"name": [None, p.customer["name"]]}, "note": "演示数据",
                })
        with transaction.atomic():
            for table in tables.values():
                table.flush()
        done += size
        if progress:
            progress(done, customers)
    _reset_sequences([Customer, Contact])
    return DemoResult(
        customers=tables["customer"].written, contacts=tables["contact"].written,
        followups=tables["followup"].written, ledger=tables["ledger"].written,
        equipment=tables["equipment"].written, seconds=time.monotonic() - started, users=users,
    )


def _add_extras(m: _Maker, p: _Plan, tables: dict[str, _Table], tag_ids: dict[str, int],
                segment_ids: dict[str, int], admin_id: int) -> None:
    c = p.customer
    if p.ledger:
        rows = _ledger_rows(m, c)
        for row in rows:
            tables["ledger"].add(row)
        if _overdue(rows, m.today):
            p.tags.append("待回款")
    if p.equipment:
        for row in _equipment_rows(m, c, p.equipment):
            tables["equipment"].add(row)
    for row in _followup_rows(m, p, admin_id):
        tables["followup"].add(row)
    for t in dict.fromkeys(p.tags):
        tables["tag"].add({"customer_id": c["id"], "tag_id": tag_ids[t]})
    if p.segment:
        tables["segment"].add({"customer_id": c["id"], "segment_id": segment_ids[p.segment]})


def _reset_sequences(model_list: list[type[models.Model]]) -> None:
    """After inserting explicit ids, move PostgreSQL's sequences past them (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), model_list)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def login_lines(users: dict[str, User]) -> Iterable[str]:
    yield f"Demo logins (password {DEMO_PASSWORD}):"
    for username in [*LOGINS, *(u[0] for u in EXTRA_USERS)]:
        user = users[username]
        dept = user.department.name if user.department_id else "-"
        yield f"  {username:<12} {user.get_role_display()!s:<16} {user.display_name:<6} {dept}"
