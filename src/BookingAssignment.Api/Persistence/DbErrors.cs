using System.Net.Sockets;
using Npgsql;

namespace BookingAssignment.Api.Persistence;

/// <summary>Classifies database failures: business conflicts versus "the database is not there".</summary>
internal static class DbErrors
{
    public const string ExclusionViolation = "23P01";
    public const string UniqueViolation = "23505";
    public const string SerializationFailure = "40001";
    public const string DeadlockDetected = "40P01";

    /// <summary>A race lost to another writer: retry or re-plan, never a 500.</summary>
    public static bool IsConflict(Exception ex) =>
        SqlState(ex) is ExclusionViolation or SerializationFailure or DeadlockDetected || IsLostRace(ex);

    /// <summary>UNIQUE (booking_id, version) of booking_assignment_state_history.</summary>
    public const string HistoryVersionKey = "booking_assignment_state_history_booking_id_version_key";

    /// <summary>
    /// An optimistic save lost to another writer: the versioned UPDATE matched no row, or — because
    /// EF sends the history INSERT in the same batch and the winner already holds that version — the
    /// history's unique (booking_id, version) key refused the loser's row first (23505). Either way
    /// nothing was recorded; the caller reloads and re-decides.
    /// </summary>
    public static bool IsLostRace(Exception ex)
    {
        if (ex is DbUpdateConcurrencyException) return true;
        for (var e = ex; e is not null; e = e.InnerException)
            if (e is PostgresException { SqlState: UniqueViolation, ConstraintName: HistoryVersionKey }) return true;
        return false;
    }

    /// <summary>The unique index of bookings (idempotency_client_hash, idempotency_key).</summary>
    public const string BookingIdempotencyKey = "bookings_idempotency_key";

    /// <summary>A booking already exists under this Idempotency-Key: the answer is that booking, not an error.</summary>
    public static bool IsDuplicateIdempotencyKey(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
            if (e is PostgresException { SqlState: UniqueViolation, ConstraintName: BookingIdempotencyKey }) return true;
        return false;
    }

    /// <summary>The unique index of bookings (hold_id): a hold is consumed at most once.</summary>
    public const string BookingOnePerHold = "bookings_one_per_hold";

    /// <summary>Another booking consumed this hold first (two requests raced with one holdId).</summary>
    public static bool IsHoldAlreadyUsed(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
            if (e is PostgresException { SqlState: UniqueViolation, ConstraintName: BookingOnePerHold }) return true;
        return false;
    }

    public static bool IsExclusionViolation(Exception ex) => SqlState(ex) == ExclusionViolation;

    public static string? SqlState(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
            if (e is PostgresException pg) return pg.SqlState;
        return null;
    }

    /// <summary>The database cannot be reached (connection refused, reset, timed out, shutting down).</summary>
    public static bool IsUnavailable(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    // 57P01–57P03: admin shutdown, crash shutdown, cannot connect now; 08xxx: connection errors; 53300: too many connections
                    return pg.SqlState.StartsWith("57P", StringComparison.Ordinal) || pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState == "53300";
                case NpgsqlException { InnerException: SocketException or IOException or TimeoutException }:
                case NpgsqlException when e.Message.Contains("timeout", StringComparison.OrdinalIgnoreCase):
                case SocketException:
                    return true;
            }
        }
        return false;
    }
}
