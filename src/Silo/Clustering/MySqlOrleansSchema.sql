-- FaceMask's schema for the Orleans 10.4.2 AdoNet providers (clustering, grain storage, reminders) on
-- MariaDB (10.6 or later), invariant "MySql.Data.MySqlConnector" (MySqlConnector). Written from
-- ../shared/ADONET_CONTRACT.md.
--
-- Every silo applies this script at start-up, and `FaceMask.Silo db init` applies it on demand
-- (MySqlOrleansSchema.cs); the mariadb CLI runs it too: mariadb DATABASE < MySqlOrleansSchema.sql.
-- So it must stay idempotent: tables and procedures are created only when missing, the query rows are
-- replaced (edited texts take effect when the silos restart: the providers cache them). The installer
-- holds a named lock (GET_LOCK) per database while it runs, so silos starting together queue instead of
-- racing. A procedure whose body changes gets a new name (suffix _v2, ...) and the query text that calls
-- it moves to the new name; a changed table needs a migration step of its own.
--
-- Rules the query texts follow (ADONET_CONTRACT.md §1.2 and §4):
-- * No bare START TRANSACTION ... COMMIT in a query text: a failing statement would leave the
--   transaction and its row locks open on a pooled connection. A change is either ONE statement
--   (atomic on its own) or a procedure whose handler rolls back and re-signals.
-- * No user variables: every @name is a provider parameter (a misspelt one fails loudly).
-- * Results come from ROW_COUNT() read right after the statement. MySqlConnector's default
--   (UseAffectedRows=false) reports MATCHED rows; every conditional update here changes the version
--   column, so matched = changed.
-- * Times are DATETIME(3), written and read as UTC (the providers bind UTC and relabel what they read).
-- * Identity strings use utf8mb4_nopad_bin: case-sensitive and trailing blanks count ("Tick" is not
--   "tick", "u:a" is not "u:a "). On MySQL 8 the equivalent collation is utf8mb4_0900_bin.
-- * The query texts contain no single quotes: they are SQL string literals below.

-- ---------------------------------------------------------------------------------------------------
-- Query texts, read by the providers at start-up (exact table and column names; both columns text).
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    QueryText MEDIUMTEXT CHARACTER SET utf8mb4 NOT NULL
) ENGINE = InnoDB;

-- ---------------------------------------------------------------------------------------------------
-- Membership: one version row per cluster (DeploymentId = ClusterOptions.ClusterId) and one row per
-- silo incarnation. Every member row's ETag is the cluster's version; every change of a member row
-- except IAmAlive bumps it in the same atomic step.
CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId VARCHAR(150) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL PRIMARY KEY,
    Version      INT         NOT NULL DEFAULT 0,
    Timestamp    DATETIME(3) NOT NULL -- last change, for humans
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId VARCHAR(150) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL,
    Address      VARCHAR(45)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    Port         INT          NOT NULL,
    Generation   INT          NOT NULL,
    SiloName     VARCHAR(150) CHARACTER SET utf8mb4 NOT NULL,
    HostName     VARCHAR(150) CHARACTER SET utf8mb4 NOT NULL,
    Status       INT          NOT NULL, -- SiloStatus: 2 Joining, 3 Active, 4 ShuttingDown, 5 Stopping, 6 Dead
    ProxyPort    INT          NOT NULL, -- gateway port, 0 without a gateway
    SuspectTimes TEXT         CHARACTER SET utf8mb4 NULL, -- the provider's own format, stored verbatim
    StartTime    DATETIME(3)  NOT NULL,
    IAmAliveTime DATETIME(3)  NOT NULL,
    PRIMARY KEY (DeploymentId, Address, Port, Generation)
) ENGINE = InnoDB;

-- ---------------------------------------------------------------------------------------------------
-- Grain state. Identity = (ServiceId, GrainTypeString = state name, GrainIdN0, GrainIdN1,
-- GrainIdExtensionString compared NULL-aware); the hashes only narrow the lookup. IdentityDigest (SHA-256
-- of the length-prefixed identity, NULL and '' extensions distinct) is unique, so two racing first
-- writes collide instead of creating two rows, whatever the length of the strings.
CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash            INT           NOT NULL,
    GrainIdN0              BIGINT        NOT NULL,
    GrainIdN1              BIGINT        NOT NULL,
    GrainTypeHash          INT           NOT NULL,
    GrainTypeString        VARCHAR(512)  CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL,
    GrainIdExtensionString VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NULL,
    ServiceId              VARCHAR(150)  CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL,
    PayloadBinary          LONGBLOB      NULL, -- NULL after a clear: the row and its version stay
    ModifiedOn             DATETIME(3)   NOT NULL,
    Version                INT           NOT NULL,
    IdentityDigest         BINARY(32) AS (UNHEX(SHA2(CONCAT_WS(',',
        LENGTH(ServiceId), ServiceId, LENGTH(GrainTypeString), GrainTypeString, GrainIdN0, GrainIdN1,
        IF(GrainIdExtensionString IS NULL, '-', CONCAT(LENGTH(GrainIdExtensionString), ':', GrainIdExtensionString))), 256))) STORED,
    UNIQUE KEY UX_OrleansStorage_Identity (IdentityDigest),
    KEY IX_OrleansStorage_Hashes (GrainIdHash, GrainTypeHash)
) ENGINE = InnoDB;

