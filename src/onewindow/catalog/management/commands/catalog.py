"""`onewindow catalog export FILE.xlsx | import FILE.xlsx | export-national DIR`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from onewindow.core.errors import ServiceError


class Command(BaseCommand):
    help = "Export or import the service catalog (Excel), or export it in the national exchange CSV columns"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("export", help="write items and materials to an .xlsx file").add_argument("file")
        sub.add_parser("import", help="read items and materials from an .xlsx file").add_argument("file")
        national = sub.add_parser("export-national", help="write task_general_basic.csv and task_general_material.csv")
        national.add_argument("dir")
        national.add_argument("--all", action="store_true", help="include draft and retired items")

    def handle(self, *args: object, **options: object) -> None:
        from onewindow.catalog.transfer.export import catalog_export_xlsx
        from onewindow.catalog.transfer.importer import catalog_import_xlsx
        from onewindow.catalog.transfer.national import national_basic_csv, national_material_csv

        action = options["action"]
        if action == "export":
            path = Path(str(options["file"]))
            path.write_bytes(catalog_export_xlsx())
            self.stdout.write(f"已导出到 {path}")
        elif action == "import":
            path = Path(str(options["file"]))
            if not path.exists():
                raise CommandError(f"文件不存在：{path}")
            try:
                with path.open("rb") as fh:
                    result = catalog_import_xlsx(file=fh, actor=None)
            except ServiceError as exc:
                for p in exc.problems:
                    self.stderr.write(f"{p.field}: {p.message}")
                raise CommandError(exc.message) from None
            self.stdout.write(result.summary())
        else:
            directory = Path(str(options["dir"]))
            directory.mkdir(parents=True, exist_ok=True)
            published_only = not options["all"]
            (directory / "task_general_basic.csv").write_bytes(national_basic_csv(published_only=published_only))
            (directory / "task_general_material.csv").write_bytes(
                national_material_csv(published_only=published_only))
            self.stdout.write(f"已导出到 {directory}/task_general_basic.csv 和 task_general_material.csv")
