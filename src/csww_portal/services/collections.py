"""Collections: creating one with every LA's return, and ending familiarisation."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from csww.spec import la_codes_for
from csww_portal.models import (
    AuditEvent,
    Collection,
    LAReturn,
    LocalAuthority,
    Note,
    ReturnVersion,
    State,
    Upload,
)
from csww_portal.services import status
from csww_portal.services.wording import count


def region_of(code: str, year: int) -> str:
    """The LA's region as DfE's published statistics place it (the nearest published year)."""
    from csww.stats.published import area_for

    area = area_for(code, year)
    return area.region_name if area is not None else ""


def ensure_returns(collection: Collection) -> None:
    """Every LA in the year's code list gets an LA record and a (not started) return."""
    codes = la_codes_for(collection.year)
    known = {la.code: la for la in LocalAuthority.objects.filter(code__in=codes)}
    new = [
        LocalAuthority(code=c, name=n, region=region_of(c, collection.year))
        for c, n in codes.items()
        if c not in known
    ]
    LocalAuthority.objects.bulk_create(new, ignore_conflicts=True)
    for la in known.values():  # LAs made before regions were known get theirs now
        if not la.region and (region := region_of(la.code, collection.year)):
            LocalAuthority.objects.filter(pk=la.pk).update(region=region)
    las = LocalAuthority.objects.filter(code__in=codes)
    have = set(LAReturn.objects.filter(collection=collection).values_list("la_id", flat=True))
    LAReturn.objects.bulk_create(
        [LAReturn(collection=collection, la=la) for la in las if la.id not in have],
        ignore_conflicts=True,
    )


def create_collection(
    year: int,
    *,
    opens: date,
    closes: date,
    la_read_only_until: date,
    dfe_read_only_from: date,
    familiarisation_start: date | None = None,
    familiarisation_end: date | None = None,
) -> Collection:
    with transaction.atomic():
        collection, _ = Collection.objects.update_or_create(
            year=year,
            defaults={
                "opens": opens,
                "closes": closes,
                "la_read_only_until": la_read_only_until,
                "dfe_read_only_from": dfe_read_only_from,
                "familiarisation_start": familiarisation_start,
                "familiarisation_end": familiarisation_end,
            },
        )
        ensure_returns(collection)
    return collection


def clear_familiarisation(collection: Collection, today: date | None = None) -> int:
    """Delete every upload, version and note made during familiarisation, once it has ended.

    Only what was made before the end of the familiarisation period's last day goes, so
    running this late never touches real data loaded after the collection opened. Returns
    the number of returns that lost data; does nothing before the end or a second time.
    """
    if not collection.familiarisation_due(today):
        return 0
    assert collection.familiarisation_end is not None
    cutoff = datetime.combine(
        collection.familiarisation_end + timedelta(days=1),
        time(0),
        tzinfo=timezone.get_current_timezone(),
    )
    with transaction.atomic():
        locked = Collection.objects.select_for_update(of=("self",)).get(pk=collection.pk)
        if locked.familiarisation_cleared_at is not None:
            return 0
        practice = Q(la_return__collection=locked, created_at__lt=cutoff)
        touched = set(ReturnVersion.objects.filter(practice).values_list("la_return_id", flat=True))
        touched |= set(Note.objects.filter(practice).values_list("la_return_id", flat=True))
        touched |= set(
            Upload.objects.filter(la_return__collection=locked, uploaded_at__lt=cutoff).values_list(
                "la_return_id", flat=True
            )
        )
        LAReturn.objects.filter(pk__in=touched).update(current=None)
        Note.objects.filter(practice).delete()
        # Versions point at uploads, so they go first.
        ReturnVersion.objects.filter(practice).delete()
        Upload.objects.filter(la_return__collection=locked, uploaded_at__lt=cutoff).delete()
        for ret in LAReturn.objects.filter(pk__in=touched):
            ret.current = ret.versions.order_by("-number").first()
            ret.state = State.IN_PROGRESS if ret.current else State.NOT_STARTED
            ret.submitted_at = ret.approved_at = None
            ret.submitted_by = ret.approved_by = None
            status.refresh(ret)
            ret.save()
        locked.familiarisation_cleared_at = timezone.now()
        locked.save(update_fields=["familiarisation_cleared_at"])
        AuditEvent.objects.create(
            collection=locked,
            action=AuditEvent.Action.FAMILIARISATION,
            detail=(
                f"Familiarisation ended: practice data deleted from "
                f"{count(len(touched), 'return')}."
            ),
        )
    collection.familiarisation_cleared_at = locked.familiarisation_cleared_at
    return len(touched)
