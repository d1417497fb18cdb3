"""“One thing” bundles (一件事): items done together, situational questions (情形) with options, merged forms.

A bundle holds service items; its questions' options select which items, extra materials and form fields
apply, and may reveal follow-up questions. The notice computation lives in `bundles/notice.py`.

The tables were created by the catalog app (migration catalog 0002) and keep their names (`db_table`), so moving
the models into this app moved no row.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from onewindow.catalog.models import (
    Audience,
    CanonicalMaterial,
    Department,
    ItemStatus,
    MaterialForm,
    MaterialNecessity,
    MaterialSource,
    ServiceItem,
    WindowCategory,
)


class Bundle(models.Model):
    code = models.CharField(_("一件事编码"), max_length=40, unique=True)
    name = models.CharField(_("一件事名称"), max_length=200)
    name_en = models.CharField(_("一件事名称（英文）"), max_length=300, blank=True)
    audience = models.CharField(_("服务对象"), max_length=12, choices=Audience.choices, default=Audience.PERSON,
                                db_index=True)
    description = models.TextField(_("说明"), blank=True)
    description_en = models.TextField(_("说明（英文）"), blank=True)
    region = models.CharField(_("行政区划"), max_length=50, blank=True)
    first_in_city = models.BooleanField(_("全市首推"), default=False)
    launched_on = models.DateField(_("上线日期"), null=True, blank=True)
    window_category = models.ForeignKey(WindowCategory, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="bundles", verbose_name=_("受理窗口类别"))
    lead_department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="led_bundles",
                                        verbose_name=_("牵头部门"))
    visits = models.PositiveSmallIntegerField(_("一件事到现场次数"), default=1)
    place = models.CharField(_("办理地点"), max_length=200, blank=True)
    hours = models.CharField(_("办理时间"), max_length=200, blank=True)
    consult_phone = models.CharField(_("咨询电话"), max_length=40, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.PUBLISHED,
                              db_index=True)
    aliases = models.CharField(_("别名/俗称"), max_length=400, blank=True, help_text=_("逗号分隔，供智能导办检索"))
    aliases_en = models.CharField(_("英文别名"), max_length=600, blank=True, help_text=_("逗号分隔，供智能导办检索"))
    considered_items = models.ManyToManyField(
        ServiceItem, blank=True, related_name="considered_for_bundles", verbose_name=_("梳理过但未纳入的事项"),
        help_text=_("梳理本情形时审视过、但未并入本一件事的事项"))
    materials_note = models.TextField(_("材料说明"), blank=True)
    process_note = models.TextField(_("办理流程"), blank=True, help_text=_("每行一个环节"))
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        db_table = "catalog_bundle"
        ordering = ["sort_order", "code"]
        verbose_name = _("一件事")
        verbose_name_plural = _("一件事")

    def __str__(self) -> str:
        return self.name

    @property
    def process_steps(self) -> list[str]:
        return [line.strip() for line in self.process_note.splitlines() if line.strip()]


class BundleItem(models.Model):
    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="bundle_items", verbose_name=_("一件事"))
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="bundle_uses", verbose_name=_("事项"))
    always = models.BooleanField(_("必办事项"), default=True, help_text=_("不勾选则仅当某个情形选项选中时才办理"))
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        db_table = "catalog_bundleitem"
        ordering = ["bundle", "order", "id"]
        verbose_name = _("一件事所含事项")
        verbose_name_plural = _("一件事所含事项")
        constraints = [models.UniqueConstraint(fields=["bundle", "item"], name="bundle_item_unique")]

    def __str__(self) -> str:
        return f"{self.bundle} · {self.item}"


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("单选")
    MULTI = "multi", _("多选")


class Question(models.Model):
    """A situational question (情形). Shown only when `shown_when` is None or that option is chosen."""

    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="questions", verbose_name=_("一件事"))
    key = models.SlugField(_("问题标识"), max_length=40)
    text = models.CharField(_("问题"), max_length=200)
    text_en = models.CharField(_("问题（英文）"), max_length=300, blank=True)
    help = models.CharField(_("提示"), max_length=300, blank=True)
    help_en = models.CharField(_("提示（英文）"), max_length=400, blank=True)
    kind = models.CharField(_("题型"), max_length=6, choices=QuestionKind.choices, default=QuestionKind.SINGLE)
    required = models.BooleanField(_("必答"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    shown_when = models.ForeignKey("Option", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="reveals", verbose_name=_("选中该选项时才显示"),
                                   help_text=_("追问：仅当另一问题选中此选项时才出现"))

    class Meta:
        db_table = "catalog_question"
        ordering = ["bundle", "order", "id"]
        verbose_name = _("情形问题")
        verbose_name_plural = _("情形问题")
        constraints = [models.UniqueConstraint(fields=["bundle", "key"], name="bundle_question_key_unique")]

    def __str__(self) -> str:
        return f"{self.bundle.code}/{self.key} {self.text}"


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options", verbose_name=_("问题"))
    key = models.SlugField(_("选项标识"), max_length=40)
    label = models.CharField(_("选项"), max_length=200)
    label_en = models.CharField(_("选项（英文）"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    items = models.ManyToManyField(ServiceItem, blank=True, related_name="selected_by_options",
                                   verbose_name=_("选中后办理的事项"),
                                   help_text=_("须为本一件事所含事项"))

    class Meta:
        db_table = "catalog_option"
        ordering = ["question", "order", "id"]
        verbose_name = _("情形选项")
        verbose_name_plural = _("情形选项")
        constraints = [models.UniqueConstraint(fields=["question", "key"], name="question_option_key_unique")]

    def __str__(self) -> str:
        return f"{self.question.text} → {self.label}"


class OptionMaterial(models.Model):
    """A material an option adds beyond its items' own materials (e.g. 户外招牌设置方案)."""

    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="extra_materials",
                               verbose_name=_("选项"))
    material = models.ForeignKey(CanonicalMaterial, on_delete=models.PROTECT, related_name="option_uses",
                                 verbose_name=_("标准材料"))
    item = models.ForeignKey(ServiceItem, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="option_materials", verbose_name=_("用于事项"),
                             help_text=_("留空则用于该选项选中的事项（无则全部适用事项）"))
    source = models.CharField(_("来源渠道"), max_length=2, choices=MaterialSource.choices,
                              default=MaterialSource.APPLICANT)
    necessity = models.CharField(_("必要性"), max_length=1, choices=MaterialNecessity.choices,
                                 default=MaterialNecessity.REQUIRED)
    originals = models.PositiveSmallIntegerField(_("原件份数"), default=1)
    copies = models.PositiveSmallIntegerField(_("复印件份数"), default=0)
    form = models.CharField(_("材料形式"), max_length=10, choices=MaterialForm.choices, default=MaterialForm.BOTH)
    notes = models.TextField(_("填报须知/备注"), blank=True)

    class Meta:
        db_table = "catalog_optionmaterial"
        ordering = ["option", "id"]
        verbose_name = _("选项追加材料")
        verbose_name_plural = _("选项追加材料")
        constraints = [models.UniqueConstraint(fields=["option", "material"], name="option_material_unique")]

    def __str__(self) -> str:
        return f"{self.option} · {self.material}"


