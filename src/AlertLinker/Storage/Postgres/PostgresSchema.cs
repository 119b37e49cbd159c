using Npgsql;

namespace AlertLinker.Storage.Postgres;

/// <summary>
/// The PostgreSQL schema and its migrations. Replicas starting together each call <see cref="Migrate"/>: the first
/// takes a transaction-scoped advisory lock and migrates; the others wait on the lock and then find nothing to do.
/// DDL is transactional in PostgreSQL, so a migration that fails leaves the previous version whole.
/// </summary>
internal static class PostgresSchema
{
    internal const string Delivered = "delivered";
    internal const string Failed = "failed";

    /// <summary>An arbitrary constant the whole database agrees on: "AlertLink" in ASCII, as the advisory lock key of migrations.</summary>
    private const long MigrationLock = 0x416C6572744C696E;

    /// <summary>Migration N (1-based) brings the schema from version N-1 to N. Append only; never edit a shipped one.</summary>
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE notifications (
            id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- within a group, arrival (and commit) order
            source          text        NOT NULL,
            group_key       text        NOT NULL,
            status          text        NOT NULL,
            payload         text        NOT NULL,                                 -- AlertNotification as JSON, as written
            received_at     timestamptz NOT NULL,
            state           text        NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
            attempts        integer     NOT NULL DEFAULT 0,
            next_attempt_at timestamptz,                                          -- NULL once finished
            last_error      text,
            delivered_at    timestamptz,
            claim_owner     text,                                                 -- in flight while lease_until is in the future
            lease_until     timestamptz
        );
        CREATE INDEX ix_notifications_due ON notifications (next_attempt_at, id) WHERE state = 'pending';
        CREATE INDEX ix_notifications_group_pending ON notifications (source, group_key, id) WHERE state = 'pending';
        CREATE INDEX ix_notifications_delivered_at ON notifications (delivered_at) WHERE state = 'delivered';
        CREATE INDEX ix_notifications_failed ON notifications (received_at) WHERE state = 'failed';
        CREATE TABLE dedupe_keys (
            key     text        PRIMARY KEY,
            seen_at timestamptz NOT NULL                                          -- first sighting
        );
        CREATE INDEX ix_dedupe_keys_seen_at ON dedupe_keys (seen_at);
        CREATE TABLE slack_messages (
            source     text        NOT NULL,
            group_key  text        NOT NULL,
            channel    text        NOT NULL,                                      -- channel ID the message is in
            ts         text        NOT NULL,                                      -- the message chat.update edits
            thread_ts  text,                                                      -- the storm digest it replies to; NULL when top-level
            status     text        NOT NULL,                                      -- the state the message shows
            updated_at timestamptz NOT NULL,
            PRIMARY KEY (source, group_key, channel)
        );
        CREATE INDEX ix_slack_messages_updated_at ON slack_messages (updated_at);
        """,
        """
        ALTER TABLE slack_messages ADD COLUMN detail_ts text;  -- the message's detail reply in its thread; NULL until posted
        """,
        """
        -- The sinks that already have a notification, so a retry skips them (written only with several sinks).
        CREATE TABLE sink_deliveries (
            notification_id bigint      NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
            sink            text        NOT NULL,                                 -- IAlertSink.Name
            delivered_at    timestamptz NOT NULL,
            PRIMARY KEY (notification_id, sink)
        );
        """,
        """
        -- A group's top-level post recorded before it is sent, deleted when its ts is recorded (SlackPostIntents).
        CREATE TABLE slack_post_intents (
            source      text        NOT NULL,
            group_key   text        NOT NULL,
            channel     text        NOT NULL,                                     -- the channel routed to, as configured
            delivery_id text        NOT NULL,                                     -- in the post's Slack message metadata
            recorded_at timestamptz NOT NULL,
            PRIMARY KEY (source, group_key, channel)
        );
        """,
        """
        -- The groups whose messages carry action buttons (the action group store), and clicks claimed once.
        CREATE TABLE action_groups (
            id              text        PRIMARY KEY,                              -- the short random id a button carries
            source          text        NOT NULL,
            group_key       text        NOT NULL,
            matchers        text        NOT NULL,                                 -- JSON object: label -> value
            notification    text        NOT NULL,                                 -- AlertNotification as JSON, as last rendered
            silence_id      text,
            silence_ends_at timestamptz,
            silence_by      text,
            silence_api_url text,
            updated_at      timestamptz NOT NULL,
            UNIQUE (source, group_key)
        );
        CREATE INDEX ix_action_groups_updated_at ON action_groups (updated_at);
        CREATE TABLE action_claims (
            key        text        PRIMARY KEY,
            claimed_at timestamptz NOT NULL
        );
        CREATE INDEX ix_action_claims_claimed_at ON action_claims (claimed_at);
        """,
        """
        -- The channel's storm digest, shared by every replica (ISlackStormStore): its latest storm only.
        CREATE TABLE slack_storms (
            channel        text        PRIMARY KEY,                               -- as configured
            storm_id       text        NOT NULL UNIQUE,
            started_at     timestamptz NOT NULL,
            last_arrival   timestamptz NOT NULL,                                  -- open while this is within the window
            earlier_groups integer     NOT NULL,                                  -- groups with messages of their own before it
            earlier_alerts integer     NOT NULL,
            digest_ts      text,                                                  -- NULL until posted
            digest_channel text,                                                  -- the channel ID Slack answered with
            claim_owner    text,                                                  -- the replica posting or editing the digest now
            claim_until    timestamptz
        );
        CREATE TABLE slack_storm_members (
            id        bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,           -- join order, as the digest lists them
            storm_id  text    NOT NULL,
            source    text    NOT NULL,
            group_key text    NOT NULL,
            name      text    NOT NULL,
            services  text,
            alerts    integer NOT NULL,
            status    text    NOT NULL,
            detailed  boolean NOT NULL,                                           -- its full message is in the digest's thread
            UNIQUE (storm_id, source, group_key)
        );
        -- New groups of the window that got messages of their own, from every replica: a storm's earlier groups.
        CREATE TABLE slack_storm_alone (
            channel    text        NOT NULL,
            source     text        NOT NULL,
            group_key  text        NOT NULL,
            alerts     integer     NOT NULL,
            arrived_at timestamptz NOT NULL,
            PRIMARY KEY (channel, source, group_key)
        );
        """,
        """
        -- The rows in flight, for the backlog gauges (the store's count for /metrics): a handful at any time, counted
        -- without reading the pending rows around them.
        CREATE INDEX ix_notifications_leased ON notifications (lease_until) WHERE state = 'pending' AND lease_until IS NOT NULL;
        """,
    ];

    internal static int LatestVersion => Migrations.Length;

    /// <summary>Brings the database to <see cref="LatestVersion"/>; returns the version found and the version now.</summary>
    /// <exception cref="InvalidOperationException">The database is newer than this build knows.</exception>
    public static (int From, int To) Migrate(NpgsqlDataSource dataSource, TimeProvider time)
    {
        using var connection = dataSource.OpenConnection();
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, $"SELECT pg_advisory_xact_lock({MigrationLock})");
        Execute(connection, transaction,
            "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL PRIMARY KEY, applied_at timestamptz NOT NULL)");

        using (var read = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM schema_version", connection, transaction))
        {
            var current = (int)read.ExecuteScalar()!;
            if (current > Migrations.Length)
                throw new InvalidOperationException(
                    $"{PostgresStorageOptions.ConnectionStringKey}: the database has schema version {current}, newer than this " +
                    $"AlertLinker knows ({Migrations.Length}). Run the newer AlertLinker, or point the setting at another database.");
            if (current == Migrations.Length)
            {
                transaction.Commit();
                return (current, current);
            }

            for (var version = current + 1; version <= Migrations.Length; version++)
            {
                Execute(connection, transaction, Migrations[version - 1]);
                using var record = new NpgsqlCommand("INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)", connection, transaction);
                record.Parameters.Add(new NpgsqlParameter { Value = version });
                record.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow().ToUniversalTime() });
                record.ExecuteNonQuery();
            }
            transaction.Commit();
            return (current, Migrations.Length);
        }
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        command.ExecuteNonQuery();
    }
}
