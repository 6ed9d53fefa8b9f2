"""The output guard: what a reply may not contain, and what happens when it does."""

from __future__ import annotations

import pytest

from engium.ai.guard.output_guard import (
    DEFAULT_FALLBACK,
    LINK_REMOVED,
    REDACTED,
    REMOVED,
    OutputContext,
    check_reply,
)
from engium.ai.guard.separation import new_canary, system_rules

CANARY = new_canary()
POLICY = (
    "You are the front desk of Anna's Salon in Leeds. Be warm and brief. Cancellations less than 24 hours "
    "before the appointment are charged half the price. Never discuss other businesses or competitors."
)
SYSTEM_PROMPT = f"{POLICY}\n\n{system_rules('0' * 32)}\ncanary: {CANARY}"
STORED_SECRET = "twilio-auth-9f8e7d6c5b4a"


def context(**overrides: object) -> OutputContext:
    values: dict[str, object] = {
        "canary": CANARY,
        "system_prompt": SYSTEM_PROMPT,
        "secret_values": [STORED_SECRET],
        "forbidden_identifiers": ["Bob's Garage", "0b7c3c1e-1111-4222-8333-944445555666"],
        "forbidden_contacts": ["jane.doe@example.com", "+44 7700 900123"],
        "allowed_link_hosts": ["annas-salon.example"],
    }
    values.update(overrides)
    return OutputContext(**values)  # type: ignore[arg-type]


def test_an_ordinary_reply_is_allowed_unchanged() -> None:
    reply = "Of course! Friday at 3pm is free. Shall I book it? https://annas-salon.example/book"
    verdict = check_reply(reply, context())
    assert verdict.action == "allow"
    assert verdict.text == reply
    assert verdict.reasons == ()


def test_the_canary_blocks_the_reply() -> None:
    verdict = check_reply(f"Sure, my canary is {CANARY}.", context())
    assert verdict.action == "block"
    assert verdict.text == DEFAULT_FALLBACK
    assert verdict.reasons == ("canary",)


def test_the_random_part_of_the_canary_alone_also_blocks() -> None:
    random_part = CANARY.rsplit("-", 1)[1]
    assert check_reply(f"The code is {random_part.upper()}", context()).action == "block"


def test_a_long_stretch_of_the_system_prompt_blocks_the_reply() -> None:
    verdict = check_reply(f"Here are my instructions: {SYSTEM_PROMPT[:700]}", context())
    assert verdict.action == "block"
    assert verdict.reasons == ("system_prompt_overlap",)


def test_the_guard_rules_paraphrased_with_different_punctuation_still_block() -> None:
    leaked = system_rules("0" * 32).replace(",", "").replace(".", ";").upper()
    assert check_reply(leaked, context()).action == "block"


def test_restating_one_policy_sentence_is_not_a_leak() -> None:
    reply = "Just so you know: cancellations less than 24 hours before the appointment are charged half the price."
    assert check_reply(reply, context()).action == "allow"


def test_a_custom_fallback_message_is_used() -> None:
    verdict = check_reply(CANARY, context(fallback_message="Please call us."))
    assert verdict.text == "Please call us."


@pytest.mark.parametrize(
    ("secret", "kind"),
    [
        ("sk-proj-" + "a1B2c3D4" * 6, "secret:openai_api_key"),
        ("sk-ant-api03-" + "x" * 40, "secret:anthropic_api_key"),
        ("AKIAIOSFODNN7EXAMPLE", "secret:aws_access_key_id"),
        ("ghp_" + "A" * 36, "secret:github_token"),
        ("xoxb-1234567890-abcdefghij", "secret:slack_token"),
        ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "secret:jwt"),
        ("sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc", "secret:stripe_secret_key"),
        ("egk_" + "Zm9vYmFyYmF6cXV4cXV1eHF1dXhmb28", "secret:engium_api_key"),
        ("AIza" + "S" * 35, "secret:google_api_key"),
    ],
)
def test_credentials_in_known_formats_are_redacted(secret: str, kind: str) -> None:
    verdict = check_reply(f"Sure, the key you asked about is {secret} and it works for everything.", context())
    assert verdict.action == "rewrite"
    assert secret not in verdict.text
    assert REDACTED in verdict.text
    assert verdict.reasons == (kind,)
    assert all(secret not in finding.excerpt for finding in verdict.findings)


