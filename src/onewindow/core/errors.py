"""Errors that services raise. Views and the API turn them into a message naming each field."""

from dataclasses import dataclass


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

    def as_dict(self) -> dict:
        return {
            "detail": self.message,
            "errors": [{"field": p.field, "message": str(p.message)} for p in self.problems],
        }


class Conflict(ServiceError):
    """The record is not in a state that allows this (illegal transition, duplicate, lost race)."""

    status = 409


class NotFound(ServiceError):
    status = 404


class Forbidden(ServiceError):
    status = 403


def collect(problems: list[FieldProblem], summary: str) -> None:
    """Raise one ServiceError listing every problem, if there are any."""
    if problems:
        raise ServiceError(summary, problems=problems)
