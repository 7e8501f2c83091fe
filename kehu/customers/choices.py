"""Classification vocabularies of the customer archive (BRIEF.md §2)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerKind(models.TextChoices):
    COMPANY = "company", _("Company")
    INDIVIDUAL = "individual", _("Individual")


class Source(models.TextChoices):
    REFERRAL = "referral", _("Referral")
    FAIR = "fair", _("Fair / exhibition")
    EVENT = "event", _("Trial or test-drive event")
    WEBSITE = "website", _("Website")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    DIRECT_MAIL = "direct_mail", _("Direct mail")
    CUSTOMER_REFERRAL = "customer_referral", _("Old-customer referral")
    WALK_IN = "walk_in", _("Walk-in")
    IMPORT = "import", _("Import")
    OTHER = "other", _("Other")


class ValueTier(models.TextChoices):
    """The customer pyramid, top to bottom."""

    KEY = "key", _("Key customer")
    QUALITY = "quality", _("Quality customer")
    GENERAL = "general", _("General customer")
    MARGINAL = "marginal", _("Marginal customer")


class TimeState(models.TextChoices):
    POTENTIAL = "potential", _("Potential")
    CURRENT = "current", _("Current")
    PAST = "past", _("Past")
    LOST = "lost", _("Lost")


class Relation(models.TextChoices):
    EXTERNAL = "external", _("External")
    INTERNAL = "internal", _("Internal")


class NeedType(models.TextChoices):
    PRICE = "price", _("Price-sensitive")
    SERVICE = "service", _("Service-led")
    PRODUCT = "product", _("Product-led")


class BehaviourType(models.TextChoices):
    EASYGOING = "easygoing", _("Easygoing")
    # The code is the assist engine's (kehu.engines.assist.labels.TYPES): one vocabulary.
    UNCOOPERATIVE = "uncooperative", _("Stubborn, uncooperative")
    DOMINEERING = "domineering", _("Domineering, competitive")
    VAIN = "vain", _("Vain")
    IRRITABLE = "irritable", _("Irritable")
    ARROGANT = "arrogant", _("Arrogant")
    DOUBTFUL = "doubtful", _("Doubtful")
    ANGRY = "angry", _("Angry")
    SILENT = "silent", _("Silent")
    TALKATIVE = "talkative", _("Talkative")
    PICKY = "picky", _("Picky")
    INDECISIVE = "indecisive", _("Indecisive")


class Channel(models.TextChoices):
    VISIT = "visit", _("Visit")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    WECHAT = "wechat", _("WeChat / IM")
    SMS = "sms", _("SMS")
    LETTER = "letter", _("Letter")
    MEETING = "meeting", _("Meeting")


class LedgerKind(models.TextChoices):
    INVOICE = "invoice", _("Invoiced")
    RECEIPT = "receipt", _("Received")
