
namespace BookingAssignment.Api.Persistence;

// Plain entities mapped onto the SQL schema in /migrations (snake_case by convention).

internal sealed class Restaurant
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string TimeZone { get; set; }
    public required string Services { get; set; }              // jsonb
    public required string TurnMinutesByPartySize { get; set; } // jsonb
    public int BufferMinutes { get; set; }
    public int MaxTablesPerBooking { get; set; }
    /// <summary>The opt-in yield setting (PUT /restaurants/{id}/yield): V3 may refuse a seatable party to keep tables for larger ones.</summary>
    public bool YieldProtection { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public List<Zone> Zones { get; set; } = [];
    public List<RestaurantTable> Tables { get; set; } = [];
    public List<TableAdjacency> Adjacency { get; set; } = [];
}

internal sealed class Zone
{
    public Guid Id { get; set; }
    public Guid RestaurantId { get; set; }
    public required string Name { get; set; }
}

internal sealed class RestaurantTable
{
    public Guid Id { get; set; }
    public Guid RestaurantId { get; set; }
    public Guid ZoneId { get; set; }
    public Zone? Zone { get; set; }
    public required string Label { get; set; }
    public int MinCovers { get; set; }
    public int MaxCovers { get; set; }
    /// <summary>Set by a floor change that removed the table; assignments keep referring to it.</summary>
    public DateTimeOffset? RetiredAt { get; set; }
}

internal sealed class TableAdjacency
{
    public Guid RestaurantId { get; set; }
    public Guid TableA { get; set; }
    public Guid TableB { get; set; }
}

internal sealed class Booking
{
    public Guid Id { get; set; }
    public Guid RestaurantId { get; set; }
    public required string Reference { get; set; }
    public int PartySize { get; set; }
    public DateTimeOffset StartAt { get; set; }
    public DateTimeOffset EndAt { get; set; }
    public string Status { get; set; } = BookingStatus.Pending;
    public AssignmentState AssignmentState { get; set; } = AssignmentState.Created; // text in SQL, via StateNames
    public int AssignmentStateVersion { get; set; }
    public required string AssignmentPipeline { get; set; }
    public string? AssignmentReason { get; set; }
    public string? ZonePreference { get; set; }
    public required string CustomerName { get; set; }
    public string? CustomerEmail { get; set; }
    public string? CustomerPhone { get; set; }
    public string? Notes { get; set; }
    public bool Pinned { get; set; }
    public int AttemptCount { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
    /// <summary>The Idempotency-Key (and the hash of the API key it is scoped to) the booking was created under.</summary>
    public string? IdempotencyClientHash { get; set; }
    public string? IdempotencyKey { get; set; }
    /// <summary>Bumped by the database on every update; the booking's ETag (never written by EF).</summary>
    public long RowVersion { get; set; }
    public DateTimeOffset? SeatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public DateTimeOffset? NoShowAt { get; set; }
    /// <summary>The hold this booking consumed, if any.</summary>
    public Guid? HoldId { get; set; }
}

internal static class BookingStatus
{
    public const string Pending = "pending";
    public const string Confirmed = "confirmed";
    public const string Cancelled = "cancelled";
    public const string CheckedIn = "checked_in";
    public const string Completed = "completed";
    public const string NoShow = "no_show";

    /// <summary>Every value of <c>bookings.status</c>, as the day sheet's filter accepts them.</summary>
    public static readonly string[] All = [Pending, Confirmed, Cancelled, CheckedIn, Completed, NoShow];

    /// <summary>The visit is over or never happened: nothing about the booking may change any more.</summary>
    public static bool IsFinal(string status) => status is Cancelled or Completed or NoShow;
}

/// <summary>Tables out of service between two instants (SPEC §8); planners treat them as occupied.</summary>
internal sealed class TableBlock
{
    public Guid Id { get; set; }
    public Guid RestaurantId { get; set; }
    public Guid[] TableIds { get; set; } = [];
    public DateTimeOffset HeldFrom { get; set; }
    public DateTimeOffset HeldUntil { get; set; }
    public required string Reason { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DeletedAt { get; set; }
}

/// <summary>Capacity reserved for a party and start time until <see cref="ExpiresAt"/>; consumed by at most one booking (its <c>HoldId</c>).</summary>
internal sealed class BookingHold
{
    public Guid Id { get; set; }
    public Guid RestaurantId { get; set; }
    public int PartySize { get; set; }
    public DateTimeOffset StartAt { get; set; }
    public DateTimeOffset EndAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class BookingTableAssignment
{
    public long Id { get; set; }
    public Guid BookingId { get; set; }
    public Guid TableId { get; set; }
    public DateTimeOffset HeldFrom { get; set; }
    public DateTimeOffset HeldUntil { get; set; }
    public DateTimeOffset AssignedAt { get; set; }
    public required string AssignedBy { get; set; }
    public DateTimeOffset? ReleasedAt { get; set; }
}

internal sealed class ObservabilityEvent
{
    public long Id { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string Source { get; set; }
    public required string EventType { get; set; }
    public required string Severity { get; set; }
    public required string Context { get; set; } // jsonb
    public Guid? RestaurantId { get; set; }
    public Guid? BookingId { get; set; }
}

internal sealed class StateHistoryEntry
{
    public long Id { get; set; }
    public Guid BookingId { get; set; }
    public required string FromState { get; set; }
    public required string ToState { get; set; }
    public int Version { get; set; }
    public required string Trigger { get; set; }
    public string? Reason { get; set; }
    public required string Pipeline { get; set; }
    public string Actor { get; set; } = "system";
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>jsonb: the transition event's context plus the actor (migration 0005, read by the origin's runbooks).</summary>
    public string Metadata { get; set; } = "{}";
}

internal sealed class AssignmentAttempt
{
    public long Id { get; set; }
    public Guid BookingId { get; set; }
    public required string Pipeline { get; set; }
    public int AttemptNo { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset FinishedAt { get; set; }
    public required string Outcome { get; set; }
    public string? Reason { get; set; }
    public string? Strategy { get; set; }
    public Guid[] TableIds { get; set; } = [];
}

internal sealed class IdempotencyRecord
{
    public required string ClientKeyHash { get; set; }
    public required string Key { get; set; }
    public required string RequestHash { get; set; }
    public required string State { get; set; }
    public int? ResponseStatus { get; set; }
    public string? ResponseBody { get; set; }
    public string? ResponseLocation { get; set; }
    public Guid? BookingId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
}
