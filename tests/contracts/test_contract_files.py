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
