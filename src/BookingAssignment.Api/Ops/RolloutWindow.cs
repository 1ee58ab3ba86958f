using System.Globalization;

namespace BookingAssignment.Api.Ops;

/// <summary>Windows like <c>30m</c>, <c>1h</c>, <c>24h</c>, <c>7d</c> (1 minute to 90 days).</summary>
internal static class RolloutWindow
{
    private const long MaxMinutes = 90L * 24 * 60;

    public static bool TryParse(string? text, out TimeSpan window)
    {
        window = default;
        text = text?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(text) || text.Length < 2) return false;
        if (!int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1) return false;
        long minutesPerUnit = text[^1] switch { 'm' => 1, 'h' => 60, 'd' => 1440, _ => 0 };
        // In whole minutes first: "2147483647d" is out of range, not an overflow.
        var minutes = n * minutesPerUnit;
        if (minutes < 1 || minutes > MaxMinutes) return false;
        window = TimeSpan.FromMinutes(minutes);
        return true;
    }

    public static string Format(TimeSpan window) =>
        window.TotalHours > 24 && window.TotalDays % 1 == 0 ? $"{window.TotalDays:0}d"
        : window.TotalHours >= 1 && window.TotalHours % 1 == 0 ? $"{window.TotalHours:0}h"
        : $"{window.TotalMinutes:0}m";
}
