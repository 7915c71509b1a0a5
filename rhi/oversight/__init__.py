"""Oversight: the service at a glance for managers and coordinators (issue 15)."""
