using System.ComponentModel.DataAnnotations;

namespace BookingAssignment.Api.Configuration;

internal sealed class HostingOptions
{
    public const string Section = "Hosting";

    /// <summary>
    /// How long after the host has started the background loops (the durable worker, webhook
    /// delivery) begin (<see cref="Health.ReadinessFirst"/>). 0 starts them with the host.
    /// </summary>
    [Range(0, 60_000)]
    public int BackgroundStartDelayMs { get; set; } = 1000;
}
