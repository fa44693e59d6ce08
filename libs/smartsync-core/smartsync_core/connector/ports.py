"""Ports of a connector: the ERP source and its streams, the connection settings, the state store."""
from __future__ import annotations

import abc
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import Any

from .model import Page, SyncRequest, SyncState


class SourceError(Exception):
    """An ERP error, with a message written for the user who reads the sync log."""

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code


class AuthenticationFailed(SourceError):
    """Credentials or authorization were refused: nothing can be synced until the user fixes the connection."""


class ObjectNotPermitted(SourceError):
    """The connection may not read one object type (a missing role permission): that object fails, others go on."""


class SourceUnavailable(SourceError):
    """Transient trouble (network, 5xx, rate limits) that outlasted the retries."""


class BadSourceData(SourceError):
    """The ERP answered with something we cannot read (malformed body, missing key fields)."""


class Stream(abc.ABC):
    """One ERP object, read in pages from a resume position; Airbyte-style, with an explicit cursor field."""

    object_type: str
    cursor_field: str

    @abc.abstractmethod
    def read(self, since: datetime | None, resume_from: str | None) -> AsyncIterator[Page]:
        """Pages of records changed at or after `since` (all when None), starting after `resume_from`."""


class Source(abc.ABC):
    # Said in the log of every partial sync, e.g. that deletions only show after a full sync.
    partial_sync_note: str | None = None

    @abc.abstractmethod
    async def check(self) -> None:
        """Authenticate; raise AuthenticationFailed with a user-facing reason."""

    @abc.abstractmethod
    def streams(self, request: SyncRequest) -> list[Stream]: ...

    async def close(self) -> None:
        return None


SaveConnection = Callable[[dict[str, Any]], Awaitable[None]]


class SourceFactory(abc.ABC):
    @abc.abstractmethod
    def create(self, connection: dict[str, Any], save: SaveConnection) -> Source:
        """`save` durably stores changed connection settings (a rotated OAuth refresh token) before they are used."""


class ConnectionProvider(abc.ABC):
    """Where a connector gets a legal entity's ERP connection settings (secrets included, never from an event)."""

    @abc.abstractmethod
    async def get(self, tenant_id: str, legal_entity_id: str) -> dict[str, Any]: ...

    @abc.abstractmethod
    async def update(self, tenant_id: str, legal_entity_id: str, changes: dict[str, Any]) -> None:
        """Store changed settings (encrypted by sync-command); raises if they could not be stored."""


class StateStore(abc.ABC):
    @abc.abstractmethod
    async def load(self, sync_id: str) -> SyncState | None: ...

    @abc.abstractmethod
    async def save(self, state: SyncState) -> None: ...
