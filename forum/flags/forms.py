from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired

from ..models import FLAG_REASON_LABELS


class FlagForm(FlaskForm):
    reason = RadioField("Why should a moderator look at this?",
                        choices=[SelectChoice(key.value, label)
                                 for key, label in FLAG_REASON_LABELS.items()],
                        validators=[InputRequired("Choose a reason.")])
    note = TextAreaField("Anything the moderators should know (only they see this)")
