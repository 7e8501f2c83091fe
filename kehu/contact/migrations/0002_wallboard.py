# The wallboard: per-queue conventions and tile thresholds, and the indexes its queries walk.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contact', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='queue',
            name='abandon_alarm_pct',
            field=models.PositiveSmallIntegerField(default=10, verbose_name='abandon rate alarm at (%)'),
        ),
        migrations.AddField(
            model_name='queue',
            name='abandon_rule',
            field=models.CharField(choices=[('all', 'Every abandoned call counts'), ('short', 'Short abandons are left out'), ('none', 'Abandoned calls are left out')], default='all', max_length=5, verbose_name='abandoned calls in the service level'),
        ),
        migrations.AddField(
            model_name='queue',
            name='abandon_warn_pct',
            field=models.PositiveSmallIntegerField(default=5, verbose_name='abandon rate warning at (%)'),
        ),
        migrations.AddField(
            model_name='queue',
            name='short_abandon_s',
            field=models.PositiveIntegerField(default=5, verbose_name='short abandon (seconds)'),
        ),
        migrations.AddField(
            model_name='queue',
            name='sl_alarm_pct',
            field=models.PositiveSmallIntegerField(default=70, verbose_name='service-level alarm below (%)'),
        ),
        migrations.AddField(
            model_name='queue',
            name='sl_target_pct',
            field=models.PositiveSmallIntegerField(default=80, verbose_name='service-level target (%)'),
        ),
        migrations.AddField(
            model_name='queue',
            name='wait_alarm_s',
            field=models.PositiveIntegerField(default=60, verbose_name='longest wait alarm at (seconds)'),
        ),
        migrations.AddField(
            model_name='queue',
            name='wait_warn_s',
            field=models.PositiveIntegerField(default=30, verbose_name='longest wait warning at (seconds)'),
        ),
        migrations.AddField(
            model_name='queue',
            name='waiting_alarm',
            field=models.PositiveIntegerField(default=10, verbose_name='calls waiting alarm at'),
        ),
        migrations.AddField(
            model_name='queue',
            name='waiting_warn',
            field=models.PositiveIntegerField(default=5, verbose_name='calls waiting warning at'),
        ),
        migrations.AddIndex(
            model_name='agentstate',
            index=models.Index(fields=['state', 'at'], name='agent_state_kind_at'),
        ),
        migrations.AddIndex(
            model_name='interaction',
            index=models.Index(condition=models.Q(('answered_at__isnull', True), ('ended_at__isnull', True)), fields=['offered_at'], name='interaction_waiting'),
        ),
        migrations.RemoveIndex(
            model_name='interaction',
            name='interaction_queue_day',
        ),
        migrations.AddIndex(
            model_name='interaction',
            index=models.Index(fields=['queue', 'direction', 'offered_at', 'answered_at', 'ended_at', 'abandoned', 'abandoned_after_s', 'wait_s', 'talk_s', 'hold_s', 'wrap_s', 'agent'], name='interaction_wallboard'),
        ),
    ]
