from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length

from ..passwords import MAX_LENGTH, MIN_LENGTH


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField("Current password",
                                     validators=[DataRequired(), Length(max=MAX_LENGTH)])
    password = PasswordField("New password",
                             validators=[DataRequired(), Length(min=MIN_LENGTH, max=MAX_LENGTH)],
                             description=f"At least {MIN_LENGTH} characters. Changing it logs "
                                         "you out on every other device.")
