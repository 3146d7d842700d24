using Sebs.Core;
using Sebs.Core.Http;
using Xunit;

namespace Sebs.Tests.Http;

public class OperationPollerTests
{
    [Fact]
    public async Task Polls_until_the_operation_is_done()
    {
        var looks = 0;
        var value = await OperationPoller.PollAsync(_ => Task.FromResult(++looks < 3 ? PollStep<string>.Running("InProgress") : PollStep<string>.Finished("Succeeded")),
            new PollOptions(TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(10), "Creating the app"), CancellationToken.None);
        Assert.Equal("Succeeded", value);
        Assert.Equal(3, looks);
    }

    [Fact]
    public async Task A_deadline_ends_polling_with_the_last_status_never_an_endless_loop()
    {
        var ex = await Assert.ThrowsAsync<SebsException>(() => OperationPoller.PollAsync(_ => Task.FromResult(PollStep<int>.Running("Redeployed 0 out of 1")),
            new PollOptions(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(200), "The new revision"), CancellationToken.None));
        Assert.Equal(SebsErrorKind.OperationTimeout, ex.Kind);
        Assert.Contains("The new revision did not finish within", ex.Message);
        Assert.Contains("Redeployed 0 out of 1", ex.Message);
    }

    [Fact]
    public async Task Attempts_that_run_out_return_what_is_known()
    {
        var looks = 0;
        var value = await OperationPoller.PollAsync(_ => Task.FromResult(PollStep<int>.Running("lagging", value: ++looks)),
            new PollOptions(TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(10), "Logs") { MaxAttempts = 3 }, CancellationToken.None);
        Assert.Equal(3, value);
    }

    [Fact]
    public async Task Errors_of_a_look_are_not_swallowed()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => OperationPoller.PollAsync<int>(_ => throw new InvalidOperationException("Failed"),
            new PollOptions(TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(10), "Op"), CancellationToken.None));
    }
}
