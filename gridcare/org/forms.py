from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridcare.core.forms import Picker, offer
from gridcare.org.access import Reach, Scope
from gridcare.org.models import CREW_LEADER_MAX, CREW_NAME_MAX
from gridcare.org.selectors import unit_choices
from gridcare.org.signin import lockout_message


class SignInForm(AuthenticationForm):
    """Django's sign-in form with the lockout explained (django-axes refused the sign-in)."""

    def get_invalid_login_error(self) -> ValidationError:
        if self.request is not None and getattr(self.request, "axes_locked_out", False):
            return ValidationError(lockout_message(self.request), code="locked")
        return ValidationError(_("用户名或密码错误，请重新输入。"), code="invalid_login")


def _text(label: Any, max_length: int) -> forms.CharField:
    # The length is the service's check (its message beside the field); the box stops typing there.
    return forms.CharField(label=label, required=False, widget=forms.TextInput(attrs={"maxlength": max_length}))


class CrewForm(forms.Form):
    """A new repair crew: one of the caller's units (by name), the crew's name and its leader."""

    unit = Picker(label=gettext_lazy("供电单位"), invalid=gettext_lazy("供电单位不存在。"))
    name = _text(gettext_lazy("班组名称"), CREW_NAME_MAX)
    leader = _text(gettext_lazy("班组长"), CREW_LEADER_MAX)

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer(self, unit=unit_choices(scope, Reach.UNIT))


class CrewChangeForm(forms.Form):
    """A crew's new name and leader (one form per row: ids of its own, ``auto_id``)."""

    name = _text(gettext_lazy("班组名称"), CREW_NAME_MAX)
    leader = _text(gettext_lazy("班组长"), CREW_LEADER_MAX)
