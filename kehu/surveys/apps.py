from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "kehu.surveys"
    label = "surveys"
    verbose_name = _("Satisfaction measurement")

    def ready(self) -> None:
        from kehu.surveys.models import Survey, SurveyVersion
        from kehu.surveys.services import answer_caches_clear

        for signal in (post_save, post_delete):
            for model in (Survey, SurveyVersion):
                signal.connect(answer_caches_clear, sender=model,
                               dispatch_uid=f"kehu-surveys-{model.__name__}-{signal}")
