"""Reads of the enterprise app: policies and what was paid, classes and their figures, licences."""
