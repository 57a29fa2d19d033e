"""A refusal's field errors as the pages show them: GOV.UK-style messages naming each field by its label."""

from services.gateway.web.problems import general, per_field, plain
from services.gateway.web.web import Form, Outcome

SIGN = {"organisation_name": "the name of the organisation", "signatory_role": "your role in the organisation"}


def test_a_blank_field_asks_for_it_by_its_label():
    assert plain("must not be empty", "your role in the organisation", "") == "Enter your role in the organisation"
    assert plain("Missing data for required field.", "the title") == "Enter the title"


def test_too_long_and_too_short_name_the_limit():
    assert plain("Longer than maximum length 200.", "the title", "x" * 201) == (
        "The title must be 200 characters or fewer")
    assert plain("use 10 to 1000 characters", "password", "short") == "Password must be 10 characters or more"


def test_an_e_mail_address_a_date_and_a_number_say_what_is_expected():
    assert plain("Not a valid email address.", "your e-mail address", "me@") == (
        "Enter an e-mail address in the correct format, like name@example.com")
    assert plain("Not a valid date.", "the due date", "31 Feb") == "The due date must be a real date"
    assert plain("Not a valid number.", "the reading", "lots") == "The reading must be a number, like 12 or 3.5"


def test_the_api_s_own_message_keeps_its_words_but_names_fields_as_labels_do():
    assert plain("the closing date must be in the future", "the closing day", "1 Jan 2020") == (
        "The closing day: the closing date must be in the future")
    assert per_field({"organisation_name": ["organisation_name must not look like an e-mail"]},
                     {"organisation_name": "x@y"}, SIGN) == {
        "organisation_name": ["The name of the organisation must not look like an e-mail"]}


def test_a_field_the_form_does_not_show_goes_to_the_form_as_a_whole_in_words():
    errors = per_field({"organisation_id": ["unknown organisation"], "signatory_role": ["must not be empty"]},
                       {"signatory_role": ""}, SIGN)

    assert errors == {"_form": ["Unknown organisation"], "signatory_role": ["Enter your role in the organisation"]}


def test_the_general_validation_message_is_never_shown_beside_field_errors():
    body = {"code": "validation_failed", "message": "the request body has invalid fields",
            "errors": {"signatory_role": ["must not be empty"]}}

    form = Form({"signatory_role": " "}, labels=SIGN).refused(Outcome(422, body))

    assert form.errors == {"signatory_role": ["Enter your role in the organisation"]}
    assert general(body, 422, []) == "The request body has invalid fields."
