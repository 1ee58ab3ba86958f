using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using BookingAssignment.Core.Floors;
using BookingAssignment.Core.Rules;

namespace BookingAssignment.Api.Restaurants;

/// <summary>A restaurant ready for planning: its floor, its service rules and table labels.</summary>
internal sealed record RestaurantModel(Restaurant Entity, Floor Floor, ServiceRules Rules, IReadOnlyDictionary<Guid, string> Labels, IReadOnlyList<string> Zones)
{
    public Guid Id => Entity.Id;
    public IReadOnlyList<string> LabelsOf(IEnumerable<Guid> tableIds) => tableIds.Select(t => Labels.TryGetValue(t, out var l) ? l : t.ToString()).Order(StringComparer.Ordinal).ToArray();
}

/// <summary>
/// Loads restaurants and caches their planning model. A restaurant's floor cannot be edited
/// through the API, so a cached model never goes stale within a process.
/// </summary>
internal sealed class RestaurantCatalog(IServiceScopeFactory scopes)
{
    private readonly ConcurrentDictionary<Guid, RestaurantModel> _cache = new();

    public async Task<RestaurantModel?> FindAsync(Guid id, CancellationToken ct)
    {
        if (_cache.TryGetValue(id, out var cached)) return cached;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
        var r = await db.Restaurants.AsNoTracking().AsSplitQuery()
            .Include(x => x.Zones).Include(x => x.Tables).Include(x => x.Adjacency)
            .SingleOrDefaultAsync(x => x.Id == id, ct);
        if (r is null) return null;
        var model = Build(r);
        _cache[id] = model;
        return model;
    }

    public static RestaurantModel Build(Restaurant r)
    {
        var zoneNames = r.Zones.ToDictionary(z => z.Id, z => z.Name);
        var tables = r.Tables.OrderBy(t => t.Label, StringComparer.Ordinal)
            .Select(t => new FloorTable(t.Id, t.Label, zoneNames.GetValueOrDefault(t.ZoneId, ""), t.MinCovers, t.MaxCovers)).ToArray();
        var floor = new Floor(tables, r.Adjacency.Select(a => (a.TableA, a.TableB)), r.MaxTablesPerBooking);
        var services = JsonSerializer.Deserialize<List<ServiceDto>>(r.Services, Http.JsonBody.Options) ?? [];
        var turns = JsonSerializer.Deserialize<Dictionary<string, int>>(r.TurnMinutesByPartySize) ?? [];
        var rules = new ServiceRules(
            TimeZoneInfo.FindSystemTimeZoneById(r.TimeZone),
            services.Select(s => new Service(s.Name ?? "", Parse(s.Start), Parse(s.End), Parse(s.LastSeating))).ToArray(),
            turns.ToDictionary(kv => int.Parse(kv.Key, CultureInfo.InvariantCulture), kv => kv.Value),
            r.BufferMinutes);
        return new RestaurantModel(r, floor, rules, tables.ToDictionary(t => t.Id, t => t.Label), zoneNames.Values.Order().ToArray());
    }

    private static TimeOnly Parse(string? s) => TimeOnly.ParseExact(s!, "HH:mm", CultureInfo.InvariantCulture);
}
