namespace Sebs.Core.Invocation;

/// <summary>
/// Threads of their own for the slots of the invocation window. On such a thread a trigger may block on its I/O, so a
/// measured call costs a send and a receive with no thread-pool hand-off (issue 15). Elsewhere triggers stay
/// asynchronous: a burst joined on the thread pool (forced cold starts, experiments) must not block the pool's threads.
/// </summary>
public static class InvocationThread
{
    [ThreadStatic] private static bool t_isCurrent;

    /// <summary>The threads every call shares; one left without a slot ends after 30 s.</summary>
    internal static InvocationThreadPool Shared { get; } = new(TimeSpan.FromSeconds(30));

    /// <summary>Whether the calling thread is an invocation thread, which a trigger may block.</summary>
    public static bool IsCurrent => t_isCurrent;

    /// <summary>
    /// Runs <paramref name="body"/> on <paramref name="count"/> invocation threads and completes when every one has
    /// returned: with the first failure if any failed, cancelled if they only stopped for cancellation.
    /// The body runs in the caller's execution context, as on a thread started for it.
    /// </summary>
    public static Task RunAsync(int count, Action body) => Shared.RunAsync(count, body);

    internal static void MarkCurrent() => t_isCurrent = true;
}
