# Compact dates for tables and timelines ("4. des 2026"); everything else from Django's nb formats.
DATE_FORMAT = "j. b Y"
DATETIME_FORMAT = "j. b Y, H:i"
