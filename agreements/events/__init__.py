"""Visits, dialogues, forums and meetings: lists, calendar and readiness board."""
