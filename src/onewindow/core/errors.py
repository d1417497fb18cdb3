"""Errors that services raise. Views and the API turn them into a message naming each field."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.http import JsonResponse


@dataclass(frozen=True)
class FieldProblem:
    field: str | None
    message: str


class ServiceError(Exception):
    """A write was refused; nothing was changed. `status` is the HTTP status the API answers with."""

    status: int = 400

    def __init__(self, message: str, *, field: str | None = None, problems: list[FieldProblem] | None = None,
                 status: int | None = None) -> None:
        super().__init__(message)
        self.message = str(message)
        self.problems = problems if problems is not None else [FieldProblem(field, self.message)]
        if status is not None:
            self.status = status

    def as_dict(self) -> dict[str, Any]:
        return error_body(self.message, problems=self.problems)


class Conflict(ServiceError):
    """The record is not in a state that allows this (illegal transition, duplicate, lost race)."""

    status = 409


class NotFound(ServiceError):
    status = 404


class Forbidden(ServiceError):
    status = 403


def error_body(detail: str, *, field: str | None = None,
               problems: Sequence[FieldProblem] | None = None) -> dict[str, Any]:
    """The one error shape of the JSON API: {"detail": …, "errors": [{"field": …, "message": …}]}.

    Without `problems`, the single error names `field` (None when the error is about the request as a whole).
    """
    listed = problems if problems is not None else [FieldProblem(field, detail)]
    return {"detail": str(detail), "errors": [{"field": p.field, "message": str(p.message)} for p in listed]}


def error_response(detail: str, *, status: int, field: str | None = None,
                   problems: Sequence[FieldProblem] | None = None) -> JsonResponse:
    """A JSON error answer in the API's shape, for middleware and views outside django-ninja."""
    return JsonResponse(error_body(detail, field=field, problems=problems), status=status,
                        json_dumps_params={"ensure_ascii": False})


def collect(problems: list[FieldProblem], summary: str) -> None:
    """Raise one ServiceError listing every problem, if there are any."""
    if problems:
        raise ServiceError(summary, problems=problems)
