"""The hour ledger read back: statements with running balances, recent transfers, and the invariants check."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum

from onewindow.community.models import Account, Entry, Transfer


def statement(account: Account, *, limit: int = 200) -> list[dict[str, Any]]:
    """The account's entries, newest first, with the running balance after each entry."""
    entries = list(Entry.objects.filter(account=account).select_related("transfer").order_by("-id")[:limit])
    later = (Entry.objects.filter(account=account, id__gt=entries[0].id).aggregate(s=Sum("amount"))["s"]
             if entries else 0)
    running = account.balance - (later or 0)
    rows = []
    for e in entries:
        rows.append({"id": e.pk, "at": e.transfer.created_at, "transfer": e.transfer_id, "kind": e.transfer.kind,
                     "kind_label": e.transfer.get_kind_display(), "reason": e.transfer.reason, "amount": e.amount,
                     "balance_after": running})
        running -= e.amount
    return rows


def transfers(*, limit: int = 100) -> list[Transfer]:
    return list(Transfer.objects.select_related("operator", "order").prefetch_related("entries__account")
                .order_by("-id")[:limit])


def ledger_check() -> dict[str, Any]:
    """The ledger's invariants: zero total, every transfer balanced, cached balances equal their entries."""
    total = Entry.objects.aggregate(s=Sum("amount"))["s"] or 0
    unbalanced = list(Transfer.objects.annotate(s=Sum("entries__amount"), n=Count("entries"))
                      .filter(Q(s__isnull=True) | ~Q(s=0) | Q(n__lt=2)).values_list("id", flat=True)[:20])
    sums = dict(Entry.objects.values_list("account_id").annotate(s=Sum("amount")).values_list("account_id", "s"))
    drift = [a for a, b in Account.objects.values_list("id", "balance") if sums.get(a, 0) != b]
    return {"total": total, "unbalanced_transfers": unbalanced, "balance_drift_accounts": drift,
            "ok": total == 0 and not unbalanced and not drift}
