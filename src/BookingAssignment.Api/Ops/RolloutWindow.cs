using System.Globalization;

namespace BookingAssignment.Api.Ops;

/// <summary>Windows like <c>30m</c>, <c>1h</c>, <c>24h</c>, <c>7d</c> (1 minute to 90 days).</summary>
internal static class RolloutWindow
{
    public static bool TryParse(string? text, out TimeSpan window)
    {
        window = default;
        text = text?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(text) || text.Length < 2) return false;
        if (!int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1) return false;
        window = text[^1] switch
        {
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => TimeSpan.Zero,
        };
        return window >= TimeSpan.FromMinutes(1) && window <= TimeSpan.FromDays(90);
    }

    public static string Format(TimeSpan window) =>
        window.TotalHours > 24 && window.TotalDays % 1 == 0 ? $"{window.TotalDays:0}d"
        : window.TotalHours >= 1 && window.TotalHours % 1 == 0 ? $"{window.TotalHours:0}h"
        : $"{window.TotalMinutes:0}m";
}