-- ---------------------------------------------------------------------------------------------------
-- Reminders. GrainHash is the uint ring hash stored as a signed 32-bit value; range reads compare it
-- signed, exactly as the provider picks its queries. Key: 150 + 400 + 150 characters = 2800 bytes.
CREATE TABLE IF NOT EXISTS OrleansRemindersTable
(
    ServiceId    VARCHAR(150) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL,
    GrainId      VARCHAR(400) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL,
    ReminderName VARCHAR(150) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL,
    StartTime    DATETIME(3)  NOT NULL,
    Period       BIGINT       NOT NULL, -- milliseconds
    GrainHash    INT          NOT NULL,
    Version      INT          NOT NULL,
    PRIMARY KEY (ServiceId, GrainId, ReminderName),
    KEY IX_OrleansRemindersTable_Ring (ServiceId, GrainHash)
) ENGINE = InnoDB;

-- ---------------------------------------------------------------------------------------------------
-- Procedures, for the two changes that cannot be one statement. Each statement in them is atomic; the
-- handlers roll back what a failure left and re-signal it to the caller.

DELIMITER $$

-- A silo joins: insert its row only if the cluster's version is still the one the caller read and the
-- row does not exist, and bump the version in the same transaction. The version row is locked first
-- (UPDATE), so concurrent membership changes of one cluster queue on it instead of deadlocking.
CREATE PROCEDURE IF NOT EXISTS FaceMaskOrleans_InsertMember_v1(
    pDeploymentId VARCHAR(150) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin, pAddress VARCHAR(45) CHARACTER SET ascii, pPort INT,
    pGeneration INT, pSiloName VARCHAR(150) CHARACTER SET utf8mb4, pHostName VARCHAR(150) CHARACTER SET utf8mb4,
    pStatus INT, pProxyPort INT, pStartTime DATETIME(3), pIAmAliveTime DATETIME(3), pVersion INT)
