namespace BookingAssignment.Api.Webhooks;

// The webhook tables of migration 0006.

internal sealed class WebhookSubscription
{
    public Guid Id { get; set; }
    public required string Url { get; set; }
    public string[] Events { get; set; } = [];
    public required string Secret { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DeletedAt { get; set; }
}

/// <summary>One booking change, written in the change's own transaction (see <see cref="BookingOutbox"/>).</summary>
internal sealed class WebhookOutboxEntry
{
    public long Id { get; set; }
    public required string MessageId { get; set; }
    public Guid BookingId { get; set; }
    public Guid RestaurantId { get; set; }
    public required string EventType { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public required string Payload { get; set; } // jsonb
    public DateTimeOffset? FannedOutAt { get; set; }
}

internal sealed class WebhookDelivery
{
    public long Id { get; set; }
    public Guid SubscriptionId { get; set; }
    public long OutboxId { get; set; }
    public Guid BookingId { get; set; }
    public string State { get; set; } = Pending;
    public int Rounds { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public int? LastStatus { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }

    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
}
