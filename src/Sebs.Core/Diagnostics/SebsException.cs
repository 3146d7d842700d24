namespace Sebs.Core;

/// <summary>What went wrong, in terms the PowerShell layer maps onto an ErrorCategory.</summary>
public enum SebsErrorKind
{
    NotSpecified,
    InvalidArgument,
    InvalidData,
    ObjectNotFound,
    ResourceUnavailable,
    ConnectionError,
    AuthenticationError,
    OperationTimeout,
    InvalidOperation,
    WriteError,
    OperationStopped,
}

/// <summary>An error with a stable id that scripts can match on (<c>$_.FullyQualifiedErrorId</c>).</summary>
public class SebsException : Exception
{
    public SebsException(string errorId, SebsErrorKind kind, string message, Exception? inner = null, object? target = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
        Target = target;
    }

    public string ErrorId { get; }
    public SebsErrorKind Kind { get; }
    public object? Target { get; }
}

/// <summary>Every error id Sebs raises, in one place so they stay stable.</summary>
public static class SebsErrorIds
{
    public const string UnknownPlatform = "Sebs.UnknownPlatform";
    public const string UnknownBenchmark = "Sebs.UnknownBenchmark";
    public const string UnknownLanguage = "Sebs.UnknownLanguage";
    public const string UnknownSize = "Sebs.UnknownSize";
    public const string InvalidBenchmarkConfig = "Sebs.InvalidBenchmarkConfig";
    public const string InvalidConfig = "Sebs.InvalidConfig";
    public const string ConfigNotFound = "Sebs.ConfigNotFound";
    public const string MissingCredentials = "Sebs.MissingCredentials";
    public const string CacheLocked = "Sebs.CacheLocked";
    public const string CacheCorrupt = "Sebs.CacheCorrupt";
    public const string DockerUnreachable = "Sebs.DockerUnreachable";
    public const string PackageBuildFailed = "Sebs.PackageBuildFailed";
    public const string FunctionStartFailed = "Sebs.FunctionStartFailed";
    public const string FunctionNotFound = "Sebs.FunctionNotFound";
    public const string InvocationFailed = "Sebs.InvocationFailed";
    public const string InputGenerationFailed = "Sebs.InputGenerationFailed";
    public const string StorageError = "Sebs.StorageError";
    public const string ResultFileInvalid = "Sebs.ResultFileInvalid";
    public const string ResultFileNotFound = "Sebs.ResultFileNotFound";
    public const string PlatformNotSupported = "Sebs.PlatformNotSupported";
    /// <summary>A cloud control-plane call was refused or failed (the message carries the service, operation and error code).</summary>
    public const string CloudRequestFailed = "Sebs.CloudRequestFailed";
    /// <summary>A load host (-ComputerName/-Session) could not be reached or its session could not be opened.</summary>
    public const string RemoteHostUnreachable = "Sebs.RemoteHostUnreachable";
    /// <summary>A load host runs another version of the Sebs module than the caller (or none).</summary>
    public const string RemoteModuleMismatch = "Sebs.RemoteModuleMismatch";
    /// <summary>Only HTTP triggers fan out over load hosts: a library trigger would need the caller's cloud credentials there.</summary>
    public const string RemoteTriggerUnsupported = "Sebs.RemoteTriggerUnsupported";
    /// <summary>A load host dropped out of a run (the others went on); the message names it and what it finished.</summary>
    public const string RemoteHostFailed = "Sebs.RemoteHostFailed";
    /// <summary>-Payload is not a JSON object, or holds text that cannot be sent as UTF-8.</summary>
    public const string InvalidPayload = "Sebs.InvalidPayload";
    /// <summary>A name that becomes part of a file or container name (function, benchmark) has a path separator, "..", or other characters no platform allows.</summary>
    public const string InvalidName = "Sebs.InvalidName";
    /// <summary>A folder given as a parameter (-BenchmarkPath, -Path) does not exist.</summary>
    public const string PathNotFound = "Sebs.PathNotFound";
    /// <summary>The results file or folder cannot be written; said before anything is deployed or invoked.</summary>
    public const string ResultsNotWritable = "Sebs.ResultsNotWritable";
    /// <summary>New-SebsConfig -Path names an existing file and -Force was not given.</summary>
    public const string ConfigExists = "Sebs.ConfigExists";
    /// <summary>Export-SebsChart got options that do not fit the chart kind.</summary>
    public const string InvalidChartOptions = "Sebs.InvalidChartOptions";
    /// <summary>Export-SebsChart got no results it can plot.</summary>
    public const string NoChartData = "Sebs.NoChartData";
    /// <summary>A case of Invoke-SebsRegression failed.</summary>
    public const string RegressionFailed = "Sebs.RegressionFailed";

    // What the cmdlets give exceptions that are not SebsExceptions (SebsCmdlet.ToErrorRecord), so every error has a Sebs id.
    public const string AccessDenied = "Sebs.AccessDenied";
    public const string IOError = "Sebs.IOError";
    public const string Timeout = "Sebs.Timeout";
    public const string ConnectionError = "Sebs.ConnectionError";
    public const string OperationStopped = "Sebs.OperationStopped";
    public const string InvalidArgument = "Sebs.InvalidArgument";
    public const string UnexpectedError = "Sebs.UnexpectedError";
}
