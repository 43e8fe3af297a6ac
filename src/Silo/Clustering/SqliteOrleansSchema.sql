-- FaceMask's schema for the Orleans 10.4.2 AdoNet providers (clustering, grain storage, reminders)
-- on one SQLite file, invariant "System.Data.SQLite" (Microsoft.Data.Sqlite).
--
-- Every silo runs this script at start-up inside one BEGIN IMMEDIATE transaction (SqliteOrleansSchema.cs),
-- so it must stay idempotent: tables, indexes and triggers are created only when missing, the query
-- rows are replaced (edited texts take effect when the silos restart: the providers cache them).
-- Changing an existing table or trigger needs a migration step keyed on PRAGMA user_version.
--
-- Rules the query texts follow (../shared/SQLITE_FINDINGS.md):
-- * At most ONE writing statement per text. Each statement is its own autocommit transaction and takes
--   the write lock before it reads, so a single INSERT/UPDATE conditioned on the membership version is
--   atomic. No BEGIN/COMMIT in a text: a failed statement would leave the transaction (and the write
--   lock) open on a pooled connection.
-- * "Check the table version, change the member row, bump the version" is one statement on the member
--   table; the triggers below bump the version inside that same statement.
-- * Boolean results come from SELECT changes() (rows changed by the last statement, triggers excluded),
--   which always yields exactly one row. RETURNING yields no row on a no-op, which the storage provider
--   reads as a conflict.
-- * Dates are TEXT, written by Microsoft.Data.Sqlite's binder (yyyy-MM-dd HH:mm:ss.FFFFFFF, UTC), so
--   string order is time order.
-- * The texts contain no single quotes: they are SQL string literals below.

-- ---------------------------------------------------------------------------------------------------
-- Query texts, read by the providers at start-up (QueryKey must be unique; both columns text).
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);

-- ---------------------------------------------------------------------------------------------------
-- Membership: one version row per cluster (DeploymentId = ClusterOptions.ClusterId) and one row per
-- silo incarnation. Every member row's ETag is the cluster's version.
CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId TEXT    NOT NULL PRIMARY KEY,
    Version      INTEGER NOT NULL DEFAULT 0,
    Timestamp    TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP -- last change, for humans
);

CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId TEXT    NOT NULL,
    Address      TEXT    NOT NULL,
    Port         INTEGER NOT NULL,
    Generation   INTEGER NOT NULL,
    SiloName     TEXT    NOT NULL,
    HostName     TEXT    NOT NULL,
    Status       INTEGER NOT NULL, -- SiloStatus: 2 Joining, 3 Active, 4 ShuttingDown, 5 Stopping, 6 Dead
    ProxyPort    INTEGER NOT NULL, -- gateway port, 0 without a gateway
    SuspectTimes TEXT    NULL,     -- the provider's own format, stored verbatim
    StartTime    TEXT    NOT NULL,
    IAmAliveTime TEXT    NOT NULL,
    PRIMARY KEY (DeploymentId, Address, Port, Generation)
);

-- A member row inserted, or its Status/SuspectTimes updated, bumps the cluster version in the same
-- statement. IAmAlive only sets IAmAliveTime and leaves the version alone, as the contract requires.
CREATE TRIGGER IF NOT EXISTS OrleansMembershipInserted
AFTER INSERT ON OrleansMembershipTable
BEGIN
    UPDATE OrleansMembershipVersionTable
    SET Version = Version + 1, Timestamp = CURRENT_TIMESTAMP
    WHERE DeploymentId = NEW.DeploymentId;
END;

CREATE TRIGGER IF NOT EXISTS OrleansMembershipUpdated
AFTER UPDATE OF Status, SuspectTimes ON OrleansMembershipTable
BEGIN
    UPDATE OrleansMembershipVersionTable
    SET Version = Version + 1, Timestamp = CURRENT_TIMESTAMP
    WHERE DeploymentId = NEW.DeploymentId;
END;

-- Deleting a cluster's version row takes its member rows with it: one statement, all or nothing.
CREATE TRIGGER IF NOT EXISTS OrleansMembershipVersionDeleted
AFTER DELETE ON OrleansMembershipVersionTable
BEGIN
    DELETE FROM OrleansMembershipTable WHERE DeploymentId = OLD.DeploymentId;
END;

-- ---------------------------------------------------------------------------------------------------
-- Grain state. Identity = (ServiceId, GrainTypeString = state name, GrainIdN0, GrainIdN1,
-- GrainIdExtensionString compared NULL-aware); the hashes only narrow the lookup. The unique index makes
-- two racing first writes collide instead of creating two rows; NULL and '' extensions stay distinct.
CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash            INTEGER NOT NULL,
    GrainIdN0              INTEGER NOT NULL,
    GrainIdN1              INTEGER NOT NULL,
    GrainTypeHash          INTEGER NOT NULL,
    GrainTypeString        TEXT    NOT NULL,
    GrainIdExtensionString TEXT    NULL,
    ServiceId              TEXT    NOT NULL,
    PayloadBinary          BLOB    NULL, -- NULL after a clear: the row and its version stay
    ModifiedOn             TEXT    NOT NULL,
    Version                INTEGER NOT NULL
);

CREATE INDEX IF NOT EXISTS IX_OrleansStorage_Hashes ON OrleansStorage (GrainIdHash, GrainTypeHash);

CREATE UNIQUE INDEX IF NOT EXISTS UX_OrleansStorage_Identity ON OrleansStorage
(
    ServiceId, GrainTypeString, GrainIdN0, GrainIdN1,
    (GrainIdExtensionString IS NULL), IFNULL(GrainIdExtensionString, '')
);

