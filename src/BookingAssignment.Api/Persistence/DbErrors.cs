using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BookingAssignment.Api.Persistence;

/// <summary>Classifies database failures: business conflicts versus "the database is not there".</summary>
public static class DbErrors
{
    public const string ExclusionViolation = "23P01";
    public const string UniqueViolation = "23505";
    public const string SerializationFailure = "40001";
    public const string DeadlockDetected = "40P01";

    /// <summary>A race lost to another writer: retry or re-plan, never a 500.</summary>
    public static bool IsConflict(Exception ex) =>
        SqlState(ex) is ExclusionViolation or SerializationFailure or DeadlockDetected || ex is DbUpdateConcurrencyException;

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