BEGIN
    DECLARE EXIT HANDLER FOR SQLEXCEPTION
    BEGIN
        ROLLBACK;
        RESIGNAL;
    END;

    START TRANSACTION;
    UPDATE OrleansMembershipVersionTable
    SET Version = Version + 1, Timestamp = UTC_TIMESTAMP(3)
    WHERE DeploymentId = pDeploymentId AND Version = pVersion
      AND NOT EXISTS (SELECT 1 FROM OrleansMembershipTable
                      WHERE DeploymentId = pDeploymentId AND Address = pAddress AND Port = pPort AND Generation = pGeneration);
    IF ROW_COUNT() = 1 THEN
        INSERT INTO OrleansMembershipTable
            (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
        VALUES (pDeploymentId, pAddress, pPort, pGeneration, pSiloName, pHostName, pStatus, pProxyPort, pStartTime, pIAmAliveTime);
        COMMIT;
        SELECT 1 AS Inserted;
    ELSE
        ROLLBACK;
        SELECT 0 AS Inserted;
    END IF;
END$$

-- A grain state write. No version (first write): insert version 1; a row that exists already, even one
-- inserted a moment ago by a racing writer, is a conflict (duplicate identity), answered with NULL.
-- A version: replace the payload only if the stored version equals it. The new version, or NULL on a
-- conflict, comes back as NewGrainStateVersion.
CREATE PROCEDURE IF NOT EXISTS FaceMaskOrleans_WriteState_v1(
    pGrainIdHash INT, pGrainIdN0 BIGINT, pGrainIdN1 BIGINT, pGrainTypeHash INT,
    pGrainTypeString VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin, pGrainIdExtensionString VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin,
    pServiceId VARCHAR(150) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin, pGrainStateVersion INT, pPayloadBinary LONGBLOB)
BEGIN
    DECLARE EXIT HANDLER FOR 1062 -- ER_DUP_ENTRY: someone else wrote first
    BEGIN
        SELECT CAST(NULL AS SIGNED) AS NewGrainStateVersion;
    END;

    IF pGrainStateVersion IS NULL THEN
        INSERT INTO OrleansStorage
            (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId,
             PayloadBinary, ModifiedOn, Version)
        VALUES (pGrainIdHash, pGrainIdN0, pGrainIdN1, pGrainTypeHash, pGrainTypeString, pGrainIdExtensionString, pServiceId,
                pPayloadBinary, UTC_TIMESTAMP(3), 1);
        SELECT 1 AS NewGrainStateVersion;
    ELSE
        UPDATE OrleansStorage
        SET PayloadBinary = pPayloadBinary, ModifiedOn = UTC_TIMESTAMP(3), Version = Version + 1
        WHERE GrainIdHash = pGrainIdHash AND GrainTypeHash = pGrainTypeHash AND ServiceId = pServiceId
          AND GrainTypeString = pGrainTypeString AND GrainIdN0 = pGrainIdN0 AND GrainIdN1 = pGrainIdN1
          AND GrainIdExtensionString <=> pGrainIdExtensionString
          AND Version = pGrainStateVersion;
        SELECT IF(ROW_COUNT() = 1, pGrainStateVersion + 1, NULL) AS NewGrainStateVersion;
    END IF;
END$$

DELIMITER ;

-- ---------------------------------------------------------------------------------------------------
-- The query texts.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- Clustering (all nine keys are required, by the client too).
-- Two silos may create the version row at the same moment: the duplicate becomes a no-op, never an
-- error (an error here aborts silo start). The answer only feeds a log line.
('InsertMembershipVersionKey', '
INSERT INTO OrleansMembershipVersionTable (DeploymentId, Version, Timestamp)
VALUES (@DeploymentId, 0, UTC_TIMESTAMP(3))
ON DUPLICATE KEY UPDATE DeploymentId = DeploymentId;
SELECT 1 AS VersionRowExists;'),

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
CALL FaceMaskOrleans_InsertMember_v1(@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
     @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version);'),

-- One statement changes the member row and bumps the version, or neither (stale version, no such row).
('UpdateMembershipKey', '
UPDATE OrleansMembershipVersionTable v
JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
SET v.Version = v.Version + 1, v.Timestamp = UTC_TIMESTAMP(3),
    m.Status = @Status, m.SuspectTimes = @SuspectTimes, m.IAmAliveTime = @IAmAliveTime
WHERE v.DeploymentId = @DeploymentId AND v.Version = @Version
  AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation;
SELECT ROW_COUNT() > 0 AS Updated;'),

('UpdateIAmAlivetimeKey', '
UPDATE OrleansMembershipTable
SET IAmAliveTime = @IAmAliveTime
WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation;'),

('GatewaysQueryKey', '
SELECT Address, ProxyPort, Generation
FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0;'),

('DeleteMembershipTableEntriesKey', '
DELETE v, m
FROM OrleansMembershipVersionTable v
LEFT JOIN OrleansMembershipTable m ON m.DeploymentId = v.DeploymentId
WHERE v.DeploymentId = @DeploymentId;'),

-- Only Dead rows: a silo that merely stopped updating IAmAlive may still come back.
('CleanupDefunctSiloEntriesKey', '
DELETE FROM OrleansMembershipTable
WHERE DeploymentId = @DeploymentId AND IAmAliveTime < @IAmAliveTime AND Status = 6;'),

-- Grain storage. ETag = Version. Conflicts answer NULL, which the provider reports as
-- InconsistentStateException.
('ReadFromStorageKey', '
SELECT PayloadBinary, Version
FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
  AND GrainTypeString = @GrainTypeString AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString <=> @GrainIdExtensionString;'),

('WriteToStorageKey', '
CALL FaceMaskOrleans_WriteState_v1(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
     @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary);'),

('ClearStorageKey', '
UPDATE OrleansStorage
SET PayloadBinary = NULL, ModifiedOn = UTC_TIMESTAMP(3), Version = Version + 1
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
  AND GrainTypeString = @GrainTypeString AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString <=> @GrainIdExtensionString
  AND Version = @GrainStateVersion;
SELECT IF(ROW_COUNT() = 1, @GrainStateVersion + 1, NULL) AS NewGrainStateVersion;'),

-- Used when a storage sets DeleteStateOnClear: the row goes, and the next first write starts again.
('DeleteStorageKey', '
DELETE FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
  AND GrainTypeString = @GrainTypeString AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString <=> @GrainIdExtensionString
  AND Version = @GrainStateVersion;
SELECT IF(ROW_COUNT() = 1, @GrainStateVersion + 1, NULL) AS NewGrainStateVersion;'),

-- Reminders. Every upsert yields a new version: the first at random, then +1 modulo 2e9, so a reminder
-- registered again after a delete does not reuse an old ETag. LAST_INSERT_ID(x) is per connection and
-- is set by this very statement, so the SELECT returns the version this upsert produced.
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
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, LAST_INSERT_ID(FLOOR(RAND() * 2000000000)))
ON DUPLICATE KEY UPDATE
    StartTime = @StartTime, Period = @Period, GrainHash = @GrainHash,
    Version = LAST_INSERT_ID(MOD(Version + 1, 2000000000));
SELECT CAST(LAST_INSERT_ID() AS SIGNED) AS Version;'),

('DeleteReminderRowKey', '
DELETE FROM OrleansRemindersTable
WHERE ServiceId = @ServiceId AND GrainId = @GrainId AND ReminderName = @ReminderName AND Version = @Version;
SELECT ROW_COUNT() > 0 AS Deleted;'),

('DeleteReminderRowsKey', '
DELETE FROM OrleansRemindersTable WHERE ServiceId = @ServiceId;')

ON DUPLICATE KEY UPDATE QueryText = VALUES(QueryText);
