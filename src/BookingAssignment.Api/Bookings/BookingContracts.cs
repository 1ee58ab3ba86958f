namespace BookingAssignment.Api.Bookings;

internal sealed record CreateBookingRequest(
    Guid? RestaurantId,
    int? PartySize,
    string? StartsAt,
    CustomerDto? Customer,
    string? Notes,
    string? ZonePreference);

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
    string? Notes);

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
    IdempotencyScope? Idempotency = null);

/// <summary>An Idempotency-Key and the hash of the API key it is scoped to; a booking created under it carries both.</summary>
internal sealed record IdempotencyScope(string ClientHash, string Key);
