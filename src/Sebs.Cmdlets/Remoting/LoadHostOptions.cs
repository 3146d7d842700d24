using System.Collections;
using System.Management.Automation.Runspaces;
using Sebs.Core;

namespace Sebs.Cmdlets.Remoting;

/// <summary>
/// The load hosts a run fans out over, as the user gave them: PSSessions they opened, or host names to open SSH
/// sessions to (<c>[user@]host[:port]</c>, with -UserName, -KeyFilePath and -SshOption as New-PSSession takes them).
/// </summary>
internal sealed record LoadHostOptions(
    IReadOnlyList<string> ComputerNames,
    IReadOnlyList<PSSession> Sessions,
    string? UserName,
    string? KeyFilePath,
    Hashtable? SshOptions,
    string ModulePath,
    Version ModuleVersion)
{
    /// <summary>Name the hosts are asked to import when no -RemoteModulePath is given: Sebs from their PSModulePath.</summary>
    public const string DefaultModule = "Sebs";

    /// <summary>Null when neither -ComputerName nor -Session was given (the run stays on this machine).</summary>
    public static LoadHostOptions? From(string[]? computerName, PSSession[]? session, string? userName, string? keyFilePath, Hashtable? sshOption,
        string? remoteModulePath, Version moduleVersion)
    {
        if ((computerName is null || computerName.Length == 0) && (session is null || session.Length == 0)) return null;
        if (computerName is { Length: > 0 } && session is { Length: > 0 })
            throw new SebsException(SebsErrorIds.InvalidConfig, SebsErrorKind.InvalidArgument, "Give load hosts either as -ComputerName or as -Session, not both.");
        return new LoadHostOptions(computerName ?? Array.Empty<string>(), session ?? Array.Empty<PSSession>(), userName, keyFilePath, sshOption,
            string.IsNullOrWhiteSpace(remoteModulePath) ? DefaultModule : remoteModulePath, moduleVersion);
    }

    /// <summary>Splits <c>[user@]host[:port]</c> (a bracketed IPv6 address keeps its colons).</summary>
    public static (string? User, string Host, int? Port) ParseHost(string text)
    {
        string? user = null;
        var at = text.LastIndexOf('@');
        if (at > 0) { user = text[..at]; text = text[(at + 1)..]; }
        int? port = null;
        var colon = text.LastIndexOf(':');
        var bracket = text.LastIndexOf(']');
        if (colon > bracket && text.IndexOf(':') == colon && int.TryParse(text[(colon + 1)..], out var p))
        {
            port = p;
            text = text[..colon];
        }
        else if (colon > 0 && bracket > 0 && colon == bracket + 1 && int.TryParse(text[(colon + 1)..], out var p6))
        {
            port = p6;
            text = text[..colon];
        }
        return (user, text.Trim('[', ']'), port);
    }
}
