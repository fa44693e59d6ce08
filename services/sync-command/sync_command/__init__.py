"""sync-command: accepts RequestSync commands and publishes SyncRequested through a transactional outbox."""
