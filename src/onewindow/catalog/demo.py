"""Placeholder: the catalog demo (Fu'an HR bureau, Huli's 18 departments) is written by the catalog work."""

from onewindow.catalog.models import Department


def load(*, scale: int = 0, stdout=None) -> None:  # noqa: ANN001
    Department.objects.get_or_create(code="FA-RSJ", defaults={"name": "福安市人力资源和社会保障局", "short_name": "福安人社局"})
    Department.objects.get_or_create(code="HL-SCJ", defaults={"name": "厦门市湖里区市场监督管理局", "short_name": "湖里市场监管局"})
