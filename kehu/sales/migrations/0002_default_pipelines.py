"""The two pipelines Kehu ships: telemarketing and car sales (editable in the admin)."""

from django.db import migrations

# (name, win probability %, won, lost, side state)
PIPELINES = {
    "telemarketing": ("电话营销", [
        ("开场", 10, False, False, False),
        ("了解需求", 25, False, False, False),
        ("提议", 50, False, False, False),
        # Objections come up at any point of the call and lead back to the main path.
        ("异议处理", 40, False, False, True),
        ("成交", 100, True, False, False),
        ("未成交", 0, False, True, False),
    ]),
    "car-sales": ("汽车销售", [
        ("客户开发", 5, False, False, False),
        ("接待", 10, False, False, False),
        ("咨询", 20, False, False, False),
        ("产品介绍", 30, False, False, False),
        ("试乘试驾", 50, False, False, False),
        ("协商", 70, False, False, False),
        # After the sale the car is delivered and the buyer followed up: won stages in order.
        ("成交", 100, True, False, False),
        ("交车", 100, True, False, False),
        ("跟踪", 100, True, False, False),
        ("战败", 0, False, True, False),
    ]),
}


def fill(apps, schema_editor):
    Pipeline = apps.get_model("sales", "Pipeline")
    Stage = apps.get_model("sales", "Stage")
    for order, (code, (name, stages)) in enumerate(PIPELINES.items()):
        pipeline, created = Pipeline.objects.get_or_create(code=code, defaults={"name": name, "order": order})
        if not created:
            continue
        Stage.objects.bulk_create(
            Stage(pipeline=pipeline, name=s, order=i * 10, probability=p, is_won=won, is_lost=lost, is_side=side)
            for i, (s, p, won, lost, side) in enumerate(stages)
        )


class Migration(migrations.Migration):
    dependencies = [("sales", "0001_initial")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
