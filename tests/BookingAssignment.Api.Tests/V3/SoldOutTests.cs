using BookingAssignment.Api.Assignment;
using BookingAssignment.Api.Restaurants;
using BookingAssignment.Api.Tests.Infrastructure;
using BookingAssignment.Core.Floors;
using BookingAssignment.Core.Planning;

namespace BookingAssignment.Api.Tests.V3;

/// <summary>
/// A sold-out evening: once every table is spoken for — by a seated booking or by one waiting in
/// manual review for a host — further requests are refused with 409 and alternatives, never
/// admitted into a manual-review queue that could not be seated anyway.
/// </summary>
public sealed class SoldOutTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AdmittedBookingsAtOneTimeNeverOutnumberTheTables(bool v3)
    {
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3: v3, shadow: false));
        var r = await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor("Sold Out")); // 5 tables
        int[] sizes = [2, 4, 2, 6, 3, 2, 4, 1, 2, 5, 2, 4, 2, 2, 3, 6, 2, 4, 2, 2];
        var answers = new List<ApiResponse>();
        foreach (var size in sizes)
            answers.Add(await api.Bookings.BookAsync(r, size, r.At(new TimeOnly(19, 0))));

        Assert.All(answers, a => Assert.True(a.Code is 201 or 202 or 409, a.ToString()));
        await V3Setup.WaitAllV3TerminalAsync(api.Db);
        var admitted = answers.Count(a => a.Code is 201 or 202);
        Assert.InRange(admitted, 1, 5);
        Assert.Contains(answers, a => a.Code == 409);
        Assert.All(answers.Where(a => a.Code == 409), a => Assert.Equal("no_availability", a.Str("code")));
        // Everyone admitted either has tables or waits in manual review; nobody else is stored.
        Assert.Equal(admitted, await api.Db.CountAsync("SELECT count(*) FROM bookings"));
        Assert.Equal(admitted, await api.Db.CountAsync(
            "SELECT count(*) FROM bookings WHERE status = 'confirmed' OR assignment_state = 'manual_review'"));
    }

    /// <summary>
    /// The worst case for the queue: no booking is ever placed, so every admitted one lands in
    /// manual review (legacy: its planner finds nothing; V3: its exact decision always runs out of
    /// budget, the only way V3 admits into manual review). Those guests still need tables, so they
    /// hold capacity: after five (one per table) the evening is sold out and the rest get 409.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BookingsWaitingInManualReviewHoldCapacity(bool v3)
    {
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3: v3, shadow: false),
            configureServices: services => services.AddKeyedSingleton<IAssignmentPlanner>(
                v3 ? PipelineSelector.V3 : PipelineSelector.Legacy, v3 ? new AlwaysOutOfBudget() : new NeverPlaces()));
        var r = await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor("Never Places")); // 5 tables
        var answers = new List<ApiResponse>();
        for (var i = 0; i < 12; i++)
            answers.Add(await api.Bookings.BookAsync(r, 2, r.At(new TimeOnly(19, 0))));
        await V3Setup.WaitAllV3TerminalAsync(api.Db);

        var admitted = answers.Count(a => a.Code is 201 or 202);
        Assert.InRange(admitted, 1, 5);
        Assert.Equal(12 - admitted, answers.Count(a => a.Code == 409));
        Assert.Equal(admitted, await api.Db.CountAsync("SELECT count(*) FROM bookings WHERE assignment_state = 'manual_review' AND status = 'pending'"));
        if (v3) Assert.Equal(admitted, await api.Db.CountAsync("SELECT count(*) FROM bookings WHERE assignment_reason = 'planner_budget_exhausted'"));
    }

    /// <summary>
    /// While another run is in flight for the restaurant (held here: a coordinator slot), a request
    /// the evening cannot take is refused from the committed day without the queue and the lock —
    /// counted on <c>booking.rejections.unlocked</c> — and saves nothing; a request that fits still
    /// goes through the locked run and is seated. The refusal's <c>booking.rejected</c> event (demand
    /// analytics, the yield forecast) is written before it answers. A refusal is no verdict on the
    /// day: after a cancellation the freed table seats the next request.
    /// </summary>
    [Fact]
    public async Task WhileAnotherRunIsInFlightASoldOutSlotIsRefusedWithoutTheLock()
    {
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3: true, shadow: false));
        var r = await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor("Refused Unlocked")); // 5 tables
        var evening = r.At(new TimeOnly(19, 0));
        var seated = new List<Guid>();
        for (var i = 0; i < 12; i++)
        {
            var answer = await api.Bookings.BookAsync(r, 2, evening);
            if (answer.Code == 409) break;
            seated.Add(answer.Id);
        }
        await V3Setup.WaitAllV3TerminalAsync(api.Db);
        var stored = await api.Db.CountAsync("SELECT count(*) FROM bookings");
        const string RejectionEvents = "SELECT count(*) FROM observability_events WHERE event_type = 'booking.rejected'";
        var rejections = await api.Db.CountAsync(RejectionEvents);

        using var unlocked = new CounterTotal(api, "booking.rejections.unlocked");

        using (await api.Services.GetRequiredService<CoordinatorLimiter>().AcquireAsync(r.Id, CancellationToken.None))
        {
            var refused = await api.Bookings.BookAsync(r, 2, evening);
            Assert.Equal(409, refused.Code);
            Assert.Equal("no_availability", refused.Str("code"));
            Assert.Equal(1, unlocked.Total);
            Assert.Equal(stored, await api.Db.CountAsync("SELECT count(*) FROM bookings"));
            Assert.Equal(rejections + 1, await api.Db.CountAsync(RejectionEvents));

            var lunch = await api.Bookings.BookAsync(r, 2, r.At(new TimeOnly(12, 0)));
            Assert.Equal(201, lunch.Code);
            Assert.Equal(1, unlocked.Total);

            Assert.Equal(409, (await api.Bookings.BookAsync(r, 2, evening)).Code); // still full: refused without the lock again
            Assert.Equal(2, unlocked.Total);
            Assert.Equal(200, (await api.Bookings.CancelAsync(seated[0])).Code);
            var freed = await api.Bookings.BookAsync(r, 2, evening);
            Assert.Equal(201, freed.Code);
            Assert.Equal(2, unlocked.Total);
        }
    }

    /// <summary>
    /// Which days take the unlocked refusal path: a restaurant day that refused a request in the last
    /// ten seconds (this instance), and no other day, restaurant or later moment.
    /// </summary>
    [Fact]
    public async Task OnlyADayThatRefusedLatelyIsCheckedWithoutTheLock()
    {
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3: true, shadow: false));
        var catalog = api.Services.GetRequiredService<RestaurantCatalog>();
        var created = await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor("Refusing Days"));
        var other = await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor("Refusing Days, other"));
        var r = (await catalog.FindAsync(created.Id, CancellationToken.None))!;
        var o = (await catalog.FindAsync(other.Id, CancellationToken.None))!;
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var days = new RefusingDays(time);
        var evening = created.At(new TimeOnly(19, 0));
        Assert.False(days.Lately(r, evening));

        days.Refused(r, evening);
        Assert.True(days.Lately(r, created.At(new TimeOnly(12, 0))));  // the same service date
        Assert.False(days.Lately(r, created.At(new TimeOnly(19, 0), daysAhead: 8)));
        Assert.False(days.Lately(o, other.At(new TimeOnly(19, 0))));
        time.Advance(RefusingDays.Window);
        Assert.True(days.Lately(r, evening));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(days.Lately(r, evening));
    }

    /// <summary>
    /// Every coordinator slot is taken, so a new booking is admitted only (without exact admission:
    /// 202, and the worker assigns later). V3's exact decision is already in hand, under the advisory
    /// lock, so the run finishes in that transaction with 201: an arrangement is committed with its
    /// tables and the whole walk of transitions; a decision that ran out of budget goes to manual
    /// review at once. Waiting for the worker, the booking would be a variable in every decision of
    /// the evening, and an unproved one that cannot be seated makes each of those fail.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AdmittedOnlyTheExactDecisionFinishesTheRunWith201(bool outOfBudget)
    {
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3: true, shadow: false, maxParallel: 1,
                extra: [("Bookings:InlineBudgetMs", "50"), ("Planner:ExactAdmission", "true")]),
            configureServices: services =>
            {
                if (outOfBudget) services.AddKeyedSingleton<IAssignmentPlanner>(PipelineSelector.V3, new AlwaysOutOfBudget());
            });
        var r = await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor(outOfBudget ? "Admitted Only" : "Admitted Exactly")); // 5 tables
        ApiResponse answer;
        using (await api.Services.GetRequiredService<CoordinatorLimiter>().AcquireAsync(r.Id, CancellationToken.None))
            answer = await api.Bookings.BookAsync(r, 2, r.At(new TimeOnly(19, 0)));

        Assert.Equal(201, answer.Code);
        Assert.Equal(1, await api.Db.CountAsync(outOfBudget
            ? "SELECT count(*) FROM bookings WHERE assignment_state = 'manual_review' AND assignment_reason = 'planner_budget_exhausted' AND next_attempt_at IS NULL"
            : "SELECT count(*) FROM bookings WHERE status = 'confirmed' AND assignment_state = 'confirmed' AND next_attempt_at IS NULL"));
        Assert.Equal(outOfBudget ? 0 : 1, await api.Db.CountAsync("SELECT count(*) FROM booking_table_assignments WHERE released_at IS NULL"));
        Assert.Equal(1, await api.Db.CountAsync("SELECT count(*) FROM observability_events WHERE event_type = 'coordinator.rate_limited'"));
        Assert.Equal(1, await api.Db.CountAsync(outOfBudget
            ? "SELECT count(*) FROM observability_events WHERE event_type = 'coordinator.manual_review'"
            : "SELECT count(*) FROM observability_events WHERE event_type = 'coordinator.confirmed'"));
    }

    private sealed class AlwaysOutOfBudget : IAssignmentPlanner, IArrangementSolver
    {
        public TablePlan? Plan(Floor floor, IReadOnlyList<Occupancy> occupied, PlanRequest request) => null;
        public ArrangementDecision Decide(Floor floor, IReadOnlyList<Occupancy> occupied, PlanRequest request) => new ArrangementDecision.BudgetExhausted();
    }

    private sealed class NeverPlaces : IAssignmentPlanner
    {
        public TablePlan? Plan(Floor floor, IReadOnlyList<Occupancy> occupied, PlanRequest request) => null;
    }
}
