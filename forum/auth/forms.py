from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..passwords import MAX_LENGTH, MIN_LENGTH


class RegisterForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=60)],
                           description="3 to 30 letters, digits, _ or -. Use a pseudonym: "
                                       "not your real name.")
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)],
                       description="Never shown to anyone.")
    # Length rules live in the service, so every problem is reported in one round.
    password = PasswordField("Password", validators=[DataRequired()],
                             description=f"At least {MIN_LENGTH} characters.")


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=60)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_LENGTH)])
    remember = BooleanField("Keep me logged in on this device for 30 days")
    next = HiddenField()
