from flask_wtf import FlaskForm
from wtforms import (BooleanField, HiddenField, IntegerField, RadioField, SelectChoice,
                     SelectField, StringField, TextAreaField)
from wtforms.validators import InputRequired, NumberRange, Optional

from ..models import EVIDENCE_LABELS, PROFESSION_LABELS, SECTION_LABELS, Role

REASON_HELP = "Shown to the member and in the public moderation log. Keep private details out."


class ReasonForm(FlaskForm):
    reason = TextAreaField("Reason", description=REASON_HELP)
    next = HiddenField()


class SanctionForm(ReasonForm):
    days = IntegerField("Days", validators=[Optional(), NumberRange(min=1, max=3650)])
    indefinitely = BooleanField("Indefinitely (suspension only)")


class RoleForm(ReasonForm):
    role = SelectField("Role", choices=[SelectChoice(r.value, r.value.title()) for r in Role])


class MoveForm(ReasonForm):
    category = SelectField("Move to", coerce=int)


class RenameForm(ReasonForm):
    title = StringField("New title")


class PinForm(ReasonForm):
    scope = RadioField("Where", choices=[SelectChoice("category", "In its category"),
                                         SelectChoice("site", "Site-wide, on the home page too")],
                       default="category")


class ModeratorEditForm(ReasonForm):
    body = TextAreaField("Post text", validators=[InputRequired("The post cannot be empty.")])


class ResourceForm(FlaskForm):
    section = SelectField("Section", choices=[SelectChoice(k.value, v)
                                              for k, v in SECTION_LABELS.items()])
    title = StringField("Title")  # checked by the service, with the other fields
    authors = StringField("Authors", description="As cited, e.g. “Addolorato G, Leggio L, et al.”")
    year = StringField("Year")
    source = StringField("Journal or publisher")
    doi = StringField("DOI", description="e.g. 10.1093/alcalc/agr017")
    url = StringField("Link", description="https://… (or tel: for a helpline). Leave empty to "
                                          "link the DOI.")
    evidence_type = SelectField("Kind of evidence", choices=[SelectChoice(k.value, v)
                                                             for k, v in EVIDENCE_LABELS.items()])
    summary = TextAreaField("What it shows, and what it does not")
    country = StringField("Country (helplines)", description="The country a helpline serves, "
                          "e.g. “Ireland”; /help groups them by it. Empty: anywhere.")
    reason = StringField("Note for the moderation log (optional)")


class ApplicationForm(FlaskForm):
    # No profession chosen for them: "Choose…" first, and a choice is required.
    profession = SelectField("Profession", choices=[SelectChoice("", "Choose…")] + [
        SelectChoice(k.value, v.capitalize() if v != "GP" else v)
        for k, v in PROFESSION_LABELS.items()],
        validators=[InputRequired("Choose your profession.")])
    register_url = StringField("Public link to a professional register or practice page",
                               validators=[InputRequired("Give a link we can check.")])
    private_note = TextAreaField("Private note for the moderators",
                                 description="Only moderators see this: anything that helps "
                                             "them check, e.g. your registration number.")
