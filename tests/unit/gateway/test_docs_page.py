from services.gateway.api.apidocs.page import render
from services.gateway.edge.etags import etag_of

XSS = '<script>alert("x")</script>'


def test_the_docs_page_escapes_every_text_taken_from_the_document():
    document = {"openapi": "3.0.3", "info": {"title": XSS, "version": "1", "description": XSS},
                "paths": {"/api/v1/x": {"post": {"summary": XSS, "tags": [XSS], "operationId": XSS,
                                                 "responses": {"default": {"description": "e"}}}}},
                "components": {"schemas": {"Thing": {"type": "object", "description": XSS}}}}

    page = render(document)

    assert "<script>" not in page
    assert "&lt;script&gt;" in page


def test_the_docs_page_lists_every_operation_with_its_method_and_path():
    document = {"openapi": "3.0.3", "info": {"title": "API", "version": "1"},
                "paths": {"/api/v1/charters": {"get": {"summary": "List charters", "responses": {}},
                                               "post": {"summary": "Create a charter", "responses": {}}}}}

    page = render(document)

    assert page.count("<code>/api/v1/charters</code>") == 2
    assert "List charters" in page and "Create a charter" in page


def test_an_etag_depends_only_on_the_body():
    assert etag_of(b'{"a": 1}') == etag_of(b'{"a": 1}') != etag_of(b'{"a": 2}')
