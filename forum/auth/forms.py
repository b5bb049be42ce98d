from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..passwords import MAX_LENGTH, MIN_LENGTH
from .services import CONSENT_NEEDED, GUIDELINES_NEEDED


class RegisterForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=60)],
                           description="3 to 30 letters, digits, _ or -. Use a pseudonym: "
                                       "not your real name.")
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)],
                       description="Never shown to anyone. We send a link to confirm it.")
    # Length rules live in the service, so every problem is reported in one round.
    password = PasswordField("Password", validators=[DataRequired()],
                             description=f"At least {MIN_LENGTH} characters.")
    # Checked here and again by the service (forum/auth/services.sign_up).
    consent_health = BooleanField(
        "I consent to this forum storing and showing what I write about my health, "
        "as the privacy notice explains. I can withdraw by deleting my account.",
        validators=[DataRequired(message=CONSENT_NEEDED)])
    accept_guidelines = BooleanField("I have read and accept the community guidelines.",
                                     validators=[DataRequired(message=GUIDELINES_NEEDED)])


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=60)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_LENGTH)])
    remember = BooleanField("Keep me logged in on this device for 30 days")
    next = HiddenField()


class CodeForm(FlaskForm):
    code = StringField("Code", validators=[DataRequired(), Length(max=40)],
                       description="The 6-digit code your authenticator app shows now, or "
                                   "one of your recovery codes.",
                       render_kw={"autocomplete": "one-time-code", "autocapitalize": "none",
                                  "spellcheck": "false"})


class ResetRequestForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)],
                       description="The address your account uses.")


class NewPasswordForm(FlaskForm):
    password = PasswordField("New password",
                             validators=[DataRequired(), Length(max=MAX_LENGTH)],
                             description=f"At least {MIN_LENGTH} characters. Setting it logs "
                                         "you out on every device.",
                             render_kw={"autocomplete": "new-password"})


class ConsentForm(FlaskForm):
    consent_health = RegisterForm.consent_health
    accept_guidelines = RegisterForm.accept_guidelines
