"""The password policy (SEC-1, 等保 2.0 level 3) and password age.

Rules (AUTH_PASSWORD_VALIDATORS): at least GRIDCARE_AUTH["PASSWORD_MIN_LENGTH"] characters, three
of the four character classes, not a common password, not like the username, not the current
password. Staff change their password every GRIDCARE_AUTH["PASSWORD_MAX_AGE_DAYS"] days: the
moment each password was set is recorded by ``PasswordSetRecorder``, which Django calls whenever
a password is saved (change page, admin, ``create_user``).
"""

from __future__ import annotations

import string
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def _is_symbol(c: str) -> bool:
    return not c.isalnum()


CLASSES: tuple[Callable[[str], bool], ...] = (
    lambda c: c in string.ascii_uppercase,
    lambda c: c in string.ascii_lowercase,
    lambda c: c in string.digits,
    _is_symbol,
)


def character_classes(password: str) -> int:
    """How many of upper case, lower case, digits and symbols the password uses. Letters other
    than A-Z (汉字) count as none of them."""
    return sum(1 for test in CLASSES if any(test(c) for c in password))


class CharacterClassesValidator:
    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _("密码须包含大写字母、小写字母、数字、符号中的至少 %(n)s 类。") % {"n": self.min_classes}


class NotCurrentPasswordValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if isinstance(user, User) and user.pk and user.has_usable_password() and user.check_password(password):
            raise ValidationError(_("新密码不能与当前密码相同。"), code="password_unchanged")

    def get_help_text(self) -> str:
        return _("新密码不能与当前密码相同。")


class PasswordSetRecorder:
    """Not a rule: Django calls ``password_changed`` of every validator after a new password is
    saved. Records the moment (password age) and revokes the user's API tokens."""

    def validate(self, password: str, user: Any = None) -> None:
        return None

    def password_changed(self, password: str, user: Any = None) -> None:
        if isinstance(user, User) and user.pk:
            from gridcare.org.services import password_set_recorded

            password_set_recorded(user=user)

    def get_help_text(self) -> str:
        return ""


def password_expires_at(set_at: datetime) -> datetime:
    return set_at + timedelta(days=settings.GRIDCARE_AUTH["PASSWORD_MAX_AGE_DAYS"])
