using System.Globalization;

namespace BookingAssignment.Api.Ops;

/// <summary>Windows like <c>30m</c>, <c>1h</c>, <c>24h</c>, <c>7d</c> (1 minute to 90 days).</summary>
internal static class RolloutWindow
{
    private const long MaxMinutes = 90L * 24 * 60;

    public static bool TryParse(string? text, out TimeSpan window) =>
        Durations.TryParse(text, unit => unit switch { 'm' => 60, 'h' => 3600, 'd' => 86400, _ => 0 }, MaxMinutes * 60, out window);

    public static string Format(TimeSpan window) =>
        window.TotalHours > 24 && window.TotalDays % 1 == 0 ? $"{window.TotalDays:0}d"
        : window.TotalHours >= 1 && window.TotalHours % 1 == 0 ? $"{window.TotalHours:0}h"
        : $"{window.TotalMinutes:0}m";
}

/// <summary>Intervals between evaluations of <c>rollout-report --repeat</c>: <c>1s</c>, <c>30s</c>, <c>5m</c>, <c>1h</c> (1 second to 24 hours).</summary>
internal static class RolloutInterval
{
    public static bool TryParse(string? text, out TimeSpan interval) =>
        Durations.TryParse(text, unit => unit switch { 's' => 1, 'm' => 60, 'h' => 3600, _ => 0 }, 24 * 3600, out interval);
}

/// <summary>A positive whole number followed by one unit letter, within a maximum.</summary>
internal static class Durations
{
    public static bool TryParse(string? text, Func<char, long> secondsPerUnit, long maxSeconds, out TimeSpan span)
    {
        span = default;
        text = text?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(text) || text.Length < 2) return false;
        if (!int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1) return false;
        // In whole seconds first: "2147483647d" is out of range, not an overflow.
        var seconds = n * secondsPerUnit(text[^1]);
        if (seconds < 1 || seconds > maxSeconds) return false;
        span = TimeSpan.FromSeconds(seconds);
        return true;
    }
}
