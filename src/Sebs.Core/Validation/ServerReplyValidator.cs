using System.Text.Json.Nodes;

namespace Sebs.Core.Validation;

/// <summary>
/// 040.server-reply: SeBS has no check; the function returns what the server sent, so the result must be a non-empty
/// string, and the payload must have named a server. A payload field <c>expected</c> (not sent by SeBS) pins the message.
/// </summary>
public sealed class ServerReplyValidator : IOutputValidator
{
    public string Benchmark => "040.server-reply";

    public Task<string?> ValidateAsync(ValidationContext context, CancellationToken cancellationToken)
    {
        var result = context.Output?["result"];
        string? problem;
        if (context.Payload["ip-address"] is null || context.Payload["port"] is null)
            problem = "the payload names no server ('ip-address', 'port'); the size inputs only carry 'sleep'";
        else if (result is not JsonValue v || !v.TryGetValue<string>(out var message))
            problem = $"result is {result?.ToJsonString() ?? "missing"}, expected the server's message as a string";
        else if (message.Length == 0)
            problem = "the server's message is empty";
        else if (context.Payload["expected"] is JsonValue e && e.TryGetValue<string>(out var expected) && expected != message)
            problem = $"the message is '{message}', expected '{expected}'";
        else
            problem = null;
        return Task.FromResult(problem);
    }
}