class FieldKind(models.TextChoices):
    TEXT = "text", _("文本")
    NUMBER = "number", _("数字")
    DATE = "date", _("日期")
    CHOICE = "choice", _("选择")
    ID_NUMBER = "id_number", _("居民身份证号")
    MOBILE = "mobile", _("手机号")
    CREDIT_CODE = "credit_code", _("统一社会信用代码")
    TEXTAREA = "textarea", _("多行文本")


class FormField(models.Model):
    """One field of an item's application form (or one an option adds). Same key across items = asked once."""

    item = models.ForeignKey(ServiceItem, null=True, blank=True, on_delete=models.CASCADE, related_name="form_fields",
                             verbose_name=_("事项"))
    option = models.ForeignKey(Option, null=True, blank=True, on_delete=models.CASCADE, related_name="form_fields",
                               verbose_name=_("情形选项"))
    key = models.SlugField(_("字段标识"), max_length=40)
    label = models.CharField(_("字段名称"), max_length=100)
    label_en = models.CharField(_("字段名称（英文）"), max_length=200, blank=True)
    kind = models.CharField(_("类型"), max_length=12, choices=FieldKind.choices, default=FieldKind.TEXT)
    required = models.BooleanField(_("必填"), default=True)
    choices = models.TextField(_("可选值"), blank=True, help_text=_("选择类型填写，每行一个"))
    help = models.CharField(_("填写说明"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        db_table = "catalog_formfield"
        ordering = ["order", "id"]
        verbose_name = _("表单字段")
        verbose_name_plural = _("表单字段")
        constraints = [
            models.CheckConstraint(condition=models.Q(item__isnull=False) | models.Q(option__isnull=False),
                                   name="form_field_belongs_to_item_or_option"),
            models.UniqueConstraint(fields=["item", "key"], name="form_field_item_key_unique"),
            models.UniqueConstraint(fields=["option", "key"], name="form_field_option_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.key})"

    @property
    def choice_list(self) -> tuple[str, ...]:
        return tuple(c.strip() for c in self.choices.splitlines() if c.strip())
