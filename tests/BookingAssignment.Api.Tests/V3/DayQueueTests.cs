using BookingAssignment.Api.Assignment;

namespace BookingAssignment.Api.Tests.V3;

/// <summary>
/// The overflow path's turns (<see cref="DayQueue"/>): one request of a restaurant day at a time, in
/// arrival order; a waiter whose day refuses someone while it waits checks the day, and leaves the
/// queue only with a refusal, never with the turn of the request in front of it.
/// </summary>
public sealed class DayQueueTests
{
    private static readonly (Guid, DateOnly) Day = (Guid.NewGuid(), new DateOnly(2027, 3, 5));
    private static readonly Task<SubmitOutcome.Rejected?> MayFit = Task.FromResult<SubmitOutcome.Rejected?>(null);

    private static long? Seen(ref long lastRefusal) => Interlocked.Read(ref lastRefusal) is var n and not 0 ? n : null;

    [Fact]
    public async Task OneAtATimeInArrivalOrder()
    {
        using var queue = new DayQueue(TimeProvider.System);
        var order = new List<int>();
        var (first, _) = await queue.WaitAsync(Day, () => null, () => MayFit, CancellationToken.None);
        var waiting = Enumerable.Range(1, 3).Select(async i =>
        {
            var (turn, refused) = await queue.WaitAsync(Day, () => null, () => MayFit, CancellationToken.None);
            Assert.Null(refused);
            lock (order) order.Add(i);
            turn!.Dispose();
        }).ToList();
        Assert.All(waiting, w => Assert.False(w.IsCompleted));
        first!.Dispose();
        await Task.WhenAll(waiting);
        Assert.Equal(new[] { 1, 2, 3 }, order);
    }

    [Fact]
    public async Task AWaiterWhoseDayRefusesLeavesWithTheRefusalAndTheTurnStaysWhereItWas()
    {
        using var queue = new DayQueue(TimeProvider.System);
        var (holder, _) = await queue.WaitAsync(Day, () => null, () => MayFit, CancellationToken.None);
        long lastRefusal = 0; // 0: none lately
        var checks = 0;
        var refusal = new SubmitOutcome.Rejected("no_availability", []);
        var leaving = queue.WaitAsync(Day, () => Seen(ref lastRefusal), () =>
        {
            Interlocked.Increment(ref checks);
            return Task.FromResult<SubmitOutcome.Rejected?>(refusal);
        }, CancellationToken.None);
        var fitting = queue.WaitAsync(Day, () => Seen(ref lastRefusal), () => MayFit, CancellationToken.None);

        Interlocked.Exchange(ref lastRefusal, 7); // the day refused someone
        var (turn, refused) = await leaving;
        Assert.Null(turn);
        Assert.Same(refusal, refused);
        Assert.Equal(1, checks);
        Assert.False(fitting.IsCompleted); // the holder still has the turn

        holder!.Dispose();
        var (next, none) = await fitting; // the one that may fit gets the turn
        Assert.Null(none);
        next!.Dispose();
        var (again, _) = await queue.WaitAsync(Day, () => null, () => MayFit, CancellationToken.None);
        again!.Dispose(); // and passes it on: nothing was left held
    }

    [Fact]
    public async Task AFailedCheckLeavesTheQueueWithoutStallingIt()
    {
        using var queue = new DayQueue(TimeProvider.System);
        var (holder, _) = await queue.WaitAsync(Day, () => null, () => MayFit, CancellationToken.None);
        var failing = queue.WaitAsync(Day, () => 3, () => Task.FromException<SubmitOutcome.Rejected?>(new TimeoutException("database gone")),
            CancellationToken.None);
        var behind = queue.WaitAsync(Day, () => null, () => MayFit, CancellationToken.None);
        await Assert.ThrowsAsync<TimeoutException>(() => failing);
        Assert.False(behind.IsCompleted);
        holder!.Dispose();
        var (turn, refused) = await behind; // the failed waiter's place was given up, not kept
        Assert.Null(refused);
        turn!.Dispose();
    }

    [Fact]
    public async Task AWaiterLooksAgainOnlyWhenTheDayRefusedSomeoneSinceItLooked()
    {
        using var queue = new DayQueue(TimeProvider.System);
        var (holder, _) = await queue.WaitAsync(Day, () => null, () => MayFit, CancellationToken.None);
        long lastRefusal = 1;
        var checks = 0;
        var waiter = queue.WaitAsync(Day, () => Seen(ref lastRefusal), () =>
        {
            Interlocked.Increment(ref checks);
            return MayFit;
        }, CancellationToken.None);
        while (Volatile.Read(ref checks) == 0) await Task.Delay(DayQueue.LookEvery);
        for (var i = 0; i < 5; i++) await Task.Delay(DayQueue.LookEvery);
        Assert.Equal(1, Volatile.Read(ref checks)); // the same refusal: not checked again
        Interlocked.Exchange(ref lastRefusal, 2);
        while (Volatile.Read(ref checks) == 1) await Task.Delay(DayQueue.LookEvery);
        Assert.Equal(2, Volatile.Read(ref checks));
        Assert.False(waiter.IsCompleted);
        holder!.Dispose();
        var (turn, refused) = await waiter;
        Assert.Null(refused);
        turn!.Dispose();
    }
}
