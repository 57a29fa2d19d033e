import json

from deploy.contracts import registries, render


def test_the_published_schemas_match_the_event_classes():
    stale = [str(path) for path, text in render().items() if not path.exists() or path.read_text() != text]

    assert stale == [], "run `python -m deploy.contracts` and commit the result"


def test_every_event_type_of_every_producer_has_a_schema_and_an_asyncapi_message():
    files = render()
    asyncapi = json.loads(next(text for path, text in files.items() if path.name == "asyncapi.yaml"))

    for producer, registry in registries().items():
        for cls in registry:
            assert f"{producer}.{cls.type_name()}" in asyncapi["components"]["messages"]
            assert any(p.name == f"{cls.type_name()}.v{cls.SCHEMA_VERSION}.json" for p in files)


def test_every_asyncapi_message_has_an_example_valid_against_its_schema_and_enumerated_words_are_listed():
    from jsonschema import Draft202012Validator

    asyncapi = json.loads(next(text for path, text in render().items() if path.name == "asyncapi.yaml"))
    envelope = asyncapi["components"]["schemas"]["Envelope"]

    for key, message in asyncapi["components"]["messages"].items():
        payload = {"allOf": [envelope if part.get("$ref") else part for part in message["payload"]["allOf"]]}
        (example,) = message["examples"]
        assert list(Draft202012Validator(payload).iter_errors(example["payload"])) == [], key
        assert not Draft202012Validator(payload).is_valid(example["payload"] | {"type": "NotThisEvent"}), key
    barrier = asyncapi["components"]["messages"]["knowledge.BarrierProposed"]["payload"]["allOf"][1]
    assert "legal_and_data_protection" in barrier["properties"]["data"]["properties"]["category"]["enum"]
