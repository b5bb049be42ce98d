from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms import IdempotentForm
from .services import BODY_MAX, TITLE_MAX, TITLE_MIN

BODY_HELP = ("Markdown works: **bold**, *italic*, lists, > quotes, [links](https://…). "
             "Share your experience; this is not the place for dosing advice.")


class ThreadForm(IdempotentForm):
    title = StringField("Title", validators=[DataRequired(), Length(min=TITLE_MIN, max=TITLE_MAX)])
    body = TextAreaField("Your post", validators=[DataRequired(), Length(max=BODY_MAX)],
                         description=BODY_HELP)


class ReplyForm(IdempotentForm):
    body = TextAreaField("Your reply", validators=[DataRequired(), Length(max=BODY_MAX)],
                         description=BODY_HELP)


class EditForm(FlaskForm):
    title = StringField("Title", validators=[Length(max=TITLE_MAX)])
    body = TextAreaField("Your post", validators=[DataRequired(), Length(max=BODY_MAX)],
                         description=BODY_HELP)


class ConfirmForm(FlaskForm):
    """A POST with nothing but its CSRF token (delete, log out everywhere ...)."""
