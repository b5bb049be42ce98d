"""The community's starting content. Another peer-support community runs this engine
by changing this data, not the code."""
from sqlalchemy import select

from .extensions import db
from .models import Category

CATEGORIES = [
    ("introductions", "Introductions",
     "Say hello, and tell us as much or as little as you like about where you are."),
    ("experiences", "Experiences with baclofen",
     "Your own experience of treating alcohol dependence with baclofen: what helped, "
     "what didn't, how it went over time."),
    ("side-effects-safety", "Side effects & safety",
     "Side effects, interactions and staying safe. Talk to a prescriber before starting, "
     "changing or stopping baclofen."),
    ("therapists-clinicians", "For therapists & clinicians",
     "Therapists, counsellors, doctors and researchers sharing practice and questions."),
    ("family-friends", "Family & friends",
     "For the people who love someone who drinks, or who is trying to stop."),
    ("research-resources", "Research & resources",
     "Papers, books and guidance: what the evidence shows, and what it doesn't."),
]


def seed() -> list[str]:
    """Create what is missing; never duplicates or overwrites. Returns what was added."""
    added = []
    existing = set(db.session.scalars(select(Category.slug)))
    for position, (slug, name, description) in enumerate(CATEGORIES):
        if slug not in existing:
            db.session.add(Category(slug=slug, name=name, description=description,
                                    position=position))
            added.append(f"category {slug}")
    db.session.commit()
    return added
