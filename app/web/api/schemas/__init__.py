"""What goes in and out of the API, as marshmallow schemas: they parse requests and are the
OpenAPI document (one source, so the spec cannot drift from the code). One module per resource;
`common` holds the field types and arguments they share.

Inputs are bounded to what the database stores (lengths, integer ranges, years 2000–2100), and
text follows the rules of `app.services.common.text` (`Text` a single line, `FreeText` with line
breaks, `EmailAddress`), so bad input is a 422 with field details, never a database error or a
value the mail and calendar layers refuse later.
"""
