using System.Diagnostics;

namespace BookingAssignment.Api.Assignment;

/// <summary>
/// Dry runs (SPEC §3): the pipeline that did not assign runs on the same booking with the same
/// planner, its state machine walked in memory. It reads, never locks and never writes bookings,
/// assignments, history or attempts — only observability events marked <c>"shadow": true</c> and
/// one <c>shadow.comparison</c>. It is bounded (its own concurrency limit and timeout; when full
/// it is skipped and counted), runs after the live answer is decided, and swallows its own
/// failures, so it can neither change nor delay the live response.
/// </summary>
internal sealed partial class ShadowRunner(
    IServiceScopeFactory scopes,
    EventRecorder events,
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    IOptions<ShadowOptions> options,
    ILogger<ShadowRunner> logger)
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrency, options.Value.MaxConcurrency);
    private long _started, _skipped, _failed, _timedOut;

    public long Started => Interlocked.Read(ref _started);
    public long Skipped => Interlocked.Read(ref _skipped);
    public long Failed => Interlocked.Read(ref _failed);
    public long TimedOut => Interlocked.Read(ref _timedOut);

    /// <summary>Starts a dry run in the background, or counts it as skipped when all slots are busy.</summary>
    public void Start(RestaurantModel restaurant, Guid bookingId, string candidatePipeline)
    {
        if (!_slots.Wait(0))
        {
            Interlocked.Increment(ref _skipped);
            LogSkipped(logger, bookingId, candidatePipeline);
            return;
        }
        Interlocked.Increment(ref _started);
        _ = Task.Run(async () =>
        {
            try { await RunAsync(restaurant, bookingId, candidatePipeline); }
            catch (Exception ex)
            {
                Interlocked.Increment(ref _failed);
                LogFailed(logger, ex, bookingId);
            }
            finally { _slots.Release(); }
        });
    }

    private async Task RunAsync(RestaurantModel r, Guid bookingId, string candidate)
    {
        using var activity = Telemetry.Activities.StartActivity("shadow.run");
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
        var booking = await db.Bookings.AsNoTracking().SingleAsync(b => b.Id == bookingId, lifetime.ApplicationStopping);
        var controlTables = await db.Assignments.AsNoTracking().Where(a => a.BookingId == bookingId && a.ReleasedAt == null)
            .Select(a => a.TableId).ToListAsync(lifetime.ApplicationStopping);
        // Same inputs as the live run: the schedule without this booking's own tables.
        var schedule = await Schedule.LoadAsync(db, r, Schedule.DayWindow(r, booking.StartAt), movableFrom: null, excludeBookingId: bookingId, lifetime.ApplicationStopping);
        var request = new PlanRequest(booking.PartySize, r.Rules.HeldWindow(booking.StartAt, booking.PartySize), booking.ZonePreference);
        var planner = services.GetRequiredKeyedService<IAssignmentPlanner>(candidate);

        var started = Stopwatch.GetTimestamp();
        TablePlan? plan = null;
        string candidateOutcome;
        string? failure = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
        timeout.CancelAfter(TimeSpan.FromMilliseconds(options.Value.TimeoutMs));
        try
        {
            plan = await Task.Run(() => planner.Plan(r.Floor, schedule, request), timeout.Token).WaitAsync(timeout.Token);
            candidateOutcome = plan is null ? "manual_review" : "confirmed";
        }
        catch (OperationCanceledException) when (!lifetime.ApplicationStopping.IsCancellationRequested)
        {
            Interlocked.Increment(ref _timedOut);
            candidateOutcome = "timeout";
            failure = $"dry run exceeded {options.Value.TimeoutMs} ms";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Interlocked.Increment(ref _failed);
            candidateOutcome = "error";
            failure = ex.GetType().Name + ": " + ex.Message;
        }
        var durationMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;

        // Record what the candidate would have done, as events only.
        await using var eventScope = scopes.CreateAsyncScope();
        var eventsDb = eventScope.ServiceProvider.GetRequiredService<BookingDb>();
        if (candidate == PipelineSelector.V3) AddV3Walk(eventsDb, booking, plan, candidateOutcome, failure, durationMs);
        else AddLegacyWalk(eventsDb, booking, plan, candidateOutcome, failure, durationMs);

        var controlOutcome = booking.AssignmentState switch
        {
            AssignmentState.Confirmed or AssignmentState.ManualReview or AssignmentState.Failed => StateNames.Of(booking.AssignmentState),
            _ => "pending",
        };
        var comparison = ShadowEvents.Comparison(booking.AssignmentPipeline, candidate, controlOutcome, candidateOutcome,
            sameTables: plan is not null && controlTables.Order().SequenceEqual(plan.TableIds.Order()),
            r.LabelsOf(controlTables), plan is null ? [] : r.LabelsOf(plan.TableIds), durationMs, failure);
        events.Add(eventsDb, comparison, booking.RestaurantId, booking.Id);
        await eventsDb.SaveChangesAsync(CancellationToken.None);
    }

    private void AddV3Walk(BookingDb db, Booking booking, TablePlan? plan, string outcome, string? failure, long durationMs)
    {
        var machine = AssignmentStateMachine.InMemory(AssignmentState.Created);
        var version = 0;
        void Add(AppEvent e) => events.Add(db, e, booking.RestaurantId, booking.Id);
        void Step(Func<AssignmentStateMachine, Transition> fire, string? reason = null) =>
            Add(StateMachineEvents.Transition(fire(machine), ++version, "shadow", reason, PipelineSelector.V3, shadow: true));
        Add(CoordinatorEvents.Start("shadow", attempt: 1, shadow: true));
        Step(m => m.VerifyCapacity());
        Step(m => m.Enqueue());
        Step(m => m.StartAssignment());
        if (plan is not null)
        {
            Step(m => m.CommitPlan());
            Step(m => m.Confirm());
            Add(CoordinatorEvents.Confirmed("shadow", plan.Strategy, attempts: 1, durationMs, shadow: true));
            return;
        }
        var reason = failure is null ? "no_table_combination_free" : outcome;
        Step(m => m.SendToManualReview(), reason);
        Add(failure is null ? CoordinatorEvents.ManualReview("shadow", reason, attempts: 1, shadow: true) : CoordinatorEvents.ShadowError(failure));
    }

    private void AddLegacyWalk(BookingDb db, Booking booking, TablePlan? plan, string outcome, string? failure, long durationMs)
    {
        var reason = plan is null ? failure ?? "no_table_combination_free" : null;
        events.Add(db, AutoAssignEvents.Attempt(1, plan is null ? outcome : "assigned", tables: null, reason, shadow: true), booking.RestaurantId, booking.Id);
        events.Add(db, AutoAssignEvents.Summary(plan is not null ? "succeeded" : failure is null ? "exhausted" : "error", 1, durationMs, reason, shadow: true),
            booking.RestaurantId, booking.Id);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "dry run of {Candidate} skipped for booking {BookingId}: all shadow slots busy")]
    private static partial void LogSkipped(ILogger logger, Guid bookingId, string candidate);

    [LoggerMessage(Level = LogLevel.Warning, Message = "dry run failed for booking {BookingId}; the live result is unaffected")]
    private static partial void LogFailed(ILogger logger, Exception ex, Guid bookingId);
}
