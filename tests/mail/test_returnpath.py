"""The return-path tokens: stable, signed, found again in addresses and quoted headers."""

import pytest

from swsdigital.mail import returnpath
from swsdigital.mail.returnpath import Token


def test_return_path_is_verp_address_at_the_bounce_domain(settings):
    settings.BOUNCE_ADDRESS = "bounces@mail.sws-digital.example"
    address = returnpath.return_path(Token("o", 42))
    local, domain = address.split("@")
    assert domain == "mail.sws-digital.example"
    assert local.startswith("bounces+o42.")
    assert returnpath.token_find(address) == Token("o", 42)


def test_default_bounce_address_uses_the_sender_domain(settings):
    settings.BOUNCE_ADDRESS = ""
    settings.DEFAULT_FROM_EMAIL = "SWS Digital <info@sws-digital.example>"
    assert returnpath.bounce_address() == ("bounces", "sws-digital.example")


def test_message_id_is_stable_and_carries_the_token():
    first = returnpath.message_id(Token("n", 7), "sws-digital.example")
    assert first == returnpath.message_id(Token("n", 7), "sws-digital.example")
    assert first.startswith("<sws.n7.") and first.endswith("@sws-digital.example>")
    assert returnpath.token_find(f"In-Reply-To: {first}\r\n") == Token("n", 7)


@pytest.mark.parametrize(
    "text",
    [
        "bounces+o42.000000000000@sws-digital.example",  # forged signature
        "bounces+o43." + "x" * 12 + "@sws-digital.example",  # not hex
        "nothing here at all",
        "",
    ],
)
def test_forged_or_missing_tokens_find_nothing(text):
    assert returnpath.token_find(text) is None


def test_a_token_for_one_row_does_not_fit_another():
    good = str(Token("o", 42))
    sig = good.split(".")[1]
    assert returnpath.token_verify("o", 43, sig) is None
    assert returnpath.token_verify("n", 42, sig) is None
    assert returnpath.token_verify("o", "42", sig) == Token("o", 42)
    assert returnpath.token_verify("o", "x", sig) is None


def test_candidates_count_token_shaped_strings():
    forged = "bounces+o42.000000000000@x"
    assert returnpath.token_candidates(forged) == 1 and returnpath.token_find(forged) is None
    assert returnpath.token_candidates(b"plain") == 0
