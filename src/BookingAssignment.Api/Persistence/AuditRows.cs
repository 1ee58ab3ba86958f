using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace BookingAssignment.Api.Persistence;

/// <summary>
/// The audit trail's rows of one save — <c>observability_events</c> and
/// <c>booking_assignment_state_history</c>, about nine and five for a new booking — written as one
/// multi-row statement per table (<c>unnest</c> of arrays) instead of one INSERT per row. The rows are
/// append-only and nothing reads their ids back, so they need none of EF's per-row bookkeeping; the
/// per-statement cost in PostgreSQL was the largest share of a booking's statement time
/// (docs/benchmarks.md). They are taken out of the change tracker before the save and written in the
/// save's transaction right after it (history references the booking EF has just inserted).
/// </summary>
internal sealed class AuditRows
{
    private readonly List<ObservabilityEvent> _events = [];
    private readonly List<StateHistoryEntry> _history = [];

    public int Count => _events.Count + _history.Count;

    /// <summary>The added event and history entities, detached from the context (so EF does not write them too).</summary>
    public static AuditRows Take(BookingDb db)
    {
        var rows = new AuditRows();
        foreach (var entry in db.ChangeTracker.Entries().Where(e => e.State == EntityState.Added).ToList())
        {
            switch (entry.Entity)
            {
                case ObservabilityEvent e: rows._events.Add(e); break;
                case StateHistoryEntry h: rows._history.Add(h); break;
                default: continue;
            }
            entry.State = EntityState.Detached;
        }
        return rows;
    }

    /// <summary>One round trip for both tables, on the context's connection and in its transaction (which the caller holds).</summary>
    public async Task WriteAsync(BookingDb db, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var batch = new NpgsqlBatch(connection, (NpgsqlTransaction)db.Database.CurrentTransaction!.GetDbTransaction());
        if (_events.Count > 0) batch.BatchCommands.Add(Events());
        if (_history.Count > 0) batch.BatchCommands.Add(History());
        await batch.ExecuteNonQueryAsync(ct);
    }

    // WITH ORDINALITY … ORDER BY: ids (a sequence, an identity) follow the order the rows were staged in.
    private NpgsqlBatchCommand Events() => Command(
        """
        INSERT INTO observability_events (created_at, source, event_type, severity, context, restaurant_id, booking_id)
        SELECT r.created_at, r.source, r.event_type, r.severity, r.context::jsonb, r.restaurant_id, r.booking_id
          FROM unnest($1, $2, $3, $4, $5, $6, $7) WITH ORDINALITY AS r(created_at, source, event_type, severity, context, restaurant_id, booking_id, n)
         ORDER BY r.n
        """,
        Array(_events, e => e.CreatedAt.UtcDateTime, NpgsqlDbType.TimestampTz), Array(_events, e => e.Source, NpgsqlDbType.Text),
        Array(_events, e => e.EventType, NpgsqlDbType.Text), Array(_events, e => e.Severity, NpgsqlDbType.Text),
        Array(_events, e => e.Context, NpgsqlDbType.Text), Array(_events, e => e.RestaurantId, NpgsqlDbType.Uuid),
        Array(_events, e => e.BookingId, NpgsqlDbType.Uuid));

    private NpgsqlBatchCommand History() => Command(
        """
        INSERT INTO booking_assignment_state_history (booking_id, from_state, to_state, version, trigger, reason, pipeline, actor, created_at, metadata)
        SELECT r.booking_id, r.from_state, r.to_state, r.version, r.trigger, r.reason, r.pipeline, r.actor, r.created_at, r.metadata::jsonb
          FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) WITH ORDINALITY
               AS r(booking_id, from_state, to_state, version, trigger, reason, pipeline, actor, created_at, metadata, n)
         ORDER BY r.n
        """,
        Array(_history, h => h.BookingId, NpgsqlDbType.Uuid), Array(_history, h => h.FromState, NpgsqlDbType.Text),
        Array(_history, h => h.ToState, NpgsqlDbType.Text), Array(_history, h => h.Version, NpgsqlDbType.Integer),
        Array(_history, h => h.Trigger, NpgsqlDbType.Text), Array(_history, h => h.Reason, NpgsqlDbType.Text),
        Array(_history, h => h.Pipeline, NpgsqlDbType.Text), Array(_history, h => h.Actor, NpgsqlDbType.Text),
        Array(_history, h => h.CreatedAt.UtcDateTime, NpgsqlDbType.TimestampTz), Array(_history, h => h.Metadata, NpgsqlDbType.Text));

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlParameter Array<TRow, TValue>(List<TRow> rows, Func<TRow, TValue> column, NpgsqlDbType type) =>
        new() { Value = rows.Select(column).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | type };
}
