"""The check of passive mode: captured traffic (--from-har of a HAR file not written by --record) judged."""
