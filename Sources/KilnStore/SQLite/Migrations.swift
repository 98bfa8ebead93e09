import GRDB

/// The schema, one migration per version. Dates are seconds since 1970 (REAL); values,
/// lists and maps are JSON text.
enum Migrations {
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in try db.execute(sql: v1) }
        migrator.registerMigration("v2-software-config") { db in try db.execute(sql: v2SoftwareConfig) }
        migrator.registerMigration("v3-cancel-request") { db in try db.execute(sql: v3CancelRequest) }
        migrator.registerMigration("v4-cloud-objects") { db in try db.execute(sql: v4CloudObjects) }
        migrator.registerMigration("v5-notification-outbox") { db in try db.execute(sql: v5NotificationOutbox) }
        migrator.registerMigration("v6-engines") { db in try db.execute(sql: v6Engines) }
        migrator.registerMigration("v7-identity") { db in try db.execute(sql: v7Identity) }
        return migrator
    }()

    // Stack names are unique per project among top-level stacks only (nested stacks may
    // share names), which no index can say: createStack checks it inside its transaction.
    // Event sequences are plain rowids: always above every existing row, so each stack's
    // events stay in order, without AUTOINCREMENT's extra sqlite_sequence page written by
    // every commit of a transition.
    private static let v1 = """
        CREATE TABLE templates (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL,
            content TEXT NOT NULL,
            environments TEXT NOT NULL DEFAULT '[]',
            files TEXT NOT NULL DEFAULT '{}'
        );
        CREATE TABLE stacks (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            project_id TEXT NOT NULL,
            action TEXT NOT NULL,
            status TEXT NOT NULL,
            status_reason TEXT NOT NULL DEFAULT '',
            template_id INTEGER REFERENCES templates(id),
            previous_template_id INTEGER REFERENCES templates(id),
            parameters TEXT NOT NULL DEFAULT '{}',
            tags TEXT NOT NULL DEFAULT '[]',
            timeout_minutes INTEGER,
            disable_rollback INTEGER NOT NULL DEFAULT 1,
            parent_id TEXT REFERENCES stacks(id) ON DELETE CASCADE,
            parent_resource TEXT,
            created_at REAL NOT NULL,
            updated_at REAL,
            owner TEXT,
            lease_expiry REAL
        );
        CREATE INDEX stacks_project_name ON stacks(project_id, name);
        CREATE INDEX stacks_parent ON stacks(parent_id);
        CREATE INDEX stacks_in_progress ON stacks(status) WHERE status = 'IN_PROGRESS';
        CREATE INDEX stacks_template ON stacks(template_id);
        CREATE INDEX stacks_previous_template ON stacks(previous_template_id);
        CREATE TABLE resources (
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
            created_at REAL NOT NULL,
            updated_at REAL,
            PRIMARY KEY (stack_id, name)
        );
        CREATE TABLE events (
            sequence INTEGER PRIMARY KEY,
            id TEXT NOT NULL,
            stack_id TEXT NOT NULL REFERENCES stacks(id) ON DELETE CASCADE,
            resource_name TEXT NOT NULL,
            physical_resource_id TEXT NOT NULL DEFAULT '',
            resource_type TEXT NOT NULL,
            action TEXT NOT NULL,
            status TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            timestamp REAL NOT NULL
        );
        CREATE INDEX events_stack_sequence ON events(stack_id, sequence);
        CREATE TABLE snapshots (
            id TEXT PRIMARY KEY NOT NULL,
            stack_id TEXT NOT NULL REFERENCES stacks(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            status TEXT NOT NULL,
            status_reason TEXT NOT NULL DEFAULT '',
            template_id INTEGER REFERENCES templates(id),
            data TEXT NOT NULL DEFAULT '{}',
            created_at REAL NOT NULL
        );
        CREATE INDEX snapshots_stack ON snapshots(stack_id, created_at);
        CREATE INDEX snapshots_template ON snapshots(template_id);
        """

    // Software configs are immutable JSON documents owned by a project; a deployment refers to
    // its config (no cascade: a config in use cannot be deleted) and to a server by id only
    // (servers live elsewhere, possibly in a real cloud).
    private static let v2SoftwareConfig = """
        CREATE TABLE software_configs (
            id TEXT PRIMARY KEY NOT NULL,
            project_id TEXT NOT NULL,
            name TEXT,
            "group" TEXT,
            config TEXT NOT NULL DEFAULT 'null',
            inputs TEXT NOT NULL DEFAULT '[]',
            outputs TEXT NOT NULL DEFAULT '[]',
            options TEXT NOT NULL DEFAULT '{}',
            created_at REAL NOT NULL
        );
        CREATE INDEX software_configs_project ON software_configs(project_id, created_at);
        CREATE TABLE software_deployments (
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
            created_at REAL NOT NULL,
            updated_at REAL
        );
        CREATE INDEX software_deployments_server ON software_deployments(server_id, created_at);
        CREATE INDEX software_deployments_project ON software_deployments(project_id, created_at);
        CREATE INDEX software_deployments_config ON software_deployments(config_id);
        """

    // A request to stop the stack's running operation ('rollback' or 'stop'), in a column of
    // its own: the operation's own writes never touch it, and a new claim clears it.
    private static let v3CancelRequest = """
        ALTER TABLE stacks ADD COLUMN cancel_request TEXT;
        """

    // The emulated cloud: one table of objects by kind, their fields as JSON the emulator
    // owns. Unique names (key pairs), taken addresses and idempotency tokens are rows too,
    // so the primary key makes "no address given twice" hold across processes.
    private static let v4CloudObjects = """
        CREATE TABLE cloud_objects (
            kind TEXT NOT NULL,
            id TEXT NOT NULL,
            project_id TEXT NOT NULL,
            parent_id TEXT,
            name TEXT NOT NULL DEFAULT '',
            body TEXT NOT NULL,
            created_at REAL NOT NULL,
            PRIMARY KEY (kind, id)
        ) WITHOUT ROWID;
        CREATE INDEX cloud_objects_project ON cloud_objects(kind, project_id, created_at);
        CREATE INDEX cloud_objects_parent ON cloud_objects(kind, parent_id) WHERE parent_id IS NOT NULL;
        CREATE INDEX cloud_objects_name ON cloud_objects(kind, name);
        """

    // Notifications. Each sink's progress through each stack's events is a cursor: an event is
    // notified by being committed (no copy is written), and delivered events move the cursor.
    // Notifications that are not events (autoscaling) are outbox rows, written in the
    // transaction of their state change after the event they follow (`after_event`); a
    // notification given up on is a 'failed' row (the dead-letter list). Sinks are stored
    // once by their definition's key.
    private static let v5NotificationOutbox = """
        CREATE TABLE notification_sinks (
            id TEXT PRIMARY KEY NOT NULL,
            definition TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE notification_cursors (
            sink_id TEXT NOT NULL REFERENCES notification_sinks(id),
            stack_id TEXT NOT NULL,
            project_id TEXT NOT NULL,
            after_sequence INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt REAL NOT NULL DEFAULT 0,
            last_error TEXT,
            PRIMARY KEY (sink_id, stack_id)
        ) WITHOUT ROWID;
        CREATE INDEX notification_cursors_stack ON notification_cursors(stack_id);
        CREATE TABLE notifications (
            sequence INTEGER PRIMARY KEY,
            id TEXT NOT NULL,
            sink_id TEXT NOT NULL REFERENCES notification_sinks(id),
            stack_id TEXT NOT NULL,
            project_id TEXT NOT NULL,
            event_type TEXT NOT NULL,
            body TEXT NOT NULL,
            created_at REAL NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt REAL NOT NULL,
            last_error TEXT,
            after_event INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX notifications_queue ON notifications(sink_id, stack_id, sequence) WHERE state = 'pending';
        CREATE INDEX notifications_id ON notifications(id);
        CREATE INDEX notifications_failed ON notifications(sequence) WHERE state = 'failed';
        """

    // Several engines on one database: each engine's heartbeat row (alive while recent), claims
    // on background work that is not a stack's operation (a notification queue), tokens by the
    // SHA-256 of their text (never the text) with their revocation.
    private static let v6Engines = """
        CREATE TABLE engines (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            host TEXT NOT NULL,
            pid INTEGER NOT NULL,
            version TEXT NOT NULL,
            started_at REAL NOT NULL,
            heartbeat_at REAL NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE work_claims (
            key TEXT PRIMARY KEY NOT NULL,
            owner TEXT NOT NULL,
            expiry REAL NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE tokens (
            digest TEXT PRIMARY KEY NOT NULL,
            body TEXT NOT NULL,
            issued_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            revoked_at REAL
        ) WITHOUT ROWID;
        CREATE INDEX tokens_expiry ON tokens(expires_at);
        """

    // The built-in identity shared by the engines: projects, users with their password hash and
    // sign-in failures/lock, role assignments, and the token keys (AES-GCM, rotated). Revoked
    // token ids are rows of `tokens`.
    private static let v7Identity = """
        CREATE TABLE identity_projects (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            domain_id TEXT NOT NULL,
            UNIQUE (domain_id, name)
        ) WITHOUT ROWID;
        CREATE TABLE identity_users (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            domain_id TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            failed_sign_ins INTEGER NOT NULL DEFAULT 0,
            locked_until REAL,
            UNIQUE (domain_id, name)
        ) WITHOUT ROWID;
        CREATE TABLE identity_roles (
            user_id TEXT NOT NULL REFERENCES identity_users(id) ON DELETE CASCADE,
            project_id TEXT NOT NULL REFERENCES identity_projects(id) ON DELETE CASCADE,
            role TEXT NOT NULL,
            position INTEGER NOT NULL,
            PRIMARY KEY (user_id, project_id, role)
        ) WITHOUT ROWID;
        CREATE TABLE token_keys (
            id TEXT PRIMARY KEY NOT NULL,
            secret TEXT NOT NULL,
            created_at REAL NOT NULL,
            retired_at REAL
        ) WITHOUT ROWID;
        """
}
