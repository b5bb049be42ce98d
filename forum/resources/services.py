"""Curating the resources section. Every change is a logged moderation action."""
import re
from urllib.parse import urlsplit

from sqlalchemy import func, select

from ..errors import ValidationFailed, require
from ..extensions import db
from ..models import Action, Evidence, ModerationAction, Resource, Section, utcnow
from ..modlog import clean_reason, log_action
from ..permissions import can_moderate

_DOI = re.compile(r"10\.\d{4,9}/\S+")
FIELDS = ("section", "title", "authors", "year", "source", "doi", "url", "evidence_type",
          "summary", "country")


def _clean(values: dict) -> dict:
    """Check a resource's fields; raises ValidationFailed with every problem at once."""
    errors = []
    clean = {name: (values.get(name) or "") for name in FIELDS}
    for name in ("title", "authors", "source", "doi", "url", "summary", "country"):
        clean[name] = str(clean[name]).strip()
    if len(clean["country"]) > 60:
        errors.append(("country", "Keep the country under 60 characters."))
    if clean["section"] not in tuple(Section):
        errors.append(("section", "Choose a section."))
    if clean["evidence_type"] not in tuple(Evidence):
        errors.append(("evidence_type", "Choose what kind of evidence this is."))
    if not 3 <= len(clean["title"]) <= 300:
        errors.append(("title", "A title needs 3 to 300 characters."))
    if len(clean["summary"]) > 2000:
        errors.append(("summary", "Keep the summary under 2,000 characters."))
    if clean["doi"]:
        clean["doi"] = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", clean["doi"], flags=re.I)
        if not _DOI.fullmatch(clean["doi"]):
            errors.append(("doi", "A DOI looks like 10.1093/alcalc/agr017."))
    if clean["url"]:
        parts = urlsplit(clean["url"])
        if parts.scheme not in ("https", "http", "tel") or (parts.scheme != "tel" and not parts.netloc):
            errors.append(("url", "Give a full address starting with https:// (or tel: for a phone line)."))
    year = values.get("year")
    if year in (None, ""):
        clean["year"] = None
    else:
        try:
            clean["year"] = int(year)
        except (TypeError, ValueError):
            clean["year"] = 0
        if not 1800 <= clean["year"] <= utcnow().year + 1:
            errors.append(("year", "Give the year of publication, e.g. 2011."))
    if errors:
        raise ValidationFailed(errors)
    return clean


def add_resource(moderator, *, reason: str = "", **values) -> Resource:
    require(can_moderate(moderator))
    reason = clean_reason(reason, required=False, default="Added to the resources.")
    clean = _clean(values)
    last = db.session.scalar(select(func.max(Resource.position))
                             .where(Resource.section == clean["section"]))
    resource = Resource(**clean, position=(last or 0) + 1)
    db.session.add(resource)
    db.session.flush()
    log_action(moderator, Action.ADD_RESOURCE, reason=reason, resource=resource,
               details=resource.title[:200])
    db.session.commit()
    return resource


def edit_resource(moderator, resource: Resource, *, reason: str = "", **values) -> Resource:
    require(can_moderate(moderator))
    reason = clean_reason(reason, required=False, default="Corrected the entry.")
    for name, value in _clean(values).items():
        setattr(resource, name, value)
    log_action(moderator, Action.EDIT_RESOURCE, reason=reason, resource=resource)
    db.session.commit()
    return resource


def move_resource(moderator, resource: Resource, *, direction: str) -> ModerationAction:
    """Swap with the neighbour above ("up") or below ("down") in its section."""
    require(can_moderate(moderator))
    if direction not in ("up", "down"):
        raise ValidationFailed([("direction", "Move up or down.")])
    if resource.removed_at is not None:
        raise ValidationFailed([("direction", "This resource was removed; it has no place "
                                              "in the list.")])
    siblings = list(db.session.scalars(
        select(Resource).where(Resource.section == resource.section,
                               Resource.removed_at.is_(None))
        .order_by(Resource.position, Resource.id)))
    for index, sibling in enumerate(siblings):  # make positions 1..n first
        sibling.position = index + 1
    index = siblings.index(resource)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        raise ValidationFailed([("direction", f"It is already at the {'top' if direction == 'up' else 'bottom'}.")])
    siblings[index].position, siblings[other].position = (siblings[other].position,
                                                          siblings[index].position)
    entry = log_action(moderator, Action.REORDER_RESOURCE, reason=f"Moved {direction}.",
                       resource=resource)
    db.session.commit()
    return entry


def set_pinned(moderator, resource: Resource, pinned: bool, *, reason: str = "") -> ModerationAction:
    """Pinned resources appear on the home page and in each category's "Start here"."""
    require(can_moderate(moderator))
    reason = clean_reason(reason, required=False,
                          default="Pinned for newcomers." if pinned else "Unpinned.")
    if resource.removed_at is not None:
        raise ValidationFailed([("reason", "This resource was removed; restore it first.")])
    if resource.pinned == pinned:
        raise ValidationFailed([("reason", "This resource is already pinned." if pinned
                                           else "This resource is not pinned.")])
    resource.pinned = pinned
    entry = log_action(moderator, Action.PIN_RESOURCE if pinned else Action.UNPIN_RESOURCE,
                       reason=reason, resource=resource)
    db.session.commit()
    return entry


def remove_resource(moderator, resource: Resource, *, reason: str) -> ModerationAction:
    """Take an entry off the list (kept in the database, and in the log)."""
    require(can_moderate(moderator))
    reason = clean_reason(reason)
    if resource.removed_at is not None:
        raise ValidationFailed([("reason", "This resource was already removed.")])
    resource.removed_at = utcnow()
    resource.pinned = False
    entry = log_action(moderator, Action.REMOVE_RESOURCE, reason=reason, resource=resource)
    db.session.commit()
    return entry
