from django.db import migrations

TEMPLATES = {
    "受理确认": "{customer.name}您好，您反映的问题已受理，工单号 {ticket.number}。我们会尽快处理并及时告知您进展。",
    "处理中": "{customer.name}您好，工单 {ticket.number}（{ticket.title}）正在处理中，责任部门已介入，有结果会第一时间联系您。",
    "致歉": "{customer.name}您好，给您带来的不便我们深表歉意。我们已记录您的意见，并将认真改进。客服代表：{agent.name}",
    "已解决": "{customer.name}您好，工单 {ticket.number} 已处理完毕。如仍有问题，请直接回复本消息，我们会继续跟进。",
}


def fill(apps, schema_editor):
    ReplyTemplate = apps.get_model("service", "ReplyTemplate")
    for name, body in TEMPLATES.items():
        ReplyTemplate.objects.get_or_create(name=name, defaults={"body": body})


class Migration(migrations.Migration):
    dependencies = [("service", "0002_defaults")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
