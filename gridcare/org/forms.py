from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gridcare.org.signin import lockout_message


class SignInForm(AuthenticationForm):
    """Django's sign-in form with the lockout explained (django-axes refused the sign-in)."""

    def get_invalid_login_error(self) -> ValidationError:
        if self.request is not None and getattr(self.request, "axes_locked_out", False):
            return ValidationError(lockout_message(self.request), code="locked")
        return ValidationError(_("用户名或密码错误，请重新输入。"), code="invalid_login")
