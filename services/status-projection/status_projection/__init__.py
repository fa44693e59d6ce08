"""status-projection: turns sync events into the views users read (overview, activities, logs, catalog)."""
