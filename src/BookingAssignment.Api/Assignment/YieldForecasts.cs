using System.Collections.Concurrent;
using BookingAssignment.Core.Rules;
using BookingAssignment.Core.Yield;

namespace BookingAssignment.Api.Assignment;

/// <summary>
/// The opt-in yield setting (issue 9; off by default, <c>PUT /restaurants/{id}/yield</c>). For a
/// restaurant that has it on, a new booking or a hold that V3's exact decision can seat is still
/// refused (409 <c>held_for_larger_parties</c>) when <see cref="YieldRule"/> costs its tables above
/// its party: the requests the restaurant's own history says are still to come would fill them with
/// more guests. Availability and a 409's alternatives apply the same rule, so an offered slot can be
/// booked. Re-plans, modifications, floor changes and live holds are never refused by it.
/// <para>
/// The forecast is learnt from the last <see cref="PlannerOptions.YieldHistoryDays"/> service days of
/// requests, bookings (any status) and refusals (<c>booking.rejected</c> events) alike, and learnt
/// again every <see cref="PlannerOptions.YieldRefreshMinutes"/>; it is loaded before the day's lock is
/// taken (<see cref="PrepareAsync"/>), never under it.
/// </para>
/// </summary>
internal sealed class YieldForecasts(IServiceScopeFactory scopes, TimeProvider time, IOptions<PlannerOptions> options, ILogger<YieldForecasts> log)
{
    public const string Reason = "held_for_larger_parties";

    private readonly ConcurrentDictionary<Guid, (DemandForecast Forecast, int ServiceDays, DateTimeOffset LearntAt)> _forecasts = new();
    private readonly ConcurrentDictionary<Guid, Lazy<Task>> _learning = new();

    /// <summary>
    /// Learns the restaurant's forecast when the setting is on and the one held is missing or old. The
    /// requests that find it so at once share one history query.
    /// </summary>
    public async Task PrepareAsync(RestaurantModel r, CancellationToken ct)
    {
        if (!r.Entity.YieldProtection) return;
        var now = time.GetUtcNow();
        if (_forecasts.TryGetValue(r.Id, out var held) && now - held.LearntAt < TimeSpan.FromMinutes(options.Value.YieldRefreshMinutes)) return;
        var learning = _learning.GetOrAdd(r.Id, _ => new Lazy<Task>(async () =>
        {
            try { await LearnAsync(r, now, CancellationToken.None); }
            finally { _learning.TryRemove(r.Id, out Lazy<Task>? _); }
        }));
        await learning.Value.WaitAsync(ct);
    }

    /// <summary>Learns the forecast now (the setting just changed, or it is old) and keeps it.</summary>
    public async Task<DemandForecast> LearnAsync(RestaurantModel r, DateTimeOffset now, CancellationToken ct)
    {
        var days = options.Value.YieldHistoryDays;
        var today = r.Rules.ServiceDate(now);
        var (from, until) = (r.Rules.ServiceDay(today.AddDays(-days)).Start.ToUniversalTime(), r.Rules.ServiceDay(today).Start.ToUniversalTime());
        var askedFrom = from.AddDays(-days); // a refusal's event is filed by when it was asked
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
        // Every request of those days: the bookings made (whatever became of them) and the refusals.
        var rows = await db.Database.SqlQuery<HistoryRow>($"""
            SELECT party_size, start_at, created_at AS made_at
            FROM bookings WHERE restaurant_id = {r.Id} AND start_at >= {from} AND start_at < {until}
            UNION ALL
            SELECT (context->>'party_size')::int, (context->>'start_at')::timestamptz, created_at
            FROM observability_events
            WHERE restaurant_id = {r.Id} AND event_type = 'booking.rejected' AND created_at >= {askedFrom} AND created_at < {until}
              AND (context->>'start_at')::timestamptz >= {from} AND (context->>'start_at')::timestamptz < {until}
            """).ToListAsync(ct);
        var past = rows.Select(x => new PastRequest(x.PartySize, TimeOnly.FromDateTime(r.Rules.ToLocal(x.StartAt).DateTime), x.StartAt - x.MadeAt)).ToList();
        var serviceDays = rows.Select(x => r.Rules.ServiceDate(x.StartAt)).Distinct().Count();
        var forecast = DemandForecast.Learn(past, Math.Max(1, serviceDays));
        _forecasts[r.Id] = (forecast, serviceDays, now);
        log.LogInformation("[assignment.yield] Learnt the yield forecast of restaurant {RestaurantId}: {Requests} requests over {Days} service days",
            r.Id, forecast.Observations, serviceDays);
        return forecast;
    }

