"""Component ids shared by layouts and callbacks."""

STATUS_REFRESH = "status-refresh"
STATUS_COUNTS = "status-counts"
STATUS_STREAMS = "status-streams"
STATUS_UPDATED = "status-updated"
