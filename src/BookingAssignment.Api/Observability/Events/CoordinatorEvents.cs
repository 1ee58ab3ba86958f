using BookingAssignment.Api.Locking;

namespace BookingAssignment.Api.Observability.Events;

/// <summary>Events of the V3 coordinator (source <c>assignment.coordinator</c>). Every context carries <c>trigger</c> and <c>shadow</c>.</summary>
internal static class CoordinatorEvents
{
    public const string Source = "assignment.coordinator";

    public static AppEvent Start(string trigger, int attempt, bool shadow = false) =>
        New("coordinator.start", Severity.Info, trigger, shadow, ("attempt", attempt));

    /// <summary>The lock a run holds: <c>lock_acquired</c> on the Redis quorum, <c>lock_degraded</c> on the database lock alone.</summary>
    public static AppEvent Lock(LockLease lease, string trigger) => lease.Mode == LockMode.Redis
        ? New("coordinator.lock_acquired", Severity.Info, trigger, false, ("wait_ms", Math.Round(lease.WaitMs, 1)))
        : New("coordinator.lock_degraded", Severity.Warning, trigger, false, ("wait_ms", Math.Round(lease.WaitMs, 1)), ("reason", "redis_unavailable"));

    public static AppEvent LockContention(LockLease lease, string trigger) =>
        New("coordinator.lock_contention", Severity.Warning, trigger, false, ("wait_ms", Math.Round(lease.WaitMs, 1)), ("reason", "lock_wait_exceeded"));

    public static AppEvent RateLimited(string trigger, int maxParallel, int inFlight) =>
        New("coordinator.rate_limited", Severity.Warning, trigger, false,
            ("reason", "max_parallel_queue_full"), ("max_parallel", maxParallel), ("in_flight", inFlight));

    /// <summary>A booking served by legacy because the coordinator breaker is open.</summary>
    public static AppEvent CircuitOpen(string trigger, DateTimeOffset? openedAt) =>
        New("coordinator.circuit_open", Severity.Warning, trigger, false,
            ("circuit_status", "open"), ("reason", "coordinator_circuit_open"), ("opened_at", openedAt));

    public static AppEvent FallbackLegacy(string trigger) =>
        New("coordinator.fallback_legacy", Severity.Warning, trigger, false, ("reason", "coordinator_circuit_open"));

    /// <summary>A breaker changed state (one event per change, for the breaker timeline).</summary>
    public static AppEvent BreakerChanged(string circuit, string status) => status == "open"
        ? New("coordinator.circuit_open", Severity.Error, "breaker", false, ("circuit", circuit), ("circuit_status", status), ("reason", "failure_ratio_exceeded"))
        : New("coordinator.circuit_state", Severity.Info, "breaker", false, ("circuit", circuit), ("circuit_status", status));

    public static AppEvent Confirmed(string trigger, string strategy, int attempts, long durationMs, IReadOnlyList<string>? tables = null,
        int? moves = null, bool shadow = false) =>
        New("coordinator.confirmed", Severity.Info, trigger, shadow,
            ("strategy", strategy), ("attempts", attempts), ("duration_ms", durationMs), ("tables", tables), ("moves", moves));

    public static AppEvent ManualReview(string trigger, string reason, int attempts, long? durationMs = null, bool shadow = false) =>
        New("coordinator.manual_review", Severity.Warning, trigger, shadow, ("reason", reason), ("attempts", attempts), ("duration_ms", durationMs));

    public static AppEvent Retry(string trigger, string reason, long delayMs, int attempts) =>
        New("coordinator.retry", Severity.Warning, trigger, false, ("reason", reason), ("delay_ms", delayMs), ("attempts", attempts));

    public static AppEvent Error(string trigger, Exception ex) =>
        New("coordinator.error", Severity.Error, trigger, false, ("reason", ex.GetType().Name), ("message", ex.GetBaseException().Message));

    /// <summary>A dry run that failed or timed out.</summary>
    public static AppEvent ShadowError(string failure) => New("coordinator.error", Severity.Error, "shadow", true, ("reason", failure));

    /// <summary>A booking moved to other tables to make room for another one.</summary>
    public static AppEvent Reassigned(string trigger, IReadOnlyList<string> oldTables, IReadOnlyList<string> newTables) =>
        New("assignment.reassigned", Severity.Info, trigger, false, ("old_tables", oldTables), ("new_tables", newTables));

    private static AppEvent New(string type, string severity, string trigger, bool shadow, params (string Key, object? Value)[] fields)
    {
        var context = new Dictionary<string, object?> { ["trigger"] = trigger, ["shadow"] = shadow };
        foreach (var (key, value) in fields) context[key] = value;
        return new AppEvent(Source, type, severity, context);
    }
}
