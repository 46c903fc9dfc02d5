-- Runs once, when the PostgreSQL volume is first initialised (as the `archive` superuser of the
-- container). The event log and the read model live in separate databases: the read model can be
-- dropped and rebuilt without touching the log, and each can be backed up on its own schedule.
CREATE DATABASE archive_events;
CREATE DATABASE archive_read;
