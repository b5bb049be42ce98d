"""Helpers shared by every area's forms."""
import uuid

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import Length, Regexp

from .errors import ValidationFailed


def populate_errors(form: FlaskForm, failure: ValidationFailed) -> None:
    """Put a service's (field, message) pairs onto the form, like field errors."""
    for name, message in failure.errors:
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


class IdempotentForm(FlaskForm):
    """A form whose submission must take effect once, however often it arrives."""

    idempotency_key = HiddenField(validators=[Length(max=64),
                                              Regexp(r"^[0-9a-f]{0,64}$")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.idempotency_key.data:
            self.idempotency_key.data = new_idempotency_key()


class ConfirmForm(FlaskForm):
    """A POST with nothing but its CSRF token (delete, log out everywhere ...)."""
