using Pmm.Core.Cycles;

namespace Pmm.Core.Tests;

public class CycleRulesTests
{
    static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    // A well-formed request has no problems; each bad field is named.
    [Fact]
    public void CheckOpen_Fields_Checked()
    {
        Assert.Empty(CycleRules.CheckOpen("pmm-2026", 2025, Now.AddDays(1), Now));
        Assert.Equal(3, CycleRules.CheckOpen("a/b", 1999, Now.AddDays(-1), Now).Count);
    }

    // An open cycle past its deadline refuses with a reason that says so; a closed one (or one whose closing failed) says it is closed.
    [Fact]
    public void RefuseSubmission_GivesTheReason()
    {
        var open = new Cycle("c1", 2025, Now.AddDays(1), CycleStatus.Open, Now.AddDays(-10), null, null, "2026.1", "2026.1");

        Assert.Null(CycleRules.RefuseSubmission(open, Now));
        Assert.Equal("deadline-passed", CycleRules.RefuseSubmission(open, Now.AddDays(2))!.Code);
        Assert.Equal("cycle-closed", CycleRules.RefuseSubmission(open with { Status = CycleStatus.Closed, ClosedReason = "deadline passed" }, Now)!.Code);
        Assert.Equal("cycle-closed", CycleRules.RefuseSubmission(open with { Status = CycleStatus.Failed, ClosedReason = "closed by staff (x)" }, Now)!.Code);
    }
}
