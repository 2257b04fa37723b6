from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridcare.core.exceptions import InvalidInput
from gridcare.customers import rules


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("+86 199-0000-1111", "19900001111"),
        ("008615012345678", "15012345678"),
    ],
)
def test_valid_mobile_numbers_are_normalised(raw: str, expected: str) -> None:
    assert rules.normalise_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "请填写手机号码。"),
        ("1381234567", "手机号码应为11位，当前为10位。"),
        ("138123456789", "手机号码应为11位，当前为12位。"),
        ("12812345678", "手机号码应以13至19开头。"),
        ("0571-8765432", "手机号码应以13至19开头。"),
        ("1381234567a", "手机号码只能包含数字。"),
    ],
)
def test_bad_mobile_numbers_are_refused_with_a_chinese_message(raw: str, message: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        rules.normalise_phone(raw)
    assert str(exc.value.message) == message


@pytest.mark.parametrize(
    "number",
    ["11010519491231002X", "330102196010186358", "330109197203225682"],
)
def test_id_numbers_with_the_right_check_character_pass(number: str) -> None:
    assert rules.normalise_id_number(number.lower()) == number


def test_the_published_gb11643_example_has_check_character_x() -> None:
    assert rules.id_check_char("11010519491231002") == "X"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("11010519491231002", "身份证号码应为18位，当前为17位。"),
        ("110105194912310021", "身份证号码校验位不正确，请核对。"),
        ("11010519490231002X", "身份证号码中的出生日期不存在。"),
        ("11010518000101002X", "身份证号码中的出生日期不合理。"),
        ("1101051949123100XX", "身份证号码前17位应为数字，最后一位为数字或X。"),
    ],
)
def test_bad_id_numbers_are_refused(raw: str, message: str) -> None:
    # The 1800 case needs a valid check character to reach the date rule.
    if raw.startswith("110105180001"):
        raw = raw[:17] + rules.id_check_char(raw[:17])
    with pytest.raises(InvalidInput) as exc:
        rules.normalise_id_number(raw)
    assert str(exc.value.message) == message


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_changing_any_digit_of_an_id_number_breaks_its_check(first17: str) -> None:
    check = rules.id_check_char(first17)
    for i in range(17):
        d = int(first17[i])
        changed = first17[:i] + str((d + 1) % 10) + first17[i + 1 :]
        assert rules.id_check_char(changed) != check


@given(st.integers(min_value=1, max_value=999_999_999))
def test_account_numbers_round_trip_and_catch_a_mistyped_digit(serial: int) -> None:
    number = rules.account_no_from_serial(serial)
    assert len(number) == 10
    assert rules.normalise_account_no(number) == number
    wrong = number[:4] + str((int(number[4]) + 1) % 10) + number[5:]
    with pytest.raises(InvalidInput):
        rules.normalise_account_no(wrong)


def test_account_number_examples() -> None:
    assert rules.account_no_from_serial(1) == "0000000018"
    assert rules.account_no_from_serial(2) == "0000000026"
    with pytest.raises(InvalidInput) as exc:
        rules.normalise_account_no("12345")
    assert str(exc.value.message) == "户号应为10位数字。"


def test_masking_examples() -> None:
    assert rules.mask_phone("13812345678") == "138****5678"
    assert rules.mask_id_number("11010519491231002X") == "110105********002X"
    assert rules.mask_name("张三") == "张*"
    assert rules.mask_name("欧阳明月") == "欧**月"
    assert rules.mask_phone("") == ""


@given(st.from_regex(r"1[3-9]\d{9}", fullmatch=True))
def test_a_masked_phone_never_shows_the_middle_four_digits(phone: str) -> None:
    masked = rules.mask_phone(phone)
    assert masked[3:7] == "****"
    assert masked[:3] == phone[:3] and masked[-4:] == phone[-4:]
