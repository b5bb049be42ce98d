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


from wtforms import (BooleanField, EmailField, RadioField, SelectChoice,  # noqa: E402
                     StringField, TextAreaField)

BIO_MAX = 500


class EmailChangeForm(FlaskForm):
    email = EmailField("New e-mail address", validators=[DataRequired(), Length(max=254)],
                       description="We send a link there; the change is made when you open it.")
    # Its own id: the settings page shows the password-change form too.
    password = PasswordField("Your password", id="email-change-password",
                             validators=[DataRequired(), Length(max=MAX_LENGTH)])


class ProfileForm(FlaskForm):
    bio = TextAreaField("About you", validators=[Length(max=BIO_MAX)],
                        description=f"Optional, at most {BIO_MAX} characters; markdown works. "
                                    "Shown on your profile. Stay pseudonymous.")
    hide_activity = BooleanField("Hide my posts on my profile from people who are not logged in")


class TwoFactorConfirmForm(FlaskForm):
    code = StringField("Code from your app", validators=[DataRequired(), Length(max=40)],
                       description="The 6-digit code your authenticator app shows now.",
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class TwoFactorDisableForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired(), Length(max=MAX_LENGTH)])
    code = StringField("Code from your app, or a recovery code",
                       validators=[DataRequired(), Length(max=40)],
                       render_kw={"autocomplete": "one-time-code"})


class DeleteAccountForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired(), Length(max=MAX_LENGTH)])
    code = StringField("Code from your app, or a recovery code", validators=[Length(max=40)],
                       description="Only if you use two-factor sign-in.",
                       render_kw={"autocomplete": "one-time-code"})
    posts = RadioField("Your posts", choices=[
        SelectChoice("remove", "Remove their text everywhere: each shows “removed at the author's "
                   "request”, and quotes of them in others' posts are removed too."),
        SelectChoice("keep", "Keep them, attributed to “a former member”, with no link to you."),
    ], validators=[DataRequired(message="Choose what happens to your posts.")])


class EraseMemberForm(FlaskForm):
    posts = DeleteAccountForm.posts
    reason = TextAreaField("How did they ask?", validators=[DataRequired(), Length(max=1000)],
                           description="Kept in the moderators' log (not public).")
