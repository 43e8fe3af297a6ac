namespace FaceMask.WebFront.Storage;

/// <summary>App schema migrations, applied in order once each; never edit one that has shipped.</summary>
public static class SqliteSchema
{
    public static readonly IReadOnlyList<string> Migrations =
    [
        """
        CREATE TABLE users (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            username        TEXT    NOT NULL,
            username_key    TEXT    NOT NULL UNIQUE,
            password_hash   TEXT    NOT NULL,
            is_admin        INTEGER NOT NULL DEFAULT 0,
            security_stamp  TEXT    NOT NULL,
            created_at      INTEGER NOT NULL
        );
        CREATE TABLE images (
            id              TEXT    PRIMARY KEY,
            user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            file_name       TEXT    NOT NULL,
            content_type    TEXT    NOT NULL,
            width           INTEGER NOT NULL,
            height          INTEGER NOT NULL,
            num_faces       INTEGER NOT NULL,
            num_masked      INTEGER NOT NULL,
            num_unmasked    INTEGER NOT NULL,
            category        TEXT    NOT NULL,
            detections      TEXT    NOT NULL,
            original_key    TEXT    NOT NULL,
            annotated_key   TEXT    NOT NULL,
            thumbnail_key   TEXT    NOT NULL,
            worker          TEXT    NOT NULL,
            detect_ms       REAL    NOT NULL,
            total_ms        REAL    NOT NULL,
            created_at      INTEGER NOT NULL
        );
        CREATE INDEX ix_images_user_created ON images (user_id, created_at DESC, id);
        CREATE INDEX ix_images_user_category_created ON images (user_id, category, created_at DESC, id);
        CREATE TABLE login_throttle (
            username_key     TEXT    PRIMARY KEY,
            failures         INTEGER NOT NULL,
            first_failure_at INTEGER NOT NULL,
            locked_until     INTEGER
        );
        """,
    ];
}
