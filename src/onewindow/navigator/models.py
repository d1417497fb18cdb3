"""What the guide learns from use: synonyms added by catalog admins, and the queries that found nothing.

A missed query keeps only its words, never who asked: digits (ID, phone and case numbers), e-mail addresses
and anything after them are cut before it is stored (services.clean_query).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    ZH = "zh", _("中文（含拼音）")
    EN = "en", _("英文")


class Synonym(models.Model):
    """What people say → the catalog's words (an item's or bundle's name, or a word in it)."""

    phrase = models.CharField(_("群众说法"), max_length=60)
    targets = models.CharField(_("对应的事项用语"), max_length=300, help_text=_("逗号分隔，如：餐饮店,食品经营许可"))
    language = models.CharField(_("语言"), max_length=2, choices=Language.choices, default=Language.ZH)
    weight = models.FloatField(_("权重"), default=0.9)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("添加时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("添加人"))

    class Meta:
        ordering = ["language", "phrase"]
        verbose_name = _("导办同义词")
        verbose_name_plural = _("导办同义词")
        constraints = [models.UniqueConstraint(fields=["phrase", "language"], name="navigator_synonym_unique")]

    def __str__(self) -> str:
        return f"{self.phrase} → {self.targets}"

    def target_list(self) -> tuple[str, ...]:
        return tuple(t.strip() for t in self.targets.replace("，", ",").split(",") if t.strip())


class MissKind(models.TextChoices):
    NO_RESULT = "no_result", _("没有结果")
    ABANDONED = "abandoned", _("没找到要办的")


class MissedQuery(models.Model):
    """A query (without personal data) that found nothing, or whose results the citizen said were not it."""

    text = models.CharField(_("查询内容"), max_length=60)
    kind = models.CharField(_("类型"), max_length=10, choices=MissKind.choices)
    language = models.CharField(_("语言"), max_length=2, choices=Language.choices, default=Language.ZH)
    count = models.PositiveIntegerField(_("次数"), default=1)
    first_at = models.DateTimeField(_("首次"))
    last_at = models.DateTimeField(_("最近"))
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolution = models.CharField(_("处理结果"), max_length=200, blank=True)

    class Meta:
        ordering = ["-count", "-last_at"]
        verbose_name = _("未找到的查询")
        verbose_name_plural = _("未找到的查询")
        constraints = [models.UniqueConstraint(fields=["text", "kind"], name="navigator_missedquery_unique")]
        indexes = [models.Index(fields=["resolved_at", "-count"])]

    def __str__(self) -> str:
        return self.text
