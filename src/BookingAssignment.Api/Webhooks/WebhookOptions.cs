using System.ComponentModel.DataAnnotations;

namespace BookingAssignment.Api.Webhooks;

/// <summary>Delivery of webhooks (section <c>Webhooks</c>).</summary>
internal sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>How often the delivery worker looks for new outbox rows and due deliveries.</summary>
    [Range(10, 60_000)] public int PollMs { get; set; } = 250;
    /// <summary>Deliveries posted at once by one instance.</summary>
    [Range(1, 64)] public int MaxConcurrency { get; set; } = 8;
    /// <summary>One POST may take this long before it counts as failed.</summary>
    [Range(100, 60_000)] public int TimeoutMs { get; set; } = 5_000;
    /// <summary>Within a round, Polly retries a failed POST this many times (exponential backoff with jitter from <see cref="InlineBaseDelayMs"/>).</summary>
    [Range(0, 10)] public int InlineRetries { get; set; } = 2;
    [Range(1, 60_000)] public int InlineBaseDelayMs { get; set; } = 250;
    /// <summary>Rounds before a delivery is marked failed (listed at /ops/webhooks/{id}/failures, replayable).</summary>
    [Range(1, 100)] public int RetryBudget { get; set; } = 10;
    /// <summary>Between rounds the delivery waits in the database (it survives a restart): exponential from this, with jitter, capped.</summary>
    [Range(1, 3_600_000)] public int RoundBaseDelayMs { get; set; } = 2_000;
    [Range(1, 86_400_000)] public int RoundMaxDelayMs { get; set; } = 600_000;
    /// <summary>A claimed delivery is another instance's to take over after this long (the claimer died mid-delivery).</summary>
    [Range(1, 3600)] public int LeaseSeconds { get; set; } = 120;
}
