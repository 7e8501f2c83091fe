from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "kehu.service"
    label = "service"
    verbose_name = _("Service desk")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from kehu.service.models import CalendarDay, ComplaintGrade, SlaPolicy
        from kehu.service.sla import forget_calendar

        # The process's copies of these few rows (kehu.service.sla) go as soon as one changes here.
        for model in (CalendarDay, ComplaintGrade, SlaPolicy):
            for signal in (post_save, post_delete):
                signal.connect(forget_calendar, sender=model, dispatch_uid=f"kehu-sla-forget-{model.__name__}")
