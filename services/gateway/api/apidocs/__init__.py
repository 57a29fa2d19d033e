"""The public API's OpenAPI 3 document: the gateway's own routes merged with each service's commands."""
