"""The community's starting content. Another peer-support community runs this engine
by changing this data, not the code."""
from sqlalchemy import select

from .extensions import db
from .models import Category, Resource, SafetyPhrase

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


# Summaries say what each source shows and what it does not; they are the community's
# reading, kept short, and moderators can edit them.
RESOURCES = [
    dict(seed_key="ameisen-2005", section="research", evidence_type="self_case_report",
         pinned=True,
         title="Complete and prolonged suppression of symptoms and consequences of "
               "alcohol-dependence using high-dose baclofen: a self-case report of a physician",
         authors="Ameisen O", year=2005, source="Alcohol and Alcoholism 40(2):147–150",
         summary="A physician describes treating his own alcohol dependence with baclofen, "
                 "raising the dose over five weeks to 270 mg a day, after which craving "
                 "disappeared; he then continued on 120 mg a day. It is one person's "
                 "account: it started the interest in high doses, but on its own it cannot "
                 "show who else would benefit, or at what risk."),
    dict(seed_key="addolorato-2011", section="research", evidence_type="secondary_analysis",
         pinned=True,
         title="Dose–response effect of baclofen in reducing daily alcohol intake in alcohol "
               "dependence: secondary analysis of a randomized, double-blind, "
               "placebo-controlled trial",
         authors="Addolorato G, Leggio L, Ferrulli A, Cardone S, Bedogni G, Caputo F, "
                 "Gasbarrini G, Landolfi R", year=2011,
         source="Alcohol and Alcoholism 46(3):312–317", doi="10.1093/alcalc/agr017",
         summary="A re-analysis of a 12-week trial of 42 patients comparing baclofen 10 mg "
                 "and 20 mg three times a day with placebo. The higher dose was followed by "
                 "a larger fall in daily drinking, which suggests a dose–response effect. "
                 "The doses are far below those many members talk about, the sample is "
                 "small, and a secondary analysis can suggest but not establish an effect."),
    dict(seed_key="debeaurepaire-2012", section="research", evidence_type="observational",
         title="Suppression of alcohol dependence using baclofen: a 2-year observational "
               "study of 100 patients",
         authors="de Beaurepaire R", year=2012, source="Frontiers in Psychiatry 3:103",
         doi="10.3389/fpsyt.2012.00103",
         summary="One clinic followed 100 patients treated with baclofen at individually "
                 "adjusted, often high doses for two years and reports many reaching "
                 "abstinence or low-risk drinking. Without a comparison group it cannot "
                 "separate the drug's effect from the care, the selection of patients or "
                 "time; side effects were common and shaped how doses were adjusted."),
    dict(seed_key="debeaurepaire-2019", section="research", evidence_type="review",
         title="The use of baclofen as a treatment for alcohol use disorder: a clinical "
               "practice perspective",
         authors="de Beaurepaire R, Sinclair JMA, Heydtmann M, Addolorato G, et al.",
         year=2019, source="Frontiers in Psychiatry", doi="10.3389/fpsyt.2018.00708",
         summary="Clinicians experienced with baclofen set out how they use it: who may "
                 "benefit, starting and raising doses slowly, side effects to watch for, "
                 "and why stopping must be gradual. It is expert opinion drawn from "
                 "practice and the trials, not new trial evidence."),
    dict(seed_key="garbutt-2021", section="research", evidence_type="rct",
         title="Efficacy and tolerability of baclofen in a U.S. community population with "
               "alcohol use disorder: a dose-response, randomized, controlled trial",
         authors="Garbutt JC, et al.", year=2021, source="Neuropsychopharmacology",
         doi="10.1038/s41386-021-01055-w",
         summary="A randomised, placebo-controlled trial in a US community population "
                 "comparing baclofen doses with placebo. It did not find baclofen better "
                 "than placebo on its main drinking outcomes, a useful counterweight to "
                 "the case reports; it tells us less about the high, individually titrated "
                 "doses that some members describe."),
    dict(seed_key="ameisen-memoir", section="books", evidence_type="book",
         title="The End of My Addiction", authors="Ameisen O", year=2008,
         source="Sarah Crichton Books / Farrar, Straus and Giroux",
         summary="Olivier Ameisen's memoir of his drinking, the treatments that failed him, "
                 "and his experiment with high-dose baclofen (one of our source texts cites "
                 "a 2009 edition as “Heal Thyself…”). A moving first-person story, not "
                 "a treatment guide."),
    dict(seed_key="samaritans", section="helplines", evidence_type="helpline", pinned=True,
         title="Samaritans (UK and Ireland)", url="tel:116123",
         summary="Call 116 123, free, 24 hours a day, for anyone struggling to cope."),
    dict(seed_key="drinkline", section="helplines", evidence_type="helpline",
         title="Drinkline (UK)", url="tel:03001231110",
         summary="Call 0300 123 1110: free, confidential advice about your own or someone "
                 "else's drinking."),
    dict(seed_key="988", section="helplines", evidence_type="helpline",
         title="988 Suicide & Crisis Lifeline (US)", url="tel:988",
         summary="Call or text 988, 24 hours a day."),
    dict(seed_key="samhsa", section="helplines", evidence_type="helpline",
         title="SAMHSA National Helpline (US)", url="tel:18006624357",
         summary="Call 1-800-662-4357: free, confidential treatment referral and "
                 "information, 24 hours a day."),
    dict(seed_key="emergency", section="helplines", evidence_type="helpline",
         title="In immediate danger: your local emergency number",
         summary="999 in the UK, 911 in the US, 112 in the EU."),
]

# Words that suggest a risk to life. Matched as whole words, case-insensitively; a
# match never blocks a post, it brings helplines and a moderator.
SAFETY_PHRASES = [
    "kill myself", "killing myself", "end my life", "ending my life", "end it all",
    "take my own life", "taking my own life", "suicide", "suicidal", "overdose on",
    "no reason to live", "nothing to live for", "don't want to live", "want to die",
    "better off dead", "better off without me", "hurt myself", "self-harm", "self harm",
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
    seeded = set(db.session.scalars(select(Resource.seed_key)))
    for position, values in enumerate(RESOURCES, start=1):
        if values["seed_key"] not in seeded:
            db.session.add(Resource(position=position, **values))
            added.append(f"resource {values['seed_key']}")
    phrases = set(db.session.scalars(select(SafetyPhrase.phrase)))
    for phrase in SAFETY_PHRASES:
        if phrase not in phrases:
            db.session.add(SafetyPhrase(phrase=phrase))
            added.append(f"safety phrase {phrase!r}")
    db.session.commit()
    return added
