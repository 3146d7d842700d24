namespace Sebs.Core.Results;

/// <summary>
/// Deterministic fake results for load tests of the result cmdlets (a million objects built in a PowerShell loop
/// would take longer than the code under test). Not used by any benchmark run.
/// </summary>
public static class SyntheticResults
{
    /// <summary>
    /// <paramref name="count"/> results spread over <paramref name="functions"/> function names, about one in ten cold,
    /// with log-normal client times around 50 ms (cold ones 5× slower).
    /// </summary>
    public static ExecutionResult[] Create(int count, int functions = 4, int seed = 42)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(functions, 1);
        var random = new Random(seed);
        var names = Enumerable.Range(0, functions).Select(i => $"sebs-synthetic-{110 + i}.dynamic-html-python-3.11").ToArray();
        var start = new DateTime(2026, 1, 1, 12, 0, 0);
        var results = new ExecutionResult[count];
        for (var i = 0; i < count; i++)
        {
            var cold = random.Next(10) == 0;
            // Box-Muller normal → log-normal, so the data has the right-skew real latencies have.
            var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            var clientUs = (long)(Math.Exp(Math.Log(50_000) + 0.25 * normal) * (cold ? 5 : 1));
            var begin = start.AddTicks(i * 10_000L);
            results[i] = new ExecutionResult
            {
                Benchmark = "110.dynamic-html",
                Platform = "local",
                Language = "python",
                LanguageVersion = "3.11",
                FunctionName = names[i % functions],
                Invocation = i,
                RequestId = $"req-{i:x8}",
                Times = new ExecutionTimes
                {
                    ClientMicroseconds = clientUs,
                    BenchmarkMicroseconds = clientUs * 8 / 10,
                    ClientBegin = begin,
                    ClientEnd = begin.AddTicks(clientUs * 10),
                },
                Stats = new ExecutionStats { ColdStart = cold, MemoryUsedMB = 40 + random.Next(20) },
            };
        }
        return results;
    }
}
