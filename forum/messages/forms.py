from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired


class MessageForm(FlaskForm):
    body = TextAreaField("Your message", validators=[InputRequired("Write something first.")])


class StartForm(MessageForm):
    subject = StringField("Subject", validators=[InputRequired("Give the conversation a "
                                                               "subject.")])
