<#
.SYNOPSIS
    Issue target: harness overhead of Invoke-SebsBenchmark against a raw HTTP POST loop to the same function server.
.DESCRIPTION
    Deploys 010.sleep on the local platform, then in the same run:
      - Sebs: 100 warm invocations with -Payload @{sleep=0}; overhead = ClientMs - BenchmarkMs per invocation;
      - raw: 100 POSTs of the same payload from a compiled HttpClient loop (no PowerShell per request) to the
        same server; overhead = round trip - (end - begin) reported by the server.
    Prints both medians and their ratio (target: at most 1.3), then times a second Invoke-SebsBenchmark with
    unchanged code and shows from the verbose stream that nothing was rebuilt or restarted.
.EXAMPLE
    pwsh -NoProfile -File tests/perf/Measure-HarnessOverhead.ps1 -ModulePath out/Sebs/Sebs.psd1
#>
param(
    [string]$ModulePath = (Join-Path $PSScriptRoot '../../out/Sebs/Sebs.psd1'),
    [int]$Count = 100,
    [ValidateSet('python', 'nodejs')][string]$Language = 'python',
    [ValidateSet('Process', 'Docker')][string]$Sandbox = 'Process'
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force
$cache = Join-Path ([IO.Path]::GetTempPath()) ("sebs-perf-" + [guid]::NewGuid().ToString('N').Substring(0, 8))

Add-Type -TypeDefinition @'
using System;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http;
using System.Text;
using System.Text.Json;
public static class SebsRawLoop {
    // Round trip and server-side (end - begin) per POST, in ms.
    public static double[][] Run(string url, string body, int count) {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var rtt = new double[count]; var inner = new double[count];
        for (int i = -5; i < count; i++) {   // 5 untimed warm-ups
            var sw = Stopwatch.StartNew();
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = client.PostAsync(url, content).GetAwaiter().GetResult();
            var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            sw.Stop();
            if (i < 0) continue;
            using var doc = JsonDocument.Parse(text);
            var b = decimal.Parse(doc.RootElement.GetProperty("begin").GetString(), CultureInfo.InvariantCulture);
            var e = decimal.Parse(doc.RootElement.GetProperty("end").GetString(), CultureInfo.InvariantCulture);
            rtt[i] = sw.Elapsed.TotalMilliseconds; inner[i] = (double)((e - b) * 1000m);
        }
        return new[] { rtt, inner };
    }
}
'@

function Get-Median([double[]]$values) {
    $s = $values | Sort-Object
    $n = $s.Count
    if ($n % 2) { $s[($n - 1) / 2] } else { ($s[$n / 2 - 1] + $s[$n / 2]) / 2 }
}

try {
    $common = @{ Language = $Language; Sandbox = $Sandbox; CachePath = $cache; Payload = @{ sleep = 0 } }
    $deploy = [Diagnostics.Stopwatch]::StartNew()
    $function = New-SebsFunction 010.sleep -Language $Language -Sandbox $Sandbox -CachePath $cache
    Invoke-SebsBenchmark 010.sleep @common -Repetitions 5 | Out-Null   # cold start + warm-up
    $deploy.Stop()

    $sebs = Invoke-SebsBenchmark 010.sleep @common -Repetitions $Count
    if ($sebs | Where-Object Failed) { throw "failed invocations: $(($sebs | Where-Object Failed).ErrorMessage -join '; ')" }
    $sebsOverhead = Get-Median ($sebs | ForEach-Object { $_.ClientMs - $_.BenchmarkMs })
    $sebsClient = Get-Median $sebs.ClientMs

    $raw = [SebsRawLoop]::Run($function.Url, '{"sleep": 0}', $Count)
    $rawOverhead = Get-Median (0..($Count - 1) | ForEach-Object { $raw[0][$_] - $raw[1][$_] })
    $rawClient = Get-Median $raw[0]

    $second = [Diagnostics.Stopwatch]::StartNew()
    $out = Invoke-SebsBenchmark 010.sleep @common -Repetitions 1 -Verbose 4>&1
    $second.Stop()
    $verbose = ($out | Where-Object { $_ -is [Management.Automation.VerboseRecord] }).Message

    [pscustomobject]@{
        Language              = $Language
        Sandbox               = $Sandbox
        Invocations           = $Count
        SebsMedianOverheadMs  = [math]::Round($sebsOverhead, 3)
        RawMedianOverheadMs   = [math]::Round($rawOverhead, 3)
        OverheadRatio         = [math]::Round($sebsOverhead / $rawOverhead, 2)
        SebsMedianClientMs    = [math]::Round($sebsClient, 3)
        RawMedianRoundTripMs  = [math]::Round($rawClient, 3)
        FirstDeployMs         = $deploy.ElapsedMilliseconds
        SecondInvokeTotalMs   = $second.ElapsedMilliseconds
        SecondInvokeRebuilt   = [bool]($verbose -match 'Building code package|Rebuilding')
        SecondInvokeRestarted = [bool]($verbose -match 'Started .* sandbox')
    } | Format-List
    'Second invoke, verbose:'
    $verbose | ForEach-Object { "  $_" }
}
finally {
    Get-SebsFunction -CachePath $cache | Remove-SebsFunction -CachePath $cache -Force
    Remove-Item -Recurse -Force $cache -ErrorAction SilentlyContinue
}
