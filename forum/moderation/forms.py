from flask_wtf import FlaskForm
from wtforms import (BooleanField, HiddenField, IntegerField, RadioField, SelectChoice,
                     SelectField, StringField, TextAreaField)
from wtforms.validators import InputRequired, NumberRange, Optional

from ..models import FLAG_REASON_LABELS, Role

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


class FlagForm(FlaskForm):
    reason = RadioField("Why should a moderator look at this?",
                        choices=[SelectChoice(key.value, label)
                                 for key, label in FLAG_REASON_LABELS.items()],
                        validators=[InputRequired("Choose a reason.")])
    note = TextAreaField("Anything the moderators should know (only they see this)")
