namespace FaceMask.WebFront.Storage;

/// <summary>
/// The app schema on MySQL/MariaDB: the tables of <see cref="SqliteSchema"/> with the same columns and the
/// same comparison rules, plus the shared Data Protection key ring. Migrations are applied in order once
/// each and never edited once shipped; each statement is idempotent on its own, because MySQL commits DDL
/// at once and a start-up that died halfway must be able to run the migration again.
/// </summary>
/// <remarks>
/// How SQLite's behaviour is kept:
/// <list type="bullet">
/// <item><c>username_key</c> is VARBINARY: SQLite compares TEXT byte by byte, so do we. A case-insensitive or
/// PAD SPACE collation would make "Bob", "bob " or "böb" collide with "bob"; only the lower-casing done by the
/// stores makes names case-insensitive, on both backends.</item>
/// <item>Ids, keys and categories use binary collations for the same reason (ORDER BY id breaks ties alike).</item>
/// <item>Times are UTC DATETIME(3): the SQLite stores keep Unix milliseconds; the stores truncate to the
/// millisecond before writing, since MySQL would round.</item>
/// </list>
/// </remarks>
public static class MySqlSchema
{
    public static readonly IReadOnlyList<IReadOnlyList<string>> Migrations =
    [
        [
            """
            CREATE TABLE IF NOT EXISTS users (
                id              BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
                username        VARCHAR(255)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
                username_key    VARBINARY(1020) NOT NULL,
                password_hash   VARCHAR(1024) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
                is_admin        TINYINT(1)    NOT NULL DEFAULT 0,
                security_stamp  VARCHAR(64)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
                created_at      DATETIME(3)   NOT NULL,
                CONSTRAINT ux_users_username_key UNIQUE (username_key)
            ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
            """,
            """
            CREATE TABLE IF NOT EXISTS images (
                id              VARCHAR(64)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
                user_id         BIGINT        NOT NULL,
                file_name       TEXT          CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
                content_type    VARCHAR(255)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
                width           INT           NOT NULL,
                height          INT           NOT NULL,
                num_faces       INT           NOT NULL,
                num_masked      INT           NOT NULL,
                num_unmasked    INT           NOT NULL,
                category        VARCHAR(32)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
                detections      MEDIUMTEXT    CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
                original_key    VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
                annotated_key   VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
                thumbnail_key   VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
                worker          VARCHAR(255)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
                detect_ms       DOUBLE        NOT NULL,
                total_ms        DOUBLE        NOT NULL,
                created_at      DATETIME(3)   NOT NULL,
                INDEX ix_images_user_created (user_id, created_at, id),
                INDEX ix_images_user_category_created (user_id, category, created_at, id),
                CONSTRAINT fk_images_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
            ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
            """,
            """
            CREATE TABLE IF NOT EXISTS login_throttle (
                username_key     VARBINARY(1020) NOT NULL PRIMARY KEY,
                failures         INT           NOT NULL,
                first_failure_at DATETIME(3)   NOT NULL,
                locked_until     DATETIME(3)   NULL
            ) ENGINE = InnoDB;
            """,
            """
            CREATE TABLE IF NOT EXISTS data_protection_keys (
                id              BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
                friendly_name   VARCHAR(255)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
                xml             MEDIUMTEXT    CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
                created_at      DATETIME(3)   NOT NULL
            ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
            """,
        ],
    ];
}
