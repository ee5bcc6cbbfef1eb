"""Privacy staff pages use a ``code`` too, but it names a request, person or disclosure.

Who may open them is proved in tests/privacy (officers only for disclosures and
erasure, staff for the rest, everyone else 404).
"""

EXEMPT = {
    "staff-request": "a data-subject request's code, not an installation's",
    "staff-request-erase": "a data-subject request's code, not an installation's",
    "staff-person": "a person's code, not an installation's",
    "staff-disclosure": "a disclosure's code, not an installation's",
    "staff-disclosure-bundle": "a disclosure's code, not an installation's",
}
CASES: list = []
