using BookingAssignment.Core.Planning;

namespace BookingAssignment.Core.Tests.Planning;

public class CapacityCheckSoundnessTests
{
    public static TheoryData<int> SeedBlocks => new() { 0, 1, 2, 3, 4, 5, 6, 7 };

    [Theory]
    [MemberData(nameof(SeedBlocks))]
    public void NeverRejectsARequestThatSomeRearrangementOfMovableBookingsCouldSeat(int block)
    {
        var check = new CapacityCheck();
        var seatable = 0;
        for (var seed = block * 250; seed < (block + 1) * 250; seed++)
        {
            var instance = RandomInstances.Make(seed);
            if (!ScheduleOracle.CanSeat(instance.Floor, instance.Occupied, instance.Request)) continue;
            seatable++;
            var result = check.Check(instance.Floor, instance.Occupied, instance.Request);
            Assert.True(result.Ok, $"seed {seed}: rejected ({result.Reason}) although the oracle seats party {instance.Request.PartySize}");
        }
        Assert.True(seatable > 50, $"only {seatable} seatable instances: the generator no longer exercises the check");
    }

    [Fact]
    public void RejectsSomeRequestsTheOracleCannotSeat()
    {
        // A check that accepts everything would pass the soundness test; make sure it still has teeth.
        var check = new CapacityCheck();
        var rejected = Enumerable.Range(0, 1000).Select(RandomInstances.Make)
            .Count(i => !check.Check(i.Floor, i.Occupied, i.Request).Ok);
        Assert.True(rejected > 20, $"only {rejected} of 1000 random requests rejected");
    }

    [Fact]
    public void RejectsWhenTheOnlyTableIsHeldByAnImmovableBooking()
    {
        var floor = PlanningFixtures.Floor(["A:1-4"], []);
        var occupied = new[] { floor.Booked(0, "A", PlanningFixtures.Window(0, 60), 2, movable: false) };
        var result = new CapacityCheck().Check(floor, occupied, new PlanRequest(2, PlanningFixtures.Window(30, 60)));
        Assert.False(result.Ok);
    }
}