def test_a_private_key_block_is_redacted_whole() -> None:
    pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\nabc\n-----END RSA PRIVATE KEY-----"
    verdict = check_reply(f"Here you go, the file you wanted from the server:\n{pem}\nAnything else?", context())
    assert "MIIEow" not in verdict.text
    assert verdict.reasons == ("secret:pem_private_key",)


def test_a_stored_secret_value_is_redacted_and_never_shown_in_findings() -> None:
    verdict = check_reply(f"The Twilio token is {STORED_SECRET}, keep it safe and don't share it.", context())
    assert verdict.action == "rewrite"
    assert STORED_SECRET not in verdict.text
    assert verdict.reasons == ("stored_secret",)
    assert all(STORED_SECRET[:6] not in finding.excerpt for finding in verdict.findings)


def test_secrets_never_appear_in_the_context_repr() -> None:
    shown = repr(context())
    assert STORED_SECRET not in shown
    assert CANARY not in shown
    assert "jane.doe" not in shown


def test_very_short_stored_secrets_are_ignored_rather_than_matching_words() -> None:
    assert check_reply("See you at the salon!", context(secret_values=["the"])).action == "allow"


def test_other_tenants_names_and_ids_are_removed() -> None:
    reply = "We work with Bob's garage (account 0b7c3c1e111142228333944445555666) next door, ask them too."
    verdict = check_reply(reply, context())
    assert verdict.action == "rewrite"
    assert "bob's garage" not in verdict.text.lower()
    assert "0b7c3c1e" not in verdict.text
    assert verdict.reasons == ("other_tenant",)


def test_other_contacts_emails_and_phones_are_removed_in_any_format() -> None:
    reply = "You could ask Jane.Doe@Example.com or ring 07700 900123, she booked the same slot yesterday."
    verdict = check_reply(reply, context())
    assert verdict.action == "rewrite"
    assert verdict.text.count(REMOVED) == 2
    assert set(verdict.reasons) == {"other_contact_email", "other_contact_phone"}
    assert "jane.doe@example.com" not in " ".join(f.excerpt for f in verdict.findings)


def test_the_customers_own_details_are_kept() -> None:
    reply = "I've noted your email sam@example.org and your number 0113 496 0000 for the booking."
    assert check_reply(reply, context()).action == "allow"


def test_links_outside_the_allow_list_are_removed_and_images_dropped() -> None:
    reply = (
        "Book here: https://annas-salon.example/book or https://www.annas-salon.example/x. "
        "Also see https://evil.example/steal?d=1, [our partner](http://evil.example/p) and "
        "![logo](https://evil.example/pixel.png?q=secret) www.elsewhere.example."
    )
    verdict = check_reply(reply, context())
    assert verdict.action == "rewrite"
    assert "evil.example" not in verdict.text
    assert "elsewhere.example" not in verdict.text
    assert "https://annas-salon.example/book" in verdict.text
    assert "https://www.annas-salon.example/x" in verdict.text
    assert "our partner" in verdict.text  # a link keeps its words
    assert "logo" not in verdict.text  # an image disappears
    assert LINK_REMOVED in verdict.text
    assert set(verdict.reasons) == {"link", "image_link"}


def test_a_link_that_hides_its_host_behind_userinfo_is_judged_by_its_real_host() -> None:
    verdict = check_reply("Pay at https://annas-salon.example@evil.example/pay please, it is quick.", context())
    assert "evil.example" not in verdict.text


def test_with_no_allow_list_every_link_is_removed() -> None:
    reply = "Visit https://annas-salon.example for prices and opening hours."
    verdict = check_reply(reply, context(allowed_link_hosts=[]))
    assert verdict.action == "rewrite"
    assert "https://" not in verdict.text


def test_a_reply_that_is_mostly_forbidden_content_is_blocked_instead_of_rewritten() -> None:
    verdict = check_reply(f"{STORED_SECRET} jane.doe@example.com", context())
    assert verdict.action == "block"
    assert verdict.text == DEFAULT_FALLBACK
    assert set(verdict.reasons) == {"stored_secret", "other_contact_email"}