    /// <summary>
    /// The rule for plans of new parties against <paramref name="schedule"/> at <paramref name="now"/>: true
    /// when it turns a plan away. Never, when the setting is off, no forecast is held yet (<see cref="PrepareAsync"/>
    /// was not reached) or it has seen no request. The programme is built once per service date, when a plan first needs it.
    /// </summary>
    public Func<PlanRequest, TablePlan, bool> Refusals(RestaurantModel r, IReadOnlyList<Occupancy> schedule, DateTimeOffset now)
    {
        if (Forecast(r) is not { } forecast) return static (_, _) => false;
        var byDate = new Dictionary<DateOnly, OpportunityCost>();
        return (request, plan) =>
        {
            var date = r.Rules.ServiceDate(request.During.Start);
            if (!byDate.TryGetValue(date, out var cost)) byDate[date] = cost = new OpportunityCost(r.Floor, schedule, Upcoming(r, forecast, date, now));
            return !cost.Judge(request, plan.TableIds).Accept;
        };
    }

    /// <summary>True when the rule turns this plan away (<see cref="Refusals"/> for one plan).</summary>
    public bool Refuses(RestaurantModel r, IReadOnlyList<Occupancy> schedule, PlanRequest request, TablePlan plan, DateTimeOffset now)
    {
        if (Forecast(r) is not { } forecast) return false;
        using var cost = new OpportunityCost(r.Floor, schedule, Upcoming(r, forecast, r.Rules.ServiceDate(request.During.Start), now));
        return !cost.Judge(request, plan.TableIds).Accept;
    }

    private DemandForecast? Forecast(RestaurantModel r) =>
        r.Entity.YieldProtection && _forecasts.TryGetValue(r.Id, out var held) && held.Forecast.Observations > 0 ? held.Forecast : null;

    private static IReadOnlyList<ExpectedRequest> Upcoming(RestaurantModel r, DemandForecast forecast, DateOnly date, DateTimeOffset now)
    {
        var anyStart = r.Rules.ServiceDay(date).Start;
        return forecast.StillToCome(now, start => StartOn(r, date, start), party => r.Rules.HeldWindow(anyStart, party).End - anyStart);
    }

    /// <summary>The setting and what its forecast learnt from (nothing while it is off).</summary>
    public YieldResponse Describe(RestaurantModel r) =>
        r.Entity.YieldProtection && _forecasts.TryGetValue(r.Id, out var held)
            ? new YieldResponse(r.Id, true, options.Value.YieldHistoryDays, held.Forecast.Observations, held.ServiceDays)
            : new YieldResponse(r.Id, r.Entity.YieldProtection, options.Value.YieldHistoryDays, 0, 0);


    /// <summary>The instant a local start time falls on in a service date (past midnight for a time before the day starts).</summary>
    private static DateTimeOffset StartOn(RestaurantModel r, DateOnly date, TimeOnly start)
    {
        var minutes = start.Hour * 60 + start.Minute;
        return LocalDay.StartOf(r.Rules.TimeZone, date, minutes < r.Rules.DayStartMinutes ? minutes + 24 * 60 : minutes);
    }

    private sealed class HistoryRow
    {
        public int PartySize { get; init; }
        public DateTimeOffset StartAt { get; init; }
        public DateTimeOffset MadeAt { get; init; }
    }
}
