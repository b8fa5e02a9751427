"""Figures sent by a system, checked and saved by the same import service as a file upload.

A batch is saved all together or not at all, always submitted for
verification, and a batch retried with the same Idempotency-Key saves nothing
twice: its first answer is given again.
"""

import csv
import hashlib
import io
import json
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from indicators.imports import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, ImportFileError, commit_import

from .models import ApiToken, IdempotentBatch
from .services import token_account

COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
KEY_REUSED = "This Idempotency-Key was already used for a different batch: send a new key with each new batch"
KEY_IN_USE = "A batch with this Idempotency-Key is being saved now: wait a moment and send it again"


@dataclass(frozen=True)
class BatchAnswer:
    status: int
    body: dict
    replayed: bool = False


def body_hash(figures: list[dict]) -> str:
    canonical = json.dumps(figures, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _cell(value) -> str:
    return "" if value is None else str(value)


def as_import_file(figures: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for figure in figures:
        writer.writerow([_cell(figure.get(column)) for column in COLUMNS])
    return buffer.getvalue().encode()


def _save(*, token: ApiToken, figures: list[dict]) -> BatchAnswer:
    account = token_account(token)
    try:
        preview = commit_import(
            name="api-batch.csv", content=as_import_file(figures), user=account, submit=True, first_row=1
        )
    except ImportFileError as error:
        return BatchAnswer(409, {"detail": str(error), "errors": None})
    errors = [
        {"row": row.number, "column": problem.column, "message": problem.message}
        for row in preview.rows
        for problem in row.errors
    ] + [
        {
            "row": row.number,
            "column": "value",
            "message": "Enter the figure, or a numerator and denominator",
        }
        for row in preview.rows
        if row.skipped
    ]
    if errors:
        transaction.set_rollback(True)
        return BatchAnswer(
            422,
            {
                "detail": "Nothing was saved: correct the rows listed and send the whole batch again",
                "errors": errors,
            },
        )
    return BatchAnswer(
        200,
        {
            "saved": preview.count("new") + preview.count("changed"),
            "unchanged": preview.count("unchanged"),
            "figures": [
                {
                    "row": row.number,
                    "indicator": row.indicator.reference,
                    "period": row.period.code,
                    "outcome": row.outcome,
                }
                for row in preview.rows
            ],
        },
    )


def figures_batch_save(*, token: ApiToken, idempotency_key: str, figures: list[dict]) -> BatchAnswer:
    """Save a batch of figures for verification, once per Idempotency-Key.

    Rows are numbered from 1 in the answer. A key already used with a different
    batch is refused; the same batch again gets the first answer, saving nothing.
    """
    digest = body_hash(figures)
    try:
        with transaction.atomic():
            earlier = IdempotentBatch.objects.filter(token=token, idempotency_key=idempotency_key).first()
            if earlier is not None:
                if earlier.body_sha256 != digest:
                    return BatchAnswer(422, {"detail": KEY_REUSED, "errors": None})
                return BatchAnswer(earlier.status_code, earlier.response, replayed=True)
            # Written first, so a second request with the same key waits on it and then finds it.
            record = IdempotentBatch.objects.create(
                token=token, idempotency_key=idempotency_key, body_sha256=digest
            )
            with transaction.atomic():
                answer = _save(token=token, figures=figures)
            record.status_code, record.response = answer.status, answer.body
            record.save(update_fields=["status_code", "response"])
            return answer
    except IntegrityError:
        return BatchAnswer(409, {"detail": KEY_IN_USE, "errors": None})
