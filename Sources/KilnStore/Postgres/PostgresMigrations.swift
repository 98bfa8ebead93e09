import Foundation
import Logging
import PostgresNIO

/// The schema on PostgreSQL: SQLiteStore's migrations, one per version with the same names,
/// in PostgreSQL's types. Dates stay seconds since 1970 (DOUBLE PRECISION) and values JSON
/// text, so both stores read and write records the same way. SQLite's implicit `rowid`
/// (insertion order of resources, snapshots, software configs) is an explicit `seq` column.
///
/// Applied versions are rows of `kiln_migrations`. Engines starting together take one
/// session advisory lock first: one applies what is missing, the others wait, then find
/// nothing left to do.
enum PostgresMigrations {
    /// "KILN" as a number: the advisory lock key of migrations.
    static let lockKey: Int64 = 0x4B49_4C4E

    static let all: [(name: String, statements: [String])] = [
        ("v1", v1), ("v2-software-config", v2SoftwareConfig), ("v3-cancel-request", v3CancelRequest),
        ("v4-cloud-objects", v4CloudObjects), ("v5-notification-outbox", v5NotificationOutbox),
        ("v6-engines", v6Engines), ("v7-identity", v7Identity),
    ]

    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("SELECT pg_advisory_lock(\(lockKey))", logger)
        do {
            try await connection.run(
                """
                CREATE TABLE IF NOT EXISTS kiln_migrations (
                    identifier TEXT PRIMARY KEY NOT NULL, applied_at DOUBLE PRECISION NOT NULL)
                """, logger)
            let applied = Set(try await connection.rows("SELECT identifier FROM kiln_migrations", logger).map { try $0(0, String.self) })
            for migration in all where !applied.contains(migration.name) {
                try await connection.run("BEGIN", logger)
                do {
                    for statement in migration.statements {
                        try await connection.run(PostgresQuery(unsafeSQL: statement), logger)
                    }
                    let now = Date().timeIntervalSince1970
                    try await connection.run(
                        "INSERT INTO kiln_migrations (identifier, applied_at) VALUES (\(migration.name), \(now))", logger)
                    try await connection.run("COMMIT", logger)
                } catch {
                    _ = try? await connection.run("ROLLBACK", logger)
                    throw error
                }
            }
        } catch {
            _ = try? await connection.run("SELECT pg_advisory_unlock(\(lockKey))", logger)
            throw error
        }
        try await connection.run("SELECT pg_advisory_unlock(\(lockKey))", logger)
    }

    private static let v1 = [
        """
        CREATE TABLE templates (
            id BIGSERIAL PRIMARY KEY,
            name TEXT NOT NULL,
            content TEXT NOT NULL,
            environments TEXT NOT NULL DEFAULT '[]',
            files TEXT NOT NULL DEFAULT '{}'
        )
        """,
        """
        CREATE TABLE stacks (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            project_id TEXT NOT NULL,
            action TEXT NOT NULL,
            status TEXT NOT NULL,
            status_reason TEXT NOT NULL DEFAULT '',
            template_id BIGINT REFERENCES templates(id),
            previous_template_id BIGINT REFERENCES templates(id),
            parameters TEXT NOT NULL DEFAULT '{}',
            tags TEXT NOT NULL DEFAULT '[]',
            timeout_minutes BIGINT,
            disable_rollback BOOLEAN NOT NULL DEFAULT TRUE,
            parent_id TEXT REFERENCES stacks(id) ON DELETE CASCADE,
            parent_resource TEXT,
            created_at DOUBLE PRECISION NOT NULL,
            updated_at DOUBLE PRECISION,
            owner TEXT,
            lease_expiry DOUBLE PRECISION
        )
        """,
        "CREATE INDEX stacks_project_name ON stacks(project_id, name)",
        "CREATE INDEX stacks_parent ON stacks(parent_id)",
        "CREATE INDEX stacks_in_progress ON stacks(status) WHERE status = 'IN_PROGRESS'",
        "CREATE INDEX stacks_template ON stacks(template_id)",
        "CREATE INDEX stacks_previous_template ON stacks(previous_template_id)",
        """
        CREATE TABLE resources (
            seq BIGSERIAL NOT NULL,
            stack_id TEXT NOT NULL REFERENCES stacks(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            type TEXT NOT NULL,
            physical_id TEXT,
            action TEXT NOT NULL,
            status TEXT NOT NULL,
            status_reason TEXT NOT NULL DEFAULT '',
            properties TEXT NOT NULL DEFAULT '{}',
            attributes TEXT NOT NULL DEFAULT '{}',
            data TEXT NOT NULL DEFAULT '{}',
            metadata TEXT NOT NULL DEFAULT '{}',
            requires TEXT NOT NULL DEFAULT '[]',
            created_at DOUBLE PRECISION NOT NULL,
            updated_at DOUBLE PRECISION,
            PRIMARY KEY (stack_id, name)
        )
        """,
        """
        CREATE TABLE events (
            sequence BIGSERIAL PRIMARY KEY,
            id TEXT NOT NULL,
            stack_id TEXT NOT NULL REFERENCES stacks(id) ON DELETE CASCADE,
            resource_name TEXT NOT NULL,
            physical_resource_id TEXT NOT NULL DEFAULT '',
            resource_type TEXT NOT NULL,
            action TEXT NOT NULL,
            status TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            timestamp DOUBLE PRECISION NOT NULL
        )
        """,
        "CREATE INDEX events_stack_sequence ON events(stack_id, sequence)",
        """
        CREATE TABLE snapshots (
            seq BIGSERIAL NOT NULL,
            id TEXT PRIMARY KEY NOT NULL,
            stack_id TEXT NOT NULL REFERENCES stacks(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            status TEXT NOT NULL,
            status_reason TEXT NOT NULL DEFAULT '',
            template_id BIGINT REFERENCES templates(id),
            data TEXT NOT NULL DEFAULT '{}',
            created_at DOUBLE PRECISION NOT NULL
        )
        """,
        "CREATE INDEX snapshots_stack ON snapshots(stack_id, created_at)",
        "CREATE INDEX snapshots_template ON snapshots(template_id)",
    ]

    private static let v2SoftwareConfig = [
        """
        CREATE TABLE software_configs (
            seq BIGSERIAL NOT NULL,
            id TEXT PRIMARY KEY NOT NULL,
            project_id TEXT NOT NULL,
            name TEXT,
            "group" TEXT,
            config TEXT NOT NULL DEFAULT 'null',
            inputs TEXT NOT NULL DEFAULT '[]',
            outputs TEXT NOT NULL DEFAULT '[]',
            options TEXT NOT NULL DEFAULT '{}',
            created_at DOUBLE PRECISION NOT NULL
        )
        """,
        "CREATE INDEX software_configs_project ON software_configs(project_id, created_at)",
        """
        CREATE TABLE software_deployments (
            seq BIGSERIAL NOT NULL,
            id TEXT PRIMARY KEY NOT NULL,
            project_id TEXT NOT NULL,
            config_id TEXT NOT NULL REFERENCES software_configs(id),
            server_id TEXT NOT NULL,
            input_values TEXT NOT NULL DEFAULT 'null',
            output_values TEXT NOT NULL DEFAULT 'null',
            action TEXT,
            status TEXT,
            status_reason TEXT,
            stack_user_project_id TEXT,
            created_at DOUBLE PRECISION NOT NULL,
            updated_at DOUBLE PRECISION
        )
        """,
        "CREATE INDEX software_deployments_server ON software_deployments(server_id, created_at)",
        "CREATE INDEX software_deployments_project ON software_deployments(project_id, created_at)",
        "CREATE INDEX software_deployments_config ON software_deployments(config_id)",
    ]

    private static let v3CancelRequest = ["ALTER TABLE stacks ADD COLUMN cancel_request TEXT"]

    private static let v4CloudObjects = [
        """
        CREATE TABLE cloud_objects (
            kind TEXT NOT NULL,
            id TEXT NOT NULL,
            project_id TEXT NOT NULL,
            parent_id TEXT,
            name TEXT NOT NULL DEFAULT '',
            body TEXT NOT NULL,
            created_at DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (kind, id)
        )
        """,
        "CREATE INDEX cloud_objects_project ON cloud_objects(kind, project_id, created_at)",
        "CREATE INDEX cloud_objects_parent ON cloud_objects(kind, parent_id) WHERE parent_id IS NOT NULL",
        "CREATE INDEX cloud_objects_name ON cloud_objects(kind, name)",
    ]

    private static let v5NotificationOutbox = [
        "CREATE TABLE notification_sinks (id TEXT PRIMARY KEY NOT NULL, definition TEXT NOT NULL)",
        """
        CREATE TABLE notification_cursors (
            sink_id TEXT NOT NULL REFERENCES notification_sinks(id),
            stack_id TEXT NOT NULL,
            project_id TEXT NOT NULL,
            after_sequence BIGINT NOT NULL,
            attempts BIGINT NOT NULL DEFAULT 0,
            next_attempt DOUBLE PRECISION NOT NULL DEFAULT 0,
            last_error TEXT,
            PRIMARY KEY (sink_id, stack_id)
        )
        """,
        "CREATE INDEX notification_cursors_stack ON notification_cursors(stack_id)",
        """
        CREATE TABLE notifications (
            sequence BIGSERIAL PRIMARY KEY,
            id TEXT NOT NULL,
            sink_id TEXT NOT NULL REFERENCES notification_sinks(id),
            stack_id TEXT NOT NULL,
            project_id TEXT NOT NULL,
            event_type TEXT NOT NULL,
            body TEXT NOT NULL,
            created_at DOUBLE PRECISION NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending',
            attempts BIGINT NOT NULL DEFAULT 0,
            next_attempt DOUBLE PRECISION NOT NULL,
            last_error TEXT,
            after_event BIGINT NOT NULL DEFAULT 0
        )
        """,
        "CREATE INDEX notifications_queue ON notifications(sink_id, stack_id, sequence) WHERE state = 'pending'",
        "CREATE INDEX notifications_id ON notifications(id)",
        "CREATE INDEX notifications_failed ON notifications(sequence) WHERE state = 'failed'",
    ]

    // Engine heartbeats, background work claims and the built-in identity's tokens (by digest).
    private static let v6Engines = [
        """
        CREATE TABLE engines (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            host TEXT NOT NULL,
            pid BIGINT NOT NULL,
            version TEXT NOT NULL,
            started_at DOUBLE PRECISION NOT NULL,
            heartbeat_at DOUBLE PRECISION NOT NULL
        )
        """,
        """
        CREATE TABLE work_claims (
            key TEXT PRIMARY KEY NOT NULL,
            owner TEXT NOT NULL,
            expiry DOUBLE PRECISION NOT NULL
        )
        """,
        """
        CREATE TABLE tokens (
            digest TEXT PRIMARY KEY NOT NULL,
            body TEXT NOT NULL,
            issued_at DOUBLE PRECISION NOT NULL,
            expires_at DOUBLE PRECISION NOT NULL,
            revoked_at DOUBLE PRECISION
        )
        """,
        "CREATE INDEX tokens_expiry ON tokens(expires_at)",
    ]

    // The built-in identity shared by the engines (as SQLite's v7-identity).
    private static let v7Identity = [
        """
        CREATE TABLE identity_projects (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            domain_id TEXT NOT NULL,
            UNIQUE (domain_id, name)
        )
        """,
        """
        CREATE TABLE identity_users (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            domain_id TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            failed_sign_ins BIGINT NOT NULL DEFAULT 0,
            locked_until DOUBLE PRECISION,
            UNIQUE (domain_id, name)
        )
        """,
        """
        CREATE TABLE identity_roles (
            user_id TEXT NOT NULL REFERENCES identity_users(id) ON DELETE CASCADE,
            project_id TEXT NOT NULL REFERENCES identity_projects(id) ON DELETE CASCADE,
            role TEXT NOT NULL,
            position BIGINT NOT NULL,
            PRIMARY KEY (user_id, project_id, role)
        )
        """,
        """
        CREATE TABLE token_keys (
            id TEXT PRIMARY KEY NOT NULL,
            secret TEXT NOT NULL,
            created_at DOUBLE PRECISION NOT NULL,
            retired_at DOUBLE PRECISION
        )
        """,
    ]
}
