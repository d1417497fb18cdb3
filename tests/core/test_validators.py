"""ID numbers (GB 11643), unified social credit codes (GB 32100), mobile numbers, and masking."""

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError

from onewindow.core import clock
from onewindow.core.masking import mask_id_number, mask_name, mask_phone
from onewindow.core.validators import (
    birth_date_from_id,
    validate_credit_code,
    validate_id_number,
    validate_mobile,
)

ID_WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]  # the GB 11643 weights, computed independently


def with_id_check(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


CC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def with_cc_check(first17: str) -> str:
    weights = [3 ** i % 31 for i in range(17)]
    total = sum(CC_CHARS.index(c) * w for c, w in zip(first17, weights, strict=True))
    return first17 + CC_CHARS[(31 - total % 31) % 31]


def message(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(exc.value.messages)


def test_a_valid_id_number_is_accepted_and_normalised() -> None:
    number = with_id_check("35098119900101123")
    assert validate_id_number(number) == number
    assert validate_id_number(f" {number[:6]} {number[6:]} ") == number
    assert birth_date_from_id(number) == date(1990, 1, 1)


def test_a_lowercase_x_check_character_is_accepted_as_upper_case() -> None:
    first17 = next(f"1101051985063012{i}" for i in range(10) if with_id_check(f"1101051985063012{i}")[-1] == "X")
    assert validate_id_number(first17 + "x") == first17 + "X"


def test_a_wrong_check_digit_names_the_expected_one() -> None:
    good = with_id_check("35098119900101123")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        validate_id_number(bad)
    assert "校验位" in message(exc) and good[17] in message(exc)


def test_an_impossible_birth_date_is_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        validate_id_number(with_id_check("35098119900230123"))
    assert "出生日期" in message(exc) and "19900230" in message(exc)


def test_a_birth_date_in_the_future_is_refused() -> None:
    with clock.frozen(datetime(2026, 11, 28, 10, 0)), pytest.raises(ValidationError) as exc:
        validate_id_number(with_id_check("35098120270101123"))
    assert "晚于今天" in message(exc)


def test_an_unknown_province_prefix_is_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        validate_id_number(with_id_check("99098119900101123"))
    assert "99" in message(exc) and "行政区划" in message(exc)


@pytest.mark.parametrize("value", ["35098119900101123", "3509811990010112345", ""])
def test_a_wrong_length_is_refused_with_the_length(value: str) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_id_number(value)
    assert ("18位" in message(exc) and str(len(value)) in message(exc)) or "请填写" in message(exc)


def test_letters_inside_an_id_number_are_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        validate_id_number("35098119900101A23X")
    assert "数字" in message(exc)


def test_valid_credit_codes_are_accepted() -> None:
    # 国家税务总局 style real-world code shape: registrar 9 (工商), type 1, area 350981
    code = with_cc_check("91350981MA2Y3K7N0")
    assert validate_credit_code(code.lower()) == code
    assert validate_credit_code(with_cc_check("11350981003589452")).startswith("1135")


def test_a_credit_code_with_a_wrong_check_character_is_refused() -> None:
    good = with_cc_check("91350981MA2Y3K7N0")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(bad)
    assert "校验位" in message(exc) and good[17] in message(exc)


def test_a_credit_code_with_forbidden_letters_or_length_is_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        validate_credit_code("91350981MA2Y3K7NOI")
    assert "I" in message(exc) and "O" in message(exc)
    with pytest.raises(ValidationError) as exc:
        validate_credit_code("91350981MA2Y3K7")
    assert "18位" in message(exc) and "15" in message(exc)


def test_mobile_numbers() -> None:
    assert validate_mobile("138 1234 5678") == "13812345678"
    assert validate_mobile("+86 13812345678") == "13812345678"
    with pytest.raises(ValidationError) as exc:
        validate_mobile("1381234567")
    assert "11位" in message(exc)
    with pytest.raises(ValidationError) as exc:
        validate_mobile("12812345678")
    assert "13至19" in message(exc)
    with pytest.raises(ValidationError):
        validate_mobile("0591-8765432")


def test_masking_hides_the_middle_and_tolerates_short_input() -> None:
    assert mask_id_number("350981199001011234") == "350981********1234"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("张三丰") == "张*丰"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧**娜"
    for fn in (mask_id_number, mask_phone, mask_name):
        assert fn("") == "" and fn(None) == ""
    assert mask_id_number("1234") == "****"
    assert "1234" not in mask_phone("123")
    assert mask_name("张") == "张"
