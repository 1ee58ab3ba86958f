namespace BookingAssignment.Api.Bookings;

internal sealed record CreateBookingRequest(
    Guid? RestaurantId,
    int? PartySize,
    string? StartsAt,
    CustomerDto? Customer,
    string? Notes,
    string? ZonePreference,
    Guid? HoldId = null);

internal sealed record CustomerDto(string? Name, string? Email, string? Phone);

internal sealed record BookingResponse(
    Guid Id,
    string Reference,
    Guid RestaurantId,
    int PartySize,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string Status,
    string AssignmentState,
    string Pipeline,
    IReadOnlyList<string> Tables,
    DateTimeOffset CreatedAt,
    string? Reason,
    CustomerDto Customer,
    string? Notes,
    string? ZonePreference = null,
    Guid? HoldId = null,
    DateTimeOffset? SeatedAt = null,
    DateTimeOffset? CompletedAt = null,
    DateTimeOffset? NoShowAt = null,
    [property: System.Text.Json.Serialization.JsonPropertyName("etag")] string ETag = "")
{
    /// <summary>The strong entity tag sent as the ETag header and expected back in If-Match: "v" and the row version, quoted.</summary>
    public static string TagOf(long rowVersion) => $"\"v{rowVersion}\"";
}

/// <summary>PATCH /bookings/{id}: absent (or null) fields stay as they are; an empty string clears notes or the zone preference.</summary>
internal sealed record ModifyBookingRequest(int? PartySize, string? StartsAt, string? ZonePreference, string? Notes, CustomerDto? Customer);

/// <summary>A validated booking request, ready for admission.</summary>
internal sealed record BookingDraft(
    Guid RestaurantId,
    int PartySize,
    DateTimeOffset StartsAt,
    string CustomerName,
    string? CustomerEmail,
    string? CustomerPhone,
    string? Notes,
    string? ZonePreference,
    IdempotencyScope? Idempotency = null,
    Guid? HoldId = null);

/// <summary>An Idempotency-Key and the hash of the API key it is scoped to; a booking created under it carries both.</summary>
internal sealed record IdempotencyScope(string ClientHash, string Key);
