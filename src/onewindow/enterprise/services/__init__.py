"""Writes of the enterprise app, one transaction each: enterprises (profiles and hiring records), policies
(catalog, applications, review, payment), classes (sessions, sign-up, waiting list, attendance, feedback) and
licences (issue, revoke)."""
