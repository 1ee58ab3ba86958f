using System.Globalization;
using BookingAssignment.Api.Http;
using BookingAssignment.Core.Rules;

namespace BookingAssignment.Api.Restaurants;

/// <summary>Field-level checks for POST /restaurants; every error names its field.</summary>
internal static class RestaurantValidation
{
    public const int MaxTables = 500;

    public static FieldErrors Validate(CreateRestaurantRequest r)
    {
        var e = new FieldErrors();
        if (string.IsNullOrWhiteSpace(r.Name)) e.Add("name", "A name is required.");
        else if (r.Name.Length > 200) e.Add("name", "At most 200 characters.");

        if (string.IsNullOrWhiteSpace(r.TimeZone)) e.Add("timeZone", "An IANA time zone is required, e.g. Europe/London.");
        else if (!TryTimeZone(r.TimeZone, out _)) e.Add("timeZone", $"'{r.TimeZone}' is not a known IANA time zone.");

        ValidateServices(r.Services, e);

        if (r.TurnMinutesByPartySize is null || r.TurnMinutesByPartySize.Count == 0)
            e.Add("turnMinutesByPartySize", "At least one party size → minutes entry is required, e.g. {\"2\":90}.");
        else
            foreach (var (key, minutes) in r.TurnMinutesByPartySize)
            {
                if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size < 1 || size > 100)
                    e.Add($"turnMinutesByPartySize.{key}", "Keys are party sizes from 1 to 100.");
                if (minutes < 15 || minutes > 600)
                    e.Add($"turnMinutesByPartySize.{key}", "Turn time must be 15–600 minutes.");
            }

        if (r.BufferMinutes is null) e.Add("bufferMinutes", "Required (0–240).");
        else if (r.BufferMinutes < 0 || r.BufferMinutes > 240) e.Add("bufferMinutes", "Must be 0–240 minutes.");

        if (r.MaxTablesPerBooking is { } m && (m < 1 || m > 8)) e.Add("maxTablesPerBooking", "Must be 1–8.");

        var labels = ValidateTables(r.Tables, e);
        ValidateAdjacency(r.Adjacency, r.Tables, labels, e);
        return e;
    }

    public static bool TryTimeZone(string id, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        // Only IANA ids (with a '/' or UTC) — Windows names would parse on some hosts but not others.
        if (!id.Contains('/') && id != "UTC") return false;
        try { zone = TimeZoneInfo.FindSystemTimeZoneById(id); return true; }
        // Half a name ("Europe/") makes the lookup read a directory: a SecurityException or IOException, not "not found".
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or System.Security.SecurityException
                                       or IOException or UnauthorizedAccessException or ArgumentException)
        {
            return false;
        }
    }

    public static bool TryTime(string? s, out TimeOnly t) =>
        TimeOnly.TryParseExact(s, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out t);

    private static void ValidateServices(List<ServiceDto>? services, FieldErrors e)
    {
        if (services is null || services.Count == 0) { e.Add("services", "At least one service is required."); return; }
        var parsed = new List<(int Index, Service S)>();
        for (var i = 0; i < services.Count; i++)
        {
            var s = services[i];
            var p = $"services[{i}]";
            if (string.IsNullOrWhiteSpace(s.Name)) e.Add($"{p}.name", "A name is required.");
            var okStart = TryTime(s.Start, out var start);
            var okEnd = TryTime(s.End, out var end);
            var okLast = TryTime(s.LastSeating, out var last);
            if (!okStart) e.Add($"{p}.start", "Use HH:mm local time.");
            if (!okEnd) e.Add($"{p}.end", "Use HH:mm local time.");
            if (!okLast) e.Add($"{p}.lastSeating", "Use HH:mm local time.");
            if (!(okStart && okEnd && okLast)) continue;
            if (end == start) { e.Add($"{p}.end", "Must differ from start (an end before the start runs past midnight, e.g. 18:00–01:00)."); continue; }
            var service = new Service(s.Name ?? "", start, end, last);
            var span = ServiceRules.Span(service);
            if (span.Last > span.End) { e.Add($"{p}.lastSeating", "Must be between start and end."); continue; }
            parsed.Add((i, service));
        }
        // On the service day's clock (it starts when the latest past-midnight service ends), no two
        // services overlap and none starts inside the previous night's tail.
        var dayStart = ServiceRules.DayStartOf(parsed.Select(x => x.S));
        foreach (var a in parsed)
        {
            var sa = ServiceRules.Span(a.S);
            if (sa.Start < dayStart) e.Add($"services[{a.Index}]", $"Starts before {TimeOnly.FromTimeSpan(TimeSpan.FromMinutes(dayStart)):HH\\:mm}, inside the previous night's service.");
            foreach (var b in parsed)
            {
                var sb = ServiceRules.Span(b.S);
                if (a.Index < b.Index && sa.Start < sb.End && sb.Start < sa.End)
                    e.Add($"services[{b.Index}]", $"Overlaps services[{a.Index}] ({a.S.Name}).");
            }
        }
    }

    private static HashSet<string> ValidateTables(List<TableDto>? tables, FieldErrors e)
    {
        var labels = new HashSet<string>(StringComparer.Ordinal);
        if (tables is null || tables.Count == 0) { e.Add("tables", "At least one table is required."); return labels; }
        if (tables.Count > MaxTables) e.Add("tables", $"At most {MaxTables} tables.");
        for (var i = 0; i < tables.Count; i++)
        {
            var t = tables[i];
            var p = $"tables[{i}]";
            if (string.IsNullOrWhiteSpace(t.Label)) e.Add($"{p}.label", "A label is required.");
            else if (!labels.Add(t.Label)) e.Add($"{p}.label", $"Duplicate label '{t.Label}'.");
            if (string.IsNullOrWhiteSpace(t.Zone)) e.Add($"{p}.zone", "A zone is required.");
            if (t.MinCovers is null || t.MinCovers < 1) e.Add($"{p}.minCovers", "Must be at least 1.");
            if (t.MaxCovers is null || t.MaxCovers < 1 || t.MaxCovers > 50) e.Add($"{p}.maxCovers", "Must be 1–50.");
            if (t.MinCovers is { } min && t.MaxCovers is { } max && min > max)
                e.Add($"{p}.minCovers", $"minCovers ({min}) is greater than maxCovers ({max}).");
        }
        return labels;
    }

    private static void ValidateAdjacency(List<string[]>? adjacency, List<TableDto>? tables, HashSet<string> labels, FieldErrors e)
    {
        if (adjacency is null) return;
        var zones = (tables ?? []).Where(t => t.Label is not null).GroupBy(t => t.Label!).ToDictionary(g => g.Key, g => g.First().Zone);
        for (var i = 0; i < adjacency.Count; i++)
        {
            var pair = adjacency[i];
            var p = $"adjacency[{i}]";
            if (pair is null || pair.Length != 2) { e.Add(p, "Each entry is a pair of table labels."); continue; }
            if (pair[0] == pair[1]) { e.Add(p, "A table cannot be joined to itself."); continue; }
            foreach (var label in pair)
                if (!labels.Contains(label)) e.Add(p, $"Unknown table label '{label}'.");
            if (zones.TryGetValue(pair[0], out var za) && zones.TryGetValue(pair[1], out var zb) && za != zb)
                e.Add(p, $"Tables '{pair[0]}' and '{pair[1]}' are in different zones; only tables in one zone may be joined.");
        }
    }
}
