"""Shared plumbing for SmartSync services: events, messaging, persistence, settings, metrics."""
