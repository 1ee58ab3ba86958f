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
/// Loads restaurants and caches their planning model. A floor change (PUT /restaurants/{id})
/// invalidates the entry on the instance that made it; other instances reload within
/// <see cref="MaxAge"/>. Meanwhile the database's guard (migration 0004) refuses assignments on
/// retired tables, so a stale floor can cost a re-plan, never a seat on a removed table.
/// </summary>
internal sealed class RestaurantCatalog(IServiceScopeFactory scopes, TimeProvider time)
{
    /// <summary>How long another instance may plan on a floor that was changed elsewhere.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<Guid, (RestaurantModel Model, DateTimeOffset LoadedAt)> _cache = new();

    /// <summary>Forgets a restaurant after its floor changed (the next request reloads it).</summary>
    public void Invalidate(Guid id) => _cache.TryRemove(id, out _);

    public async Task<RestaurantModel?> FindAsync(Guid id, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(id, out var cached) && now - cached.LoadedAt < MaxAge) return cached.Model;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
        var r = await db.Restaurants.AsNoTracking().AsSplitQuery()
            .Include(x => x.Zones).Include(x => x.Tables).Include(x => x.Adjacency)
            .SingleOrDefaultAsync(x => x.Id == id, ct);
        if (r is null) return null;
        var model = Build(r);
        _cache[id] = (model, now);
        return model;
    }

    public static RestaurantModel Build(Restaurant r)
    {
        var zoneNames = r.Zones.ToDictionary(z => z.Id, z => z.Name);
        // Retired tables leave the floor but keep their labels, for the history of bookings that sat there.
        var tables = r.Tables.Where(t => t.RetiredAt is null).OrderBy(t => t.Label, StringComparer.Ordinal)
            .Select(t => new FloorTable(t.Id, t.Label, zoneNames.GetValueOrDefault(t.ZoneId, ""), t.MinCovers, t.MaxCovers)).ToArray();
        var floor = new Floor(tables, r.Adjacency.Select(a => (a.TableA, a.TableB)), r.MaxTablesPerBooking);
        var services = JsonSerializer.Deserialize<List<ServiceDto>>(r.Services, Http.JsonBody.Options) ?? [];
        var turns = JsonSerializer.Deserialize<Dictionary<string, int>>(r.TurnMinutesByPartySize) ?? [];
        var rules = new ServiceRules(
            TimeZoneInfo.FindSystemTimeZoneById(r.TimeZone),
            services.Select(s => new Service(s.Name ?? "", Parse(s.Start), Parse(s.End), Parse(s.LastSeating))).ToArray(),
            turns.ToDictionary(kv => int.Parse(kv.Key, CultureInfo.InvariantCulture), kv => kv.Value),
            r.BufferMinutes);
        return new RestaurantModel(r, floor, rules, r.Tables.ToDictionary(t => t.Id, t => t.Label), zoneNames.Values.Order().ToArray());
    }

    private static TimeOnly Parse(string? s) => TimeOnly.ParseExact(s!, "HH:mm", CultureInfo.InvariantCulture);
}
