"""The scoring form Kehu ships for calls (editable in the admin until the first evaluation uses it)."""

from django.db import migrations

NAME = "通话质检评分表"
DESCRIPTION = "适用于呼入、呼出电话与在线会话。各项得分之和为 100 分；合规为红线项，不通过则整单 0 分。"

# (section, name, description, maximum points, fatal)
ITEMS = [
    ("服务规范", "开场与身份确认",
     "使用标准问候语并报出工号；按规定核实来电人身份（如户号、预留手机号）后再谈具体业务。", 10, False),
    ("沟通技巧", "倾听",
     "让客户把话说完，不抢话、不打断；用自己的话复述客户的问题并请客户确认。", 15, False),
    ("沟通技巧", "提问",
     "先用开放式问题了解全貌，再用封闭式问题确认细节；问题简洁，不重复询问客户已说明的信息。", 10, False),
    ("沟通技巧", "同理心",
     "客户着急或生气时先回应情绪再处理事情；语气平和、用语得体，让客户感到被理解。", 15, False),
    ("业务能力", "信息准确",
     "答复内容与现行政策、收费标准和知识库一致；不确定时先查询或请示，不随口承诺。", 20, False),
    ("业务能力", "解决方案",
     "给出明确可行的办法并与客户达成一致；需要转派时正确建单、说明办理时限和后续联系方式。", 20, False),
    ("服务规范", "结束语",
     "确认客户没有其他需要，小结本次办理结果，礼貌道别，等客户先挂机。", 10, False),
    ("合规红线", "合规",
     "出现以下任一情形判为不通过，整单 0 分：泄露客户个人信息或向未核实身份者透露账户信息；"
     "辱骂、讥讽客户或与客户争吵；无故挂断；违规承诺或未经核实办理业务。", 0, True),
]


def fill(apps, schema_editor):
    ScoringForm = apps.get_model("quality", "ScoringForm")
    FormItem = apps.get_model("quality", "FormItem")
    form, created = ScoringForm.objects.get_or_create(name=NAME, version=1,
                                                      defaults={"description": DESCRIPTION, "active": True})
    if not created:
        return
    FormItem.objects.bulk_create(
        FormItem(form=form, order=(i + 1) * 10, section=section, name=name, description=description,
                 max_points=points, weight=1, fatal=fatal)
        for i, (section, name, description, points, fatal) in enumerate(ITEMS)
    )


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_initial")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
