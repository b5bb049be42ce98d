from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired

from ..forms import IdempotentForm

# Lengths are checked by the services, whose messages give the actual count.
NEED_TITLE = InputRequired("Give your thread a title.")
NEED_BODY = InputRequired("Write something first.")

BODY_HELP = ("Markdown works: **bold**, *italic*, lists, > quotes, [links](https://…). "
             "Share your experience; this is not the place for dosing advice.")


class ThreadForm(IdempotentForm):
    title = StringField("Title", validators=[NEED_TITLE])
    body = TextAreaField("Your post", validators=[NEED_BODY],
                         description=BODY_HELP)


class ReplyForm(IdempotentForm):
    body = TextAreaField("Your reply", validators=[NEED_BODY],
                         description=BODY_HELP)


class EditForm(FlaskForm):
    title = StringField("Title")
    body = TextAreaField("Your post", validators=[NEED_BODY],
                         description=BODY_HELP)

