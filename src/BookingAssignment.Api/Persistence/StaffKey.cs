namespace BookingAssignment.Api.Persistence;

/// <summary>A staff API key of one restaurant (table staff_keys); only the key's SHA-256 is stored.</summary>
internal sealed class StaffKey
{
    public Guid Id { get; set; }
    public Guid RestaurantId { get; set; }
    public required string KeyHash { get; set; }
    public string? Label { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