-- ---------------------------------------------------------------------------------------------------
-- Reminders. GrainHash is the uint ring hash stored as a signed 32-bit value; range reads compare it
-- signed, exactly as the provider picks its queries.
CREATE TABLE IF NOT EXISTS OrleansRemindersTable
(
    ServiceId    TEXT    NOT NULL,
    GrainId      TEXT    NOT NULL,
    ReminderName TEXT    NOT NULL,
    StartTime    TEXT    NOT NULL,
    Period       INTEGER NOT NULL, -- milliseconds
    GrainHash    INTEGER NOT NULL,
    Version      INTEGER NOT NULL,
    PRIMARY KEY (ServiceId, GrainId, ReminderName)
);

CREATE INDEX IF NOT EXISTS IX_OrleansRemindersTable_Ring ON OrleansRemindersTable (ServiceId, GrainHash);

PRAGMA user_version = 1;

-- ---------------------------------------------------------------------------------------------------
-- The query texts.
INSERT OR REPLACE INTO OrleansQuery (QueryKey, QueryText) VALUES

-- Clustering (all nine keys are required, by the client too).
('InsertMembershipVersionKey', '
INSERT INTO OrleansMembershipVersionTable (DeploymentId) VALUES (@DeploymentId)
ON CONFLICT (DeploymentId) DO NOTHING;
SELECT changes();'),

('MembershipReadAllKey', '
SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
       m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
FROM OrleansMembershipVersionTable v
LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
WHERE v.DeploymentId = @DeploymentId;'),

('MembershipReadRowKey', '
SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
       m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
FROM OrleansMembershipVersionTable v
LEFT JOIN OrleansMembershipTable m
       ON m.DeploymentId = v.DeploymentId AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
WHERE v.DeploymentId = @DeploymentId;'),

('InsertMembershipKey', '
INSERT INTO OrleansMembershipTable
    (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
SELECT @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
WHERE EXISTS (SELECT 1 FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId AND Version = @Version)
ON CONFLICT DO NOTHING;
SELECT changes();'),

('UpdateMembershipKey', '
UPDATE OrleansMembershipTable
SET Status = @Status, SuspectTimes = @SuspectTimes, IAmAliveTime = @IAmAliveTime
WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation
  AND EXISTS (SELECT 1 FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId AND Version = @Version);
SELECT changes();'),

('UpdateIAmAlivetimeKey', '
UPDATE OrleansMembershipTable
SET IAmAliveTime = @IAmAliveTime
WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation;'),

('GatewaysQueryKey', '
SELECT Address, ProxyPort, Generation
FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0;'),

('DeleteMembershipTableEntriesKey', '
DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;'),

-- Only Dead rows: a silo that merely stopped updating IAmAlive may still come back.
('CleanupDefunctSiloEntriesKey', '
DELETE FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId AND IAmAliveTime < @IAmAliveTime AND Status = 6;'),

-- Grain storage. ETag = Version. A NULL @GrainStateVersion inserts version 1 only if no row exists;
-- otherwise the stored version must equal it and is incremented. Conflicts return no row.
('ReadFromStorageKey', '
SELECT PayloadBinary, Version
FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
  AND GrainTypeString = @GrainTypeString AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString IS @GrainIdExtensionString;'),

('WriteToStorageKey', '
INSERT INTO OrleansStorage
    (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId,
     PayloadBinary, ModifiedOn, Version)
SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString, @ServiceId,
       @PayloadBinary, CURRENT_TIMESTAMP, 1
WHERE @GrainStateVersion IS NULL
   OR EXISTS (SELECT 1 FROM OrleansStorage
              WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
                AND GrainTypeString = @GrainTypeString AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
                AND GrainIdExtensionString IS @GrainIdExtensionString)
ON CONFLICT DO UPDATE
SET PayloadBinary = excluded.PayloadBinary, ModifiedOn = excluded.ModifiedOn, Version = Version + 1
WHERE @GrainStateVersion IS NOT NULL AND Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;'),

('ClearStorageKey', '
UPDATE OrleansStorage
SET PayloadBinary = NULL, ModifiedOn = CURRENT_TIMESTAMP, Version = Version + 1
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
  AND GrainTypeString = @GrainTypeString AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString IS @GrainIdExtensionString
  AND Version = @GrainStateVersion
RETURNING Version;'),

('DeleteStorageKey', '
DELETE FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
  AND GrainTypeString = @GrainTypeString AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString IS @GrainIdExtensionString
  AND Version = @GrainStateVersion
RETURNING Version + 1;'),

-- Reminders. Every upsert yields a new version: the first at random, then +1 modulo 2e9, so a reminder
-- registered again after a delete does not reuse an old ETag.
('ReadReminderRowsKey', '
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND GrainId = @GrainId;'),

('ReadReminderRowKey', '
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName;'),

('ReadRangeRows1Key', '
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND GrainHash > @BeginHash AND GrainHash <= @EndHash;'),

('ReadRangeRows2Key', '
SELECT GrainId, ReminderName, StartTime, Period, Version
FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND (GrainHash > @BeginHash OR GrainHash <= @EndHash);'),

('UpsertReminderRowKey', '
INSERT INTO OrleansRemindersTable (ServiceId, GrainId, ReminderName, StartTime, Period, GrainHash, Version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, abs(random() % 2000000000))
ON CONFLICT (ServiceId, GrainId, ReminderName) DO UPDATE
SET StartTime = excluded.StartTime, Period = excluded.Period, GrainHash = excluded.GrainHash,
    Version = (Version + 1) % 2000000000
RETURNING Version;'),

('DeleteReminderRowKey', '
DELETE FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName AND Version = @Version;
SELECT changes();'),

('DeleteReminderRowsKey', '
DELETE FROM OrleansRemindersTable WHERE ServiceId = @ServiceId;');
