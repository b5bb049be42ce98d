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
    # Helplines, by the country they serve (grouped so on /help). Numbers change: an
    # admin corrects them with `flask --app forum helplines ...` or on /mod/resources.
    # (The first five keep the titles they were first seeded with.)
    dict(seed_key="emergency", section="helplines", evidence_type="helpline", country="",
         title="In immediate danger: your local emergency number",
         summary="999 in the UK, 112 in Ireland and the EU, 911 in the US and Canada, "
                 "000 in Australia, 111 in New Zealand."),
    dict(seed_key="samaritans", section="helplines", evidence_type="helpline", pinned=True,
         country="United Kingdom", title="Samaritans (UK and Ireland)", url="tel:116123",
         summary="Call 116 123, free, 24 hours a day, for anyone struggling to cope."),
    dict(seed_key="drinkline", section="helplines", evidence_type="helpline",
         country="United Kingdom", title="Drinkline (UK)", url="tel:03001231110",
         summary="Call 0300 123 1110: free, confidential advice about your own or someone "
                 "else's drinking."),
    dict(seed_key="samaritans-ie", section="helplines", evidence_type="helpline",
         country="Ireland", title="Samaritans Ireland", url="tel:116123",
         summary="Call 116 123, free, 24 hours a day."),
    dict(seed_key="pieta", section="helplines", evidence_type="helpline", country="Ireland",
         title="Pieta", url="tel:1800247247",
         summary="Call 1800 247 247 or text HELP to 51444, 24 hours a day: suicide and "
                 "self-harm support."),
    dict(seed_key="hse-drugs-alcohol", section="helplines", evidence_type="helpline",
         country="Ireland", title="HSE Drugs and Alcohol Helpline", url="tel:1800459459",
         summary="Call 1800 459 459, free and confidential."),
    dict(seed_key="988", section="helplines", evidence_type="helpline",
         country="United States", title="988 Suicide & Crisis Lifeline (US)", url="tel:988",
         summary="Call or text 988, 24 hours a day."),
    dict(seed_key="samhsa", section="helplines", evidence_type="helpline",
         country="United States", title="SAMHSA National Helpline (US)",
         url="tel:18006624357",
         summary="Call 1-800-662-4357: free, confidential treatment referral and "
                 "information, 24 hours a day."),
    dict(seed_key="988-canada", section="helplines", evidence_type="helpline",
         country="Canada", title="9-8-8 Suicide Crisis Helpline", url="tel:988",
         summary="Call or text 988, 24 hours a day, in English or French."),
    dict(seed_key="lifeline-au", section="helplines", evidence_type="helpline",
         country="Australia", title="Lifeline", url="tel:131114",
         summary="Call 13 11 14, 24 hours a day."),
    dict(seed_key="aod-hotline-au", section="helplines", evidence_type="helpline",
         country="Australia", title="National Alcohol and Other Drug Hotline",
         url="tel:1800250015", summary="Call 1800 250 015, free and confidential."),
    dict(seed_key="1737-nz", section="helplines", evidence_type="helpline",
         country="New Zealand", title="Need to talk? 1737", url="tel:1737",
         summary="Call or text 1737, free, 24 hours a day."),
    dict(seed_key="adh-nz", section="helplines", evidence_type="helpline",
         country="New Zealand", title="Alcohol Drug Helpline", url="tel:0800787797",
         summary="Call 0800 787 797 or text 8681, free, 24 hours a day."),
    dict(seed_key="3114-fr", section="helplines", evidence_type="helpline",
         country="France", title="3114 — numéro national de prévention du suicide",
         url="tel:3114", summary="Appelez le 3114, gratuit, 24 h/24."),
    dict(seed_key="alcool-info-fr", section="helplines", evidence_type="helpline",
         country="France", title="Alcool Info Service", url="tel:0980980930",
         summary="Appelez le 0 980 980 930, anonyme et non surtaxé, 7 jours sur 7."),
    dict(seed_key="telefonseelsorge-de", section="helplines", evidence_type="helpline",
         country="Germany", title="TelefonSeelsorge", url="tel:08001110111",
         summary="0800 111 0 111 oder 0800 111 0 222, kostenlos, rund um die Uhr."),
    dict(seed_key="sucht-hotline-de", section="helplines", evidence_type="helpline",
         country="Germany", title="Sucht & Drogen Hotline", url="tel:01806313031",
         summary="01806 313031, rund um die Uhr (kostenpflichtig)."),
    dict(seed_key="024-es", section="helplines", evidence_type="helpline", country="Spain",
         title="024 — Línea de atención a la conducta suicida", url="tel:024",
         summary="Llama al 024, gratuito, las 24 horas."),
    dict(seed_key="esperanza-es", section="helplines", evidence_type="helpline",
         country="Spain", title="Teléfono de la Esperanza", url="tel:717003717",
         summary="Llama al 717 003 717, las 24 horas."),
]

# Words that suggest a risk to life. Matched as whole words, case-insensitively; a
# match never blocks a post, it brings helplines and a moderator.
SAFETY_PHRASES = [
    "kill myself", "killing myself", "end my life", "ending my life", "end it all",
    "take my own life", "taking my own life", "suicide", "suicidal", "overdose on",
    "no reason to live", "nothing to live for", "don't want to live", "want to die",
    "better off dead", "better off without me", "hurt myself", "self-harm", "self harm",
]


# Readable by logged-in members only (forum/permissions.can_see_category).
MEMBERS_ONLY = {"family-friends"}


def seed() -> list[str]:
    """Create what is missing; never duplicates or overwrites. Returns what was added."""
    added = []
    existing = set(db.session.scalars(select(Category.slug)))
    for position, (slug, name, description) in enumerate(CATEGORIES):
        if slug not in existing:
            db.session.add(Category(slug=slug, name=name, description=description,
                                    position=position, members_only=slug in MEMBERS_ONLY))
            added.append(f"category {slug}")
    seeded = {r.seed_key: r for r in db.session.scalars(
        select(Resource).where(Resource.seed_key.is_not(None)))}
    for position, values in enumerate(RESOURCES, start=1):
        existing_resource = seeded.get(values["seed_key"])
        if existing_resource is None:
            db.session.add(Resource(position=position, **values))
            added.append(f"resource {values['seed_key']}")
        elif values.get("country") and not existing_resource.country:
            # Helplines seeded before they had a country: fill in only what is missing.
            existing_resource.country = values["country"]
            added.append(f"country of {values['seed_key']}")
    phrases = set(db.session.scalars(select(SafetyPhrase.phrase)))
    for phrase in SAFETY_PHRASES:
        if phrase not in phrases:
            db.session.add(SafetyPhrase(phrase=phrase))
            added.append(f"safety phrase {phrase!r}")
    db.session.commit()
    return added
