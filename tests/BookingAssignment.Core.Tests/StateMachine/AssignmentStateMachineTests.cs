using BookingAssignment.Core.StateMachine;

namespace BookingAssignment.Core.Tests.StateMachine;

public class AssignmentStateMachineTests
{
    // Every transition SPEC §4.1 allows, and nothing else.
    private static readonly HashSet<(AssignmentState, AssignmentState)> Allowed =
    [
        (AssignmentState.Created, AssignmentState.CapacityVerified),
        (AssignmentState.CapacityVerified, AssignmentState.AssignmentPending),
        (AssignmentState.AssignmentPending, AssignmentState.AssignmentInProgress),
        (AssignmentState.AssignmentInProgress, AssignmentState.Assigned),
        (AssignmentState.Assigned, AssignmentState.Confirmed),
        (AssignmentState.AssignmentInProgress, AssignmentState.AssignmentPending),
        (AssignmentState.AssignmentInProgress, AssignmentState.ManualReview),
        (AssignmentState.AssignmentPending, AssignmentState.ManualReview),
        (AssignmentState.Assigned, AssignmentState.ManualReview),
        (AssignmentState.Created, AssignmentState.Failed),
        (AssignmentState.CapacityVerified, AssignmentState.Failed),
        (AssignmentState.AssignmentPending, AssignmentState.Failed),
        (AssignmentState.AssignmentInProgress, AssignmentState.Failed),
        (AssignmentState.Assigned, AssignmentState.Failed),
        (AssignmentState.ManualReview, AssignmentState.Confirmed),
        // Moves (the planner's, an operator's, a modification's, a floor change's) re-enter confirmed with their own triggers.
        (AssignmentState.Confirmed, AssignmentState.Confirmed),
        // SPEC §8: a floor change or block strands a confirmed booking that nothing re-seats.
        (AssignmentState.Confirmed, AssignmentState.ManualReview),
    ];

    private static readonly AssignmentTrigger[] Moves =
        [AssignmentTrigger.Reassign, AssignmentTrigger.OperatorReassign, AssignmentTrigger.Modify, AssignmentTrigger.FloorChange];

    [Fact]
    public void EveryStateAndTriggerPairMatchesTheSpecTransitionTable()
    {
        foreach (var state in Enum.GetValues<AssignmentState>())
        foreach (var trigger in Enum.GetValues<AssignmentTrigger>())
        {
            var machine = AssignmentStateMachine.InMemory(state);
            Transition? t = null;
            try { t = Fire(machine, trigger); }
            catch (InvalidOperationException) { }
            if (t is not null)
                Assert.True(Allowed.Contains((t.From, t.To)), $"{state} --{trigger}--> {t.To} is not in SPEC §4.1");
        }
        // and every allowed edge is reachable by some trigger
        foreach (var (from, to) in Allowed)
        {
            var reachable = Enum.GetValues<AssignmentTrigger>().Any(trigger =>
            {
                try { return Fire(AssignmentStateMachine.InMemory(from), trigger).To == to; }
                catch (InvalidOperationException) { return false; }
            });
            Assert.True(reachable, $"{from} → {to} is in the spec but the machine cannot do it");
        }
    }

    [Fact]
    public void TheHappyPathEndsConfirmedAndTerminal()
    {
        var m = AssignmentStateMachine.InMemory(AssignmentState.Created);
        m.VerifyCapacity(); m.Enqueue(); m.StartAssignment(); m.CommitPlan(); m.Confirm();
        Assert.Equal(AssignmentState.Confirmed, m.State);
        Assert.True(m.IsTerminal);
        Assert.False(m.CanRetry);
    }

    [Fact]
    public void FailedAcceptsNoTriggerAndConfirmedOnlyTheMovesAndStrand()
    {
        foreach (var trigger in Enum.GetValues<AssignmentTrigger>())
        {
            Assert.Throws<InvalidOperationException>(() => Fire(AssignmentStateMachine.InMemory(AssignmentState.Failed), trigger));
            if (Moves.Contains(trigger))
                Assert.Equal(AssignmentState.Confirmed, Fire(AssignmentStateMachine.InMemory(AssignmentState.Confirmed), trigger).To);
            else if (trigger == AssignmentTrigger.Strand)
                Assert.Equal(AssignmentState.ManualReview, Fire(AssignmentStateMachine.InMemory(AssignmentState.Confirmed), trigger).To);
            else
                Assert.Throws<InvalidOperationException>(() => Fire(AssignmentStateMachine.InMemory(AssignmentState.Confirmed), trigger));
        }
    }

    [Fact]
    public void TheDiagramShowsEveryTriggerTheHistoryCanRecord()
    {
        var diagram = AssignmentStateMachine.ToMermaid();
        foreach (var trigger in Enum.GetValues<AssignmentTrigger>())
        {
            Assert.Contains($": {trigger}", diagram, StringComparison.Ordinal);
            Assert.Matches("^[a-z_]+$", StateNames.Of(trigger)); // the spelling in booking_assignment_state_history.trigger
        }
    }

    [Fact]
    public void StateNamesRoundTripAndMatchTheEightContractValues()
    {
        var names = Enum.GetValues<AssignmentState>().Select(StateNames.Of).ToArray();
        Assert.Equal(["created", "capacity_verified", "assignment_pending", "assignment_in_progress", "assigned", "confirmed", "failed", "manual_review"], names);
        foreach (var s in Enum.GetValues<AssignmentState>()) Assert.Equal(s, StateNames.Parse(StateNames.Of(s)));
    }

    [Fact]
    public void TheDiagramInDocsMatchesTheCode()
    {
        var docs = FindRepoFile("docs/state-machine.md");
        var expected = AssignmentStateMachine.ToMermaid().Trim();
        var text = File.ReadAllText(docs).Replace("\r\n", "\n");
        Assert.True(text.Contains(expected.Replace("\r\n", "\n"), StringComparison.Ordinal),
            $"docs/state-machine.md is out of date. Replace its mermaid block with:\n{expected}");
    }

    private static Transition Fire(AssignmentStateMachine m, AssignmentTrigger trigger) => trigger switch
    {
        AssignmentTrigger.VerifyCapacity => m.VerifyCapacity(),
        AssignmentTrigger.Enqueue => m.Enqueue(),
        AssignmentTrigger.Start => m.StartAssignment(),
        AssignmentTrigger.PlanCommitted => m.CommitPlan(),
        AssignmentTrigger.Confirm => m.Confirm(),
        AssignmentTrigger.Retry => m.Retry(),
        AssignmentTrigger.SendToManualReview => m.SendToManualReview(),
        AssignmentTrigger.Fail => m.Fail(),
        AssignmentTrigger.OperatorAssign => m.OperatorAssign(),
        AssignmentTrigger.Reassign => m.Reassign(),
        AssignmentTrigger.OperatorReassign => m.OperatorReassign(),
        AssignmentTrigger.Modify => m.Modify(),
        AssignmentTrigger.FloorChange => m.FloorChange(),
        AssignmentTrigger.Strand => m.Strand(),
        _ => throw new ArgumentOutOfRangeException(nameof(trigger)),
    };

    private static string FindRepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}
