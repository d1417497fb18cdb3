"""`onewindow community_import_tree FILE.xlsx`: import streets, communities, compounds, grids and buildings.

Every row is validated first; any error rejects the whole file and is printed by row and column.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onewindow.community.services.organisation import tree_import
from onewindow.core.errors import ServiceError


class Command(BaseCommand):
    help = "Import the community organisation tree from an .xlsx file (街道, 社区, 小区, 网格, 楼栋, 户数)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: object, **options: object) -> None:
        path: Path = options["path"]  # type: ignore[assignment]
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            result = tree_import(data=path.read_bytes(), actor=None)
        except ServiceError as exc:
            for problem in exc.problems:
                self.stderr.write(f"  {problem.field or '-'}: {problem.message}")
            raise CommandError(exc.message) from None
        self.stdout.write(self.style.SUCCESS(
            f"导入 {result.rows} 行：新增街道 {result.streets}、社区 {result.communities}、小区 {result.compounds}、"
            f"网格 {result.grids}、楼栋 {result.buildings}"))
