using System.Globalization;
using System.Text.Json;
using BookingAssignment.Api.Assignment;
using BookingAssignment.Api.Auth;
using BookingAssignment.Api.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BookingAssignment.Api.Restaurants;

internal static class RestaurantsApi
{
    /// <summary>The cache of restaurants with their floors and service rules.</summary>
    public static WebApplicationBuilder AddRestaurants(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<RestaurantCatalog>();
        return builder;
    }

    public static IEndpointRouteBuilder MapRestaurants(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/restaurants").RequireRateLimiting(HttpRateLimiting.PerApiKey).WithTags("Restaurants");
        group.MapPost("/", CreateAsync).Accepts<CreateRestaurantRequest>("application/json").RequireAuthorization(ApiKeyAuthenticationHandler.OpsPolicy);
        group.MapGet("/{id:guid}", GetAsync).RequireAuthorization(ApiKeyAuthenticationHandler.ClientPolicy);
        group.MapGet("/{id:guid}/availability", AvailabilityAsync).RequireAuthorization(ApiKeyAuthenticationHandler.ClientPolicy);
        group.MapPost("/{id:guid}/holds", HoldsApi.CreateAsync).Accepts<CreateHoldRequest>("application/json").RequireAuthorization(ApiKeyAuthenticationHandler.ClientPolicy);
        group.MapPut("/{id:guid}", FloorChangeApi.ReplaceAsync).Accepts<CreateRestaurantRequest>("application/json").RequireAuthorization(ApiKeyAuthenticationHandler.StaffPolicy);
        group.MapBlocks();
        group.MapYield();            // /{id}/yield (staff, ops): the opt-in yield setting
        group.MapDaySheet();         // GET /{id}/bookings (staff, ops)
        group.MapStaffKeys();        // /{id}/staff-keys (ops)
        return app;
    }

    private static async Task<Results<Created<RestaurantResponse>, ValidationProblem>> CreateAsync(HttpContext http, BookingDb db, RestaurantCatalog catalog,
        CancellationToken ct)
    {
        var (request, jsonErrors) = JsonBody.Read<CreateRestaurantRequest>(http.Request, await JsonBody.BufferAsync(http.Request, ct));
        if (jsonErrors is not null) return Problems.Validation(jsonErrors);
        var errors = RestaurantValidation.Validate(request!);
        if (errors.Any) return Problems.Validation(errors.ToDictionary());

        var restaurant = ToEntity(request!);
        db.Restaurants.Add(restaurant);
        await db.SaveChangesAsync(ct);
        var model = await catalog.FindAsync(restaurant.Id, ct);
        return TypedResults.Created($"/restaurants/{restaurant.Id}", ToResponse(model!));
    }

    private static async Task<Results<Ok<RestaurantResponse>, ProblemHttpResult>> GetAsync(Guid id, HttpContext http, RestaurantCatalog catalog, CancellationToken ct)
    {
        var model = http.MaySee(id) ? await catalog.FindAsync(id, ct) : null;
        return model is null ? Problems.NotFound("id", $"Restaurant {id} does not exist.") : TypedResults.Ok(ToResponse(model));
    }

    /// <summary>Start times on the 15-minute grid of a local date that can be booked (the admission decision of the restaurant's pipeline).</summary>
    private static async Task<Results<Ok<AvailabilityResponse>, ValidationProblem, ProblemHttpResult>> AvailabilityAsync(Guid id, string? date, string? partySize,
        HttpContext http, RestaurantCatalog catalog, BookingDb db, ScheduleCache days, AvailabilityPlanner availability, Admission admission, TimeProvider time,
        CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            errors.Add("date", "Use YYYY-MM-DD.");
        if (!int.TryParse(partySize, NumberStyles.None, CultureInfo.InvariantCulture, out var party) || party < 1)
            errors.Add("partySize", "A whole number of at least 1.");
        if (errors.Any) return Problems.Validation(errors.ToDictionary());
        var r = http.MaySee(id) ? await catalog.FindAsync(id, ct) : null;
        if (r is null) return Problems.NotFound("id", $"Restaurant {id} does not exist.");

        var now = time.GetUtcNow();
        var grid = r.Rules.SeatingGrid(day).Where(t => t > now).ToArray();
        var times = new List<DateTimeOffset>();
        if (grid.Length > 0)
        {
            // The same movable bookings admission would rearrange, and the same decision, on the
            // committed day (read again only when it changed).
            var schedule = await days.LoadAsync(db, r, Schedule.DayWindow(r, grid[0]), admission.MovableFrom(PipelineSelector.V3, now), ct);
            var bookable = await availability.ForAsync(r, schedule, now);
            times.AddRange(grid.Where(t => bookable(new PlanRequest(party, r.Rules.HeldWindow(t, party)))));
        }
        return TypedResults.Ok(new AvailabilityResponse(r.Id, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), party, times));
    }

    internal static Restaurant ToEntity(CreateRestaurantRequest r)
    {
        var id = Guid.CreateVersion7();
        var zones = r.Tables!.Select(t => t.Zone!.Trim()).Distinct(StringComparer.Ordinal)
            .ToDictionary(z => z, z => new Zone { Id = Guid.CreateVersion7(), RestaurantId = id, Name = z });
        var tables = r.Tables!.Select(t => new RestaurantTable
        {
            Id = Guid.CreateVersion7(), RestaurantId = id, ZoneId = zones[t.Zone!.Trim()].Id, Label = t.Label!.Trim(),
            MinCovers = t.MinCovers!.Value, MaxCovers = t.MaxCovers!.Value,
        }).ToList();
        var byLabel = tables.ToDictionary(t => t.Label);
        var adjacency = (r.Adjacency ?? [])
            .Select(p => (A: byLabel[p[0].Trim()].Id, B: byLabel[p[1].Trim()].Id))
            .Select(p => p.A.CompareTo(p.B) < 0 ? p : (A: p.B, B: p.A))
            .Distinct()
            .Select(p => new TableAdjacency { RestaurantId = id, TableA = p.A, TableB = p.B })
            .ToList();
        return new Restaurant
        {
            Id = id,
            Name = r.Name!.Trim(),
            TimeZone = r.TimeZone!,
            Services = JsonSerializer.Serialize(r.Services, JsonBody.Options),
            TurnMinutesByPartySize = JsonSerializer.Serialize(r.TurnMinutesByPartySize),
            BufferMinutes = r.BufferMinutes!.Value,
            MaxTablesPerBooking = r.MaxTablesPerBooking ?? 3,
            Zones = zones.Values.ToList(),
            Tables = tables,
            Adjacency = adjacency,
        };
    }

    public static RestaurantResponse ToResponse(RestaurantModel m)
    {
        var r = m.Entity;
        return new RestaurantResponse(r.Id, r.Name, r.TimeZone,
            JsonSerializer.Deserialize<List<ServiceDto>>(r.Services, JsonBody.Options) ?? [],
            JsonSerializer.Deserialize<Dictionary<string, int>>(r.TurnMinutesByPartySize) ?? [],
            r.BufferMinutes,
            m.Floor.Tables.Select(t => new TableResponse(t.Id, t.Label, t.Zone, t.MinCovers, t.MaxCovers)).ToArray(),
            r.Adjacency.Select(a => new[] { m.Labels[a.TableA], m.Labels[a.TableB] }).ToArray(),
            r.MaxTablesPerBooking, r.CreatedAt);
    }
}
