using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Sebs.Core;
using Sebs.Core.Remoting;

namespace Sebs.Cmdlets.Remoting;

/// <summary>
/// A load host reached through PowerShell remoting: a PSSession's runspace, on which Core's orders run as pipelines.
/// PowerShell streams each output line back as the host writes it; one pipeline at a time per runspace.
/// </summary>
internal sealed class PowerShellLoadHost : ILoadHost
{
    private const string ClockScript = "[Sebs.Core.Remoting.RemoteAgent]::UtcNowTicks()";
    // foreach over the agent's lazy enumerable writes each line to the output as soon as the agent yields it.
    private const string RunScript = "param([string]$Order) foreach ($line in [Sebs.Core.Remoting.RemoteAgent]::Run($Order)) { $line }";
    private const string HandshakeScript = """
        param([string]$ModulePath)
        $ErrorActionPreference = 'Stop'
        $m = Get-Module Sebs | Select-Object -First 1
        if (-not $m) { $m = Import-Module $ModulePath -PassThru -DisableNameChecking | Where-Object Name -eq 'Sebs' | Select-Object -First 1 }
        if (-not $m) { throw "Importing '$ModulePath' did not load a module named Sebs." }
        [pscustomobject]@{ Version = $m.Version.ToString(); Path = $m.Path; Machine = [Environment]::MachineName; ProcessId = $PID }
        """;

    private readonly SemaphoreSlim _gate = new(1, 1);

    public PowerShellLoadHost(string name, PSSession session)
    {
        Name = name;
        Session = session;
    }

    public string Name { get; }
    public PSSession Session { get; }
    /// <summary>The Sebs version the host loaded and where from (after <see cref="HandshakeAsync"/>).</summary>
    public string? ModuleVersion { get; private set; }
    public string? ModulePath { get; private set; }
    /// <summary>Id of the PowerShell process serving the session on the host.</summary>
    public int? ProcessId { get; private set; }

    /// <summary>Loads Sebs on the host (unless the session already has it) and checks it is the caller's version.</summary>
    public async Task HandshakeAsync(string modulePath, Version expected, CancellationToken ct)
    {
        PSObject info;
        try
        {
            info = (await InvokeAsync(HandshakeScript, new object[] { modulePath }, null, ct).ConfigureAwait(false)).Single();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new SebsException(SebsErrorIds.RemoteModuleMismatch, SebsErrorKind.InvalidOperation,
                $"Load host {Name} could not load the Sebs module ('{modulePath}'): {ex.Message} Install Sebs {expected} there or give -RemoteModulePath.",
                ex, target: Name);
        }
        ModuleVersion = info.Properties["Version"]?.Value?.ToString();
        ModulePath = info.Properties["Path"]?.Value?.ToString();
        ProcessId = info.Properties["ProcessId"]?.Value is { } pid ? Convert.ToInt32(pid, System.Globalization.CultureInfo.InvariantCulture) : null;
        if (!Version.TryParse(ModuleVersion, out var actual) || actual != expected)
            throw new SebsException(SebsErrorIds.RemoteModuleMismatch, SebsErrorKind.InvalidOperation,
                $"Load host {Name} runs Sebs {ModuleVersion} ({ModulePath}), the caller Sebs {expected}: every host must run the same version.",
                target: Name);
    }

    public async Task<DateTime> ReadClockAsync(CancellationToken ct)
    {
        var output = await InvokeAsync(ClockScript, Array.Empty<object>(), null, ct).ConfigureAwait(false);
        return new DateTime(Convert.ToInt64(output.Single().BaseObject, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);
    }

    public Task RunAsync(RemoteOrder order, Action<string> onLine, CancellationToken ct) =>
        InvokeAsync(RunScript, new object[] { order.ToJson() }, item => onLine(item.BaseObject as string ?? item.ToString()), ct);

    private async Task<IReadOnlyList<PSObject>> InvokeAsync(string script, object[] args, Action<PSObject>? onItem, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (Session.Runspace.RunspaceStateInfo.State != RunspaceState.Opened)
                throw new SebsException(SebsErrorIds.RemoteHostUnreachable, SebsErrorKind.ConnectionError,
                    $"The session to load host {Name} is {Session.Runspace.RunspaceStateInfo.State}.", target: Name);
            using var ps = PowerShell.Create();
            ps.Runspace = Session.Runspace;
            ps.AddScript(script);
            foreach (var a in args) ps.AddArgument(a);
            var input = new PSDataCollection<PSObject>();
            input.Complete();
            using var output = new PSDataCollection<PSObject>();
            var kept = new List<PSObject>();
            var drain = new object();
            output.DataAdded += (_, _) =>
            {
                // ReadAll takes the items out, so a long run does not keep every line in memory.
                lock (drain)
                    foreach (var item in output.ReadAll())
                    {
                        if (onItem is null) kept.Add(item);
                        else onItem(item);
                    }
            };
            using var stop = ct.Register(() =>
            {
                try { ps.BeginStop(null, null); } catch (InvalidOperationException) { }
            });
            try
            {
                await Task.Factory.FromAsync(ps.BeginInvoke(input, output), ps.EndInvoke).ConfigureAwait(false);
            }
            catch (PipelineStoppedException) when (ct.IsCancellationRequested)
            {
                throw new OperationCanceledException(ct);
            }
            var errors = ps.Streams.Error.ReadAll();
            if (errors.Count > 0)
                throw new SebsException(SebsErrorIds.RemoteHostFailed, SebsErrorKind.InvalidOperation,
                    $"Load host {Name}: {string.Join("; ", errors.Select(e => e.ToString()))}", errors[0].Exception, target: Name);
            lock (drain) return kept.ToList();
        }
        finally
        {
            _gate.Release();
        }
    }
}
